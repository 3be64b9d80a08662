package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.Scenarios;
import dev.fraudmonitor.engine.rules.Scenarios.Scenario;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.Reason;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The default rule set in the running job: every attack typology the design names is caught and
 * every benign look-alike stays quiet, on an in-JVM Kafka broker, a real redis-server and a Flink
 * MiniCluster at parallelism 2.
 *
 * <p>The event sequences are {@link Scenarios}, the ones {@code DefaultRulesTest} judges with the
 * rule engine alone, replayed as contract JSON ({@link ScenarioEvents}) with recent event times.
 * One job run serves the whole class: every scenario is sent at once, in event-time order as a
 * checkout would send them, and each test reads the verdict on its own scenario from the committed
 * alerts and holds.
 */
public class DefaultRulesITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private static final Map<String, ScenarioEvents> REPLAYS = new LinkedHashMap<>();
    private static final Map<String, List<Alert>> ALERTS = new HashMap<>();
    private static final Map<String, List<Hold>> HOLDS = new HashMap<>();
    private static final List<String> DEAD_LETTERS = new ArrayList<>();
    private static RedisKeys keys;
    private static long ruleSetVersion;
    private static RedisClient redis;
    private static JobRunner jobs;
    private static JobClient job;

    @BeforeAll
    static void runTheJobOverEveryScenario() throws Exception {
        String events = KAFKA.newTopic("events", 2);
        String alerts = KAFKA.newTopic("alerts", 2);
        String holds = KAFKA.newTopic("holds", 1);
        String dlq = KAFKA.newTopic("dlq", 1);
        String prefix = REDIS.newKeyPrefix();
        keys = new RedisKeys(prefix);

        List<Scenario> scenarios = new ArrayList<>(Scenarios.attacks());
        scenarios.addAll(Scenarios.benign());
        Instant end = Instant.now().minus(1, ChronoUnit.MINUTES);
        List<CheckoutEvent> history = new ArrayList<>();
        List<CheckoutEvent> all = new ArrayList<>();
        for (Scenario sc : scenarios) {
            ScenarioEvents replay = new ScenarioEvents(sc, REPLAYS.size() + 1, end);
            REPLAYS.put(sc.name(), replay);
            history.addAll(replay.history);
            all.addAll(replay.events);
        }
        history.sort(Comparator.comparing(CheckoutEvent::occurredAt));
        // A checkout sends events as they happen: in event-time order across all sessions.
        all.sort(Comparator.comparing(CheckoutEvent::occurredAt));

        redis = REDIS.client();
        redis.set(keys.rules(), defaultRules());
        ruleSetVersion = Json.mapper().readTree(defaultRules()).path("version").asLong();
        ListSnapshot lists = Scenarios.blockLists();
        for (ListKind kind : ListKind.values()) {
            for (String value : lists.blockList(kind)) {
                for (ScenarioEvents replay : REPLAYS.values()) {
                    redis.sadd(keys.list(true, kind.redisName()), replay.listValue(kind, value));
                }
            }
        }
        redis.set(keys.listsVersion(), "1");

        JobConfig config =
                TestJobConfig.of(
                        KAFKA.bootstrapServers(), REDIS.url(), prefix, events, alerts, holds, dlq);
        jobs = new JobRunner();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        FraudJob.flinkConfiguration(config));
        FraudJob.define(env, config);
        job = jobs.startAndAwaitRunning(env, "default-rules-itcase", Duration.ofSeconds(60));

        // The customers' weeks of history first, scored before today's sessions: sent together,
        // a copy of today's event can reach an account's key before the old one (two partitions,
        // two session subtasks), and a known device would look new.
        double historyBefore = eventsRead();
        for (CheckoutEvent e : history) {
            KAFKA.kafka().send(events, e.sessionId(), TestEvents.encode(e));
        }
        JobRunner.waitUntil(
                () -> eventsRead() - historyBefore >= history.size(),
                Duration.ofSeconds(90),
                history.size() + " history events read");
        Thread.sleep(1000); // the copies of the last ones on their way to the group stage
        double readBefore = eventsRead();
        for (CheckoutEvent e : all) {
            KAFKA.kafka().send(events, e.sessionId(), TestEvents.encode(e));
        }
        JobRunner.waitUntil(
                () -> eventsRead() - readBefore >= all.size(),
                Duration.ofSeconds(90),
                all.size() + " events read (scored or dead-lettered)");

        // Decisions follow the scoring by a hop or two and become visible with the next checkpoint
        // (every 0.5 s): read until the alerts stop changing over a few checkpoints.
        List<ConsumerRecord<byte[], byte[]>> alertRecords = List.of();
        for (int quiet = 0; quiet < 2; ) {
            Thread.sleep(1500);
            List<ConsumerRecord<byte[], byte[]>> now =
                    KAFKA.kafka()
                            .readAll(alerts, true, alertRecords.size(), Duration.ofSeconds(30));
            quiet = now.size() == alertRecords.size() ? quiet + 1 : 0;
            alertRecords = now;
        }
        for (ConsumerRecord<byte[], byte[]> r : alertRecords) {
            Alert a = Json.mapper().readValue(r.value(), Alert.class);
            ALERTS.computeIfAbsent(a.sessionId(), k -> new ArrayList<>()).add(a);
        }
        for (ConsumerRecord<byte[], byte[]> r :
                KAFKA.kafka().readAll(holds, true, 0, Duration.ofSeconds(5))) {
            Hold h = Json.mapper().readValue(r.value(), Hold.class);
            assertEquals(h.orderId(), new String(r.key(), StandardCharsets.UTF_8), "hold key");
            HOLDS.computeIfAbsent(h.orderId(), k -> new ArrayList<>()).add(h);
        }
        for (ConsumerRecord<byte[], byte[]> r :
                KAFKA.kafka().readAll(dlq, true, 0, Duration.ofSeconds(2))) {
            DEAD_LETTERS.add(new String(r.value(), StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stopTheJob() {
        if (jobs != null) {
            jobs.close();
        }
    }

    // ------------------------------------------------------------------ attacks

    @Test
    void credentialStuffingIsSentToReview() {
        assertCaught(Scenarios.credentialStuffing(), Action.REVIEW, "credential-stuffing-ip");
    }

    @Test
    void bruteForceOnOneAccountIsSentToReview() {
        assertCaught(Scenarios.bruteForce(), Action.REVIEW, "brute-force-account");
    }

    @Test
    void accountTakeoverOrderIsHeld() {
        assertCaught(
                Scenarios.accountTakeover(),
                Action.HOLD,
                "new-device-for-account",
                "new-country-for-account",
                "credential-change-before-order",
                "new-shipping-address-for-account");
    }

    @Test
    void credentialStuffingSpreadOverManyIpsIsSentToReview() {
        assertCaught(
                Scenarios.distributedStuffing(), Action.REVIEW, "failed-logins-device-many-ips");
    }

    @Test
    void aTakeoverSplitOverTwoSessionsIsHeldWithOneCase() {
        assertCaught(
                Scenarios.splitTakeover(),
                Action.HOLD,
                "credential-change-before-order",
                "new-device-for-account");
        ScenarioEvents replay = REPLAYS.get(Scenarios.splitTakeover().name());
        List<Alert> alerts = new ArrayList<>();
        for (String s : replay.judgedSessions()) {
            alerts.addAll(ALERTS.getOrDefault(s, List.of()));
        }
        assertTrue(alerts.size() <= 2, "at most two alerts for the incident: " + describe(alerts));
        assertEquals(
                1,
                alerts.stream().map(Alert::caseId).distinct().count(),
                "one case: " + describe(alerts));
    }

    @Test
    void cardTestingIsSentToReview() {
        assertCaught(
                Scenarios.cardTesting(),
                Action.REVIEW,
                "card-testing-declines-device",
                "card-testing-cards-device",
                "card-testing-declines-session");
    }

    @Test
    void geoMismatchOnAHighValueOrderIsHeld() {
        assertCaught(
                Scenarios.geoMismatchHighValue(),
                Action.HOLD,
                "geo-mismatch-high-value",
                "geo-three-way-mismatch-high-value",
                "card-billing-country-mismatch");
    }

    @Test
    void orderVelocityPerCardAccountAndAddressIsHeld() {
        assertCaught(
                Scenarios.orderVelocity(),
                Action.HOLD,
                "orders-per-card",
                "orders-per-account",
                "orders-per-shipping-address");
    }

    @Test
    void blockListHitsAreHeld() {
        assertCaught(Scenarios.blockedCard(), Action.HOLD, "block-card");
        assertCaught(Scenarios.blockedEmailDomain(), Action.HOLD, "block-email-domain");
    }

    @Test
    void botLikeCheckoutIsSentToReview() {
        assertCaught(Scenarios.botCheckout(), Action.REVIEW, "bot-checkout");
    }

    // ------------------------------------------------------------------ benign look-alikes

    @Test
    void aLoyalCustomersRepeatOrdersAreNotHeld() {
        assertQuiet(Scenarios.loyalRepeatBuyer());
    }

    @Test
    void typoedPasswordStaysQuiet() {
        assertQuiet(Scenarios.typoPassword());
    }

    @Test
    void familyBehindOneIpStaysQuiet() {
        assertQuiet(Scenarios.familyBehindOneIp());
    }

    @Test
    void travellerAbroadStaysQuiet() {
        assertQuiet(Scenarios.travellerAbroad());
    }

    @Test
    void cardDeclinedOnceThenAnotherCardStaysQuiet() {
        assertQuiet(Scenarios.declinedOnceThenOtherCard());
    }

    // ------------------------------------------------------------------ the run as a whole

    @Test
    void everyEventWasValidAndTheJobNeverRestarted() throws Exception {
        assertEquals(List.of(), DEAD_LETTERS, "every replayed event keeps the contract");
        assertEquals(
                List.of(),
                JobRunner.failures(FLINK.getClientConfiguration(), job.getJobID()),
                "the job never failed or restarted");
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
    }

    @Test
    void everyAlertBelongsToAnAttack() {
        Set<String> attackSessions = new LinkedHashSet<>();
        for (Scenario sc : Scenarios.attacks()) {
            attackSessions.addAll(REPLAYS.get(sc.name()).allSessions());
        }
        Set<String> others = new LinkedHashSet<>(ALERTS.keySet());
        others.removeAll(attackSessions);
        assertEquals(Set.of(), others, "alerted sessions outside the attack scenarios");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The scenario's judged sessions alerted, the strongest alert has {@code action} and names at
     * least {@code ruleIds}; its customers' ordinary past raised nothing; a HOLD reached the holds
     * topic and the Redis hold record checkout reads.
     */
    private static void assertCaught(Scenario fresh, Action action, String... ruleIds) {
        ScenarioEvents replay = REPLAYS.get(fresh.name());
        List<Alert> alerts = new ArrayList<>();
        for (String s : replay.judgedSessions()) {
            alerts.addAll(ALERTS.getOrDefault(s, List.of()));
        }
        assertFalse(
                alerts.isEmpty(),
                fresh.name() + ": no alert; the alerts were " + describe(ALERTS.values()));
        Alert strongest =
                alerts.stream()
                        .filter(a -> a.action() == Action.HOLD)
                        .reduce((a, b) -> b)
                        .orElse(alerts.get(alerts.size() - 1));
        String detail = fresh.name() + ": " + describe(alerts);
        assertEquals(action, strongest.action(), detail);
        List<String> fired = strongest.reasons().stream().map(Reason::ruleId).toList();
        assertTrue(fired.containsAll(List.of(ruleIds)), detail);
        assertTrue(strongest.score() >= 50, detail);
        for (Alert a : alerts) {
            assertEquals(ruleSetVersion, a.ruleSetVersion(), detail);
        }
        for (CheckoutEvent e : replay.history) {
            assertFalse(
                    ALERTS.containsKey(e.sessionId()),
                    fresh.name() + ": the customer's ordinary past alerted");
        }
        if (action == Action.HOLD) {
            assertNotNull(strongest.orderId(), detail);
            List<Hold> held = HOLDS.getOrDefault(strongest.orderId(), List.of());
            assertEquals(1, held.size(), fresh.name() + ": holds for " + strongest.orderId());
            Hold hold = held.get(0);
            assertEquals(HoldStatus.HELD, hold.status());
            assertEquals(strongest.sessionId(), hold.sessionId());
            assertTrue(
                    alerts.stream().anyMatch(a -> a.alertId().equals(hold.alertId())),
                    fresh.name() + ": hold names an alert of the session");
            String record = redis.get(keys.hold(strongest.orderId()));
            assertNotNull(record, fresh.name() + ": Redis hold record for checkout");
            Hold stored = readHold(record);
            assertEquals(HoldStatus.HELD, stored.status());
            assertEquals(hold.alertId(), stored.alertId());
        }
    }

    /** No session of the scenario, its customers' past included, alerted or had an order held. */
    private static void assertQuiet(Scenario fresh) {
        ScenarioEvents replay = REPLAYS.get(fresh.name());
        List<Alert> alerts = new ArrayList<>();
        for (String s : replay.allSessions()) {
            alerts.addAll(ALERTS.getOrDefault(s, List.of()));
        }
        assertEquals(List.of(), describe(alerts), fresh.name());
        for (CheckoutEvent e : replay.events) {
            if (e.data() instanceof dev.fraudmonitor.model.OrderPlacedData o) {
                assertFalse(HOLDS.containsKey(o.orderId()), fresh.name() + ": hold");
                assertEquals(
                        null,
                        redis.get(keys.hold(o.orderId())),
                        fresh.name() + ": Redis hold record");
            }
        }
        // The scenario did run: its events were part of the replay.
        assertFalse(replay.events.isEmpty());
    }

    private static List<String> describe(Collection<List<Alert>> alerts) {
        return describe(alerts.stream().flatMap(List::stream).toList());
    }

    private static List<String> describe(List<Alert> alerts) {
        return alerts.stream()
                .map(
                        a ->
                                a.sessionId()
                                        + " "
                                        + a.action()
                                        + " score "
                                        + a.score()
                                        + " "
                                        + a.reasons().stream().map(Reason::ruleId).toList())
                .toList();
    }

    private static Hold readHold(String json) {
        try {
            return Json.mapper().readValue(json, Hold.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double eventsRead() {
        double n = 0;
        for (String name : List.of("fraud.events", "fraud.events.invalid")) {
            n +=
                    FraudMetrics.get().registry().find(name).counters().stream()
                            .mapToDouble(Counter::count)
                            .sum();
        }
        return n;
    }

    static String defaultRules() throws IOException {
        try (InputStream in =
                DefaultRulesITCase.class.getResourceAsStream("/rules/default-rules.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
