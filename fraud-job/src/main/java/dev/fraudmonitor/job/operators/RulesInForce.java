package dev.fraudmonitor.job.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The rules an operator scores with, opened from its {@link StageRules}, plus a copy of the set in
 * force in every checkpoint, so that a restart while Redis is down goes on scoring with the last
 * good set instead of waiting for Redis.
 *
 * <p>Union list state: after a restore, or a change of parallelism, every subtask sees every saved
 * copy and the provider takes the newest.
 */
public final class RulesInForce {
    /** Kept by every keyed stage; {@code KeyMigration} carries it into a rewritten savepoint. */
    public static final ListStateDescriptor<String> SAVED =
            new ListStateDescriptor<>("rules-in-force", Types.STRING);

    private final ListState<String> saved;
    private final List<String> restored = new ArrayList<>();
    private StageRules.InForce rules;

    private RulesInForce(ListState<String> saved) {
        this.saved = saved;
    }

    /** Call from {@code initializeState}, which Flink runs before {@code open}. */
    static RulesInForce initialize(FunctionInitializationContext context) throws Exception {
        RulesInForce r = new RulesInForce(context.getOperatorStateStore().getUnionListState(SAVED));
        if (context.isRestored()) {
            r.saved.get().forEach(r.restored::add);
        }
        return r;
    }

    /** Returns once a rule set is in force. */
    StageRules.InForce open(StageRules source) {
        rules = source.open(List.copyOf(restored));
        restored.clear();
        return rules;
    }

    void snapshot() throws Exception {
        saved.update(List.of(rules.saved()));
    }

    /** Releases this operator's use of the rules, once. */
    void close() {
        if (rules != null) {
            rules.close();
            rules = null;
        }
    }
}
