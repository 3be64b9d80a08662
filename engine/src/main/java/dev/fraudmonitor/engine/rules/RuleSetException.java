package dev.fraudmonitor.engine.rules;

import java.util.List;

/**
 * A rule set that cannot be put in force. Carries every problem found, each naming the rule and the
 * field: {@code rule "brute-force-account": window: expected an ISO-8601 duration like PT10M, got
 * "10m"}.
 */
public final class RuleSetException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public RuleSetException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.size() == 1) return problems.get(0);
        return problems.size() + " problems: " + String.join("; ", problems);
    }
}
