package dev.fraudmonitor.backtest;

import dev.fraudmonitor.model.Action;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/** What one run did in one session: the rules that fired and the decisions a rep would act on. */
public final class SessionOutcome {
    /** Indexes of the rules that fired (ACTIVE and SHADOW), see {@link RunRecorder#ruleIds()}. */
    final BitSet fired = new BitSet();

    final List<String> alertIds = new ArrayList<>(1);
    final TreeSet<String> heldOrders = new TreeSet<>();

    /** The strongest action of the session's alerts; null when it did not alert. */
    Action strongest;

    boolean alerted() {
        return strongest != null;
    }

    boolean held() {
        return !heldOrders.isEmpty();
    }

    /** The decision in a few words, for diffs: "HOLD [o-1]", "REVIEW", "none". */
    static String describe(SessionOutcome o) {
        if (o == null || o.strongest == null) {
            return "none";
        }
        return o.heldOrders.isEmpty()
                ? o.strongest.name()
                : o.strongest.name() + " " + o.heldOrders;
    }

    /** Whether a rep would see a different decision: another strongest action or other holds. */
    static boolean sameDecision(SessionOutcome a, SessionOutcome b) {
        Action x = a == null ? null : a.strongest;
        Action y = b == null ? null : b.strongest;
        if (x != y) {
            return false;
        }
        TreeSet<String> hx = a == null ? new TreeSet<>() : a.heldOrders;
        TreeSet<String> hy = b == null ? new TreeSet<>() : b.heldOrders;
        return hx.equals(hy);
    }
}
