package dev.fraudmonitor.engine.rules;

/** What a rule looks at; see docs/rules.md. */
public enum RuleKind {
    VELOCITY,
    MISMATCH,
    NEW_VALUE,
    CHANGE_BEFORE_ORDER,
    BOT_CHECKOUT,
    LIST
}
