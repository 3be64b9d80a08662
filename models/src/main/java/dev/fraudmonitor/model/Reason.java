package dev.fraudmonitor.model;

/**
 * Why one rule fired, in words a rep can read aloud to a customer, with the evidence behind it.
 *
 * @param text plain-words sentence, e.g. "7 failed logins for this account in 10 minutes; limit 5"
 * @param observed the value the rule saw, as text
 * @param threshold the limit it was compared with, as text
 */
public record Reason(
        String ruleId, int ruleVersion, String text, String observed, String threshold) {}
