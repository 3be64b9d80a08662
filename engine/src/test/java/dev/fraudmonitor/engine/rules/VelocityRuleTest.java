package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.min;
import static dev.fraudmonitor.engine.rules.Ev.sec;
import static dev.fraudmonitor.engine.rules.TestRules.group;
import static dev.fraudmonitor.engine.rules.TestRules.observed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.event.ScoringEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class VelocityRuleTest {

    static String failedLogins(String id, String window, long threshold) {
        return "{\"id\":\""
                + id
                + "\",\"kind\":\"VELOCITY\",\"weight\":60,"
                + "\"description\":\"{observed} failed logins for this {groupBy} in {window}; limit {threshold}\","
                + "\"groupBy\":\"ACCOUNT\",\"aggregate\":\"COUNT\",\"window\":\""
                + window
                + "\",\"threshold\":"
                + threshold
                + ",\"filter\":{\"types\":[\"LOGIN\"],\"outcome\":\"FAILURE\"}}";
    }

    static ScoringEvent fail(long t) {
        return Ev.login(t, "s", "FAILURE").account("a1").build();
    }

    @Test
    void firesOnlyWhenObservedExceedsThresholdWithPlainWords() {
        RuleSet rs = TestRules.set(failedLogins("bf", "PT10M", 3));
        GroupState st = new GroupState();
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    List.of(), group(rs, GroupBy.ACCOUNT, st, fail(T0 + sec(i))), "event " + i);
        }
        List<Hit> hits = group(rs, GroupBy.ACCOUNT, st, fail(T0 + sec(3)));
        assertEquals(1, hits.size());
        Hit h = hits.get(0);
        assertEquals("4", h.observed());
        assertEquals("3", h.threshold());
        assertEquals("4 failed logins for this account in 10 minutes; limit 3", h.text());
        assertEquals(GroupBy.ACCOUNT, h.groupBy());
        assertEquals(60, h.weight());
        assertEquals(RuleMode.ACTIVE, h.mode());
        assertFalse(h.repeat());
    }

    @Test
    void filterDecidesWhatCounts() {
        RuleSet rs = TestRules.set(failedLogins("bf", "PT10M", 0));
        GroupState st = new GroupState();
        assertEquals(
                List.of(),
                group(rs, GroupBy.ACCOUNT, st, Ev.login(T0, "s", "SUCCESS").account("a1").build()));
        assertEquals(
                List.of(),
                group(rs, GroupBy.ACCOUNT, st, Ev.pageView(T0, "s").account("a1").build()));
        assertEquals("1", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + 1)), "bf"));
    }

    @Test
    void onlyRulesOfTheGivenGroupingAreEvaluated() {
        RuleSet rs = TestRules.set(failedLogins("bf", "PT10M", 0));
        assertEquals(List.of(), group(rs, GroupBy.IP, new GroupState(), fail(T0)));
    }

    @Test
    void eventsLeaveTheWindow() {
        RuleSet rs = TestRules.set(failedLogins("bf", "PT10M", 0));
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, fail(T0));
        group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(1)));
        assertEquals("3", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(2))), "bf"));
        // At +10m30s the first event has left the window (T0+30s, T0+10m30s].
        assertEquals(
                "3", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(10) + sec(30))), "bf"));
        assertEquals(
                "2", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(12) + sec(10))), "bf"));
        assertEquals("1", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(30))), "bf"));
    }

    @Test
    void aLateEventCountsInItsOwnBucketAndInTheNewestWindow() {
        RuleSet rs = TestRules.set(failedLogins("bf", "PT10M", 0));
        GroupState st = new GroupState();
        assertEquals("1", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(5))), "bf"));
        // Late: the window ending at the newest time seen, (T0-5m, T0+5m], holds both.
        assertEquals("2", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(2))), "bf"));
        assertEquals("3", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(6))), "bf"));
        // At +12m30s the late event (+2m) has left the window, the others have not: it sits in
        // the bucket of its own time, not of its arrival.
        assertEquals(
                "3", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(12) + sec(30))), "bf"));
        // Too late for the newest window (+12m30s - 10m > +1m): judged by its own window only.
        assertEquals("1", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(1))), "bf"));
    }

    @Test
    void aBurstWhoseNewestEventArrivesFirstStillFires() {
        RuleSet rs = TestRules.set(failedLogins("bf", "PT10M", 5));
        GroupState st = new GroupState();
        assertEquals(List.of(), group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(5))));
        for (int i = 0; i < 4; i++) {
            assertEquals(List.of(), group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(i))), "late " + i);
        }
        assertEquals("6", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(4))), "bf"));
    }

    @Test
    void windowEdgesResolveToOneBucket() {
        // PT10M -> 10 s buckets. The window is (t - 10m, t] over bucket starts.
        RuleSet rs = TestRules.set(failedLogins("bf", "PT10M", 0));
        assertEquals(
                10_000L,
                rs.spec(rs.rules().get(0).aggregateKey().hashCode() == 0 ? 0 : specId(rs))
                        .widthMillis);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, fail(T0)); // bucket [T0, T0+10s)
        assertEquals("2", observed(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(10) - 1)), "bf"));
        GroupState st2 = new GroupState();
        group(rs, GroupBy.ACCOUNT, st2, fail(T0));
        assertEquals(
                "1",
                observed(group(rs, GroupBy.ACCOUNT, st2, fail(T0 + min(10))), "bf"),
                "exactly one window later is out");
        GroupState st3 = new GroupState();
        group(rs, GroupBy.ACCOUNT, st3, fail(T0 + sec(5)));
        // T0+5s is inside (T0+4s, T0+10m4s] but its bucket starts at T0: out, by one bucket's
        // resolution.
        assertEquals(
                "1", observed(group(rs, GroupBy.ACCOUNT, st3, fail(T0 + min(10) + sec(4))), "bf"));
    }

    static int specId(RuleSet rs) {
        return Hashing.fnv32(rs.rules().get(0).aggregateKey());
    }

    @Test
    void changingThresholdOrWindowKeepsTheCounts() throws Exception {
        RuleSet v1 = TestRules.set(failedLogins("bf", "PT10M", 5));
        GroupState st = new GroupState();
        for (int i = 0; i < 4; i++) group(v1, GroupBy.ACCOUNT, st, fail(T0 + sec(i)));
        RuleSet v2 = TestRules.set(failedLogins("bf", "PT10M", 3));
        assertEquals("5", observed(group(v2, GroupBy.ACCOUNT, st, fail(T0 + sec(10))), "bf"));
        RuleSet v3 = TestRules.set(failedLogins("bf", "PT30M", 3)); // wider window -> 30 s buckets
        assertEquals("6", observed(group(v3, GroupBy.ACCOUNT, st, fail(T0 + sec(40))), "bf"));
        assertEquals(2, st.size(), "buckets re-aligned to 30 s: " + st.size());
        // A different filter is a different aggregate: it starts from zero.
        String other = failedLogins("bf", "PT30M", 0).replace("\"FAILURE\"", "\"SUCCESS\"");
        RuleSet v4 = TestRules.set(other);
        assertEquals(
                "1",
                observed(
                        group(
                                v4,
                                GroupBy.ACCOUNT,
                                st,
                                Ev.login(T0 + sec(50), "s", "SUCCESS").account("a1").build()),
                        "bf"));
    }

    @Test
    void rulesWithTheSameSpecShareOneAggregateAndCountEachEventOnce() {
        RuleSet rs =
                TestRules.set(failedLogins("short", "PT10M", 0), failedLogins("long", "PT1H", 0));
        assertEquals(1, rs.specs(GroupBy.ACCOUNT).size());
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, fail(T0));
        List<Hit> hits = group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(20)));
        assertEquals("1", observed(hits, "short"));
        assertEquals("2", observed(hits, "long"));
        assertEquals(2, st.size());
    }

    @Test
    void aSumOfHugeAmountsStopsAtTheLargestLongInsteadOfWrappingNegative() {
        RuleSet rs =
                TestRules.set(
                        "{\"id\":\"spend\",\"kind\":\"VELOCITY\",\"weight\":30,\"description\":\"{observed}\","
                                + "\"groupBy\":\"CARD\",\"aggregate\":\"SUM\",\"sumOf\":\"AMOUNT\",\"window\":\"P1D\",\"threshold\":10000,"
                                + "\"filter\":{\"types\":[\"ORDER_PLACED\"]}}");
        GroupState st = new GroupState();
        long huge = Long.MAX_VALUE / 2 + 1;
        // Same bucket, then another: both the bucket and the window sum would wrap.
        group(rs, GroupBy.CARD, st, Ev.order(T0, "s", huge).card("c").build());
        group(rs, GroupBy.CARD, st, Ev.order(T0 + 1, "s", huge).card("c").build());
        assertEquals(
                Long.toString(Long.MAX_VALUE),
                observed(
                        group(
                                rs,
                                GroupBy.CARD,
                                st,
                                Ev.order(T0 + min(30), "s", huge).card("c").build()),
                        "spend"));
        assertEquals(Long.MAX_VALUE, GroupState.saturatingAdd(Long.MAX_VALUE, 1));
        assertEquals(Long.MIN_VALUE, GroupState.saturatingAdd(Long.MIN_VALUE, -1));
        assertEquals(5, GroupState.saturatingAdd(2, 3));
    }

    @Test
    void sumAddsAmounts() {
        RuleSet rs =
                TestRules.set(
                        "{\"id\":\"spend\",\"kind\":\"VELOCITY\",\"weight\":30,\"description\":\"{observed}\","
                                + "\"groupBy\":\"CARD\",\"aggregate\":\"SUM\",\"sumOf\":\"AMOUNT\",\"window\":\"P1D\",\"threshold\":10000,"
                                + "\"filter\":{\"types\":[\"ORDER_PLACED\"]}}");
        GroupState st = new GroupState();
        assertEquals(
                List.of(), group(rs, GroupBy.CARD, st, Ev.order(T0, "s", 6_000).card("c").build()));
        assertEquals(
                List.of(),
                group(rs, GroupBy.CARD, st, Ev.order(T0 + min(5), "s", 4_000).card("c").build()));
        assertEquals(
                "10001",
                observed(
                        group(
                                rs,
                                GroupBy.CARD,
                                st,
                                Ev.order(T0 + min(9), "s", 1).card("c").build()),
                        "spend"));
    }

    @Test
    void repeatWithinCooldownIsMarked() throws Exception {
        RuleSet rs =
                RuleSetParser.parse(TestRules.setJson("PT30M", failedLogins("bf", "PT10M", 0)));
        GroupState st = new GroupState();
        assertFalse(group(rs, GroupBy.ACCOUNT, st, fail(T0)).get(0).repeat());
        assertTrue(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(29))).get(0).repeat());
        assertFalse(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(60))).get(0).repeat());
    }

    @Test
    void cooldownRunsFromTheFireThatWasNewsSoAKeyThatKeepsFiringIsNewsOncePerCooldown()
            throws Exception {
        RuleSet rs = RuleSetParser.parse(TestRules.setJson("PT30M", failedLogins("bf", "PT1H", 0)));
        GroupState st = new GroupState();
        assertFalse(group(rs, GroupBy.ACCOUNT, st, fail(T0)).get(0).repeat());
        assertTrue(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(20))).get(0).repeat());
        // 40 minutes after the news, 20 after the last repeat: news again
        assertFalse(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(40))).get(0).repeat());
        assertTrue(group(rs, GroupBy.ACCOUNT, st, fail(T0 + min(50))).get(0).repeat());
    }

    static String ordersPerAccount(String firstSeenOn) {
        return "{\"id\":\"opa\",\"kind\":\"VELOCITY\",\"weight\":65,"
                + "\"description\":\"{observed} orders\",\"groupBy\":\"ACCOUNT\","
                + "\"aggregate\":\"COUNT\",\"window\":\"PT1H\",\"threshold\":2,"
                + "\"filter\":{\"types\":[\"ORDER_PLACED\"]},\"newFor\":\"P1D\""
                + (firstSeenOn == null ? "" : ",\"firstSeenOn\":" + firstSeenOn)
                + "}";
    }

    /** Logs in at {@code loginAt}, then orders three times from T0; the hits of the last order. */
    static List<Hit> threeOrdersAfterLogin(RuleSet rs, long loginAt) {
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, Ev.login(loginAt, "s0", "SUCCESS").account("a").build());
        group(rs, GroupBy.ACCOUNT, st, Ev.order(T0, "s1", 100).account("a").build());
        group(rs, GroupBy.ACCOUNT, st, Ev.order(T0 + min(5), "s2", 100).account("a").build());
        return group(
                rs, GroupBy.ACCOUNT, st, Ev.order(T0 + min(9), "s3", 100).account("a").build());
    }

    @Test
    void newForJudgesOnlyKeysFirstSeenRecentlyOnTheFirstSeenOnEvents() {
        // Without firstSeenOn the first order is the first sighting: an account with weeks of
        // logins that orders for the first time today is new.
        RuleSet byOrders = TestRules.set(ordersPerAccount(null));
        assertEquals("3", observed(threeOrdersAfterLogin(byOrders, T0 - Ev.days(30)), "opa"));

        RuleSet byLogins =
                TestRules.set(ordersPerAccount("{\"types\":[\"LOGIN\"],\"outcome\":\"SUCCESS\"}"));
        // first logged in a month ago: an established account, not judged
        assertEquals(List.of(), threeOrdersAfterLogin(byLogins, T0 - Ev.days(30)));
        // first logged in an hour ago: judged
        assertEquals("3", observed(threeOrdersAfterLogin(byLogins, T0 - Ev.hours(1)), "opa"));
        // the same orders a day and more after that first login: no longer new
        GroupState st = new GroupState();
        group(
                byLogins,
                GroupBy.ACCOUNT,
                st,
                Ev.login(T0 - Ev.days(2), "s0", "SUCCESS").account("a").build());
        for (int i = 0; i < 3; i++) {
            group(
                    byLogins,
                    GroupBy.ACCOUNT,
                    st,
                    Ev.login(T0 + min(i), "s" + i, "SUCCESS").account("a").build());
        }
        assertEquals(
                List.of(),
                group(
                        byLogins,
                        GroupBy.ACCOUNT,
                        st,
                        Ev.order(T0 + min(9), "s3", 100).account("a").build()));
    }

    @Test
    void costPerEventIsBoundedByBucketsNotEvents() {
        RuleSet rs = TestRules.set(failedLogins("bf", "PT10M", 1_000_000));
        GroupState st = new GroupState();
        for (int i = 0; i < 100_000; i++)
            group(rs, GroupBy.ACCOUNT, st, fail(T0 + i * 100L)); // 10/s for ~2.8 h
        assertTrue(st.size() <= 62, "entries: " + st.size());
        List<Hit> hits = group(rs, GroupBy.ACCOUNT, st, fail(T0 + 100_000 * 100L));
        assertEquals(List.of(), hits);
        GroupState probe = st;
        RuleSet low = TestRules.set(failedLogins("bf", "PT10M", 0));
        // 10 events per second over 10 minutes, minus the one bucket at the edge.
        long n =
                Long.parseLong(
                        observed(
                                group(low, GroupBy.ACCOUNT, probe, fail(T0 + 100_001 * 100L)),
                                "bf"));
        assertTrue(n >= 5_900 && n <= 6_002, "observed " + n);
    }

    @Test
    void disabledRulesAreNotEvaluated() {
        RuleSet rs =
                TestRules.set(
                        failedLogins("bf", "PT10M", 0)
                                .replace("\"weight\"", "\"enabled\":false,\"weight\""));
        assertNull(observed(group(rs, GroupBy.ACCOUNT, new GroupState(), fail(T0)), "bf"));
        assertTrue(rs.groupings().isEmpty());
    }
}
