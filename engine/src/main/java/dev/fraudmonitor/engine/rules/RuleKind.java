package dev.fraudmonitor.engine.rules;

/** What a rule looks at; see docs/rules.md. */
public enum RuleKind {
    VELOCITY,
    MISMATCH,
    NEW_VALUE,
    CHANGE_BEFORE_ORDER,
    BOT_CHECKOUT,
    LIST,
    /** The share of some events among others now, against the same share over a baseline. */
    RATIO,
    /** An account, card or device seen for the first time less than a given age ago. */
    FIRST_SEEN,
    /** Steps (event filters) in order within a window, per group key. */
    SEQUENCE
}
