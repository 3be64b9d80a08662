package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.job.cli.FraudCtl;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.Reason;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Rules change while the job runs, on an in-JVM Kafka broker, a real redis-server and a Flink
 * MiniCluster at parallelism 2: a lowered threshold written to Redis is in force within 2 s, an
 * invalid rule set is rejected while the last good one keeps scoring, and a Redis outage neither
 * stops scoring nor restarts the job, and reloading resumes once Redis is back.
 *
 * <p>One job run for the class; the tests are its phases, in order. Throughout, a steady stream of
 * probes runs: each is a fresh account failing to log in 4 times, which the brute-force rule
 * ignores under rule set v1 (limit 5) and alerts on under v2 (limit 3) and v3 (limit 2). The
 * metrics are read from the Prometheus text of {@link FraudMetrics}, which the MiniCluster's
 * operators share with this JVM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class RulesHotReloadITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private static final Duration BAR = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private record Probe(String sessionId, long sentAtMillis) {}

    private static final Queue<Probe> PROBES = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger PROBE_COUNT = new AtomicInteger();
    private static String events;
    private static RedisKeys keys;
    private static JobRunner jobs;
    private static JobClient job;
    private static ScheduledExecutorService prober;
    private static Tail alerts;
    private static Tail holds;
    private static long v2WrittenAtMillis;
    private static long outageStartMillis;
    private static long outageEndMillis;

    @TempDir static Path tmp;

    /**
     * Brute force on one account with the given limit, plus a card/billing country mismatch that
     * holds an order on its own (weight 90), so holds are written during the outage too.
     */
    static String ruleSet(int version, int bruteForceLimit) {
        return """
                {"version": %d, "thresholds": {"review": 50, "hold": 80}, "alertCooldown": "PT30M",
                 "rules": [
                  {"id": "brute-force-account", "version": %d, "kind": "VELOCITY", "weight": 60,
                   "description": "{observed} failed logins for this account in {window}; limit {threshold}",
                   "groupBy": "ACCOUNT", "aggregate": "COUNT", "window": "PT10M", "threshold": %d,
                   "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}},
                  {"id": "card-billing-country-mismatch", "version": 1, "kind": "MISMATCH", "weight": 90,
                   "description": "Card and billing countries differ: {observed}",
                   "facts": ["BILLING_COUNTRY", "CARD_COUNTRY"]}
                 ]}
                """
                .formatted(version, version, bruteForceLimit);
    }

    @BeforeAll
    static void startTheJobWithRuleSetV1() {
        events = KAFKA.newTopic("events", 2);
        String alertTopic = KAFKA.newTopic("alerts", 2);
        String holdTopic = KAFKA.newTopic("holds", 1);
        String prefix = REDIS.newKeyPrefix();
        keys = new RedisKeys(prefix);
        REDIS.client().set(keys.rules(), ruleSet(1, 5));

        JobConfig config =
                TestJobConfig.of(
                        KAFKA.bootstrapServers(),
                        REDIS.url(),
                        prefix,
                        events,
                        alertTopic,
                        holdTopic,
                        KAFKA.newTopic("dlq", 1));
        jobs = new JobRunner();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        FraudJob.flinkConfiguration(config));
        FraudJob.define(env, config);
        job = jobs.startAndAwaitRunning(env, "rules-hot-reload-itcase", WAIT);
        alerts = new Tail(alertTopic);
        holds = new Tail(holdTopic);

        prober = Executors.newSingleThreadScheduledExecutor();
        prober.scheduleWithFixedDelay(
                () -> {
                    long sentAt = System.currentTimeMillis();
                    PROBES.add(new Probe(probe(4), sentAt));
                },
                0,
                300,
                TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopEverything() {
        if (prober != null) {
            prober.shutdownNow();
        }
        for (Tail t : new Tail[] {alerts, holds}) {
            if (t != null) {
                t.close();
            }
        }
        if (jobs != null) {
            jobs.close();
        }
        if (!REDIS.redis().isExternal() && !REDIS.redis().isServerRunning()) {
            REDIS.redis().startServer();
        }
    }

    @Test
    @Order(1)
    void aLoweredThresholdWrittenToRedisIsInForceWithinTwoSeconds() throws Exception {
        JobRunner.waitUntil(() -> metric("fraud_rules_version") == 1, WAIT, "rule set v1");
        Alert v1 = alerts.awaitAlert(probe(6));
        assertEquals(1, v1.ruleSetVersion());
        assertReason(v1, "brute-force-account", "6", "5");

        // What an analyst does by hand: SET the new rule set.
        v2WrittenAtMillis = System.currentTimeMillis();
        long written = System.nanoTime();
        REDIS.client().set(keys.rules(), ruleSet(2, 3));
        Duration inForce = awaitVersion(2, written);
        System.out.printf(
                "Rule set v2 (plain SET) in force %d ms after the write%n", inForce.toMillis());
        assertTrue(inForce.compareTo(BAR) <= 0, "v2 in force after " + inForce);

        sleepUntil(written + BAR.toNanos());
        Alert v2 = alerts.awaitAlert(probe(4));
        assertEquals(2, v2.ruleSetVersion());
        assertEquals(Action.REVIEW, v2.action());
        assertReason(v2, "brute-force-account", "4", "3");
    }

    @Test
    @Order(2)
    void anInvalidRuleSetIsRejectedAndTheLastGoodOneKeepsScoring() throws Exception {
        String failures = "fraud_rules_reload_failures_total{reason=\"invalid\"}";
        double before = metric(failures);
        String invalid =
                ruleSet(3, 2).replace("\"aggregate\": \"COUNT\"", "\"aggregate\": \"MEDIAN\"");
        REDIS.client().set(keys.rules(), invalid);

        JobRunner.waitUntil(() -> metric(failures) > before, WAIT, "the invalid rule set rejected");
        Alert a = alerts.awaitAlert(probe(4));
        assertEquals(2, a.ruleSetVersion(), "scored with the last good rule set");
        assertReason(a, "brute-force-account", "4", "3");
        assertEquals(2, metric("fraud_rules_version"));
        assertEquals(before + 1, metric(failures), "rejected once, not on every poll");
        assertEquals(1, metric("fraud_redis_up"));
        assertTrue(metric("fraud_rules_last_reload_age_seconds") < 3, "polls go on");
    }

    @Test
    @Order(3)
    void aRedisOutageNeitherStopsScoringNorRestartsTheJobAndReloadResumesAfterIt()
            throws Exception {
        assumeFalse(
                REDIS.redis().isExternal(),
                "REDIS_URL names an external Redis, which this test does not stop: outage part skipped");

        REDIS.redis().stopServer();
        outageStartMillis = System.currentTimeMillis();
        long outageStarted = System.nanoTime();
        JobRunner.waitUntil(() -> metric("fraud_redis_up") == 0, WAIT, "fraud_redis_up 0");

        Alert review = alerts.awaitAlert(probe(4));
        assertEquals(
                2, review.ruleSetVersion(), "scored with the last good rules during the outage");
        Session buyer = Session.guest("203.0.113.40", "GB").as("acct-" + UUID.randomUUID());
        String orderId = "o-" + UUID.randomUUID();
        send(buyer.order(Instant.now(), orderId, "card-" + orderId, 12_000, "GB", "GB", "US"));
        Alert held = alerts.awaitAlert(buyer.sessionId());
        assertEquals(Action.HOLD, held.action());
        assertEquals(orderId, held.orderId());
        assertReason(held, "card-billing-country-mismatch", null, null);
        Hold hold = Json.mapper().readValue(holds.await(orderId).get(0), Hold.class);
        assertEquals(held.alertId(), hold.alertId(), "the hold reaches fulfilment over Kafka");

        assertEquals(2, metric("fraud_rules_version"));
        JobRunner.waitUntil(
                () -> metric("fraud_rules_last_reload_age_seconds") >= 3,
                WAIT,
                "fraud_rules_last_reload_age_seconds to grow");
        assertEquals(0, metric("fraud_redis_up"));
        // Long enough for many checkpoints and hold-write retries against the dead server.
        sleepUntil(outageStarted + Duration.ofSeconds(6).toNanos());

        // Back, and empty (no persistence): the rule set is gone, the last good one stays.
        outageEndMillis = System.currentTimeMillis();
        REDIS.redis().startServer();
        RedisClient redis = REDIS.client();
        JobRunner.waitUntil(() -> metric("fraud_redis_up") == 1, WAIT, "fraud_redis_up 1");
        assertEquals(2, metric("fraud_rules_version"));
        // The hold record checkout reads was kept by the sink while Redis was down.
        JobRunner.waitUntil(
                () -> redis.get(keys.hold(orderId)) != null,
                WAIT,
                "the hold record written once Redis is back");
        Hold stored = Json.mapper().readValue(redis.get(keys.hold(orderId)), Hold.class);
        assertEquals(HoldStatus.HELD, stored.status());
        assertEquals(held.alertId(), stored.alertId());

        // v3 through the analysts' command line.
        Path file = tmp.resolve("rules-v3.json");
        Files.writeString(file, ruleSet(3, 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long written = System.nanoTime();
        int exit =
                new FraudCtl(new PrintStream(out, true), new PrintStream(err, true))
                        .run(
                                new String[] {
                                    "--redis",
                                    REDIS.url(),
                                    "--prefix",
                                    keys.prefix(),
                                    "rules",
                                    "load",
                                    file.toString()
                                });
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        Duration inForce = awaitVersion(3, written);
        System.out.printf(
                "Rule set v3 (fraudctl rules load, after the outage) in force %d ms after the command started%n",
                inForce.toMillis());
        assertTrue(inForce.compareTo(BAR) <= 0, "v3 in force after " + inForce);

        sleepUntil(written + BAR.toNanos());
        Alert v3 = alerts.awaitAlert(probe(3));
        assertEquals(3, v3.ruleSetVersion());
        assertReason(v3, "brute-force-account", "3", "2");
    }

    @Test
    @Order(4)
    void theSteadyProbesWereScoredThroughoutAndTheJobNeverRestarted() throws Exception {
        prober.shutdown();
        assertTrue(prober.awaitTermination(30, TimeUnit.SECONDS));
        List<Probe> probes = new ArrayList<>(PROBES);
        assertTrue(probes.size() > 10, "probes sent: " + probes.size());
        alerts.awaitAlert(probes.get(probes.size() - 1).sessionId());
        alerts.pollFor(Duration.ofSeconds(2)); // a few more checkpoints for any straggler

        int alerted = 0;
        int duringOutage = 0;
        for (Probe p : probes) {
            List<Alert> got = alerts.alertsOf(p.sessionId());
            assertTrue(got.size() <= 1, "one alert per probe: " + got);
            for (Alert a : got) {
                assertTrue(a.ruleSetVersion() >= 2, "4 failures stay under v1's limit of 5: " + a);
            }
            if (p.sentAtMillis() >= v2WrittenAtMillis + BAR.toMillis()) {
                assertEquals(1, got.size(), "probe sent after v2 was in force: " + p);
                alerted++;
                if (p.sentAtMillis() >= outageStartMillis && p.sentAtMillis() < outageEndMillis) {
                    duringOutage++;
                }
            }
        }
        assertTrue(alerted > 0, "probes sent after the change");
        if (outageEndMillis > 0) {
            assertTrue(duringOutage >= 5, "probes scored while Redis was down: " + duringOutage);
        }
        assertEquals(
                List.of(),
                JobRunner.failures(FLINK.getClientConfiguration(), job.getJobID()),
                "the job never failed or restarted");
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
    }

    // ------------------------------------------------------------------ helpers

    /** A fresh account failing to log in {@code failures} times, the last one now. */
    private static String probe(int failures) {
        int n = PROBE_COUNT.incrementAndGet();
        String account = "acct-probe-" + n + "-" + UUID.randomUUID();
        Session s = Session.guest("198.51.100." + (n % 250 + 1), "GB").as(account);
        Instant now = Instant.now();
        for (int i = failures - 1; i >= 0; i--) {
            send(s.login(now.minusMillis(500L * i), "u-" + account, LoginOutcome.FAILURE));
        }
        return s.sessionId();
    }

    private static void send(dev.fraudmonitor.model.CheckoutEvent e) {
        KAFKA.kafka().send(events, e.sessionId(), TestEvents.encode(e));
    }

    /** Time from {@code writtenNanos} until the job reports {@code version} in force. */
    private static Duration awaitVersion(long version, long writtenNanos) {
        long deadline = writtenNanos + WAIT.toNanos();
        while (metric("fraud_rules_version") != version) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rule set version " + version + " never came into force");
            }
            sleep(5);
        }
        return Duration.ofNanos(System.nanoTime() - writtenNanos);
    }

    private static void assertReason(Alert a, String ruleId, String observed, String threshold) {
        Reason r =
                a.reasons().stream()
                        .filter(x -> x.ruleId().equals(ruleId))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(ruleId + " not in " + a));
        if (observed != null) {
            assertEquals(observed, r.observed(), r.toString());
            assertEquals(threshold, r.threshold(), r.toString());
        }
    }

    /** One series of the job's Prometheus text, e.g. {@code fraud_redis_up}. */
    private static double metric(String series) {
        for (String line : FraudMetrics.get().scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in the metrics");
    }

    private static void sleepUntil(long nanos) {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            sleep(left / 1_000_000 + 1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads a topic as a read_committed consumer does, from the start, as records commit. */
    private static final class Tail implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, List<byte[]>> byKey = new HashMap<>();

        Tail(String topic) {
            consumer = new KafkaConsumer<>(KAFKA.kafka().consumerProperties(true));
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        List<byte[]> await(String key) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!byKey.containsKey(key)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing committed for key " + key);
                }
                pollFor(Duration.ofMillis(100));
            }
            return byKey.get(key);
        }

        Alert awaitAlert(String sessionId) {
            await(sessionId);
            return alertsOf(sessionId).get(0);
        }

        List<Alert> alertsOf(String sessionId) {
            List<Alert> out = new ArrayList<>();
            for (byte[] json : byKey.getOrDefault(sessionId, List.of())) {
                try {
                    out.add(Json.mapper().readValue(json, Alert.class));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return out;
        }

        void pollFor(Duration d) {
            long deadline = System.nanoTime() + d.toNanos();
            do {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    byKey.computeIfAbsent(
                                    new String(r.key(), StandardCharsets.UTF_8),
                                    k -> new ArrayList<>())
                            .add(r.value());
                }
            } while (System.nanoTime() < deadline);
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
