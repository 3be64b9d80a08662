package dev.fraudmonitor.console.cases;

/**
 * An action the rep asked for that cannot be done as asked; the message says why and what to do.
 */
public final class ActionException extends RuntimeException {
    public ActionException(String message) {
        super(message);
    }
}
