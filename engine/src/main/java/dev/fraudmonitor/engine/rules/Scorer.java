package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.model.Action;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Combines fired rules into a 0..100 risk score and maps it to an action.
 *
 * <p>Score = 100 × (1 − Π(1 − weight/100)) over the distinct ACTIVE rules (noisy-or): each rule
 * counts once however often it fired (its largest weight if versions differ), a weight-100 rule
 * alone gives 100, and independent weak signals add up without ever passing 100. Rounded to the
 * nearest integer.
 */
public final class Scorer {
    private Scorer() {}

    public static int score(Collection<Hit> activeHits) {
        Map<String, Integer> weights = new HashMap<>();
        for (Hit h : activeHits) {
            if (h.mode() != RuleMode.ACTIVE) continue;
            weights.merge(h.ruleId(), h.weight(), Math::max);
        }
        double keep = 1.0;
        for (int w : weights.values()) keep *= 1.0 - Math.max(0, Math.min(100, w)) / 100.0;
        long s = Math.round(100.0 * (1.0 - keep));
        return (int) Math.max(0, Math.min(100, s));
    }

    /** HOLD for orders at or above the hold threshold, REVIEW at or above review, else null. */
    public static Action action(RuleSet rs, int score, boolean isOrder) {
        if (isOrder && score >= rs.holdThreshold()) return Action.HOLD;
        if (score >= rs.reviewThreshold()) return Action.REVIEW;
        return null;
    }
}
