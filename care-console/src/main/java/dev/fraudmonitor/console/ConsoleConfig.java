package dev.fraudmonitor.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every option of the console in one place, with its default and meaning. Options come from {@code
 * --name value} arguments, else from the environment variable named beside each option. Secrets
 * (the database password) come from the environment or a file, never from arguments, which other
 * users of the host can read in the process list.
 */
public record ConsoleConfig(
        String kafka,
        String redisUrl,
        String redisPrefix,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        Path usersFile,
        String bind,
        int port,
        int metricsPort,
        String alertsTopic,
        String holdsTopic,
        String labelsTopic,
        String groupId,
        List<String> genericWebhooks,
        List<String> slackWebhooks,
        int webhookAttempts,
        Duration webhookBackoff,
        boolean secureCookies,
        boolean trustProxy,
        Duration sessionIdle,
        int loginLimit,
        Duration linkWindow,
        Duration closedCaseRetention,
        Duration disputePeriod,
        String publicUrl) {

    /** Option name, environment variable, default, meaning. */
    record Option(String name, String env, String defaultValue, String meaning) {}

    static final List<Option> OPTIONS =
            List.of(
                    new Option(
                            "--kafka",
                            "CONSOLE_KAFKA",
                            "localhost:9092",
                            "Kafka bootstrap servers"),
                    new Option(
                            "--redis",
                            "CONSOLE_REDIS",
                            "redis://localhost:6379",
                            "Redis URL (redis:// or rediss://, user:password@ allowed)"),
                    new Option(
                            "--redis-prefix",
                            "CONSOLE_REDIS_PREFIX",
                            "fraud:",
                            "prefix of the job's Redis keys"),
                    new Option(
                            "--jdbc-url",
                            "CONSOLE_JDBC_URL",
                            null,
                            "PostgreSQL JDBC URL, e.g. jdbc:postgresql://db:5432/console"),
                    new Option("--db-user", "CONSOLE_DB_USER", "console", "PostgreSQL user"),
                    new Option(
                            "--db-password-file",
                            "CONSOLE_DB_PASSWORD_FILE",
                            null,
                            "file holding the PostgreSQL password (else CONSOLE_DB_PASSWORD)"),
                    new Option(
                            "--users",
                            "CONSOLE_USERS_FILE",
                            "console-users.txt",
                            "users file: one 'name role bcrypt-hash' per line"),
                    new Option(
                            "--bind",
                            "CONSOLE_BIND",
                            "127.0.0.1",
                            "address the web server listens on"),
                    new Option("--port", "CONSOLE_PORT", "8480", "web port (0 = any free port)"),
                    new Option(
                            "--metrics-port",
                            "CONSOLE_METRICS_PORT",
                            "9480",
                            "Prometheus /metrics port, on the bind address (0 = any free port)"),
                    new Option(
                            "--alerts-topic",
                            "CONSOLE_ALERTS_TOPIC",
                            "fraud.alerts",
                            "topic of alerts"),
                    new Option(
                            "--holds-topic",
                            "CONSOLE_HOLDS_TOPIC",
                            "fraud.holds",
                            "topic of holds and release records"),
                    new Option(
                            "--labels-topic",
                            "CONSOLE_LABELS_TOPIC",
                            "fraud.labels",
                            "topic the reps' labels are published to"),
                    new Option(
                            "--group-id",
                            "CONSOLE_GROUP_ID",
                            "care-console",
                            "Kafka client id prefix (offsets live in PostgreSQL)"),
                    new Option(
                            "--webhook",
                            "CONSOLE_WEBHOOKS",
                            "",
                            "comma-separated URLs that get generic JSON for new and escalated cases"),
                    new Option(
                            "--slack-webhook",
                            "CONSOLE_SLACK_WEBHOOKS",
                            "",
                            "comma-separated Slack-compatible incoming-webhook URLs"),
                    new Option(
                            "--webhook-attempts",
                            "CONSOLE_WEBHOOK_ATTEMPTS",
                            "6",
                            "delivery attempts before a dead letter"),
                    new Option(
                            "--webhook-backoff",
                            "CONSOLE_WEBHOOK_BACKOFF",
                            "PT2S",
                            "first retry delay; doubles per attempt (ISO-8601 duration)"),
                    new Option(
                            "--secure-cookies",
                            "CONSOLE_SECURE_COOKIES",
                            "false",
                            "true behind TLS: session cookies get the Secure flag"),
                    new Option(
                            "--trust-proxy",
                            "CONSOLE_TRUST_PROXY",
                            "false",
                            "true behind one reverse proxy: the login limit counts the client"
                                    + " address the proxy appends to X-Forwarded-For"),
                    new Option(
                            "--session-idle",
                            "CONSOLE_SESSION_IDLE",
                            "PT30M",
                            "idle time after which a login expires"),
                    new Option(
                            "--login-limit",
                            "CONSOLE_LOGIN_LIMIT",
                            "5",
                            "failed logins per 5 minutes per client address and per user name"
                                    + " before logins are refused"),
                    new Option(
                            "--link-window",
                            "CONSOLE_LINK_WINDOW",
                            "PT24H",
                            "alerts sharing an account/card/device/address within this time join one case"),
                    new Option(
                            "--closed-case-retention",
                            "CONSOLE_CLOSED_CASE_RETENTION",
                            "P90D",
                            "closed cases and their alerts are purged after this"),
                    new Option(
                            "--dispute-period",
                            "CONSOLE_DISPUTE_PERIOD",
                            "P540D",
                            "labels and the audit trail are kept this long"),
                    new Option(
                            "--public-url",
                            "CONSOLE_PUBLIC_URL",
                            "",
                            "URL reps reach the console at, for links in webhooks"));

    /** Reads options from arguments, then the environment, then defaults. */
    public static ConsoleConfig parse(List<String> args, Map<String, String> env)
            throws IOException {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String key = name;
            if (OPTIONS.stream().noneMatch(o -> o.name().equals(key))) {
                throw new IllegalArgumentException(
                        "unknown option " + name + "; options are:\n" + usage());
            }
            given.put(name, value);
        }
        Map<String, String> v = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            String value = given.get(o.name());
            if (value == null) {
                value = env.get(o.env());
            }
            if (value == null) {
                value = o.defaultValue();
            }
            v.put(o.name(), value);
        }
        String jdbc = v.get("--jdbc-url");
        if (jdbc == null || jdbc.isBlank()) {
            throw new IllegalArgumentException(
                    "--jdbc-url (or CONSOLE_JDBC_URL) is required, e.g."
                            + " jdbc:postgresql://localhost:5432/console");
        }
        String password = env.get("CONSOLE_DB_PASSWORD");
        String passwordFile = v.get("--db-password-file");
        if (passwordFile != null && !passwordFile.isBlank()) {
            password = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();
        }
        return new ConsoleConfig(
                v.get("--kafka"),
                v.get("--redis"),
                v.get("--redis-prefix"),
                jdbc,
                v.get("--db-user"),
                password == null ? "" : password,
                Path.of(v.get("--users")),
                v.get("--bind"),
                integer(v, "--port"),
                integer(v, "--metrics-port"),
                v.get("--alerts-topic"),
                v.get("--holds-topic"),
                v.get("--labels-topic"),
                v.get("--group-id"),
                list(v.get("--webhook")),
                list(v.get("--slack-webhook")),
                integer(v, "--webhook-attempts"),
                duration(v, "--webhook-backoff"),
                Boolean.parseBoolean(v.get("--secure-cookies")),
                Boolean.parseBoolean(v.get("--trust-proxy")),
                duration(v, "--session-idle"),
                integer(v, "--login-limit"),
                duration(v, "--link-window"),
                duration(v, "--closed-case-retention"),
                duration(v, "--dispute-period"),
                v.get("--public-url"));
    }

    /** The options table, for the usage message and the README. */
    public static String usage() {
        StringBuilder b = new StringBuilder();
        for (Option o : OPTIONS) {
            b.append(
                    String.format(
                            "  %-24s %-30s %s (default: %s)%n",
                            o.name(),
                            o.env(),
                            o.meaning(),
                            o.defaultValue() == null || o.defaultValue().isEmpty()
                                    ? "none"
                                    : o.defaultValue()));
        }
        b.append("  CONSOLE_DB_PASSWORD (environment only): PostgreSQL password\n");
        return b.toString();
    }

    private static int integer(Map<String, String> v, String name) {
        try {
            return Integer.parseInt(v.get(name).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be an integer, got '" + v.get(name) + "'");
        }
    }

    private static Duration duration(Map<String, String> v, String name) {
        try {
            return Duration.parse(v.get(name).strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    name
                            + " must be an ISO-8601 duration such as PT30M or P90D, got '"
                            + v.get(name)
                            + "'");
        }
    }

    private static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return List.copyOf(out);
    }

    /** A copy with other ports and users file; tests and the demo pick free ports. */
    public ConsoleConfig withPorts(int port, int metricsPort) {
        return new ConsoleConfig(
                kafka,
                redisUrl,
                redisPrefix,
                jdbcUrl,
                dbUser,
                dbPassword,
                usersFile,
                bind,
                port,
                metricsPort,
                alertsTopic,
                holdsTopic,
                labelsTopic,
                groupId,
                genericWebhooks,
                slackWebhooks,
                webhookAttempts,
                webhookBackoff,
                secureCookies,
                trustProxy,
                sessionIdle,
                loginLimit,
                linkWindow,
                closedCaseRetention,
                disputePeriod,
                publicUrl);
    }
}
