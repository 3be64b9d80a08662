package dev.fraudmonitor.job.operators;

import static dev.fraudmonitor.job.operators.StageHarnesses.after;
import static dev.fraudmonitor.job.operators.StageHarnesses.assertExpiryScheduled;
import static dev.fraudmonitor.job.operators.StageHarnesses.assertNothingLeft;
import static dev.fraudmonitor.job.operators.StageHarnesses.fixedRules;
import static dev.fraudmonitor.job.operators.StageHarnesses.flat;
import static dev.fraudmonitor.job.operators.StageHarnesses.keys;
import static dev.fraudmonitor.job.operators.StageHarnesses.minutes;
import static dev.fraudmonitor.job.operators.StageHarnesses.side;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.engine.rules.Hit;
import dev.fraudmonitor.engine.rules.RuleMode;
import dev.fraudmonitor.job.event.Output;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.job.operators.StageHarnesses.Backend;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.FieldEnteredData;
import dev.fraudmonitor.model.FieldKind;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.PanGuard;
import dev.fraudmonitor.model.Reason;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DecisionStage} in Flink's keyed operator harness, with its thresholds and cooldown in a
 * real redis-server: scoring, REVIEW and HOLD, escalation, cooldown suppression, stable alert ids,
 * and that a session leaves no state or timer behind once its TTL has passed.
 */
class DecisionStageITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    /** Review at 50, hold at 80, cooldown 30 minutes; the hits below carry their own weights. */
    static final String RULES =
            StageHarnesses.ruleSet(
                    "PT30M",
                    """
                    {"id": "brute-force-account", "version": 1, "kind": "VELOCITY", "weight": 60,
                     "description": "{observed} failed logins in {window}; limit {threshold}",
                     "groupBy": "ACCOUNT", "aggregate": "COUNT", "window": "PT10M", "threshold": 5,
                     "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}}""");

    private final Session session = Session.guest("198.51.100.70", "US").as("acct-70");

    @Test
    void aScoreOverTheReviewThresholdAlertsOnceWithItsReasons() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        try (var h = StageHarnesses.decision(config)) {
            h.open();
            feed(h, hit("weak-signal", 30, 1));
            assertEquals(List.of(), h.extractOutputValues(), "score 30 is under review (50)");

            feed(h, hit("other-signal", 40, 2));
            List<Alert> alerts = alerts(h);
            assertEquals(1, alerts.size());
            Alert a = alerts.get(0);
            assertEquals(Action.REVIEW, a.action());
            assertEquals(58, a.score(), "noisy-or of 30 and 40");
            assertEquals(session.sessionId(), a.sessionId());
            assertEquals("acct-70", a.accountId());
            assertNull(a.orderId());
            assertNull(a.supersedes());
            assertNull(a.change());
            assertEquals(1, a.ruleSetVersion());
            assertEquals(minutes(2), a.createdAt(), "event time, so a replay says the same");
            assertEquals(
                    List.of("other-signal", "weak-signal"),
                    a.reasons().stream().map(Reason::ruleId).toList(),
                    "heaviest first");
            assertEquals("other-signal fired", a.reasons().get(0).text());
            assertEquals(session.sessionId(), h.extractOutputValues().get(0).key);
            assertEquals(List.of(), side(h, DecisionStage.HOLDS), "no order, no hold");
        }
    }

    @Test
    void escalationToHoldNamesTheChangeAndHoldsEachOrderOnce() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        try (var h = StageHarnesses.decision(config)) {
            h.open();
            feed(h, hit("block-ip", 90, 1));
            feed(h, orderNotice("o-1", 3));
            feed(h, orderNotice("o-2", 5));
            feed(h, orderNotice("o-2", 5)); // the same order again: nothing new to say

            List<Alert> alerts = alerts(h);
            assertEquals(3, alerts.size());
            Alert review = alerts.get(0);
            Alert hold = alerts.get(1);
            Alert secondHold = alerts.get(2);
            assertEquals(Action.REVIEW, review.action(), "no order yet: review, not hold");
            assertEquals(Action.HOLD, hold.action());
            assertEquals("o-1", hold.orderId());
            assertEquals(review.alertId(), hold.supersedes());
            assertEquals("escalated from REVIEW to HOLD", hold.change());
            assertEquals(90, hold.score());
            assertEquals(Action.HOLD, secondHold.action());
            assertEquals("o-2", secondHold.orderId());
            assertEquals(hold.alertId(), secondHold.supersedes());
            assertEquals("another order in this session held", secondHold.change());

            List<Output> holdOutputs = side(h, DecisionStage.HOLDS);
            assertEquals(List.of("o-1", "o-2"), holdOutputs.stream().map(o -> o.key).toList());
            Hold first = Json.mapper().readValue(holdOutputs.get(0).json, Hold.class);
            assertEquals(HoldStatus.HELD, first.status());
            assertEquals(hold.alertId(), first.alertId());
            assertEquals(session.sessionId(), first.sessionId());
            assertEquals(
                    List.of("block-ip"), first.reasons().stream().map(Reason::ruleId).toList());
            assertNull(first.releasedBy());

            for (Output o : h.extractOutputValues()) {
                assertNoCardNumber(o);
            }
            holdOutputs.forEach(DecisionStageITCase::assertNoCardNumber);
            assertEquals("411111", secondHold.cardBin(), "the BIN, from the order, is enough");
        }
    }

    @Test
    void theLast4FromTheCardFieldStaysOnAnOrdersHoldUntilAnotherCardIsUsed() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        try (var h = StageHarnesses.decision(config)) {
            h.open();
            ScoringEvent card =
                    flat(
                            session.event(
                                    EventType.FIELD_ENTERED,
                                    minutes(1),
                                    new FieldEnteredData(
                                            FieldKind.CARD,
                                            "h-card",
                                            null,
                                            null,
                                            "411111",
                                            "1111",
                                            "US")));
            Hit blocked =
                    new Hit(
                            "block-ip",
                            1,
                            RuleMode.ACTIVE,
                            90,
                            "blocked",
                            "ip",
                            "list",
                            GroupBy.IP,
                            false);
            feed(h, DecisionInput.ruleHit(card, 1, blocked));
            feed(h, orderNotice("o-1", 2)); // BIN 411111 only
            ScoringEvent otherCard =
                    flat(session.order(minutes(3), "o-2", "card-71", 25_000, "US", "US", "US"));
            otherCard.cardBin = "550000";
            feed(h, DecisionInput.orderPlaced(otherCard, 1));

            List<Alert> alerts = alerts(h);
            assertEquals(3, alerts.size());
            assertEquals("1111", alerts.get(0).cardLast4());
            assertEquals(Action.HOLD, alerts.get(1).action());
            assertEquals("411111", alerts.get(1).cardBin());
            assertEquals("1111", alerts.get(1).cardLast4(), "the order's BIN is the same card");
            assertEquals("550000", alerts.get(2).cardBin());
            assertNull(alerts.get(2).cardLast4(), "another card: its last 4 are unknown");
        }
    }

    @Test
    void aRepeatWithinTheCooldownIsSuppressedButNewEvidenceIsNot() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        double suppressedBefore = suppressed();
        try (var h = StageHarnesses.decision(config)) {
            h.open();
            feed(h, hit("brute-force-account", 60, 1));
            feed(h, hit("brute-force-account", 60, 11));
            assertEquals(1, alerts(h).size(), "the same rule 10 minutes later is no news");
            assertEquals(1, suppressed() - suppressedBefore, "and is counted as suppressed");

            feed(h, hit("new-device-for-account", 20, 12));
            feed(h, hit("brute-force-account", 60, 41));
            assertEquals(2, alerts(h).size(), "still in the cooldown of the alert at minute 12");
            feed(h, hit("brute-force-account", 60, 42));

            List<Alert> alerts = alerts(h);
            assertEquals(3, alerts.size());
            assertEquals("new evidence: new-device-for-account", alerts.get(1).change());
            assertEquals(alerts.get(0).alertId(), alerts.get(1).supersedes());
            assertEquals(68, alerts.get(1).score());
            assertEquals("still firing after the PT30M cooldown", alerts.get(2).change());
            assertEquals(minutes(42), alerts.get(2).createdAt());
        }
    }

    @Test
    void hitsThatOnlyRepeatAnotherSessionsAlertDoNotAlertAgain() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        try (var h = StageHarnesses.decision(config)) {
            h.open();
            // The account already alerted from another session within the cooldown.
            DecisionInput repeat = hit("brute-force-account", 60, 1);
            repeat.repeat = true;
            feed(h, repeat);
            assertEquals(List.of(), h.extractOutputValues());

            feed(h, hit("new-country-for-account", 20, 2));
            List<Alert> alerts = alerts(h);
            assertEquals(1, alerts.size(), "a rule that is news to reps makes it worth an alert");
            assertEquals(68, alerts.get(0).score());
        }
    }

    @Test
    void shadowHitsAreCountedButNeverScored() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        double countedBefore = shadowHits("shadow-rule");
        try (var h = StageHarnesses.decision(config)) {
            h.open();
            DecisionInput shadow = hit("shadow-rule", 100, 1);
            shadow.mode = RuleMode.SHADOW.name();
            feed(h, shadow);

            assertEquals(List.of(), h.extractOutputValues());
            assertEquals(1, shadowHits("shadow-rule") - countedBefore);
            assertNothingLeft(h);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nothingIsLeftOnceTheSessionTtlHasPassed(Backend backend) throws Exception {
        StageHarnesses.Setup config =
                fixedRules(RULES.replaceFirst("\\{", "{\"sessionTimeout\": \"PT1H\", "));
        Session quiet = Session.guest("198.51.100.71", "US").as("acct-71");
        try (var h = StageHarnesses.decision(config, backend)) {
            h.open();
            feed(h, hit("block-ip", 90, 1));
            feed(h, orderNotice("o-71", 2));
            feed(h, DecisionInput.orderPlaced(order(quiet, "o-72", 20), 1));
            assertEquals(2, alerts(h).size());
            assertEquals(2, keys(h), "an order alone is remembered too");

            // Held until one TTL after each session's last hit (rounded up to the minute).
            h.processWatermark(after(minutes(2), Duration.ofHours(1)) - 1);
            assertEquals(2, keys(h));
            h.processWatermark(after(minutes(2), Duration.ofHours(1)));
            assertEquals(1, keys(h));
            h.processWatermark(after(minutes(20), Duration.ofHours(1)));
            assertNothingLeft(h);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cooldownAndAlertIdsSurviveASnapshotAndRestore(Backend backend) throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        List<DecisionInput> beforeSnapshot = List.of(hit("block-ip", 90, 1));
        List<DecisionInput> afterRestore = List.of(hit("block-ip", 90, 5), orderNotice("o-9", 6));

        KeyedOneInputStreamOperatorTestHarness<Long, DecisionInput, Output> before =
                StageHarnesses.decision(config, backend);
        before.open();
        beforeSnapshot.forEach(m -> feedQuietly(before, m));
        List<Alert> alerts = new ArrayList<>(alerts(before));
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        try (var h = StageHarnesses.decision(config, backend)) {
            h.initializeState(snapshot);
            h.open();
            assertExpiryScheduled(h, backend);
            afterRestore.forEach(m -> feedQuietly(h, m));
            alerts.addAll(alerts(h));

            assertEquals(2, alerts.size(), "the repeat at minute 5 stays suppressed");
            assertEquals(Action.HOLD, alerts.get(1).action());
            assertEquals(alerts.get(0).alertId(), alerts.get(1).supersedes());

            h.processWatermark(after(minutes(6), Duration.ofHours(2)));
            assertNothingLeft(h);
        }

        // A replay from the start without the snapshot decides the same, under the same ids.
        try (var replay = StageHarnesses.decision(config, backend)) {
            replay.open();
            beforeSnapshot.forEach(m -> feedQuietly(replay, m));
            afterRestore.forEach(m -> feedQuietly(replay, m));
            assertEquals(alerts, alerts(replay));
        }
    }

    private DecisionInput hit(String ruleId, int weight, double minute) {
        Hit hit =
                new Hit(
                        ruleId,
                        1,
                        RuleMode.ACTIVE,
                        weight,
                        ruleId + " fired",
                        "6",
                        "5",
                        GroupBy.ACCOUNT,
                        false);
        return DecisionInput.ruleHit(
                flat(session.login(minutes(minute), "user-70", LoginOutcome.FAILURE)), 1, hit);
    }

    private DecisionInput orderNotice(String orderId, double minute) {
        return DecisionInput.orderPlaced(order(session, orderId, minute), 1);
    }

    private static ScoringEvent order(Session s, String orderId, double minute) {
        return flat(s.order(minutes(minute), orderId, "card-70", 25_000, "US", "US", "US"));
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<Long, DecisionInput, Output> h, DecisionInput m)
            throws Exception {
        h.processElement(m, m.eventTime);
    }

    private static void feedQuietly(
            KeyedOneInputStreamOperatorTestHarness<Long, DecisionInput, Output> h,
            DecisionInput m) {
        try {
            feed(h, m);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<Alert> alerts(
            KeyedOneInputStreamOperatorTestHarness<Long, DecisionInput, Output> h)
            throws IOException {
        List<Alert> out = new ArrayList<>();
        for (Output o : h.extractOutputValues()) {
            out.add(Json.mapper().readValue(o.json, Alert.class));
        }
        return out;
    }

    private static void assertNoCardNumber(Output o) {
        String json = new String(o.json, StandardCharsets.UTF_8);
        assertFalse(PanGuard.containsPan(json), json);
    }

    private static double suppressed() {
        return FraudMetrics.get().registry().get("fraud.alerts.suppressed").counter().count();
    }

    private static double shadowHits(String ruleId) {
        var counter =
                FraudMetrics.get()
                        .registry()
                        .find("fraud.rule.hits")
                        .tags("rule", ruleId, "mode", "SHADOW")
                        .counter();
        return counter == null ? 0 : counter.count();
    }
}
