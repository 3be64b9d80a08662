package dev.fraudmonitor.demo;

/** Told about every session the simulator starts, with its ground-truth label. */
@FunctionalInterface
public interface SessionListener {
    /**
     * @param accountId the account the session acts on (logs in to, targets); null for guests and
     *     for attacks on usernames the simulator does not model as accounts
     */
    void sessionStarted(String sessionId, String accountId, Typology typology);

    /**
     * As {@link #sessionStarted(String, String, Typology)}, with the incident the session belongs
     * to: the sessions of one attack (or one look-alike, or one ordinary visit) share an id.
     *
     * @param incidentId null for the past visits replayed before the run ({@code
     *     Settings.historyCustomers})
     */
    default void sessionStarted(
            String sessionId, String accountId, Typology typology, String incidentId) {
        sessionStarted(sessionId, accountId, typology);
    }
}
