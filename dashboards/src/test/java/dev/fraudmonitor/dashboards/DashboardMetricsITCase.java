package dev.fraudmonitor.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.dashboards.Dashboards.Dashboard;
import dev.fraudmonitor.dashboards.Dashboards.Query;
import dev.fraudmonitor.job.FraudJob;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.PanGuard;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import dev.fraudmonitor.testkit.TestJobOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every query of every dashboard names only series and labels the running job exports: the real job
 * with the default rules on a MiniCluster, real Kafka and Redis, fed traffic that makes it alert,
 * hold, dead-letter, count a SHADOW hit, a duplicate and a late event; its {@code /metrics} is read
 * over HTTP as Prometheus would.
 */
public class DashboardMetricsITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private static final String BLOCKED_IP = "203.0.113.66";
    private static final String SHADOW_HIT =
            "fraud_rule_hits_total{mode=\"SHADOW\",rule=\"accounts-per-device\"}";
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void stopServingMetrics() {
        FraudMetrics.get().close();
    }

    @Test
    void everyDashboardQueryUsesOnlyExportedSeriesAndLabels() throws Exception {
        String events = KAFKA.newTopic("events", 2);
        String alerts = KAFKA.newTopic("alerts", 1);
        String holds = KAFKA.newTopic("holds", 1);
        String dlq = KAFKA.newTopic("dlq", 1);
        String prefix = REDIS.redis().newKeyPrefix();
        RedisKeys keys = new RedisKeys(prefix);
        REDIS.client().set(keys.rules(), defaultRules());
        REDIS.client().sadd(prefix + "list:block:ip", BLOCKED_IP);
        REDIS.client().incr(keys.listsVersion());
        int wantedPort = freePort();

        JobConfig config =
                JobConfig.of(
                        TestJobOptions.of(
                                KAFKA.bootstrapServers(),
                                REDIS.url(),
                                prefix,
                                events,
                                alerts,
                                holds,
                                dlq,
                                "metrics.port",
                                Integer.toString(wantedPort)));

        Instant t0 = Instant.now().minusSeconds(120);
        List<CheckoutEvent> traffic = new ArrayList<>();
        // An order from a block-listed IP: alert and hold (Kafka and the Redis hold record).
        Session blocked = Session.guest(BLOCKED_IP, "US").as("acct-blocked");
        traffic.add(blocked.pageView(t0, "/cart"));
        traffic.add(blocked.login(t0.plusSeconds(5), "u-blocked", LoginOutcome.SUCCESS));
        traffic.add(
                blocked.order(
                        t0.plusSeconds(30), "o-blocked", "c-blocked", 25_000, "US", "US", "US"));
        // Brute force on one username: a REVIEW alert, then repeats within the cooldown.
        Session brute = Session.guest("198.51.100.20", "DE").as("acct-victim");
        for (int i = 0; i < 8; i++) {
            traffic.add(brute.login(t0.plusSeconds(10 + i * 3L), "u-victim", LoginOutcome.FAILURE));
        }
        // Six accounts logging in from one device: the SHADOW rule accounts-per-device. Their
        // sessions land on different partitions, so they may arrive in any order; a velocity rule
        // counts the events up to the arriving one's time, so all share one time and the last to
        // arrive sees six.
        String device = "d-shared-" + UUID.randomUUID();
        for (int i = 0; i < 6; i++) {
            Session s = Session.guest("192.0.2." + (10 + i), "US").as("acct-shared-" + i);
            traffic.add(
                    s.onDevice(device)
                            .login(t0.plusSeconds(20), "u-shared-" + i, LoginOutcome.SUCCESS));
        }
        // Ordinary browsing.
        for (int i = 0; i < 50; i++) {
            Session s = Session.guest("192.0.2." + (100 + i), "US").as("acct-" + i);
            traffic.add(s.pageView(t0.plusSeconds(i), "/product/" + i));
        }

        try (JobRunner jobs = new JobRunner()) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            FraudJob.flinkConfiguration(config));
            FraudJob.define(env, config);
            JobClient job =
                    jobs.startAndAwaitRunning(env, "dashboards-itcase", Duration.ofSeconds(60));

            for (CheckoutEvent e : traffic) {
                KAFKA.kafka().send(events, e.sessionId(), TestEvents.encode(e));
            }
            CheckoutEvent repeated = traffic.get(0);
            KAFKA.kafka().send(events, repeated.sessionId(), TestEvents.encode(repeated));
            for (int i = 0; i < 5; i++) {
                KAFKA.kafka()
                        .send(events, "bad", ("{not json " + i).getBytes(StandardCharsets.UTF_8));
            }

            assertEquals(5, KAFKA.kafka().readAll(dlq, true, 5, Duration.ofSeconds(90)).size());
            assertTrue(KAFKA.kafka().readAll(alerts, true, 2, Duration.ofSeconds(60)).size() >= 2);
            assertEquals(1, KAFKA.kafka().readAll(holds, true, 1, Duration.ofSeconds(60)).size());
            // Far behind the watermark, which has moved past t0 now that the outputs are out:
            // counted as late, still scored.
            CheckoutEvent late =
                    Session.guest("192.0.2.250", "US").pageView(t0.minusSeconds(3600), "/");
            KAFKA.kafka().send(events, late.sessionId(), TestEvents.encode(late));
            // What `fraudctl holds release` counts; the job reports it as fraud_holds_released.
            REDIS.client().incr(keys.holdsReleased());

            int port = FraudMetrics.get().serve(wantedPort);
            assertTrue(port > 0, "the job serves /metrics");
            String[] scrape = {""};
            List<String> missing = new ArrayList<>();
            try {
                JobRunner.waitUntil(
                        () -> {
                            scrape[0] = scrape(port);
                            missing.clear();
                            if (value(scrape[0], "fraud_holds_released") < 1) {
                                missing.add("fraud_holds_released >= 1");
                            }
                            if (value(scrape[0], SHADOW_HIT) < 1) {
                                missing.add(SHADOW_HIT);
                            }
                            if (value(scrape[0], "fraud_checkpoint_last_completed_id") < 1) {
                                missing.add("fraud_checkpoint_last_completed_id >= 1");
                            }
                            if (value(scrape[0], "fraud_events_late_total") < 1) {
                                missing.add("fraud_events_late_total >= 1");
                            }
                            if (!scrape[0].contains("jvm_gc_pause_seconds_count")) {
                                missing.add("jvm_gc_pause_seconds_count");
                                // GC metrics appear with the first collection after they were
                                // bound.
                                System.gc();
                            }
                            return missing.isEmpty();
                        },
                        Duration.ofSeconds(60),
                        "the release count, the SHADOW hit, the late event and GC metrics on /metrics");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; missing " + missing, e);
            }
            String text = scrape[0];
            assertTrue(value(text, "fraud_holds_placed_total") >= 1, "holds placed");
            assertTrue(value(text, "fraud_alerts_total{action=\"HOLD\"}") >= 1, "HOLD alerts");
            assertTrue(value(text, "fraud_alerts_total{action=\"REVIEW\"}") >= 1, "REVIEW alerts");
            assertTrue(
                    value(text, "fraud_events_invalid_total{reason=\"NOT_JSON\"}") >= 5,
                    "dead letters");
            assertTrue(value(text, "fraud_events_duplicate_total") >= 1, "duplicates");
            assertTrue(
                    value(text, "fraud_redis_hold_write_seconds_count") >= 1, "hold writes timed");
            assertTrue(value(text, "fraud_rules_version") >= 1, "rule-set version");
            // Names, labels and help texts; a sample's value is a double whose decimals can pass
            // the Luhn check by chance (0.0012345678901234567) and is no label.
            for (String line : text.split("\n")) {
                String named =
                        line.startsWith("#") || line.lastIndexOf(' ') < 0
                                ? line
                                : line.substring(0, line.lastIndexOf(' '));
                assertFalse(PanGuard.containsPan(named), "card number in metrics line: " + named);
            }

            Map<String, Set<String>> exported = Exposition.labelsBySeries(text);
            // The second exposition the dashboards may name: the care console's, after a rep's
            // verdict on a case made of this job's alerts. Each side keeps its own prefix, so a
            // query is checked against the process that really exports its series.
            try (ConsoleMetricsSource console =
                    new ConsoleMetricsSource(
                            KAFKA.bootstrapServers(), REDIS.url(), prefix, alerts, holds)) {
                console.repConfirmsOneCase(Duration.ofSeconds(60));
                String[] consoleText = {""};
                JobRunner.waitUntil(
                        () -> {
                            consoleText[0] = scrape(console.metricsPort());
                            return consoleText[0].contains("fraud_console_rule_precision{");
                        },
                        Duration.ofSeconds(30),
                        "rule precision on the care console's /metrics");
                Map<String, Set<String>> fromConsole = Exposition.labelsBySeries(consoleText[0]);
                for (String series : fromConsole.keySet()) {
                    if (series.startsWith("fraud_")) {
                        assertTrue(series.startsWith("fraud_console_"), "console series " + series);
                    }
                }
                for (String series : exported.keySet()) {
                    assertFalse(series.startsWith("fraud_console_"), "job series " + series);
                }
                fromConsole.forEach(
                        (series, labels) -> {
                            if (series.startsWith("fraud_console_")) {
                                exported.put(series, labels);
                            }
                        });
            }
            List<Query> queries = new ArrayList<>();
            for (Dashboard d : Dashboards.load(Dashboards.directory())) {
                queries.addAll(Dashboards.queries(d));
            }
            assertTrue(queries.size() >= 30, "queries found: " + queries.size());
            List<String> problems = DashboardCheck.problems(queries, exported);
            assertEquals(List.of(), problems, String.join("\n", problems));

            assertEquals(
                    List.of(),
                    JobRunner.failures(FLINK.getClientConfiguration(), job.getJobID()),
                    "the job never failed or restarted");
        }
    }

    private String scrape(int port) {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://localhost:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("cannot read /metrics on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value of one series, written as it appears in the exposition; -1 if absent. */
    private static double value(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return -1;
    }

    private static String defaultRules() throws IOException {
        try (InputStream in =
                DashboardMetricsITCase.class
                        .getClassLoader()
                        .getResourceAsStream("rules/default-rules.json")) {
            assertTrue(in != null, "rules/default-rules.json on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
