package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.days;
import static dev.fraudmonitor.engine.rules.Ev.hours;
import static dev.fraudmonitor.engine.rules.Ev.min;
import static dev.fraudmonitor.engine.rules.Ev.sec;
import static dev.fraudmonitor.engine.rules.TestRules.group;
import static dev.fraudmonitor.engine.rules.TestRules.observed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rule kinds and groupings of rule language v2: amount filters, per-BIN and site-wide grouping,
 * ratios against a trailing baseline, first-seen age and ordered sequences; each judged on events,
 * each leaving nothing behind once its windows have passed.
 */
class NewRuleKindsTest {

    static final String FAILED_LOGIN_SHARE =
            """
            {"id": "failed-login-share", "kind": "RATIO", "weight": 40,
             "description": "{observed}; limit {threshold}",
             "groupBy": "GLOBAL", "filter": {"types": ["LOGIN"], "outcome": "FAILURE"},
             "of": {"types": ["LOGIN"]}, "window": "PT5M", "baseline": "PT24H",
             "factor": 3, "minCount": 10}""";

    @Test
    void anAmountFilterCountsOnlyOrdersInTheRange() {
        RuleSet rs =
                TestRules.set(
                        """
                        {"id": "big-orders", "kind": "VELOCITY", "weight": 30,
                         "description": "{observed}", "groupBy": "CARD", "aggregate": "COUNT",
                         "window": "PT1H", "threshold": 1,
                         "filter": {"types": ["ORDER_PLACED"], "minAmountMinor": 50000}}""");
        GroupState st = new GroupState();
        assertEquals(
                List.of(),
                group(rs, GroupBy.CARD, st, Ev.order(T0, "s", 49_999).card("c").build()));
        assertEquals(
                List.of(),
                group(rs, GroupBy.CARD, st, Ev.order(T0 + 1, "s", 50_000).card("c").build()));
        assertEquals(
                "2",
                observed(
                        group(
                                rs,
                                GroupBy.CARD,
                                st,
                                Ev.order(T0 + 2, "s", 90_000).card("c").build()),
                        "big-orders"));
    }

    @Test
    void binGroupingCountsDeclinesAcrossTheCardsOfOneBin() {
        RuleSet rs =
                TestRules.set(
                        """
                        {"id": "bin-declines", "kind": "VELOCITY", "weight": 40,
                         "description": "{observed}", "groupBy": "BIN", "aggregate": "DISTINCT",
                         "distinctOf": "CARD", "window": "PT10M", "threshold": 2,
                         "filter": {"types": ["PAYMENT_ATTEMPT"], "outcome": "DECLINED"}}""");
        assertTrue(rs.groupings().contains(GroupBy.BIN));
        GroupState st = new GroupState();
        String fired = null;
        for (int i = 0; i < 3; i++) {
            var e = Ev.payment(T0 + sec(i), "s" + i, "card-" + i, "DECLINED").build();
            e.cardBin = "411111";
            assertEquals("411111", GroupBy.BIN.keyOf(e));
            fired = observed(group(rs, GroupBy.BIN, st, e), "bin-declines");
        }
        assertEquals("3", fired);
    }

    @Test
    void aSiteWideRiseInTheShareOfFailedLoginsFiresAgainstTheBaseline() {
        RuleSet rs = TestRules.set(FAILED_LOGIN_SHARE);
        GroupState st = new GroupState();
        // A normal day: 1 login in 20 fails.
        long t = T0;
        for (int i = 0; i < 400; i++) {
            t += min(3);
            String outcome = i % 20 == 0 ? "FAILURE" : "SUCCESS";
            assertEquals(
                    List.of(),
                    group(rs, GroupBy.GLOBAL, st, Ev.login(t, "n" + i, outcome).build()),
                    "quiet on an ordinary day");
        }
        // Then a burst: 12 failures among 15 logins in a few minutes.
        String fired = null;
        for (int i = 0; i < 15; i++) {
            t += sec(10);
            String outcome = i < 12 ? "FAILURE" : "SUCCESS";
            String o =
                    observed(
                            group(rs, GroupBy.GLOBAL, st, Ev.login(t, "a" + i, outcome).build()),
                            "failed-login-share");
            fired = o != null ? o : fired;
        }
        assertNotNull(fired, "a burst of failures against a quiet baseline fires");
        assertTrue(fired.contains("of"), fired);
        // Everything leaves the baseline a day after the last login.
        assertTrue(st.expire(t + days(1) + min(10), rs), "nothing left after the baseline");
    }

    @Test
    void aFewFailuresBelowTheMinimumCountNeverFire() {
        RuleSet rs = TestRules.set(FAILED_LOGIN_SHARE);
        GroupState st = new GroupState();
        for (int i = 0; i < 9; i++) {
            assertEquals(
                    List.of(),
                    group(
                            rs,
                            GroupBy.GLOBAL,
                            st,
                            Ev.login(T0 + sec(i), "s" + i, "FAILURE").build()));
        }
    }

    @Test
    void firstSeenAgeFiresForACardNewerThanTheMaximumAge() {
        RuleSet rs =
                TestRules.set(
                        """
                        {"id": "young-card-big-order", "kind": "FIRST_SEEN", "weight": 35,
                         "description": "Card {observed}; expected {threshold}",
                         "groupBy": "CARD", "maxAge": "PT1H", "history": "P30D",
                         "filter": {"types": ["ORDER_PLACED", "PAYMENT_ATTEMPT"]}}""");
        GroupState st = new GroupState();
        assertEquals(
                "first seen now",
                observed(
                        group(rs, GroupBy.CARD, st, Ev.order(T0, "s", 1_000).card("c").build()),
                        "young-card-big-order"));
        assertEquals(
                "first seen 30 minutes ago",
                observed(
                        group(
                                rs,
                                GroupBy.CARD,
                                st,
                                Ev.order(T0 + min(30), "s", 1_000).card("c").build()),
                        "young-card-big-order"));
        assertNull(
                observed(
                        group(
                                rs,
                                GroupBy.CARD,
                                st,
                                Ev.order(T0 + hours(2), "s2", 1_000).card("c").build()),
                        "young-card-big-order"),
                "a card seen two hours ago is not young");
        // Remembered for the history after its last sighting, then forgotten.
        assertTrue(st.expire(T0 + hours(2) + days(30) + 1, rs));
    }

    static final String RESET_ADDRESS_ORDER =
            """
            {"id": "reset-address-order", "kind": "SEQUENCE", "weight": 60,
             "description": "{observed}; {threshold}", "groupBy": "ACCOUNT", "window": "PT1H",
             "steps": [{"types": ["ACCOUNT_CHANGE"], "changes": ["PASSWORD"]},
                       {"types": ["ACCOUNT_CHANGE"], "changes": ["SHIPPING_ADDRESS"]},
                       {"types": ["ORDER_PLACED"]}]}""";

    @Test
    void aSequenceFiresWhenItsStepsHappenInOrderWithinTheWindow() {
        RuleSet rs = TestRules.set(RESET_ADDRESS_ORDER);
        GroupState st = new GroupState();
        assertEquals(
                List.of(),
                group(
                        rs,
                        GroupBy.ACCOUNT,
                        st,
                        Ev.change(T0, "s", "PASSWORD").account("a").build()));
        assertEquals(
                List.of(),
                group(
                        rs,
                        GroupBy.ACCOUNT,
                        st,
                        Ev.change(T0 + min(5), "s", "SHIPPING_ADDRESS").account("a").build()));
        assertEquals(
                "3 steps in 20 minutes",
                observed(
                        group(
                                rs,
                                GroupBy.ACCOUNT,
                                st,
                                Ev.order(T0 + min(20), "s", 5_000).account("a").build()),
                        "reset-address-order"));
        assertTrue(st.expire(T0 + min(20) + hours(1) + min(31), rs), "nothing left after");
    }

    @Test
    void aSequenceOutOfOrderOrTooSlowDoesNotFire() {
        RuleSet rs = TestRules.set(RESET_ADDRESS_ORDER);
        GroupState wrongOrder = new GroupState();
        group(
                rs,
                GroupBy.ACCOUNT,
                wrongOrder,
                Ev.change(T0, "s", "SHIPPING_ADDRESS").account("a").build());
        group(
                rs,
                GroupBy.ACCOUNT,
                wrongOrder,
                Ev.change(T0 + 1, "s", "PASSWORD").account("a").build());
        assertEquals(
                List.of(),
                group(
                        rs,
                        GroupBy.ACCOUNT,
                        wrongOrder,
                        Ev.order(T0 + min(2), "s", 5_000).account("a").build()));

        GroupState tooSlow = new GroupState();
        group(rs, GroupBy.ACCOUNT, tooSlow, Ev.change(T0, "s", "PASSWORD").account("a").build());
        group(
                rs,
                GroupBy.ACCOUNT,
                tooSlow,
                Ev.change(T0 + min(30), "s", "SHIPPING_ADDRESS").account("a").build());
        assertEquals(
                List.of(),
                group(
                        rs,
                        GroupBy.ACCOUNT,
                        tooSlow,
                        Ev.order(T0 + min(61), "s", 5_000).account("a").build()));
    }

    @Test
    void theNewKindsRoundTripThroughJson() throws Exception {
        RuleSet rs =
                TestRules.set(
                        FAILED_LOGIN_SHARE,
                        RESET_ADDRESS_ORDER,
                        """
                        {"id": "young-card", "kind": "FIRST_SEEN", "weight": 35,
                         "description": "{observed}", "groupBy": "CARD", "maxAge": "PT1H",
                         "history": "P30D",
                         "filter": {"types": ["ORDER_PLACED"], "minAmountMinor": 50000}}""");
        RuleSet again = RuleSetParser.parse(RuleSetParser.toJson(rs));
        assertEquals(RuleSetParser.toJson(rs), RuleSetParser.toJson(again));
        assertEquals(300, again.rule("failed-login-share").threshold());
        assertEquals(3, again.rule("reset-address-order").steps().size());
        assertEquals(50_000, again.rule("young-card").filter().minAmount());
    }

    @Test
    void problemsNameTheRuleAndTheField() {
        List<String> problems =
                RuleSetParserTest.ruleProblems(
                        """
                        {"id": "r", "kind": "RATIO", "weight": 40, "description": "x",
                         "groupBy": "GLOBAL", "filter": {"types": ["LOGIN"]},
                         "window": "PT5M", "baseline": "PT1M", "factor": 0.5}""",
                        """
                        {"id": "s", "kind": "SEQUENCE", "weight": 40, "description": "x",
                         "groupBy": "ACCOUNT", "window": "PT1H", "steps": [{"types": ["LOGIN"]}]}""",
                        """
                        {"id": "f", "kind": "FIRST_SEEN", "weight": 40, "description": "x",
                         "groupBy": "CARD", "history": "P30D",
                         "filter": {"minAmountMinor": 10, "maxAmountMinor": 5}}""");
        assertTrue(
                problems.contains("rule \"r\": of: required: the events they are a share of"),
                problems.toString());
        assertTrue(
                problems.contains("rule \"r\": baseline: expected longer than the window (PT5M)"),
                problems.toString());
        assertTrue(
                problems.stream()
                        .anyMatch(
                                p ->
                                        p.startsWith(
                                                "rule \"r\": factor: required, a number above 1")),
                problems.toString());
        assertTrue(
                problems.stream()
                        .anyMatch(p -> p.startsWith("rule \"s\": steps: required, 2 to 8")),
                problems.toString());
        assertTrue(
                problems.contains("rule \"f\": maxAge: required, an ISO-8601 duration like PT10M"),
                problems.toString());
        assertTrue(
                problems.stream()
                        .anyMatch(
                                p ->
                                        p.startsWith(
                                                "rule \"f\": filter.minAmountMinor: expected at most maxAmountMinor (5)")),
                problems.toString());
    }
}
