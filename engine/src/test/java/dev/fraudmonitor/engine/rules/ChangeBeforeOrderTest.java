package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.min;
import static dev.fraudmonitor.engine.rules.TestRules.group;
import static dev.fraudmonitor.engine.rules.TestRules.observed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ChangeBeforeOrderTest {
    static final String CBO =
            "{\"id\":\"cbo\",\"kind\":\"CHANGE_BEFORE_ORDER\",\"weight\":45,"
                    + "\"description\":\"Order placed after a {observed}; looks back {window}\","
                    + "\"groupBy\":\"ACCOUNT\",\"changes\":[\"EMAIL\",\"PASSWORD\"],\"window\":\"PT1H\"}";

    static Hit orderHit(RuleSet rs, GroupState st, long t) {
        var hits = group(rs, GroupBy.ACCOUNT, st, Ev.order(t, "s", 1000).account("a1").build());
        return hits.isEmpty() ? null : hits.get(0);
    }

    @Test
    void riskyChangeShortlyBeforeAnOrderFires() {
        RuleSet rs = TestRules.set(CBO);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, Ev.change(T0, "s", "PASSWORD").account("a1").build());
        Hit h = orderHit(rs, st, T0 + min(12));
        assertEquals("password change 12 minutes before the order", h.observed());
        assertEquals(
                "Order placed after a password change 12 minutes before the order; looks back 1 hour",
                h.text());
    }

    @Test
    void latestMatchingChangeIsReported() {
        RuleSet rs = TestRules.set(CBO);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, Ev.change(T0, "s", "EMAIL").account("a1").build());
        group(
                rs,
                GroupBy.ACCOUNT,
                st,
                Ev.change(T0 + min(5), "s", "PASSWORD").account("a1").build());
        assertEquals(
                "password change 1 minute before the order",
                orderHit(rs, st, T0 + min(6)).observed());
    }

    @Test
    void changeOutsideTheWindowDoesNotFire() {
        RuleSet rs = TestRules.set(CBO);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, Ev.change(T0, "s", "EMAIL").account("a1").build());
        assertNull(orderHit(rs, st, T0 + min(61)));
    }

    @Test
    void otherChangeKindsAndOrdersWithoutChangeDoNotFire() {
        RuleSet rs = TestRules.set(CBO);
        GroupState st = new GroupState();
        assertNull(orderHit(rs, st, T0));
        group(
                rs,
                GroupBy.ACCOUNT,
                st,
                Ev.change(T0 + min(1), "s", "SHIPPING_ADDRESS").account("a1").build());
        assertNull(orderHit(rs, st, T0 + min(2)));
    }

    @Test
    void changeAfterTheOrderDoesNotCount() {
        RuleSet rs = TestRules.set(CBO);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, Ev.change(T0 + min(10), "s", "EMAIL").account("a1").build());
        assertNull(orderHit(rs, st, T0 + min(5)), "a late order event before the change");
        assertNull(
                observed(
                        group(
                                rs,
                                GroupBy.ACCOUNT,
                                st,
                                Ev.change(T0 + min(11), "s", "EMAIL").account("a1").build()),
                        "cbo"),
                "changes themselves never fire");
    }
}
