package dev.fraudmonitor.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ground truth of a simulation run: the typology of every session and account, and the incident
 * every session belongs to, so alerts can be matched back to what was simulated. Thread-safe.
 *
 * <p>An account can take part in several sessions (a customer's ordinary visits, then a takeover of
 * that account): its typology is the last non-NORMAL one it was used for, NORMAL if none. Match
 * alerts by session first; the account is a fallback.
 */
public final class SessionRegistry implements SessionListener {
    private final Map<String, Typology> sessions = new ConcurrentHashMap<>();
    private final Map<String, Typology> accounts = new ConcurrentHashMap<>();
    private final Map<String, String> incidentOfSession = new ConcurrentHashMap<>();
    // insertion order, so reports list incidents in the order they started
    private final Map<String, Incident> incidents =
            Collections.synchronizedMap(new LinkedHashMap<>());

    /** One attack, look-alike or ordinary visit, and the sessions it used. */
    public record Incident(String id, Typology typology, List<String> sessionIds) {}

    @Override
    public void sessionStarted(String sessionId, String accountId, Typology typology) {
        sessionStarted(sessionId, accountId, typology, null);
    }

    @Override
    public void sessionStarted(
            String sessionId, String accountId, Typology typology, String incidentId) {
        sessions.put(sessionId, typology);
        if (accountId != null) {
            accounts.merge(accountId, typology, (old, now) -> now == Typology.NORMAL ? old : now);
        }
        if (incidentId != null) {
            incidentOfSession.put(sessionId, incidentId);
            synchronized (incidents) {
                incidents
                        .computeIfAbsent(
                                incidentId, id -> new Incident(id, typology, new ArrayList<>()))
                        .sessionIds()
                        .add(sessionId);
            }
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

    /** The incident id of the session; null for replayed history and unknown sessions. */
    public String incidentOf(String sessionId) {
        return sessionId == null ? null : incidentOfSession.get(sessionId);
    }

    /** The incident, or null. */
    public Incident incident(String incidentId) {
        return incidentId == null ? null : incidents.get(incidentId);
    }

    /** Every incident so far, in the order they started; sessions lists are copies. */
    public List<Incident> incidents() {
        synchronized (incidents) {
            List<Incident> l = new ArrayList<>(incidents.size());
            for (Incident i : incidents.values()) {
                l.add(new Incident(i.id(), i.typology(), List.copyOf(i.sessionIds())));
            }
            return l;
        }
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
