package dev.fraudmonitor.console;

import dev.fraudmonitor.console.auth.Passwords;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Real parts for a console test: topics of its own, a Redis prefix of its own, a users file. */
public final class ConsoleEnv {
    public static final String REP = "rep.anna";
    public static final String ANALYST = "ana.lyst";
    public static final String PASSWORD = "correct horse battery";

    public final String alerts;
    public final String holds;
    public final String labels;
    public final String redisPrefix;
    public final Path usersFile;
    public final EmbeddedKafka kafka;
    public final EmbeddedRedis redis;

    public ConsoleEnv(EmbeddedKafka kafka, EmbeddedRedis redis) {
        this.kafka = kafka;
        this.redis = redis;
        String id = UUID.randomUUID().toString().substring(0, 8);
        alerts = "fraud.alerts-" + id;
        holds = "fraud.holds-" + id;
        labels = "fraud.labels-" + id;
        kafka.createTopic(alerts, 2);
        kafka.createTopic(holds, 2);
        kafka.createTopic(labels, 1);
        redisPrefix = redis.newKeyPrefix();
        try {
            usersFile = Files.createTempFile(Path.of("target"), "users-", ".txt");
            // Strength 4 keeps the tests fast; production hashes use 12.
            Files.writeString(
                    usersFile,
                    "# test users\n"
                            + REP
                            + " rep "
                            + Passwords.hash(PASSWORD, 4)
                            + "\n"
                            + ANALYST
                            + " analyst "
                            + Passwords.hash(PASSWORD, 4)
                            + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Arguments for {@link ConsoleConfig#parse}. */
    public List<String> args(String jdbcUrl, String... extra) {
        List<String> a =
                new ArrayList<>(
                        List.of(
                                "--kafka",
                                kafka.bootstrapServers(),
                                "--redis",
                                redis.url(),
                                "--redis-prefix",
                                redisPrefix,
                                "--jdbc-url",
                                jdbcUrl,
                                "--db-user",
                                "postgres",
                                "--users",
                                usersFile.toString(),
                                "--port",
                                "0",
                                "--metrics-port",
                                "0",
                                "--alerts-topic",
                                alerts,
                                "--holds-topic",
                                holds,
                                "--labels-topic",
                                labels));
        a.addAll(List.of(extra));
        return a;
    }

    public ConsoleConfig config(String jdbcUrl, String... extra) throws IOException {
        return ConsoleConfig.parse(args(jdbcUrl, extra), Map.of());
    }

    /** Polls {@code check} until it is true or {@code timeout} passes. */
    public static void await(
            String what, Duration timeout, java.util.function.BooleanSupplier check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }
}
