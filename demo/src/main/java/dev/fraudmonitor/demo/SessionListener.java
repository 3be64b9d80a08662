package dev.fraudmonitor.demo;

/** Told about every session the simulator starts, with its ground-truth label. */
@FunctionalInterface
public interface SessionListener {
    /**
     * @param accountId the account the session acts on (logs in to, targets); null for guests and
     *     for attacks on usernames the simulator does not model as accounts
     */
    void sessionStarted(String sessionId, String accountId, Typology typology);
}
