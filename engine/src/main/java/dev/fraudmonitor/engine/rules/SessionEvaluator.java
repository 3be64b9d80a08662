package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.EventType;
import java.util.List;

/**
 * Evaluates the session rules (MISMATCH, BOT_CHECKOUT, LIST) and the SESSION-grouped VELOCITY /
 * NEW_VALUE / CHANGE_BEFORE_ORDER rules for one event of a session, updating its state.
 *
 * <p>Allow lists: when any of the event's values is on an allow list, no ACTIVE hit is emitted for
 * the event except LIST (block-list) hits; SHADOW hits are still emitted and state still updated.
 */
public final class SessionEvaluator {
    private SessionEvaluator() {}

    public static void evaluate(
            RuleSet rs, ListSnapshot lists, SessionState st, ScoringEvent e, List<Hit> out) {
        st.observe(e);
        boolean allow = lists.allowListed(e);
        long t = e.eventTime;
        for (Rule r : rs.sessionRules()) {
            boolean suppress = allow && r.mode() == RuleMode.ACTIVE && r.kind() != RuleKind.LIST;
            if (suppress) continue;
            switch (r.kind()) {
                case MISMATCH:
                    mismatch(rs, r, st, e, t, out);
                    break;
                case BOT_CHECKOUT:
                    botCheckout(rs, r, st, e, t, out);
                    break;
                case LIST:
                    String key = r.list().keyOf(e);
                    if (key != null && lists.blocked(r.list(), key)) {
                        String what = r.list().name().toLowerCase().replace('_', ' ');
                        GroupEvaluator.fire(
                                rs,
                                r,
                                st.group(),
                                t,
                                what + " on the block list",
                                "block list",
                                null,
                                out);
                    }
                    break;
                default:
                    break;
            }
        }
        // Only events a SESSION-grouped rule reads: most sessions then never hold a GroupState.
        if (GroupEvaluator.needs(rs, GroupBy.SESSION, e)) {
            GroupEvaluator.evaluate(rs, GroupBy.SESSION, st.group(), e, allow, out);
        }
    }

    private static void mismatch(
            RuleSet rs, Rule r, SessionState st, ScoringEvent e, long t, List<Hit> out) {
        if (e.type != EventType.ORDER_PLACED || e.amountMinor < r.minAmountMinor()) return;
        List<Fact> facts = r.facts();
        String[] values = new String[facts.size()];
        int present = 0;
        int distinct = 0;
        StringBuilder observed = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            String v = facts.get(i).valueOf(e, st);
            if (v == null) continue;
            v = v.toUpperCase(java.util.Locale.ROOT);
            boolean seen = false;
            for (int j = 0; j < i; j++) seen |= v.equals(values[j]);
            values[i] = v;
            present++;
            if (!seen) distinct++;
            if (observed.length() > 0) observed.append(", ");
            observed.append(facts.get(i).name()).append('=').append(v);
        }
        if (present < 2 || distinct < r.minDistinct()) return;
        String threshold =
                r.minDistinct() <= 2
                        ? "all equal"
                        : "fewer than " + r.minDistinct() + " different values";
        GroupEvaluator.fire(rs, r, st.group(), t, observed.toString(), threshold, null, out);
    }

    private static void botCheckout(
            RuleSet rs, Rule r, SessionState st, ScoringEvent e, long t, List<Hit> out) {
        if (e.type != EventType.ORDER_PLACED) return;
        long age = t - st.firstEventTime;
        boolean fast = r.maxSessionAge() != null && age < r.maxSessionAge().toMillis();
        boolean fewViews = r.minPageViews() > 0 && st.pageViews < r.minPageViews();
        if (!fast && !fewViews) return;
        String observed =
                "order "
                        + Templates.words(age)
                        + " after the session started, "
                        + st.pageViews
                        + " page view"
                        + (st.pageViews == 1 ? "" : "s");
        if (age == 0)
            observed = "order as the first event of the session, " + st.pageViews + " page views";
        StringBuilder threshold = new StringBuilder();
        if (r.maxSessionAge() != null)
            threshold.append("at least ").append(Templates.words(r.maxSessionAge()));
        if (r.minPageViews() > 0) {
            if (threshold.length() > 0) threshold.append(" and ");
            threshold.append("at least ").append(r.minPageViews()).append(" page views");
        }
        GroupEvaluator.fire(
                rs, r, st.group(), t, observed, threshold.toString(), r.maxSessionAge(), out);
    }
}
