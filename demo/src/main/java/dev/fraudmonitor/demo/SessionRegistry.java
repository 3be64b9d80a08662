package dev.fraudmonitor.demo;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ground truth of a simulation run: the typology of every session and account, so alerts can be
 * matched back to what was simulated. Thread-safe.
 *
 * <p>An account can take part in several sessions (a customer's ordinary visits, then a takeover of
 * that account): its typology is the last non-NORMAL one it was used for, NORMAL if none. Match
 * alerts by session first; the account is a fallback.
 */
public final class SessionRegistry implements SessionListener {
    private final Map<String, Typology> sessions = new ConcurrentHashMap<>();
    private final Map<String, Typology> accounts = new ConcurrentHashMap<>();

    @Override
    public void sessionStarted(String sessionId, String accountId, Typology typology) {
        sessions.put(sessionId, typology);
        if (accountId != null) {
            accounts.merge(accountId, typology, (old, now) -> now == Typology.NORMAL ? old : now);
        }
    }

    /** The session's typology, or null if the simulator did not generate it. */
    public Typology sessionTypology(String sessionId) {
        return sessionId == null ? null : sessions.get(sessionId);
    }

    /** The account's typology, or null if no simulated session used it. */
    public Typology accountTypology(String accountId) {
        return accountId == null ? null : accounts.get(accountId);
    }

    /** By session, else by account, else null. */
    public Typology typologyOf(String sessionId, String accountId) {
        Typology t = sessionTypology(sessionId);
        return t != null ? t : accountTypology(accountId);
    }

    /** Number of sessions per typology so far. */
    public Map<Typology, Integer> sessionCounts() {
        Map<Typology, Integer> counts = new EnumMap<>(Typology.class);
        for (Typology t : sessions.values()) {
            counts.merge(t, 1, Integer::sum);
        }
        return counts;
    }

    public int size() {
        return sessions.size();
    }
}
