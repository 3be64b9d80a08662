package dev.fraudmonitor.console.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logins in memory: an unguessable id in an HttpOnly cookie, a CSRF token per session, expiry after
 * idle time. A restart logs everyone out, which for a care console beats storing sessions.
 */
public final class Sessions {
    /** One browser's session; {@code user} is null before login. */
    public record Session(String id, String user, Role role, String csrf, Instant lastSeen) {
        public boolean loggedIn() {
            return user != null;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Clock clock;

    public Sessions(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    /** The live session for a cookie value, touched; empty when unknown or idle too long. */
    public Optional<Session> get(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (s.lastSeen().plus(idle).isBefore(now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(s.id(), s.user(), s.role(), s.csrf(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    /** A session for the login form, so that the form too carries a CSRF token. */
    public Session anonymous() {
        return put(null, null);
    }

    /** A fresh id for a successful login, so an id planted before login is worthless after. */
    public Session login(String oldId, String user, Role role) {
        if (oldId != null) {
            sessions.remove(oldId);
        }
        return put(user, role);
    }

    public void logout(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    private Session put(String user, Role role) {
        purgeIdle();
        Session s = new Session(token(), user, role, token(), clock.instant());
        sessions.put(s.id(), s);
        return s;
    }

    private void purgeIdle() {
        Instant cutoff = clock.instant().minus(idle);
        sessions.values().removeIf(s -> s.lastSeen().isBefore(cutoff));
    }

    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
