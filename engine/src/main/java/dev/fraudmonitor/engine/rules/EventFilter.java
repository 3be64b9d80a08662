package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.FieldKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which events a rule looks at: event types, outcome, field kind, change kinds, amount range (minor
 * units, inclusive; events without an amount never match a range). Empty parts match everything.
 * Immutable.
 */
public final class EventFilter {
    public static final EventFilter ANY =
            new EventFilter(null, null, null, null, 0, Long.MAX_VALUE);

    private final Set<EventType> types;
    private final String outcome;
    private final FieldKind field;
    private final Set<ChangeKind> changes;
    private final int typeMask;
    private final int changeMask;
    private final long minAmount;
    private final long maxAmount;

    public EventFilter(
            Set<EventType> types, String outcome, FieldKind field, Set<ChangeKind> changes) {
        this(types, outcome, field, changes, 0, Long.MAX_VALUE);
    }

    public EventFilter(
            Set<EventType> types,
            String outcome,
            FieldKind field,
            Set<ChangeKind> changes,
            long minAmount,
            long maxAmount) {
        this.minAmount = minAmount;
        this.maxAmount = maxAmount;
        this.types =
                types == null || types.isEmpty()
                        ? Collections.emptySet()
                        : Collections.unmodifiableSet(EnumSet.copyOf(types));
        this.outcome = outcome;
        this.field = field;
        this.changes =
                changes == null || changes.isEmpty()
                        ? Collections.emptySet()
                        : Collections.unmodifiableSet(EnumSet.copyOf(changes));
        int tm = 0;
        for (EventType t : this.types) tm |= 1 << t.ordinal();
        int cm = 0;
        for (ChangeKind c : this.changes) cm |= 1 << c.ordinal();
        this.typeMask = tm;
        this.changeMask = cm;
    }

    public boolean matches(ScoringEvent e) {
        if (typeMask != 0 && (e.type == null || (typeMask & (1 << e.type.ordinal())) == 0)) {
            return false;
        }
        if (outcome != null && !outcome.equals(e.outcome)) return false;
        if (field != null && !field.name().equals(e.field)) return false;
        if (changeMask != 0) {
            ChangeKind c = changeOf(e);
            if (c == null || (changeMask & (1 << c.ordinal())) == 0) return false;
        }
        if (hasAmountRange()
                && (!hasAmount(e) || e.amountMinor < minAmount || e.amountMinor > maxAmount)) {
            return false;
        }
        return true;
    }

    private boolean hasAmountRange() {
        return minAmount > 0 || maxAmount < Long.MAX_VALUE;
    }

    private static boolean hasAmount(ScoringEvent e) {
        return e.type == EventType.ORDER_PLACED || e.type == EventType.PAYMENT_ATTEMPT;
    }

    public long minAmount() {
        return minAmount;
    }

    public long maxAmount() {
        return maxAmount;
    }

    static ChangeKind changeOf(ScoringEvent e) {
        if (e.change == null) return null;
        for (ChangeKind c : ChangeKind.values()) if (c.name().equals(e.change)) return c;
        return null;
    }

    public Set<EventType> types() {
        return types;
    }

    public String outcome() {
        return outcome;
    }

    public FieldKind field() {
        return field;
    }

    public Set<ChangeKind> changes() {
        return changes;
    }

    public boolean isAny() {
        return typeMask == 0
                && outcome == null
                && field == null
                && changeMask == 0
                && !hasAmountRange();
    }

    /** Stable text identifying the filter, part of an aggregate's identity. */
    String canonical() {
        String c = "t" + typeMask + ",o" + outcome + ",f" + field + ",c" + changeMask;
        return hasAmountRange() ? c + ",a" + minAmount + "-" + maxAmount : c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventFilter && ((EventFilter) o).canonical().equals(canonical());
    }

    @Override
    public int hashCode() {
        return Objects.hash(typeMask, outcome, field, changeMask, minAmount, maxAmount);
    }

    @Override
    public String toString() {
        return "EventFilter{" + canonical() + "}";
    }
}
