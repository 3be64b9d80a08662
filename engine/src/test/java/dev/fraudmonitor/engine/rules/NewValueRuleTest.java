package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.days;
import static dev.fraudmonitor.engine.rules.TestRules.group;
import static dev.fraudmonitor.engine.rules.TestRules.observed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.event.ScoringEvent;
import org.junit.jupiter.api.Test;

class NewValueRuleTest {
    static final String DEVICE =
            "{\"id\":\"nd\",\"kind\":\"NEW_VALUE\",\"weight\":45,\"description\":\"Login from {observed} ({threshold})\","
                    + "\"groupBy\":\"ACCOUNT\",\"attribute\":\"DEVICE\",\"history\":\"P90D\","
                    + "\"filter\":{\"types\":[\"LOGIN\"],\"outcome\":\"SUCCESS\"}}";
    static final String COUNTRY =
            DEVICE.replace("\"nd\"", "\"nc\"").replace("\"DEVICE\"", "\"COUNTRY\"");

    static ScoringEvent login(long t, String device, String country) {
        return Ev.login(t, "s", "SUCCESS").account("a1").device(device).country(country).build();
    }

    @Test
    void brandNewAccountIsNotANewDevice() {
        RuleSet rs = TestRules.set(DEVICE);
        assertNull(
                observed(
                        group(rs, GroupBy.ACCOUNT, new GroupState(), login(T0, "d1", "GB")), "nd"));
    }

    @Test
    void newDeviceForAnAccountWithHistoryFires() {
        RuleSet rs = TestRules.set(DEVICE);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, login(T0, "d1", "GB"));
        assertNull(observed(group(rs, GroupBy.ACCOUNT, st, login(T0 + days(3), "d1", "GB")), "nd"));
        Hit h = group(rs, GroupBy.ACCOUNT, st, login(T0 + days(5), "d2", "GB")).get(0);
        assertEquals("a new device", h.observed());
        assertEquals("1 known device in 90 days", h.threshold());
        assertEquals("Login from a new device (1 known device in 90 days)", h.text());
        // Now known.
        assertNull(observed(group(rs, GroupBy.ACCOUNT, st, login(T0 + days(6), "d2", "GB")), "nd"));
    }

    @Test
    void newCountryShowsTheCountry() {
        RuleSet rs = TestRules.set(COUNTRY);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, login(T0, "d1", "GB"));
        assertEquals(
                "FR",
                observed(group(rs, GroupBy.ACCOUNT, st, login(T0 + days(1), "d1", "FR")), "nc"));
    }

    @Test
    void historyOlderThanTheRuleIsForgotten() {
        RuleSet rs = TestRules.set(DEVICE);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, login(T0, "d1", "GB"));
        // 91 days later the account has no history left: a new device is not "new for the account".
        assertNull(
                observed(group(rs, GroupBy.ACCOUNT, st, login(T0 + days(91), "d2", "GB")), "nd"));
        assertEquals(1, st.size(), "d1 dropped, d2 remembered");
    }

    @Test
    void filterLimitsWhatIsRememberedAndChecked() {
        RuleSet rs = TestRules.set(DEVICE);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, login(T0, "d1", "GB"));
        ScoringEvent failed = Ev.login(T0 + 10, "s", "FAILURE").account("a1").device("d9").build();
        assertNull(observed(group(rs, GroupBy.ACCOUNT, st, failed), "nd"));
        assertEquals(1, st.size());
    }

    @Test
    void historyIsCapped() {
        RuleSet rs = TestRules.set(DEVICE);
        GroupState st = new GroupState();
        for (int i = 0; i < 100; i++)
            group(rs, GroupBy.ACCOUNT, st, login(T0 + i * 1000L, "d" + i, "GB"));
        assertEquals(GroupState.HISTORY_CAP, st.size());
        assertTrue(st.fireRule.length == 1, "one rule, one fire record");
    }
}
