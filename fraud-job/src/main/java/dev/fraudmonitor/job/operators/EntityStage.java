package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.EntityCopy;
import dev.fraudmonitor.engine.EntityState;
import dev.fraudmonitor.engine.EntityStep;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.types.StateTypes;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Keyed by one account, device, card or shipping address: holds the entity's state and runs {@link
 * EntityStep}. Linked hits go on to the decision stage of the sessions they concern.
 */
public class EntityStage extends RuleStage<EntityCopy, DecisionInput> {
    private static final long serialVersionUID = 1L;

    /** The state this stage keeps per key: its name and serializer are part of every savepoint. */
    public static final ValueStateDescriptor<EntityState> STATE =
            new ValueStateDescriptor<>("entity", StateTypes.ENTITY_STATE);

    private transient ValueState<EntityState> state;
    private transient EntityStep step;

    public EntityStage(JobConfig config, StageRules rules) {
        super(config, rules);
    }

    @Override
    protected void openState() {
        state = getRuntimeContext().getState(STATE);
        step = new EntityStep();
    }

    @Override
    public void processElement(EntityCopy copy, Context ctx, Collector<DecisionInput> out)
            throws Exception {
        RuleSet rs = rules.current().rules();
        EntityState st = state.value();
        boolean fresh = st == null;
        if (fresh) {
            st = new EntityState();
        }
        for (DecisionInput link : step.apply(rs, st, copy)) {
            out.collect(link);
        }
        if (st.isEmpty()) {
            state.clear();
        } else {
            state.update(st);
            if (fresh) {
                scheduleExpiry(ctx.timerService(), EntityStep.expiresAt(rs, st));
            }
        }
    }

    @Override
    ValueStateDescriptor<?> stateDescriptor() {
        return STATE;
    }

    @Override
    long expire(long now) throws Exception {
        EntityState st = state.value();
        if (st == null) {
            return 0;
        }
        RuleSet rs = rules.current().rules();
        if (!EntityStep.due(rs, st, now)) {
            return EntityStep.expiresAt(rs, st);
        }
        if (EntityStep.expire(rs, st, now)) {
            state.clear();
            return 0;
        }
        state.update(st);
        return EntityStep.expiresAt(rs, st);
    }
}
