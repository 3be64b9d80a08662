package dev.fraudmonitor.model;

/**
 * A checkout event that breaks the v1 contract. Carries a machine-readable reason (for metrics and
 * the dead-letter topic) and a message a producer team can act on, which names the field and the
 * bad value.
 *
 * <p>The message and field are passed through {@link PanGuard#mask} so a card number can never
 * reach a log through this exception. No stack trace is captured: rejects can arrive at line rate
 * during an attack, and the stack would always point at the codec anyway.
 */
public final class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;
    private final String field;

    /**
     * @param reason why the event is rejected
     * @param field JSON path of the offending field, like {@code data.outcome}; null when the whole
     *     record is the problem
     * @param message human-readable explanation, usually starting with the field path
     */
    public InvalidEventException(RejectReason reason, String field, String message) {
        super(PanGuard.mask(message), null, false, false);
        if (reason == null) {
            throw new NullPointerException("reason");
        }
        this.reason = reason;
        this.field = PanGuard.mask(field);
    }

    public RejectReason reason() {
        return reason;
    }

    /**
     * JSON path of the offending field, like {@code data.outcome}; null for whole-record problems.
     */
    public String field() {
        return field;
    }
}
