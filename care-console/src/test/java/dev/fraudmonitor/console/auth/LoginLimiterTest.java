package dev.fraudmonitor.console.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void blocksAnAddressAfterTheLimitAndForgetsAfterTheWindow() {
        MutableClock clock = new MutableClock();
        LoginLimiter l = new LoginLimiter(3, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 3; i++) {
            assertFalse(l.blocked("10.0.0.1", "name-" + i));
            l.failed("10.0.0.1", "name-" + i);
        }
        assertTrue(l.blocked("10.0.0.1", "someone-else"), "many names from one address");
        assertFalse(l.blocked("10.0.0.2", "someone-else"));
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertFalse(l.blocked("10.0.0.1", "someone-else"));
    }

    @Test
    void blocksANameGuessedFromManyAddresses() {
        LoginLimiter l = new LoginLimiter(3, Duration.ofMinutes(5), new MutableClock());
        for (int i = 0; i < 3; i++) {
            l.failed("10.0.0." + i, "anna");
        }
        assertTrue(l.blocked("10.0.0.99", "anna"));
        assertFalse(l.blocked("10.0.0.99", "bob"));
    }

    @Test
    void aSuccessfulLoginClearsTheCount() {
        LoginLimiter l = new LoginLimiter(2, Duration.ofMinutes(5), new MutableClock());
        l.failed("10.0.0.1", "anna");
        l.succeeded("10.0.0.1", "anna");
        l.failed("10.0.0.1", "anna");
        assertFalse(l.blocked("10.0.0.1", "anna"));
    }
}
