package dev.fraudmonitor.job.operators;

import static dev.fraudmonitor.job.operators.StageHarnesses.after;
import static dev.fraudmonitor.job.operators.StageHarnesses.assertExpiryScheduled;
import static dev.fraudmonitor.job.operators.StageHarnesses.assertNothingLeft;
import static dev.fraudmonitor.job.operators.StageHarnesses.clearOutputs;
import static dev.fraudmonitor.job.operators.StageHarnesses.fixedRules;
import static dev.fraudmonitor.job.operators.StageHarnesses.flat;
import static dev.fraudmonitor.job.operators.StageHarnesses.keys;
import static dev.fraudmonitor.job.operators.StageHarnesses.minutes;
import static dev.fraudmonitor.job.operators.StageHarnesses.side;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.job.operators.StageHarnesses.Backend;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.PaymentOutcome;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SessionStage} in Flink's keyed operator harness, with its rules in a real redis-server:
 * de-duplication, session rules, the fan-out to grouping keys, and that a session leaves no state
 * or timer behind once its TTL has passed.
 */
class SessionStageITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    /**
     * Two rules per account and one per IP (so ACCOUNT and IP copies are needed, nothing else), a
     * session-grouped velocity rule and a block-list rule (both evaluated here, not fanned out).
     */
    static final String RULES =
            StageHarnesses.ruleSet(
                    "PT30M",
                    """
                    {"id": "brute-force-account", "version": 1, "kind": "VELOCITY", "weight": 60,
                     "description": "{observed} failed logins in {window}; limit {threshold}",
                     "groupBy": "ACCOUNT", "aggregate": "COUNT", "window": "PT10M", "threshold": 5,
                     "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}}""",
                    """
                    {"id": "orders-per-account", "version": 1, "kind": "VELOCITY", "weight": 50,
                     "description": "{observed} orders in {window}; limit {threshold}",
                     "groupBy": "ACCOUNT", "aggregate": "COUNT", "window": "PT1H", "threshold": 3,
                     "filter": {"types": ["ORDER_PLACED"]}}""",
                    """
                    {"id": "credential-stuffing-ip", "version": 1, "kind": "VELOCITY", "weight": 70,
                     "description": "{observed} usernames failed from this IP in {window}; limit {threshold}",
                     "groupBy": "IP", "aggregate": "DISTINCT", "distinctOf": "USERNAME",
                     "window": "PT10M", "threshold": 10,
                     "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}}""",
                    """
                    {"id": "declines-in-session", "version": 1, "kind": "VELOCITY", "weight": 50,
                     "description": "{observed} declined payments in this session in {window}; limit {threshold}",
                     "groupBy": "SESSION", "aggregate": "COUNT", "window": "PT1H", "threshold": 2,
                     "filter": {"types": ["PAYMENT_ATTEMPT"], "outcome": "DECLINED"}}""",
                    """
                    {"id": "block-ip", "version": 1, "kind": "LIST", "weight": 90,
                     "description": "The IP is on the block list", "list": "IP"}""");

    @Test
    void aRepeatedEventIsDroppedBeforeAnyRuleCountsIt() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session s = Session.guest("203.0.113.7", "US").as("acct-1");
        ScoringEvent d1 =
                flat(s.payment(minutes(1), "o-1", "card-1", 2_000, PaymentOutcome.DECLINED));
        ScoringEvent d2 =
                flat(s.payment(minutes(2), "o-1", "card-2", 2_000, PaymentOutcome.DECLINED));
        ScoringEvent d3 =
                flat(s.payment(minutes(3), "o-1", "card-3", 2_000, PaymentOutcome.DECLINED));
        double duplicatesBefore = duplicatesCounted();

        try (var h = StageHarnesses.session(config)) {
            h.open();
            h.processElement(d1, d1.eventTime);
            h.processElement(d2, d2.eventTime);
            h.processElement(d2, d2.eventTime); // the producer sent it again
            h.processElement(d1, d1.eventTime);

            assertEquals(
                    List.of(),
                    side(h, SessionStage.HITS),
                    "two declines against a limit of 2: counting a repeat would have fired");
            assertEquals(
                    List.of(),
                    h.extractOutputValues(),
                    "no grouped rule reads declined payments: no copies");
            assertEquals(2, duplicatesCounted() - duplicatesBefore, "repeats are counted");

            h.processElement(d3, d3.eventTime);
            List<DecisionInput> hits = side(h, SessionStage.HITS);
            assertEquals(1, hits.size(), "the third distinct decline crosses the limit");
            assertEquals("declines-in-session", hits.get(0).ruleId);
            assertEquals("3", hits.get(0).observed);
            assertEquals(d3.eventId, hits.get(0).eventId);
        }
    }

    @Test
    void anEventFeedsOneCopyPerGroupingKeyWhoseRulesReadItNotOnePerRule() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES);
        Session member = Session.guest("198.51.100.20", "DE").as("acct-2");
        Session guest = Session.guest("198.51.100.21", "DE");
        ScoringEvent login = flat(member.login(minutes(1), "user-2", LoginOutcome.FAILURE));
        ScoringEvent memberView = flat(member.pageView(minutes(1), "/"));
        ScoringEvent guestLogin = flat(guest.login(minutes(1), "user-9", LoginOutcome.FAILURE));

        try (var h = StageHarnesses.session(config)) {
            h.open();
            h.processElement(login, login.eventTime);
            h.processElement(login, login.eventTime); // a repeat: no copies
            h.processElement(memberView, memberView.eventTime);
            h.processElement(guestLogin, guestLogin.eventTime);

            List<GroupCopy> copies = h.extractOutputValues();
            // Two ACCOUNT rules, one copy; the device, username and session are needed by no
            // grouped rule, so they get none; no grouped rule reads page views; a guest has no
            // account, so only its IP copy.
            assertEquals(
                    List.of("ACCOUNT|acct-2", "IP|198.51.100.20", "IP|198.51.100.21"),
                    copies.stream().map(c -> c.key).toList());
            assertEquals(GroupBy.ACCOUNT, copies.get(0).kind);
            assertEquals(GroupBy.IP, copies.get(1).kind);
            assertEquals(login.eventId, copies.get(0).event.eventId);
            assertEquals(login.eventId, copies.get(1).event.eventId);
            assertEquals(guestLogin.eventId, copies.get(2).event.eventId);
            assertEquals(List.of(), side(h, SessionStage.HITS));
        }
    }

    @Test
    void sessionRuleHitsAndOrderNoticesLeaveOnTheHitsSideOutput() throws Exception {
        StageHarnesses.Setup config = fixedRules(RULES, Map.of(ListKind.IP, Set.of("192.0.2.66")));
        Session blocked = Session.guest("192.0.2.66", "NL").as("acct-3");
        ScoringEvent view = flat(blocked.pageView(minutes(1), "/cart"));
        ScoringEvent order =
                flat(blocked.order(minutes(3), "o-3", "card-3", 12_000, "NL", "NL", "NL"));

        try (var h = StageHarnesses.session(config)) {
            h.open();
            h.processElement(view, view.eventTime);
            h.processElement(order, order.eventTime);

            List<DecisionInput> hits = side(h, SessionStage.HITS);
            assertEquals(3, hits.size(), "block-ip twice, then the order notice");
            DecisionInput first = hits.get(0);
            assertEquals("block-ip", first.ruleId);
            assertEquals(view.eventId, first.eventId);
            assertEquals(blocked.sessionId(), first.sessionId);
            assertEquals("acct-3", first.accountId);
            assertEquals("The IP is on the block list", first.text);
            assertEquals(90, first.weight);
            assertEquals(1, first.ruleSetVersion);
            assertFalse(first.repeat);
            assertEquals("block-ip", hits.get(1).ruleId);
            assertTrue(hits.get(1).repeat, "fired again for this session within the cooldown");
            DecisionInput notice = hits.get(2);
            assertFalse(notice.isRuleHit());
            assertNull(notice.ruleId);
            assertEquals("o-3", notice.orderId);
            assertEquals(order.eventId, notice.eventId);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nothingIsLeftOnceTheSessionTtlHasPassed(Backend backend) throws Exception {
        StageHarnesses.Setup config =
                fixedRules(RULES.replaceFirst("\\{", "{\"sessionTimeout\": \"PT2H\", "));
        Session early = Session.guest("203.0.113.30", "US").as("acct-30");
        Session late = Session.guest("203.0.113.31", "US").as("acct-31");
        ScoringEvent firstOfEarly = flat(early.pageView(minutes(0), "/"));
        List<ScoringEvent> events =
                List.of(
                        firstOfEarly,
                        flat(early.login(minutes(1), "user-30", LoginOutcome.FAILURE)),
                        flat(early.pageView(minutes(5.5), "/cart")),
                        flat(late.pageView(minutes(30), "/")),
                        flat(late.login(minutes(31), "user-31", LoginOutcome.SUCCESS)));

        try (var h = StageHarnesses.session(config, backend)) {
            h.open();
            for (ScoringEvent e : events) {
                h.processElement(e, e.eventTime);
            }
            int bothSessions = keys(h);
            assertExpiryScheduled(h, backend);

            // Just before the early session's TTL: it still remembers its events.
            h.processWatermark(after(minutes(5.5), Duration.ofHours(2)) - 1);
            clearOutputs(h, SessionStage.HITS);
            h.processElement(firstOfEarly, firstOfEarly.eventTime);
            assertEquals(List.of(), h.extractOutputValues(), "still a duplicate within the TTL");
            assertEquals(bothSessions, keys(h));

            // Past it (expiry runs on whole minutes): only the late session is left.
            h.processWatermark(after(minutes(6), Duration.ofHours(2)));
            assertEquals(bothSessions / 2, keys(h));

            h.processWatermark(after(minutes(31), Duration.ofHours(2)));
            assertNothingLeft(h);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSessionBusyForAnHourHoldsOneTimerAtMostAndIsDroppedATimeoutAfterItsLastEvent(
            Backend backend) throws Exception {
        StageHarnesses.Setup config =
                fixedRules(RULES.replaceFirst("\\{", "{\"sessionTimeout\": \"PT1H\", "));
        Session busy = Session.guest("203.0.113.40", "US").as("acct-40");
        try (var h = StageHarnesses.session(config, backend)) {
            h.open();
            // a page view every 2 minutes for an hour: 31 events, each moving the expiry on
            for (int m = 0; m <= 60; m += 2) {
                ScoringEvent e = flat(busy.pageView(minutes(m), "/p" + m));
                h.processElement(e, e.eventTime);
            }
            assertEquals(
                    backend == Backend.ROCKSDB ? 1 : 0,
                    h.numEventTimeTimers(),
                    "one timer on RocksDB, not one per minute; none on the heap");

            // An hour after the first event the session went on, so it is kept (and its timer
            // moves to an hour after the last event).
            h.processWatermark(after(minutes(0), Duration.ofHours(1)) + 60_000);
            assertTrue(keys(h) > 0, "still within the timeout of its last event");
            assertEquals(backend == Backend.ROCKSDB ? 1 : 0, h.numEventTimeTimers());

            h.processWatermark(after(minutes(60), Duration.ofHours(1)) + 60_000);
            assertNothingLeft(h);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void deduplicationCountsAndTimersSurviveASnapshotAndRestore(Backend backend) throws Exception {
        StageHarnesses.Setup config =
                fixedRules(RULES.replaceFirst("\\{", "{\"sessionTimeout\": \"PT2H\", "));
        Session s = Session.guest("203.0.113.40", "US").as("acct-40");
        ScoringEvent d1 =
                flat(s.payment(minutes(1), "o-40", "card-1", 2_000, PaymentOutcome.DECLINED));
        ScoringEvent d2 =
                flat(s.payment(minutes(2), "o-40", "card-2", 2_000, PaymentOutcome.DECLINED));
        ScoringEvent d3 =
                flat(s.payment(minutes(3), "o-40", "card-3", 2_000, PaymentOutcome.DECLINED));

        KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> before =
                StageHarnesses.session(config, backend);
        before.open();
        before.processElement(d1, d1.eventTime);
        before.processElement(d2, d2.eventTime);
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        try (var h = StageHarnesses.session(config, backend)) {
            h.initializeState(snapshot);
            h.open();
            assertExpiryScheduled(h, backend);

            h.processElement(d2, d2.eventTime);
            assertEquals(List.of(), h.extractOutputValues(), "seen before the snapshot: dropped");
            assertEquals(List.of(), side(h, SessionStage.HITS));

            h.processElement(d3, d3.eventTime);
            List<DecisionInput> hits = side(h, SessionStage.HITS);
            assertEquals(1, hits.size(), "the declines before the snapshot still count");
            assertEquals("3", hits.get(0).observed);

            h.processWatermark(after(minutes(3), Duration.ofHours(2)));
            assertNothingLeft(h);
        }
    }

    private static double duplicatesCounted() {
        return FraudMetrics.get().registry().get("fraud.events.duplicate").counter().count();
    }
}
