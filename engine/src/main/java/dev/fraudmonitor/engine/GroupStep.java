package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.rules.GroupEvaluator;
import dev.fraudmonitor.engine.rules.GroupState;
import dev.fraudmonitor.engine.rules.Hit;
import dev.fraudmonitor.engine.rules.RuleSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The second step, per grouping key (an account, an IP, a card...): the key's bucketed aggregates
 * and history, every rule grouped by that kind evaluated in one pass, the allow lists applied. Only
 * hits travel on.
 *
 * <p>One instance per caller thread: it reuses its output list between events.
 */
public final class GroupStep {
    private final List<Hit> hits = new ArrayList<>();
    private final List<DecisionInput> toDecision = new ArrayList<>();

    /** Applies the copy to the key's state {@code st} (updated in place). */
    public List<DecisionInput> apply(RulesSnapshot rules, GroupState st, GroupCopy copy) {
        hits.clear();
        toDecision.clear();
        GroupEvaluator.evaluate(rules.rules(), rules.lists(), copy.kind, st, copy.event, hits);
        long version = rules.rules().version();
        for (Hit hit : hits) {
            toDecision.add(DecisionInput.ruleHit(copy.event, version, hit));
        }
        return toDecision;
    }

    /** When everything the state holds has left every window and cooldown (0 when empty). */
    public static long expiresAt(GroupState st) {
        return st.nextExpiry();
    }

    /** Drops what has expired at {@code now}; true when nothing is left. */
    public static boolean expire(RuleSet rs, GroupState st, long now) {
        return st.expire(now, rs);
    }
}
