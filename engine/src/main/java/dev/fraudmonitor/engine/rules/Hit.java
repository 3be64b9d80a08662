package dev.fraudmonitor.engine.rules;

/**
 * A rule that fired on an event.
 *
 * @param text the rule's description rendered for this hit, in plain words
 * @param observed what was seen ("7", "IP_COUNTRY=NG, BILLING_COUNTRY=GB")
 * @param threshold what the rule allows ("5")
 * @param groupBy the grouping the rule counted per (SESSION for session rules)
 * @param repeat the same rule already fired for the same key within the alert cooldown
 */
public record Hit(
        String ruleId,
        int ruleVersion,
        RuleMode mode,
        int weight,
        String text,
        String observed,
        String threshold,
        GroupBy groupBy,
        boolean repeat) {

    public boolean active() {
        return mode == RuleMode.ACTIVE;
    }
}
