package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.min;
import static dev.fraudmonitor.engine.rules.Ev.sec;
import static dev.fraudmonitor.engine.rules.TestRules.group;
import static dev.fraudmonitor.engine.rules.TestRules.observed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.event.ScoringEvent;
import org.junit.jupiter.api.Test;

class DistinctCountTest {

    static String stuffing(long threshold) {
        return "{\"id\":\"cs\",\"kind\":\"VELOCITY\",\"weight\":70,"
                + "\"description\":\"{observed} different {attribute}s failed from this {groupBy} in {window}; limit {threshold}\","
                + "\"groupBy\":\"IP\",\"aggregate\":\"DISTINCT\",\"distinctOf\":\"USERNAME\",\"window\":\"PT10M\",\"threshold\":"
                + threshold
                + ",\"filter\":{\"types\":[\"LOGIN\"],\"outcome\":\"FAILURE\"}}";
    }

    static ScoringEvent fail(long t, String user) {
        return Ev.login(t, "s", "FAILURE").ip("192.0.2.1").user(user).build();
    }

    @Test
    void countsDistinctValuesNotEvents() {
        RuleSet rs = TestRules.set(stuffing(0));
        GroupState st = new GroupState();
        assertEquals("1", observed(group(rs, GroupBy.IP, st, fail(T0, "u1")), "cs"));
        assertEquals("1", observed(group(rs, GroupBy.IP, st, fail(T0 + sec(1), "u1")), "cs"));
        assertEquals("2", observed(group(rs, GroupBy.IP, st, fail(T0 + sec(2), "u2")), "cs"));
        assertEquals("2", observed(group(rs, GroupBy.IP, st, fail(T0 + sec(3), "u1")), "cs"));
        assertEquals(2, st.size());
    }

    @Test
    void firesAboveThresholdWithText() {
        RuleSet rs = TestRules.set(stuffing(2));
        GroupState st = new GroupState();
        assertNull(observed(group(rs, GroupBy.IP, st, fail(T0, "u1")), "cs"));
        assertNull(observed(group(rs, GroupBy.IP, st, fail(T0 + 1, "u2")), "cs"));
        Hit h = group(rs, GroupBy.IP, st, fail(T0 + 2, "u3")).get(0);
        assertEquals("3 different usernames failed from this ip in 10 minutes; limit 2", h.text());
    }

    @Test
    void valuesLeaveTheWindowByLastSeen() {
        RuleSet rs = TestRules.set(stuffing(0));
        GroupState st = new GroupState();
        group(rs, GroupBy.IP, st, fail(T0, "u1"));
        group(rs, GroupBy.IP, st, fail(T0 + min(1), "u2"));
        group(rs, GroupBy.IP, st, fail(T0 + min(8), "u1")); // u1 seen again: stays in
        assertEquals(
                "3", observed(group(rs, GroupBy.IP, st, fail(T0 + min(10) + sec(30), "u3")), "cs"));
        assertEquals("2", observed(group(rs, GroupBy.IP, st, fail(T0 + min(17), "u3")), "cs"));
    }

    @Test
    void eventsWithoutTheAttributeAreIgnored() {
        RuleSet rs = TestRules.set(stuffing(0));
        GroupState st = new GroupState();
        assertNull(observed(group(rs, GroupBy.IP, st, fail(T0, null)), "cs"));
        assertEquals(0, st.size());
    }

    @Test
    void exactUpTo256ThenSaturatesAndEvictsTheOldest() {
        RuleSet rs = TestRules.set(stuffing(0));
        GroupState st = new GroupState();
        String last = null;
        for (int i = 0; i < 256; i++)
            last = observed(group(rs, GroupBy.IP, st, fail(T0 + i, "u" + i)), "cs");
        assertEquals("256", last);
        for (int i = 256; i < 400; i++)
            last = observed(group(rs, GroupBy.IP, st, fail(T0 + i, "u" + i)), "cs");
        assertEquals("256", last);
        assertEquals(256, st.size());
        // u0 was the oldest and has been evicted: seeing it again is a "new" value (count stays
        // capped).
        assertEquals("256", observed(group(rs, GroupBy.IP, st, fail(T0 + 500, "u0")), "cs"));
        assertEquals(256, st.size());
        assertTrue(st.estimatedBytes() < 6_500, "bytes " + st.estimatedBytes());
    }

    @Test
    void thresholdAtOrAboveTheCapIsRejected() {
        RuleSetException ex =
                assertThrows(
                        RuleSetException.class,
                        () -> RuleSetParser.parse(TestRules.setJson("PT30M", stuffing(256))));
        assertEquals(
                "rule \"cs\": threshold: expected a whole number from 0 to 255, got 256",
                ex.getMessage());
    }
}
