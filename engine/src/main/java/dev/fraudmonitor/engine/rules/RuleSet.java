package dev.fraudmonitor.engine.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole, validated rule set: what is in force at one time. Immutable; derived indexes (which
 * groupings are needed, shared aggregates, retention) are computed once here, not per event.
 */
public final class RuleSet {
    public static final Duration DEFAULT_ALERT_COOLDOWN = Duration.ofMinutes(30);
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_ENTITY_HORIZON = Duration.ofHours(24);

    private final long version;
    private final int reviewThreshold;
    private final int holdThreshold;
    private final Duration alertCooldown;
    private final Duration sessionTimeout;
    private final Duration entityHorizon;
    private final List<Rule> rules;

    private final Set<GroupBy> groupings;
    private final long maxRetentionMillis;
    private final Map<GroupBy, List<AggSpec>> specsByGroup;
    private final Map<Integer, AggSpec> specsById;
    private final List<Rule> sessionRules;
    private final long sessionTimeoutMillis;

    public RuleSet(
            long version,
            int reviewThreshold,
            int holdThreshold,
            Duration alertCooldown,
            Duration sessionTimeout,
            Duration entityHorizon,
            List<Rule> rules) {
        this.version = version;
        this.reviewThreshold = reviewThreshold;
        this.holdThreshold = holdThreshold;
        this.alertCooldown = alertCooldown == null ? DEFAULT_ALERT_COOLDOWN : alertCooldown;
        this.sessionTimeout = sessionTimeout == null ? DEFAULT_SESSION_TIMEOUT : sessionTimeout;
        this.entityHorizon = entityHorizon == null ? DEFAULT_ENTITY_HORIZON : entityHorizon;
        this.rules = List.copyOf(rules);

        List<Rule> grouped = new ArrayList<>();
        List<Rule> session = new ArrayList<>();
        EnumSet<GroupBy> kinds = EnumSet.noneOf(GroupBy.class);
        long maxRet = 0;
        long sessionFacts = this.sessionTimeout.toMillis();
        for (Rule r : this.rules) {
            if (!r.enabled()) continue;
            if (r.isGrouped()) {
                grouped.add(r);
                if (r.groupBy() != GroupBy.SESSION) kinds.add(r.groupBy());
                maxRet = Math.max(maxRet, r.retentionMillis());
            } else {
                session.add(r);
                if (r.kind() == RuleKind.BOT_CHECKOUT && r.maxSessionAge() != null) {
                    sessionFacts = Math.max(sessionFacts, r.maxSessionAge().toMillis());
                }
            }
        }
        this.groupings = Collections.unmodifiableSet(kinds);
        this.sessionRules = List.copyOf(session);
        this.sessionTimeoutMillis = sessionFacts;

        Map<GroupBy, List<AggSpec>> byGroup = new EnumMap<>(GroupBy.class);
        Map<Integer, AggSpec> byId = new HashMap<>();
        for (AggSpec s : AggSpec.of(grouped)) {
            byGroup.computeIfAbsent(s.groupBy, g -> new ArrayList<>()).add(s);
            byId.put(s.id, s);
            maxRet = Math.max(maxRet, s.retentionMillis);
        }
        this.specsByGroup = byGroup;
        this.specsById = byId;
        this.maxRetentionMillis = maxRet;
    }

    public long version() {
        return version;
    }

    public int reviewThreshold() {
        return reviewThreshold;
    }

    public int holdThreshold() {
        return holdThreshold;
    }

    /** A rule firing again for the same key within this time is marked {@link Hit#repeat()}. */
    public Duration alertCooldown() {
        return alertCooldown;
    }

    /**
     * Session facts (first event, page views, last IP country) are dropped this long after the
     * session's last event.
     */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /**
     * How long an account, device, card or shipping address carries the risk of the sessions that
     * touched it to other sessions; zero turns linking off.
     */
    public Duration entityHorizon() {
        return entityHorizon;
    }

    public long entityHorizonMillis() {
        return entityHorizon.toMillis();
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * Grouping kinds (excluding SESSION) needed by enabled VELOCITY / NEW_VALUE /
     * CHANGE_BEFORE_ORDER rules.
     */
    public Set<GroupBy> groupings() {
        return groupings;
    }

    /** Longest window/history any enabled rule needs (incl. one bucket of slack), millis. */
    public long maxRetentionMillis() {
        return maxRetentionMillis;
    }

    public Rule rule(String id) {
        for (Rule r : rules) if (r.id().equals(id)) return r;
        return null;
    }

    List<AggSpec> specs(GroupBy kind) {
        List<AggSpec> l = specsByGroup.get(kind);
        return l == null ? List.of() : l;
    }

    AggSpec spec(int id) {
        return specsById.get(id);
    }

    /** Enabled MISMATCH, BOT_CHECKOUT and LIST rules. */
    List<Rule> sessionRules() {
        return sessionRules;
    }

    /**
     * How long a session's state is kept after its newest event: {@code sessionTimeout}, or the
     * longest bot-checkout session age if that is longer.
     */
    public long sessionTimeoutMillis() {
        return sessionTimeoutMillis;
    }

    long alertCooldownMillis() {
        return alertCooldown.toMillis();
    }

    @Override
    public String toString() {
        return "RuleSet{v" + version + ", " + rules.size() + " rules}";
    }
}
