package dev.fraudmonitor.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fraudmonitor.console.CareConsole;
import dev.fraudmonitor.console.ConsoleConfig;
import dev.fraudmonitor.console.auth.Passwords;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The care console beside the job in {@link DashboardMetricsITCase}: it reads the job's alerts, a
 * rep confirms one case over HTTP, and its {@code /metrics} is the second exposition the dashboards
 * may name (the {@code fraud_console_*} series, rule precision among them).
 */
final class ConsoleMetricsSource implements AutoCloseable {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern CASE = Pattern.compile("data-case-id=\"([^\"]+)\"");

    private final EmbeddedPostgres pg;
    private final CareConsole console;
    private final HttpClient http =
            HttpClient.newBuilder()
                    .cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    ConsoleMetricsSource(
            String bootstrap, String redisUrl, String prefix, String alerts, String holds)
            throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "console-");
        pg =
                EmbeddedPostgres.builder()
                        .setDataDirectory(dir.resolve("pg"))
                        .setOverrideWorkingDirectory(dir.resolve("bin").toFile())
                        .start();
        Path users = dir.resolve("users.txt");
        Files.writeString(users, "rep rep " + Passwords.hash("dashboards-check", 4) + "\n");
        console =
                CareConsole.start(
                        ConsoleConfig.parse(
                                List.of(
                                        "--kafka",
                                        bootstrap,
                                        "--redis",
                                        redisUrl,
                                        "--redis-prefix",
                                        prefix,
                                        "--jdbc-url",
                                        pg.getJdbcUrl("postgres", "postgres"),
                                        "--db-user",
                                        "postgres",
                                        "--users",
                                        users.toString(),
                                        "--port",
                                        "0",
                                        "--metrics-port",
                                        "0",
                                        "--alerts-topic",
                                        alerts,
                                        "--holds-topic",
                                        holds,
                                        "--labels-topic",
                                        "labels-" + dir.getFileName()),
                                Map.of()));
    }

    /** Logs in as a rep and confirms the first case of the queue as fraud, as a rep would. */
    void repConfirmsOneCase(Duration timeout) throws Exception {
        String csrf = csrf(get("/login"));
        assertEquals(
                302,
                post(
                                "/login",
                                Map.of(
                                        "_csrf",
                                        csrf,
                                        "username",
                                        "rep",
                                        "password",
                                        "dashboards-check"))
                        .statusCode());
        long deadline = System.nanoTime() + timeout.toNanos();
        Matcher m;
        do {
            m = CASE.matcher(get("/").body());
            if (m.find()) {
                String caseId = m.group(1);
                String page = get("/cases/" + caseId).body();
                assertEquals(
                        303,
                        post(
                                        "/cases/" + caseId + "/decide",
                                        Map.of(
                                                "_csrf",
                                                csrf(page),
                                                "verdict",
                                                "FRAUD",
                                                "reason",
                                                "confirmed by the dashboards check"))
                                .statusCode());
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no case reached the care console within " + timeout);
    }

    int metricsPort() {
        return console.metricsPort();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body =
                form.entrySet().stream()
                        .map(
                                e ->
                                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        return http.send(
                HttpRequest.newBuilder(URI.create(base() + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(HttpResponse<String> r) {
        return csrf(r.body());
    }

    private static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF token in the page");
        }
        return m.group(1);
    }

    private String base() {
        return "http://127.0.0.1:" + console.port();
    }

    @Override
    public void close() throws Exception {
        try {
            console.close();
        } finally {
            pg.close();
        }
    }
}
