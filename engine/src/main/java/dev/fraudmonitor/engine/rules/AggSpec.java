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

    AggSpec(String key, List<Rule> rules) {
        this.key = key;
        this.id = Hashing.fnv32(key);
        Rule first = rules.get(0);
        this.kind = first.kind();
        this.groupBy = first.groupBy();
        this.aggregate = first.aggregate();
        this.attribute = first.attribute();
        this.filter = first.filter();
        this.rules = List.copyOf(rules);
        long minWindow = Long.MAX_VALUE;
        long maxWindow = 0;
        for (Rule r : rules) {
            minWindow = Math.min(minWindow, r.retentionMillis());
            maxWindow = Math.max(maxWindow, r.retentionMillis());
        }
        if (kind == RuleKind.VELOCITY && aggregate != Aggregate.DISTINCT) {
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
            byKey.computeIfAbsent(r.aggregateKey(), k -> new ArrayList<>()).add(r);
        }
        List<AggSpec> out = new ArrayList<>();
        byKey.forEach((k, rs) -> out.add(new AggSpec(k, rs)));
        return out;
    }
}
