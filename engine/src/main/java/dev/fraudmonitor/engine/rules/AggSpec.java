package dev.fraudmonitor.engine.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * One piece of keyed state shared by every enabled rule with the same {@link Rule#aggregateKey()}:
 * a velocity aggregate, a value history or a change log.
 */
final class AggSpec {
    final String key;
    final int id;
    final RuleKind kind;
    final GroupBy groupBy;
    final Aggregate aggregate;
    final Attribute attribute;
    final EventFilter filter;

    /** Bucket width for COUNT/SUM, millis (0 otherwise). */
    final long widthMillis;

    /** How long entries are kept, millis: the longest window/history of the rules sharing it. */
    final long retentionMillis;

    /** The enabled rules reading it, in rule-set order. */
    final List<Rule> rules;

    /** RATIO: the key suffixes of its two counts; the rules are judged with the numerator. */
    static final String DENOMINATOR = "|den";

    static final String NUMERATOR = "|num";

    /** RATIO: whether this is the numerator count (the rules are judged on its events). */
    final boolean numerator;

    /** A first-sighting record read by VELOCITY rules with {@code newFor}; no rule of its own. */
    private AggSpec(String key, GroupBy groupBy, EventFilter filter, long retentionMillis) {
        this.key = key;
        this.id = Hashing.fnv32(key);
        this.kind = RuleKind.FIRST_SEEN;
        this.groupBy = groupBy;
        this.aggregate = null;
        this.attribute = null;
        this.filter = filter;
        this.rules = List.of();
        this.numerator = false;
        this.widthMillis = 0;
        this.retentionMillis = retentionMillis;
    }

    AggSpec(String key, List<Rule> rules) {
        this.key = key;
        this.id = Hashing.fnv32(key);
        Rule first = rules.get(0);
        this.kind = first.kind();
        this.groupBy = first.groupBy();
        this.attribute = first.attribute();
        this.rules = List.copyOf(rules);
        this.numerator = key.endsWith(NUMERATOR);
        if (kind == RuleKind.RATIO) {
            this.aggregate = Aggregate.COUNT;
            this.filter = numerator ? first.filter() : first.denominator();
        } else {
            this.aggregate = first.aggregate();
            this.filter = first.filter();
        }
        long minWindow = Long.MAX_VALUE;
        long maxWindow = 0;
        for (Rule r : rules) {
            // A ratio's current window sets the bucket width; its baseline, how long they last.
            long shortest = kind == RuleKind.RATIO ? r.window().toMillis() : r.retentionMillis();
            minWindow = Math.min(minWindow, shortest);
            maxWindow = Math.max(maxWindow, r.retentionMillis());
        }
        if ((kind == RuleKind.VELOCITY && aggregate != Aggregate.DISTINCT)
                || kind == RuleKind.RATIO) {
            this.widthMillis = bucketWidth(minWindow, maxWindow);
            // Keep one extra bucket: the oldest bucket of a window may start before its edge.
            this.retentionMillis = maxWindow + widthMillis;
        } else {
            this.widthMillis = 0;
            this.retentionMillis = maxWindow;
        }
    }

    /**
     * window/60 rounded to whole seconds, at least 1 s; when rules with very different windows
     * share the aggregate, coarse enough that the longest window spans at most 600 buckets.
     */
    static long bucketWidth(long minWindowMillis, long maxWindowMillis) {
        long w = Math.round(minWindowMillis / 60.0 / 1000.0) * 1000L;
        long cap = ((maxWindowMillis / 600) + 999) / 1000 * 1000L;
        return Math.max(1000L, Math.max(w, cap));
    }

    static List<AggSpec> of(List<Rule> enabledGroupedRules) {
        java.util.LinkedHashMap<String, List<Rule>> byKey = new java.util.LinkedHashMap<>();
        for (Rule r : enabledGroupedRules) {
            if (r.kind() == RuleKind.RATIO) {
                // The denominator first: when the numerator's rules are judged, both are counted.
                byKey.computeIfAbsent(r.aggregateKey() + DENOMINATOR, k -> new ArrayList<>())
                        .add(r);
                byKey.computeIfAbsent(r.aggregateKey() + NUMERATOR, k -> new ArrayList<>()).add(r);
            } else {
                byKey.computeIfAbsent(r.aggregateKey(), k -> new ArrayList<>()).add(r);
            }
        }
        List<AggSpec> out = new ArrayList<>();
        java.util.Set<String> sightings = new java.util.HashSet<>();
        for (Rule r : enabledGroupedRules) {
            // Before the velocity aggregates, so a key's first sighting is known when judged.
            if (r.kind() == RuleKind.VELOCITY
                    && r.newFor() != null
                    && sightings.add(r.firstSightingKey())) {
                out.add(
                        new AggSpec(
                                r.firstSightingKey(),
                                r.groupBy(),
                                r.firstSeenFilter(),
                                Rule.NEW_KEY_MEMORY.toMillis()));
            }
        }
        byKey.forEach((k, rs) -> out.add(new AggSpec(k, rs)));
        return out;
    }
}
