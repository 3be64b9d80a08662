package dev.fraudmonitor.job.operators;

import static dev.fraudmonitor.job.operators.StageHarnesses.assertExpiryScheduled;
import static dev.fraudmonitor.job.operators.StageHarnesses.assertNothingLeft;
import static dev.fraudmonitor.job.operators.StageHarnesses.fixedRules;
import static dev.fraudmonitor.job.operators.StageHarnesses.flat;
import static dev.fraudmonitor.job.operators.StageHarnesses.keys;
import static dev.fraudmonitor.job.operators.StageHarnesses.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.engine.EntityStep;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.engine.rules.Hit;
import dev.fraudmonitor.engine.rules.RuleMode;
import dev.fraudmonitor.job.operators.StageHarnesses.Backend;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The entity stage in a Flink harness with a fixed rule set: a session hears of the hits of other
 * sessions on the same account before its own input, with the incident's case id; a hit is
 * forgotten once it has left the horizon, the entity's state once all of it has, on the heap (by
 * the sweep) and on RocksDB (by timers); state survives a snapshot and restore.
 */
class EntityStageITCase {
    static final String RULES =
            StageHarnesses.ruleSet("PT30M").replaceFirst("\\{", "{\"entityHorizon\": \"PT2H\", ");

    @Test
    void aSessionHearsOfAnotherSessionsHitsOnTheSameAccountBeforeItsOwnInput() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session a = Session.guest("203.0.113.60", "RO").as("acct-split");
        Session b = Session.guest("203.0.113.61", "RO").as("acct-split");
        DecisionInput newDevice = hit(a, 1, "new-device-for-account", 45);
        DecisionInput change = hit(b, 20, "credential-change-before-order", 45);

        try (var h = StageHarnesses.entity(config)) {
            h.open();
            feedAll(h, newDevice);
            List<DecisionInput> first = h.extractOutputValues();
            assertEquals(List.of(newDevice.eventId), ids(first), "nothing to link yet");
            h.getOutput().clear();

            feedAll(h, change);
            List<DecisionInput> out = h.extractOutputValues();
            DecisionInput linked = out.get(0);
            assertEquals(DecisionInput.Kind.LINKED_HIT, linked.kind);
            assertEquals(b.sessionId(), linked.sessionId);
            assertEquals(a.sessionId(), linked.linkedSessionId);
            assertEquals("new-device-for-account", linked.ruleId);
            assertEquals("account", linked.linkedBy);
            assertEquals(EntityStep.caseIdOf(a.sessionId()), linked.caseId);
            assertEquals(change.eventId, out.get(out.size() - 1).eventId, "own input last");
            assertTrue(keys(h) > 0);
        }
    }

    /** The decision step would drop every later evidence of a rule it learned from the first. */
    @Test
    void aSessionHearsOfEachRuleOnceHoweverManyOtherSessionsFiredIt() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session a = Session.guest("203.0.113.67", "RO").as("acct-many");
        Session b = Session.guest("203.0.113.68", "RO").as("acct-many");
        Session c = Session.guest("203.0.113.69", "RO").as("acct-many");
        Session d = Session.guest("203.0.113.70", "RO").as("acct-many");

        try (var h = StageHarnesses.entity(config)) {
            h.open();
            feedAll(h, hit(a, 1, "new-device-for-account", 45));
            feedAll(h, hit(b, 2, "new-device-for-account", 45));
            feedAll(h, hit(c, 3, "credential-change-before-order", 45));
            feedAll(h, hit(d, 4, "new-device-for-account", 45));
            h.getOutput().clear();

            feedAll(h, hit(d, 5, "credential-change-before-order", 45));
            List<String> heard =
                    h.extractOutputValues().stream()
                            .filter(x -> x.kind == DecisionInput.Kind.LINKED_HIT)
                            .map(x -> x.ruleId + " from " + x.linkedSessionId)
                            .toList();
            assertEquals(
                    List.of(
                            "new-device-for-account from " + a.sessionId(),
                            "credential-change-before-order from " + c.sessionId()),
                    heard,
                    "each rule once, from the first session that fired it; none of d's own");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nothingIsLeftOnceTheHorizonHasPassedAndStateSurvivesARestore(Backend backend)
            throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session a = Session.guest("203.0.113.62", "RO").as("acct-gone");
        Session b = Session.guest("203.0.113.63", "RO").as("acct-gone");

        KeyedOneInputStreamOperatorTestHarness<Long, EntityCopy, DecisionInput> before =
                StageHarnesses.entity(config, backend);
        before.open();
        feedAll(before, hit(a, 1, "new-device-for-account", 45));
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        try (var h = StageHarnesses.entity(config, backend)) {
            h.initializeState(snapshot);
            h.open();
            feedAll(h, hit(b, 30, "credential-change-before-order", 45));
            long linked =
                    h.extractOutputValues().stream()
                            .filter(x -> x.kind == DecisionInput.Kind.LINKED_HIT)
                            .count();
            assertTrue(linked >= 1, "the restored entity still links session a");

            h.processWatermark(minutes(30).plus(Duration.ofHours(2)).toEpochMilli() + 60_000);
            assertNothingLeft(h);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aHitLeavesTheHorizonWhileTheEntityLivesOn(Backend backend) throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session a = Session.guest("203.0.113.64", "RO").as("acct-long");
        Session b = Session.guest("203.0.113.65", "RO").as("acct-long");
        Session c = Session.guest("203.0.113.66", "RO").as("acct-long");

        try (var h = StageHarnesses.entity(config, backend)) {
            h.open();
            feedAll(h, hit(a, 1, "new-device-for-account", 45));
            feedAll(h, hit(b, 100, "credential-change-before-order", 45));
            assertExpiryScheduled(h, backend);

            // Two hours after session a's hit, it has left the horizon; b's has not.
            h.processWatermark(minutes(122).toEpochMilli());
            assertTrue(keys(h) > 0, "session b's hit keeps the entity");
            h.getOutput().clear();
            feedAll(h, hit(c, 125, "new-device-for-account", 45));
            List<String> linkedTo =
                    h.extractOutputValues().stream()
                            .filter(x -> x.kind == DecisionInput.Kind.LINKED_HIT)
                            .map(x -> x.linkedSessionId)
                            .distinct()
                            .toList();
            assertEquals(List.of(b.sessionId()), linkedTo);

            h.processWatermark(minutes(125 + 122).toEpochMilli());
            assertNothingLeft(h);
        }
    }

    private static DecisionInput hit(Session s, double minute, String ruleId, int weight) {
        return DecisionInput.ruleHit(
                flat(s.login(minutes(minute), "u-" + s.accountId(), LoginOutcome.SUCCESS)),
                1,
                new Hit(
                        ruleId,
                        1,
                        RuleMode.ACTIVE,
                        weight,
                        ruleId + " fired",
                        "x",
                        "y",
                        GroupBy.ACCOUNT,
                        false));
    }

    private static void feedAll(
            KeyedOneInputStreamOperatorTestHarness<Long, EntityCopy, DecisionInput> h,
            DecisionInput in)
            throws Exception {
        for (EntityCopy copy : EntityStep.copies(in)) {
            h.processElement(copy, in.eventTime);
        }
    }

    private static List<String> ids(List<DecisionInput> out) {
        return out.stream().map(x -> x.eventId).toList();
    }
}
