package dev.fraudmonitor.job.operators;

import static dev.fraudmonitor.job.operators.StageHarnesses.assertExpiryScheduled;
import static dev.fraudmonitor.job.operators.StageHarnesses.assertNothingLeft;
import static dev.fraudmonitor.job.operators.StageHarnesses.fixedRules;
import static dev.fraudmonitor.job.operators.StageHarnesses.flat;
import static dev.fraudmonitor.job.operators.StageHarnesses.keys;
import static dev.fraudmonitor.job.operators.StageHarnesses.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.operators.StageHarnesses.Backend;
import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;

/**
 * {@link GroupStage} in Flink's keyed operator harness, with its rules in a real redis-server:
 * velocity per account over a sliding event-time window, repeat marking within the cooldown, and
 * that a key's state and timers are gone once nothing in it is inside a window or a cooldown.
 */
class GroupStageITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    /** More than 3 failed logins for one account in 10 minutes; buckets of 10 s, kept 10m10s. */
    static final String RULES =
            StageHarnesses.ruleSet(
                    "PT30M",
                    """
                    {"id": "brute-force-account", "version": 1, "kind": "VELOCITY", "weight": 60,
                     "description": "{observed} failed logins for this account in {window}; limit {threshold}",
                     "groupBy": "ACCOUNT", "aggregate": "COUNT", "window": "PT10M", "threshold": 3,
                     "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}}""");

    @Test
    void crossingAVelocityThresholdEmitsAHitAndARepeatIsMarked() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session victim = Session.guest("203.0.113.50", "US").as("acct-victim");
        Session other = Session.guest("203.0.113.51", "US").as("acct-other");

        try (var h = StageHarnesses.group(config)) {
            h.open();
            for (int m = 1; m <= 3; m++) {
                feed(h, failedLogin(victim, m));
            }
            feed(h, failedLogin(other, 3.5));
            assertEquals(
                    List.of(), h.extractOutputValues(), "3 failures is the limit, not over it");

            ScoringEvent fourth = failedLogin(victim, 4);
            feed(h, fourth);
            List<DecisionInput> hits = h.extractOutputValues();
            assertEquals(1, hits.size(), "the other account's failure is counted for it alone");
            DecisionInput hit = hits.get(0);
            assertEquals("brute-force-account", hit.ruleId);
            assertEquals("4", hit.observed);
            assertEquals("3", hit.threshold);
            assertTrue(hit.text.startsWith("4 failed logins for this account in "), hit.text);
            assertEquals(victim.sessionId(), hit.sessionId);
            assertEquals(fourth.eventId, hit.eventId);
            assertEquals("ACTIVE", hit.mode);
            assertEquals(1, hit.ruleSetVersion);
            assertFalse(hit.repeat);

            feed(h, failedLogin(victim, 5));
            hits = h.extractOutputValues();
            assertEquals(2, hits.size());
            assertEquals("5", hits.get(1).observed);
            assertTrue(hits.get(1).repeat, "fired for this account 1 minute ago, within PT30M");
        }
    }

    @Test
    void theWindowSlidesInEventTime() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session s = Session.guest("203.0.113.52", "US").as("acct-slow");

        try (var h = StageHarnesses.group(config)) {
            h.open();
            // One failure every 4 minutes: never more than 3 in any 10 minutes.
            for (int m = 0; m <= 16; m += 4) {
                feed(h, failedLogin(s, m));
            }
            assertEquals(List.of(), h.extractOutputValues());

            // Minutes 8, 12, 16 and now 16.5 are within 10 minutes.
            feed(h, failedLogin(s, 16.5));
            assertEquals(
                    List.of("4"), h.extractOutputValues().stream().map(x -> x.observed).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nothingIsLeftOnceWindowsAndCooldownsHavePassed(Backend backend) throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session quiet = Session.guest("203.0.113.53", "US").as("acct-quiet");
        Session attacked = Session.guest("203.0.113.54", "US").as("acct-attacked");

        try (var h = StageHarnesses.group(config, backend)) {
            h.open();
            feed(h, failedLogin(quiet, 1));
            feed(h, failedLogin(quiet, 2));
            for (int m = 1; m <= 4; m++) {
                feed(h, failedLogin(attacked, m));
            }
            assertEquals(1, h.extractOutputValues().size(), "the attacked account fired at 4");
            assertEquals(2, keys(h));

            // The quiet account's last bucket (minute 2) is kept one window plus one bucket.
            h.processWatermark(minutes(12).toEpochMilli());
            assertEquals(2, keys(h), "minute 2 is still inside the window");
            h.processWatermark(minutes(13).toEpochMilli());
            assertEquals(1, keys(h), "the quiet account is gone");

            // The attacked account's buckets are out of the window too, but it remembers that its
            // rule fired at minute 4 until the cooldown has passed.
            h.processWatermark(minutes(33).toEpochMilli());
            assertEquals(1, keys(h), "the fire time is kept for the cooldown");
            assertExpiryScheduled(h, backend);
            h.processWatermark(minutes(34).toEpochMilli());
            assertNothingLeft(h);
        }
    }

    @Test
    void anEventNoRuleCountsLeavesNothingBehind() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session s = Session.guest("203.0.113.55", "US").as("acct-browsing");

        try (var h = StageHarnesses.group(config)) {
            h.open();
            feed(h, flat(s.pageView(minutes(1), "/")));
            feed(h, flat(s.login(minutes(2), "user-55", LoginOutcome.SUCCESS)));

            assertEquals(List.of(), h.extractOutputValues());
            assertNothingLeft(h);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void countsAndCleanupTimersSurviveASnapshotAndRestore(Backend backend) throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session s = Session.guest("203.0.113.56", "US").as("acct-restored");

        KeyedOneInputStreamOperatorTestHarness<Long, GroupCopy, DecisionInput> before =
                StageHarnesses.group(config, backend);
        before.open();
        for (int m = 1; m <= 3; m++) {
            feed(before, failedLogin(s, m));
        }
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        try (var h = StageHarnesses.group(config, backend)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(1, keys(h));
            assertExpiryScheduled(h, backend);

            feed(h, failedLogin(s, 4));
            List<DecisionInput> hits = h.extractOutputValues();
            assertEquals(1, hits.size(), "the three failures before the snapshot still count");
            assertEquals("4", hits.get(0).observed);

            h.processWatermark(minutes(34).toEpochMilli());
            assertNothingLeft(h);
        }
    }

    @Test
    void aRestartDuringARedisOutageScoresWithTheRulesFromTheCheckpoint() throws Exception {
        assumeFalse(
                REDIS.redis().isExternal(), "stops the embedded redis-server; not with REDIS_URL");
        StageHarnesses.Setup config = StageHarnesses.redisRules(REDIS, RULES);
        Session s = Session.guest("203.0.113.57", "US").as("acct-outage");

        KeyedOneInputStreamOperatorTestHarness<Long, GroupCopy, DecisionInput> before =
                StageHarnesses.group(config);
        before.open();
        for (int m = 1; m <= 3; m++) {
            feed(before, failedLogin(s, m));
        }
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        REDIS.redis().stopServer();
        try (var h = StageHarnesses.group(config)) {
            try {
                long start = System.nanoTime();
                h.initializeState(snapshot);
                h.open(); // without the saved rules this waits 5 s for Redis and then fails
                long openMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(openMillis < 4_000, "opened in " + openMillis + " ms");

                feed(h, failedLogin(s, 4));
                List<DecisionInput> hits = h.extractOutputValues();
                assertEquals(1, hits.size(), "scored with the rule set from the checkpoint");
                assertEquals(1, hits.get(0).ruleSetVersion);
                assertEquals("3", hits.get(0).threshold);
            } finally {
                REDIS.redis().startServer();
            }

            // Redis is back (empty): a new rule set written there comes into force.
            try (RedisClient client = REDIS.client()) {
                client.set(
                        config.config().get(JobConfig.REDIS_PREFIX) + "rules",
                        RULES.replace("\"version\": 1,", "\"version\": 2,")
                                .replace("\"threshold\": 3", "\"threshold\": 1"));
            }
            List<DecisionInput> hits = List.of();
            long deadline = System.currentTimeMillis() + 10_000;
            for (double m = 5; hits.isEmpty() && System.currentTimeMillis() < deadline; m += 0.01) {
                h.getOutput().clear();
                feed(h, failedLogin(s, m));
                hits =
                        h.extractOutputValues().stream()
                                .filter(hit -> hit.ruleSetVersion == 2)
                                .toList();
                if (hits.isEmpty()) Thread.sleep(100);
            }
            assertEquals(1, hits.size(), "reload resumed once Redis answered");
            assertEquals("1", hits.get(0).threshold);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theRuleKindsOfLanguageV2FireAndLeaveNoStateOrTimersBehind(Backend backend)
            throws Exception {
        String rules =
                StageHarnesses.ruleSet(
                        "PT30M",
                        """
                        {"id": "reset-then-order", "version": 1, "kind": "SEQUENCE", "weight": 60,
                         "description": "{observed}", "groupBy": "ACCOUNT", "window": "PT1H",
                         "steps": [{"types": ["ACCOUNT_CHANGE"], "changes": ["PASSWORD"]},
                                   {"types": ["ORDER_PLACED"]}]}""",
                        """
                        {"id": "young-account", "version": 1, "kind": "FIRST_SEEN", "weight": 20,
                         "description": "{observed}", "groupBy": "ACCOUNT", "maxAge": "PT10M",
                         "history": "PT2H", "filter": {"types": ["ORDER_PLACED"]}}""",
                        """
                        {"id": "failed-share", "version": 1, "kind": "RATIO", "weight": 20,
                         "description": "{observed}", "groupBy": "ACCOUNT",
                         "filter": {"types": ["LOGIN"], "outcome": "FAILURE"},
                         "of": {"types": ["LOGIN"]}, "window": "PT5M", "baseline": "PT1H",
                         "factor": 1.5, "minCount": 2}""");
        StageHarnesses.Setup config = fixedRules(rules);
        Session s = Session.guest("203.0.113.70", "US").as("acct-v2");
        try (var h = StageHarnesses.group(config, backend)) {
            h.open();
            feed(h, flat(s.login(minutes(0), "u-v2", LoginOutcome.SUCCESS)));
            feed(h, flat(s.login(minutes(1), "u-v2", LoginOutcome.SUCCESS)));
            feed(h, flat(s.login(minutes(40), "u-v2", LoginOutcome.FAILURE)));
            feed(h, flat(s.login(minutes(41), "u-v2", LoginOutcome.FAILURE)));
            feed(h, flat(s.accountChange(minutes(42), ChangeKind.PASSWORD)));
            feed(h, flat(s.order(minutes(45), "o-v2", "card-v2", 5_000, "US", "US", "US")));
            List<String> fired = h.extractOutputValues().stream().map(x -> x.ruleId).toList();
            assertTrue(fired.contains("failed-share"), fired.toString());
            assertTrue(fired.contains("reset-then-order"), fired.toString());
            assertTrue(fired.contains("young-account"), fired.toString());
            assertExpiryScheduled(h, backend);

            // The longest retention is the first sighting's two hours after the order.
            h.processWatermark(minutes(45 + 120 + 2).toEpochMilli());
            assertNothingLeft(h);
        }
    }

    private static ScoringEvent failedLogin(Session s, double minute) {
        return flat(s.login(minutes(minute), "user-" + s.accountId(), LoginOutcome.FAILURE));
    }

    /** What the session stage sends this stage for the event's account. */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<Long, GroupCopy, DecisionInput> h,
            ScoringEvent e)
            throws Exception {
        h.processElement(new GroupCopy(GroupBy.ACCOUNT, e.accountId, e), e.eventTime);
    }
}
