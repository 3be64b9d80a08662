package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupState;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.engine.rules.SessionState;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.Hold;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The three steps run in one thread over in-memory state: what the Flink job does, without Flink.
 * The backtest, the simulator-vs-rules test, the benchmarks and the state-size figures run it.
 *
 * <p>Each event goes through the session step, each of its group copies through the group step, and
 * every resulting input through the decision step of its session, in that order. In the job the
 * group hits travel through a shuffle, so they can reach the decision step after a later session
 * hit; the decisions are the same, their interleaving may differ. State expires by event time as in
 * the job, checked every {@code expiryEvery} events rather than by timers.
 */
public final class InMemoryEngine {
    /** What the engine saw and decided, for reports and tests. */
    public interface Listener {
        /** Every input the decision step received, rule hits (ACTIVE and SHADOW) and orders. */
        default void input(DecisionInput input) {}

        /** An alert and the holds that came with it. */
        default void decided(Alert alert, List<Hold> holds) {}

        /** A repeated event (same eventId within the session) that no rule counted. */
        default void duplicate(ScoringEvent e) {}

        /** An alert that would have said nothing new. */
        default void suppressed(DecisionInput input) {}
    }

    private final RulesSource rules;
    private final Listener listener;
    private final SessionStep sessionStep = new SessionStep();
    private final GroupStep groupStep = new GroupStep();
    private final Map<String, SessionState> sessions = new HashMap<>();
    private final Map<String, GroupState> groups = new HashMap<>();
    private final Map<String, DecisionState> decisions = new HashMap<>();
    private final Map<String, EntityState> entities = new HashMap<>();
    private final EntityStep entityStep = new EntityStep();
    private final List<DecisionInput> linked = new ArrayList<>();
    private final List<DecisionInput> pending = new ArrayList<>();
    private final int expiryEvery;
    private long newestEventTime = Long.MIN_VALUE;
    private long events;

    public InMemoryEngine(RulesSource rules, Listener listener) {
        this(rules, listener, 10_000);
    }

    public InMemoryEngine(RulesSource rules, Listener listener, int expiryEvery) {
        this.rules = rules;
        this.listener = listener;
        this.expiryEvery = expiryEvery;
    }

    /** Runs one event through the three steps. */
    public void accept(ScoringEvent e) {
        RulesSnapshot now = rules.current();
        if (++events % expiryEvery == 0) {
            expire(now.rules(), newestEventTime);
        }
        newestEventTime = Math.max(newestEventTime, e.eventTime);
        SessionState session = sessions.computeIfAbsent(e.sessionId, k -> new SessionState());
        if (!sessionStep.apply(now, session, e)) {
            listener.duplicate(e);
            return;
        }
        pending.clear();
        pending.addAll(sessionStep.toDecision());
        for (GroupCopy copy : sessionStep.toGroups()) {
            GroupState group = groups.computeIfAbsent(copy.key, k -> new GroupState());
            pending.addAll(groupStep.apply(now, group, copy));
            if (group.isEmpty()) {
                groups.remove(copy.key);
            }
        }
        for (DecisionInput input : pending) {
            for (EntityCopy copy : EntityStep.copies(input)) {
                EntityState entity = entities.computeIfAbsent(copy.key, k -> new EntityState());
                linked.clear();
                linked.addAll(entityStep.apply(now.rules(), entity, copy));
                if (entity.isEmpty()) {
                    entities.remove(copy.key);
                }
                for (DecisionInput next : linked) {
                    decide(now.rules(), next);
                }
            }
        }
    }

    private void decide(RuleSet rs, DecisionInput input) {
        listener.input(input);
        DecisionState st = decisions.computeIfAbsent(input.sessionId, k -> new DecisionState());
        DecisionStep.Decision d = DecisionStep.apply(rs, input.sessionId, st, input);
        switch (d.outcome()) {
            case ALERT -> listener.decided(d.alert(), d.holds());
            case SUPPRESSED -> listener.suppressed(input);
            default -> {}
        }
    }

    /** Drops state that has expired at event time {@code now}, as the job's timers do. */
    public void expire(RuleSet rs, long now) {
        sessions.values().removeIf(st -> SessionStep.expired(rs, st, now));
        for (Iterator<GroupState> it = groups.values().iterator(); it.hasNext(); ) {
            GroupState st = it.next();
            if (GroupStep.expiresAt(st) <= now && GroupStep.expire(rs, st, now)) {
                it.remove();
            }
        }
        decisions.values().removeIf(st -> DecisionStep.expiresAt(rs, st) <= now);
        entities.values().removeIf(st -> EntityStep.expire(rs, st, now));
    }

    /** Events accepted so far, repeats included. */
    public long events() {
        return events;
    }

    /** Live state, for state-size figures: sessions, group keys and decision states held now. */
    public Map<String, SessionState> sessions() {
        return sessions;
    }

    public Map<String, GroupState> groups() {
        return groups;
    }

    public Map<String, DecisionState> decisions() {
        return decisions;
    }

    public Map<String, EntityState> entities() {
        return entities;
    }
}
