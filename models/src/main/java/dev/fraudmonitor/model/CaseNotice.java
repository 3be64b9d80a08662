package dev.fraudmonitor.model;

/**
 * What a rep is told when an alert arrives. Alerts of one incident share a {@code caseId}, so the
 * first alert of a case opens it and a later one only updates it, unless it raises the case from
 * REVIEW to HOLD: a rep hears of an incident at most twice, however many sessions it touched.
 */
public enum CaseNotice {
    /** The alert opens a case. */
    NEW_CASE,
    /** The alert raises its case from REVIEW to HOLD. */
    ESCALATION,
    /** The alert adds to its case and changes nothing a rep must react to. */
    UPDATE;

    /**
     * @param caseActionBefore the strongest action of the alert's case before it, or null when the
     *     alert opens the case
     * @param action the alert's action
     */
    public static CaseNotice of(Action caseActionBefore, Action action) {
        if (caseActionBefore == null) {
            return NEW_CASE;
        }
        return caseActionBefore == Action.REVIEW && action == Action.HOLD ? ESCALATION : UPDATE;
    }

    /** Whether the rep is notified (and the alert counts as one the rep receives). */
    public boolean notifies() {
        return this != UPDATE;
    }
}
