package dev.fraudmonitor.backtest;

/**
 * A problem the person running the backtest can fix: a bad option, an unreadable file, Kafka or
 * Redis out of reach. The message names the option, what was expected and what to do; the command
 * prints it alone, without a stack trace, and exits with a non-zero code.
 */
public final class BacktestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BacktestException(String message) {
        super(message);
    }

    public BacktestException(String message, Throwable cause) {
        super(message, cause);
    }
}
