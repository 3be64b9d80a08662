package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.engine.rules.GroupEvaluator;
import dev.fraudmonitor.engine.rules.Hit;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.engine.rules.SessionEvaluator;
import dev.fraudmonitor.engine.rules.SessionState;
import dev.fraudmonitor.model.EventType;
import java.util.ArrayList;
import java.util.List;

/**
 * The first step, per session: drops a repeated event before any rule counts it, keeps the
 * session's facts, evaluates the session rules (and the lists), and says which grouping keys need a
 * copy of the event: only those whose rules read it.
 *
 * <p>One instance per caller thread: it reuses its output lists between events.
 */
public final class SessionStep {
    private final List<Hit> hits = new ArrayList<>();
    private final List<DecisionInput> toDecision = new ArrayList<>();
    private final List<GroupCopy> toGroups = new ArrayList<>();

    /**
     * Applies {@code e} to the session's state {@code st} (updated in place).
     *
     * @return false when the event is a repeat (same eventId) and was ignored; then both output
     *     lists are empty
     */
    public boolean apply(RulesSnapshot rules, SessionState st, ScoringEvent e) {
        hits.clear();
        toDecision.clear();
        toGroups.clear();
        if (!st.firstSighting(e.eventId)) {
            return false;
        }
        RuleSet rs = rules.rules();
        SessionEvaluator.evaluate(rs, rules.lists(), st, e, hits);
        long version = rs.version();
        for (Hit hit : hits) {
            toDecision.add(DecisionInput.ruleHit(e, version, hit));
        }
        if (e.type == EventType.ORDER_PLACED) {
            toDecision.add(DecisionInput.orderPlaced(e, version));
        }
        for (GroupBy kind : rs.groupings()) {
            // Whether a rule reads the event first: a key can cost a digest (the user agent's).
            if (!GroupEvaluator.needs(rs, kind, e)) {
                continue;
            }
            String value = kind.keyOf(e);
            if (value != null) {
                toGroups.add(new GroupCopy(kind, value, e));
            }
        }
        return true;
    }

    /** What the last {@link #apply} sends to the decision step of this session. */
    public List<DecisionInput> toDecision() {
        return toDecision;
    }

    /** What the last {@link #apply} sends to the group step, one copy per grouping key. */
    public List<GroupCopy> toGroups() {
        return toGroups;
    }

    /**
     * When the session's state may be dropped: the rule set's {@code sessionTimeout} (or a longer
     * bot-checkout horizon) after its newest event. The de-duplication horizon goes with it.
     */
    public static long expiresAt(RuleSet rs, SessionState st) {
        return st.lastEventTime + rs.sessionTimeoutMillis();
    }

    /** Whether the session has been idle for the whole timeout at {@code now}. */
    public static boolean expired(RuleSet rs, SessionState st, long now) {
        return expiresAt(rs, st) <= now;
    }
}
