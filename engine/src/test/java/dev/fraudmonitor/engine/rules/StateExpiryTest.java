package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.days;
import static dev.fraudmonitor.engine.rules.Ev.hours;
import static dev.fraudmonitor.engine.rules.Ev.min;
import static dev.fraudmonitor.engine.rules.Ev.sec;
import static dev.fraudmonitor.engine.rules.TestRules.group;
import static dev.fraudmonitor.engine.rules.TestRules.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.SessionStep;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class StateExpiryTest {
    static final String BF = VelocityRuleTest.failedLogins("bf", "PT10M", 0);

    @Test
    void groupStateIsEmptyAfterRetention() {
        RuleSet rs =
                TestRules.set(
                        BF); // 10 min window + one 10 s bucket; 30 min cooldown for the fire record
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, VelocityRuleTest.fail(T0));
        group(rs, GroupBy.ACCOUNT, st, VelocityRuleTest.fail(T0 + min(2)));
        // the fire at +2m repeats the one at 0, whose cooldown is what the record is kept for
        assertEquals(T0 + min(30), st.nextExpiry());
        assertFalse(st.expire(T0 + min(11), rs));
        assertEquals(1, st.size(), "the bucket at +2m is still needed");
        assertFalse(st.expire(T0 + min(13), rs), "fire record kept for the cooldown");
        assertEquals(0, st.size());
        assertTrue(st.expire(st.nextExpiry(), rs));
        assertTrue(st.isEmpty());
        assertNull(st.spec);
        assertNull(st.fireRule);
        assertEquals(0, st.nextExpiry());
    }

    @Test
    void retentionIsPerAggregate() {
        RuleSet rs = TestRules.set(BF, NewValueRuleTest.DEVICE);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, VelocityRuleTest.fail(T0));
        group(rs, GroupBy.ACCOUNT, st, NewValueRuleTest.login(T0, "d1", "GB"));
        assertEquals(2, st.size());
        st.expire(T0 + hours(1), rs);
        assertEquals(
                1, st.size(), "the velocity bucket goes after minutes, the device after 90 days");
        assertEquals(T0 + days(90), st.nextExpiry());
        assertTrue(st.expire(T0 + days(90), rs));
    }

    @Test
    void entriesOfRemovedRulesAreDropped() {
        RuleSet rs = TestRules.set(BF);
        GroupState st = new GroupState();
        group(rs, GroupBy.ACCOUNT, st, Ev.login(T0, "s", "FAILURE").account("a").build());
        RuleSet without = TestRules.set();
        assertFalse(st.expire(T0 + 1, without), "the fire record stays for the cooldown");
        assertEquals(0, st.size());
    }

    @Test
    void aSessionExpiresWholeOneTimeoutAfterItsNewestEvent() {
        RuleSet rs = TestRules.set(BotCheckoutTest.BOT, ListRuleTest.SESSION_COUNT);
        SessionState st = new SessionState();
        session(rs, null, st, Ev.pageView(T0, "s").country("GB").build());
        session(rs, null, st, Ev.order(T0 + sec(5), "s", 100).build());
        long expiresAt = T0 + sec(5) + min(60);
        assertEquals(expiresAt, SessionStep.expiresAt(rs, st), "newest event + the 1 h timeout");
        session(rs, null, st, Ev.pageView(T0 + sec(1), "s").build());
        assertEquals(expiresAt, SessionStep.expiresAt(rs, st), "a late event does not extend it");
        assertFalse(SessionStep.expired(rs, st, expiresAt - 1));
        assertTrue(SessionStep.expired(rs, st, expiresAt));
    }

    @Test
    void ruleSetsRetentionCoversTheLongestRule() {
        RuleSet rs = TestRules.set(BF, NewValueRuleTest.DEVICE, ChangeBeforeOrderTest.CBO);
        assertEquals(days(90), rs.maxRetentionMillis());
        assertEquals(min(10) + sec(10), TestRules.set(BF).maxRetentionMillis());
    }

    @Test
    void aKeyWithOneOrTwoEventsStaysUnder200Bytes() throws Exception {
        RuleSet rs = DefaultRulesTest.defaults();
        GroupState account = new GroupState();
        group(rs, GroupBy.ACCOUNT, account, NewValueRuleTest.login(T0, "d1", "GB"));
        group(
                rs,
                GroupBy.ACCOUNT,
                account,
                Ev.order(T0 + min(3), "s", 5_000).account("a1").shipping("addr", "GB").build());
        assertEquals(
                5, account.size(), "device, country, shipping address, first order, order bucket");
        assertTrue(account.estimatedBytes() <= 200, "bytes " + account.estimatedBytes());
        GroupState ip = new GroupState();
        group(rs, GroupBy.IP, ip, Ev.login(T0, "s", "FAILURE").user("u").build());
        assertTrue(ip.estimatedBytes() <= 120, "bytes " + ip.estimatedBytes());
    }

    @Test
    void statesAreFlinkPojoShaped() throws Exception {
        for (Class<?> c : new Class<?>[] {GroupState.class, SessionState.class}) {
            assertTrue(Modifier.isPublic(c.getModifiers()));
            c.getConstructor().newInstance();
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) continue;
                assertTrue(
                        Modifier.isPublic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers()),
                        f.toString());
                Class<?> t = f.getType();
                boolean ok =
                        t.isPrimitive()
                                || t == String.class
                                || t == GroupState.class
                                || (t.isArray() && t.getComponentType().isPrimitive());
                assertTrue(ok, "no collections in state: " + f);
            }
        }
    }
}
