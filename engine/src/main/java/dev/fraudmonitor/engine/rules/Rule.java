package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.model.ChangeKind;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One analyst rule. Immutable; parameters that do not apply to the rule's kind are null / 0. Build
 * it with {@link #builder(String, RuleKind)} or parse it with {@link RuleSetParser}, which also
 * validates it.
 */
public final class Rule {
    private final String id;
    private final int version;
    private final RuleKind kind;
    private final String description;
    private final boolean enabled;
    private final RuleMode mode;
    private final int weight;
    // VELOCITY, NEW_VALUE, CHANGE_BEFORE_ORDER
    private final GroupBy groupBy;
    private final EventFilter filter;
    // VELOCITY
    private final Aggregate aggregate;
    private final Attribute attribute; // DISTINCT/SUM of; NEW_VALUE attribute
    private final Duration window; // VELOCITY, CHANGE_BEFORE_ORDER
    private final long threshold;
    // MISMATCH
    private final List<Fact> facts;
    private final long minAmountMinor;
    private final int minDistinct;
    // NEW_VALUE
    private final Duration history;
    // CHANGE_BEFORE_ORDER
    private final Set<ChangeKind> changes;
    private final int changeMask;
    // BOT_CHECKOUT
    private final Duration maxSessionAge;
    private final int minPageViews;
    // LIST
    private final ListKind list;
    // RATIO: the events the filter's events are a share of, and the least count worth judging
    private final EventFilter denominator;
    private final long minCount;
    // SEQUENCE
    private final List<EventFilter> steps;
    // VELOCITY: judged only while the key is new (first seen less than this ago); null: always
    private final Duration newFor;
    // VELOCITY with newFor: the events that count as seeing the key; null: the rule's filter
    private final EventFilter firstSeenOn;

    private final int idHash;

    private Rule(Builder b) {
        id = b.id;
        version = b.version;
        kind = b.kind;
        description = b.description;
        enabled = b.enabled;
        mode = b.mode;
        weight = b.weight;
        groupBy = b.groupBy;
        filter = b.filter == null ? EventFilter.ANY : b.filter;
        aggregate = b.aggregate;
        attribute = b.attribute;
        window = b.window;
        threshold = b.threshold;
        facts = b.facts == null ? List.of() : List.copyOf(b.facts);
        minAmountMinor = b.minAmountMinor;
        minDistinct = b.minDistinct;
        history = b.history;
        changes =
                b.changes == null || b.changes.isEmpty()
                        ? Collections.emptySet()
                        : Collections.unmodifiableSet(EnumSet.copyOf(b.changes));
        int cm = 0;
        for (ChangeKind c : changes) cm |= 1 << c.ordinal();
        changeMask = cm;
        maxSessionAge = b.maxSessionAge;
        minPageViews = b.minPageViews;
        list = b.list;
        denominator = b.denominator == null ? EventFilter.ANY : b.denominator;
        minCount = b.minCount;
        steps = b.steps == null ? List.of() : List.copyOf(b.steps);
        newFor = b.newFor;
        firstSeenOn = b.firstSeenOn;
        idHash = Hashing.fnv32(id);
    }

    public static Builder builder(String id, RuleKind kind) {
        return new Builder(id, kind);
    }

    public Builder toBuilder() {
        Builder b = new Builder(id, kind);
        b.version = version;
        b.description = description;
        b.enabled = enabled;
        b.mode = mode;
        b.weight = weight;
        b.groupBy = groupBy;
        b.filter = filter;
        b.aggregate = aggregate;
        b.attribute = attribute;
        b.window = window;
        b.threshold = threshold;
        b.facts = facts;
        b.minAmountMinor = minAmountMinor;
        b.minDistinct = minDistinct;
        b.history = history;
        b.changes = changes;
        b.maxSessionAge = maxSessionAge;
        b.minPageViews = minPageViews;
        b.list = list;
        b.denominator = denominator;
        b.minCount = minCount;
        b.steps = steps;
        b.newFor = newFor;
        b.firstSeenOn = firstSeenOn;
        return b;
    }

    public String id() {
        return id;
    }

    public int version() {
        return version;
    }

    public RuleKind kind() {
        return kind;
    }

    /** The description template, e.g. "{observed} failed logins in {window}; limit {threshold}". */
    public String description() {
        return description;
    }

    public boolean enabled() {
        return enabled;
    }

    public RuleMode mode() {
        return mode;
    }

    public int weight() {
        return weight;
    }

    public GroupBy groupBy() {
        return groupBy;
    }

    public EventFilter filter() {
        return filter;
    }

    public Aggregate aggregate() {
        return aggregate;
    }

    /** DISTINCT/SUM attribute of a VELOCITY rule; the remembered attribute of a NEW_VALUE rule. */
    public Attribute attribute() {
        return attribute;
    }

    public Duration window() {
        return window;
    }

    public long threshold() {
        return threshold;
    }

    public List<Fact> facts() {
        return facts;
    }

    public long minAmountMinor() {
        return minAmountMinor;
    }

    public int minDistinct() {
        return minDistinct;
    }

    public Duration history() {
        return history;
    }

    public Set<ChangeKind> changes() {
        return changes;
    }

    int changeMask() {
        return changeMask;
    }

    public Duration maxSessionAge() {
        return maxSessionAge;
    }

    public int minPageViews() {
        return minPageViews;
    }

    public ListKind list() {
        return list;
    }

    /** RATIO: the events the filter's events are counted as a share of. */
    public EventFilter denominator() {
        return denominator;
    }

    /** RATIO: the fewest filter events in the window for the rule to judge the share. */
    public long minCount() {
        return minCount;
    }

    /**
     * VELOCITY: judged only while its key (a card, an account) is new: first seen, on the {@link
     * #firstSeenOn()} events, less than this long ago; null when the rule judges every key.
     */
    public Duration newFor() {
        return newFor;
    }

    /**
     * VELOCITY with {@link #newFor()}: the events that count as seeing the key (an account's
     * logins, say, so that its age and not its first order decides); null when the rule's filter
     * events do.
     */
    public EventFilter firstSeenOn() {
        return firstSeenOn;
    }

    /** How long a key's first sighting is remembered after its last, for {@link #newFor()}. */
    static final Duration NEW_KEY_MEMORY = Duration.ofDays(180);

    /** The first-sighting record a {@link #newFor()} rule reads: one per (grouping, filter). */
    String firstSightingKey() {
        return "K|" + groupBy + "|" + firstSeenFilter().canonical();
    }

    /** The filter of the events a {@link #newFor()} rule's first sighting counts. */
    EventFilter firstSeenFilter() {
        return firstSeenOn != null ? firstSeenOn : filter;
    }

    /** SEQUENCE: the steps, in order. */
    public List<EventFilter> steps() {
        return steps;
    }

    int idHash() {
        return idHash;
    }

    /**
     * True for the kinds whose state is kept per group key (VELOCITY, NEW_VALUE,
     * CHANGE_BEFORE_ORDER).
     */
    public boolean isGrouped() {
        return kind == RuleKind.VELOCITY
                || kind == RuleKind.NEW_VALUE
                || kind == RuleKind.CHANGE_BEFORE_ORDER
                || kind == RuleKind.RATIO
                || kind == RuleKind.FIRST_SEEN
                || kind == RuleKind.SEQUENCE;
    }

    /** How long this rule needs state, in millis (0 for rules that keep none). */
    long retentionMillis() {
        switch (kind) {
            case VELOCITY:
            case CHANGE_BEFORE_ORDER:
            case SEQUENCE:
                return window.toMillis();
            case NEW_VALUE:
            case RATIO: // history is the baseline
            case FIRST_SEEN: // history is how long an entity is remembered after its last sighting
                return history.toMillis();
            default:
                return 0;
        }
    }

    /**
     * The identity of the state this rule reads. Rules with the same key share one aggregate, so
     * changing a threshold or a window keeps the counts.
     */
    String aggregateKey() {
        switch (kind) {
            case VELOCITY:
                return "V|"
                        + groupBy
                        + "|"
                        + aggregate
                        + "|"
                        + attribute
                        + "|"
                        + filter.canonical();
            case NEW_VALUE:
                return "N|" + groupBy + "|" + attribute + "|" + filter.canonical();
            case CHANGE_BEFORE_ORDER:
                return "C|" + groupBy;
            case RATIO:
                return "R|" + groupBy + "|" + filter.canonical() + "|" + denominator.canonical();
            case FIRST_SEEN:
                return "F|" + groupBy + "|" + filter.canonical();
            case SEQUENCE:
                // Each rule keeps its own progress: two sequences sharing steps still differ.
                return "S|" + groupBy + "|" + id;
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return "Rule{" + id + " v" + version + " " + kind + "}";
    }

    /** Mutable builder; defaults: version 1, enabled, ACTIVE, weight 0, minDistinct 2. */
    public static final class Builder {
        private final String id;
        private final RuleKind kind;
        private int version = 1;
        private String description = "";
        private boolean enabled = true;
        private RuleMode mode = RuleMode.ACTIVE;
        private int weight;
        private GroupBy groupBy;
        private EventFilter filter;
        private Aggregate aggregate;
        private Attribute attribute;
        private Duration window;
        private long threshold;
        private List<Fact> facts;
        private long minAmountMinor;
        private int minDistinct = 2;
        private Duration history;
        private Set<ChangeKind> changes;
        private Duration maxSessionAge;
        private int minPageViews;
        private ListKind list;
        private EventFilter denominator;
        private long minCount;
        private List<EventFilter> steps;
        private Duration newFor;
        private EventFilter firstSeenOn;

        private Builder(String id, RuleKind kind) {
            this.id = id;
            this.kind = kind;
        }

        public Builder version(int v) {
            version = v;
            return this;
        }

        public Builder description(String v) {
            description = v;
            return this;
        }

        public Builder enabled(boolean v) {
            enabled = v;
            return this;
        }

        public Builder mode(RuleMode v) {
            mode = v;
            return this;
        }

        public Builder weight(int v) {
            weight = v;
            return this;
        }

        public Builder groupBy(GroupBy v) {
            groupBy = v;
            return this;
        }

        public Builder filter(EventFilter v) {
            filter = v;
            return this;
        }

        public Builder aggregate(Aggregate v) {
            aggregate = v;
            return this;
        }

        public Builder attribute(Attribute v) {
            attribute = v;
            return this;
        }

        public Builder window(Duration v) {
            window = v;
            return this;
        }

        public Builder threshold(long v) {
            threshold = v;
            return this;
        }

        public Builder facts(List<Fact> v) {
            facts = v;
            return this;
        }

        public Builder minAmountMinor(long v) {
            minAmountMinor = v;
            return this;
        }

        public Builder minDistinct(int v) {
            minDistinct = v;
            return this;
        }

        public Builder history(Duration v) {
            history = v;
            return this;
        }

        public Builder changes(Set<ChangeKind> v) {
            changes = v;
            return this;
        }

        public Builder maxSessionAge(Duration v) {
            maxSessionAge = v;
            return this;
        }

        public Builder minPageViews(int v) {
            minPageViews = v;
            return this;
        }

        public Builder denominator(EventFilter v) {
            denominator = v;
            return this;
        }

        public Builder minCount(long v) {
            minCount = v;
            return this;
        }

        public Builder newFor(Duration v) {
            newFor = v;
            return this;
        }

        public Builder firstSeenOn(EventFilter v) {
            firstSeenOn = v;
            return this;
        }

        public Builder steps(List<EventFilter> v) {
            steps = v;
            return this;
        }

        public Builder list(ListKind v) {
            list = v;
            return this;
        }

        public Rule build() {
            return new Rule(this);
        }
    }
}
