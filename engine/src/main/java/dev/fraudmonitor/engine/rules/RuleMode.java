package dev.fraudmonitor.engine.rules;

/** ACTIVE rules score, alert and hold; SHADOW rules are evaluated and counted, never acted on. */
public enum RuleMode {
    ACTIVE,
    SHADOW
}
