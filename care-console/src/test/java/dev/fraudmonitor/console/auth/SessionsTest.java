package dev.fraudmonitor.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionsTest {
    @Test
    void loginGetsAFreshIdAndTheAnonymousOneStopsWorking() {
        Sessions s = new Sessions(Duration.ofMinutes(30), new LoginLimiterTest.MutableClock());
        Sessions.Session anon = s.anonymous();
        assertFalse(anon.loggedIn());
        Sessions.Session in = s.login(anon.id(), "anna", Role.REP);
        assertNotEquals(anon.id(), in.id());
        assertNotEquals(anon.csrf(), in.csrf());
        assertTrue(s.get(anon.id()).isEmpty());
        assertEquals("anna", s.get(in.id()).orElseThrow().user());
    }

    @Test
    void anIdleSessionExpiresAndAnActiveOneDoesNot() {
        LoginLimiterTest.MutableClock clock = new LoginLimiterTest.MutableClock();
        Sessions s = new Sessions(Duration.ofMinutes(30), clock);
        Sessions.Session active = s.login(null, "anna", Role.REP);
        Sessions.Session idle = s.login(null, "bob", Role.REP);
        for (int i = 0; i < 4; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(20));
            assertTrue(s.get(active.id()).isPresent());
        }
        assertTrue(s.get(idle.id()).isEmpty());
        assertTrue(s.get(null).isEmpty());
        assertTrue(s.get("forged").isEmpty());
    }
}
