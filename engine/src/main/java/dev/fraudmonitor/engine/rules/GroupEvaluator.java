package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.EventType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the enabled VELOCITY, NEW_VALUE and CHANGE_BEFORE_ORDER rules of one grouping kind
 * against the state of one key of that kind ({@code kind.keyOf(e)}), updating the state.
 *
 * <p>Each shared aggregate is updated once per event, whatever number of rules read it. Per event
 * the cost is bounded by the entries the key holds (bounded per aggregate), never by the number of
 * events in a window.
 */
public final class GroupEvaluator {
    private GroupEvaluator() {}

    /**
     * Evaluates the rules of {@code kind} for one event, applying the allow lists: when one of the
     * event's values is allow-listed, no ACTIVE hit is emitted (state is still updated and SHADOW
     * hits still emitted, so a shadow rule shows what the allow list hides).
     */
    public static void evaluate(
            RuleSet rs,
            ListSnapshot lists,
            GroupBy kind,
            GroupState st,
            ScoringEvent e,
            List<Hit> out) {
        evaluate(rs, kind, st, e, lists.allowListed(e), out);
    }

    /**
     * True if some rule of this grouping would count or judge {@code e}; the session stage sends a
     * copy to a grouping key only then, so events no rule of that kind reads are not shuffled.
     */
    public static boolean needs(RuleSet rs, GroupBy kind, ScoringEvent e) {
        for (AggSpec s : rs.specs(kind)) {
            boolean used =
                    switch (s.kind) {
                        case VELOCITY, NEW_VALUE, RATIO, FIRST_SEEN -> s.filter.matches(e);
                        case SEQUENCE -> anyStep(s, e);
                        case CHANGE_BEFORE_ORDER ->
                                e.type == EventType.ACCOUNT_CHANGE
                                        || e.type == EventType.ORDER_PLACED;
                        default -> false;
                    };
            if (used) return true;
        }
        return false;
    }

    static void evaluate(
            RuleSet rs,
            GroupBy kind,
            GroupState st,
            ScoringEvent e,
            boolean suppressActive,
            List<Hit> out) {
        long t = e.eventTime;
        for (AggSpec s : rs.specs(kind)) {
            switch (s.kind) {
                case VELOCITY:
                    velocity(rs, s, st, e, t, suppressActive, out);
                    break;
                case NEW_VALUE:
                    newValue(rs, s, st, e, t, suppressActive, out);
                    break;
                case CHANGE_BEFORE_ORDER:
                    changeBeforeOrder(rs, s, st, e, t, suppressActive, out);
                    break;
                case RATIO:
                    ratio(rs, s, st, e, t, suppressActive, out);
                    break;
                case FIRST_SEEN:
                    firstSeen(rs, s, st, e, t, suppressActive, out);
                    break;
                case SEQUENCE:
                    sequence(rs, s, st, e, t, suppressActive, out);
                    break;
                default:
                    break;
            }
        }
    }

    private static void velocity(
            RuleSet rs,
            AggSpec s,
            GroupState st,
            ScoringEvent e,
            long t,
            boolean suppress,
            List<Hit> out) {
        if (!s.filter.matches(e)) return;
        if (s.aggregate == Aggregate.DISTINCT) {
            String v = s.attribute.valueOf(e);
            if (v == null) return;
            st.touchValue(s, Hashing.fnv64(v), t, GroupState.DISTINCT_CAP);
        } else {
            long amount = s.aggregate == Aggregate.COUNT ? 1 : e.amountMinor;
            st.addToBucket(s, t, amount);
        }
        // A late event also belongs to the windows that end at the newest time this key has seen;
        // judging it only by the window ending at its own time would miss a burst whose newest
        // event happened to arrive first.
        long newest = st.newestTime(s);
        for (Rule r : s.rules) {
            if (suppress && r.mode() == RuleMode.ACTIVE) continue;
            if (r.newFor() != null && !isNew(rs, r, st, t)) continue;
            long w = r.window().toMillis();
            long observed = observe(s, st, t - w, t);
            if (newest > t && newest - w < t) {
                observed = Math.max(observed, observe(s, st, newest - w, newest));
            }
            if (observed > r.threshold()) {
                fire(
                        rs,
                        r,
                        st,
                        t,
                        Long.toString(observed),
                        Long.toString(r.threshold()),
                        r.window(),
                        out);
            }
        }
    }

    /** Whether the rule's key was first seen less than its {@code newFor} before {@code t}. */
    private static boolean isNew(RuleSet rs, Rule r, GroupState st, long t) {
        AggSpec sighting = rs.spec(Hashing.fnv32(r.firstSightingKey()));
        long first = sighting == null ? Long.MIN_VALUE : st.firstSighting(sighting);
        return first != Long.MIN_VALUE && t - first < r.newFor().toMillis();
    }

    private static long observe(AggSpec s, GroupState st, long from, long to) {
        return s.aggregate == Aggregate.DISTINCT
                ? st.countValues(s, from, to)
                : st.sumBuckets(s, from, to);
    }

    private static void newValue(
            RuleSet rs,
            AggSpec s,
            GroupState st,
            ScoringEvent e,
            long t,
            boolean suppress,
            List<Hit> out) {
        if (!s.filter.matches(e)) return;
        String v = s.attribute.valueOf(e);
        if (v == null) return;
        long h = Hashing.fnv64(v);
        for (Rule r : s.rules) {
            if (suppress && r.mode() == RuleMode.ACTIVE) continue;
            long from = t - r.history().toMillis();
            int known = st.countValuesSince(s, from);
            if (known > 0 && !st.hasValueSince(s, h, from)) {
                // Countries are not personal identifiers; hashes are not worth showing to a rep.
                String observed =
                        s.attribute == Attribute.COUNTRY ? v : "a new " + s.attribute.words();
                String threshold =
                        known
                                + " known "
                                + s.attribute.words()
                                + (known == 1 ? "" : "s")
                                + " in "
                                + Templates.words(r.history());
                fire(rs, r, st, t, observed, threshold, r.history(), out);
            }
        }
        st.touchValue(s, h, t, GroupState.HISTORY_CAP);
    }

    private static void changeBeforeOrder(
            RuleSet rs,
            AggSpec s,
            GroupState st,
            ScoringEvent e,
            long t,
            boolean suppress,
            List<Hit> out) {
        if (e.type == EventType.ACCOUNT_CHANGE) {
            ChangeKind c = EventFilter.changeOf(e);
            if (c != null) st.recordChange(s, c.ordinal(), t);
            return;
        }
        if (e.type != EventType.ORDER_PLACED) return;
        for (Rule r : s.rules) {
            if (suppress && r.mode() == RuleMode.ACTIVE) continue;
            int i = st.latestChange(s, r.changeMask(), t - r.window().toMillis(), t);
            if (i < 0) continue;
            String change =
                    ChangeKind.values()[(int) st.val[i]].name().toLowerCase().replace('_', ' ');
            String observed =
                    change + " change " + Templates.words(t - st.time[i]) + " before the order";
            if (t == st.time[i]) observed = change + " change at the time of the order";
            fire(rs, r, st, t, observed, Templates.words(r.window()), r.window(), out);
        }
    }

    private static boolean anyStep(AggSpec s, ScoringEvent e) {
        for (EventFilter step : s.rules.get(0).steps()) {
            if (step.matches(e)) return true;
        }
        return false;
    }

    /**
     * Counts the event in its count (numerator or denominator); on a numerator event, judges the
     * share now against the share over the baseline (the baseline includes now).
     */
    private static void ratio(
            RuleSet rs,
            AggSpec s,
            GroupState st,
            ScoringEvent e,
            long t,
            boolean suppress,
            List<Hit> out) {
        if (!s.filter.matches(e)) return;
        st.addToBucket(s, t, 1);
        if (!s.numerator) return;
        for (Rule r : s.rules) {
            if (suppress && r.mode() == RuleMode.ACTIVE) continue;
            AggSpec den = rs.spec(Hashing.fnv32(r.aggregateKey() + AggSpec.DENOMINATOR));
            if (den == null) continue;
            long w = r.window().toMillis();
            long b = r.history().toMillis();
            long num = st.sumBuckets(s, t - w, t);
            if (num < r.minCount()) continue;
            long all = Math.max(num, st.sumBuckets(den, t - w, t));
            long numBase = st.sumBuckets(s, t - b, t);
            long allBase = Math.max(numBase, st.sumBuckets(den, t - b, t));
            // share now / share over the baseline, in percent: (num/all) / (numBase/allBase).
            double now = num / (double) all;
            double base = numBase / (double) allBase;
            long percent = base <= 0 ? Long.MAX_VALUE : Math.round(100.0 * now / base);
            if (percent > r.threshold()) {
                String observed =
                        num
                                + " of "
                                + all
                                + " in "
                                + Templates.words(r.window())
                                + " ("
                                + Math.round(100.0 * now)
                                + " %, against "
                                + Math.round(100.0 * base)
                                + " % over "
                                + Templates.words(r.history())
                                + ")";
                String threshold = (r.threshold() / 100.0) + " times the share over the baseline";
                fire(rs, r, st, t, observed, threshold, r.window(), out);
            }
        }
    }

    /** An account, card or device first seen (on the filter's events) less than the window ago. */
    private static void firstSeen(
            RuleSet rs,
            AggSpec s,
            GroupState st,
            ScoringEvent e,
            long t,
            boolean suppress,
            List<Hit> out) {
        if (!s.filter.matches(e)) return;
        long first = st.firstSeen(s, t);
        long age = t - first;
        for (Rule r : s.rules) {
            if (suppress && r.mode() == RuleMode.ACTIVE) continue;
            if (age < r.window().toMillis()) {
                String observed =
                        age == 0 ? "first seen now" : "first seen " + Templates.words(age) + " ago";
                fire(
                        rs,
                        r,
                        st,
                        t,
                        observed,
                        "at least " + Templates.words(r.window()) + " old",
                        r.window(),
                        out);
            }
        }
    }

    /** The steps in order within the window, judged when the last one happens. */
    private static void sequence(
            RuleSet rs,
            AggSpec s,
            GroupState st,
            ScoringEvent e,
            long t,
            boolean suppress,
            List<Hit> out) {
        Rule r = s.rules.get(0);
        List<EventFilter> steps = r.steps();
        long w = r.window().toMillis();
        // From the last step back, so one event never completes two steps at once.
        for (int k = steps.size() - 1; k >= 0; k--) {
            if (!steps.get(k).matches(e)) continue;
            if (k == 0) {
                st.advanceSequence(s, 0, t, t);
                continue;
            }
            long start = st.sequenceStart(s, k - 1, t - w);
            if (start == Long.MIN_VALUE) continue;
            if (k < steps.size() - 1) {
                st.advanceSequence(s, k, start, t);
            } else if (!(suppress && r.mode() == RuleMode.ACTIVE)) {
                fire(
                        rs,
                        r,
                        st,
                        t,
                        steps.size() + " steps in " + Templates.words(t - start),
                        "not within " + Templates.words(r.window()),
                        r.window(),
                        out);
            }
        }
    }

    static void fire(
            RuleSet rs,
            Rule r,
            GroupState st,
            long t,
            String observed,
            String threshold,
            java.time.Duration window,
            List<Hit> out) {
        boolean repeat = st.recordFire(r.idHash(), t, rs.alertCooldownMillis());
        Map<String, String> v = new HashMap<>(8);
        v.put("observed", observed);
        v.put("threshold", threshold);
        v.put("ruleId", r.id());
        if (window != null) v.put("window", Templates.words(window));
        GroupBy g = r.groupBy() == null ? GroupBy.SESSION : r.groupBy();
        v.put("groupBy", g.words());
        if (r.attribute() != null) v.put("attribute", r.attribute().words());
        else if (r.list() != null)
            v.put("attribute", r.list().name().toLowerCase().replace('_', ' '));
        out.add(
                new Hit(
                        r.id(),
                        r.version(),
                        r.mode(),
                        r.weight(),
                        Templates.render(r.description(), v),
                        observed,
                        threshold,
                        g,
                        repeat));
    }
}
