package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.GroupStep;
import dev.fraudmonitor.engine.rules.GroupState;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.types.StateTypes;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Keyed by one grouping value (an account, an IP, a card...): holds that key's state and runs
 * {@link GroupStep}. Only hits travel on.
 *
 * <p>State is dropped once nothing in it is inside any rule's window (see {@link RuleStage} for
 * when), so idle keys do not leak.
 */
public class GroupStage extends RuleStage<GroupCopy, DecisionInput> {
    private static final long serialVersionUID = 1L;

    /** The state this stage keeps per key: its name and serializer are part of every savepoint. */
    public static final ValueStateDescriptor<GroupState> STATE =
            new ValueStateDescriptor<>("group", StateTypes.GROUP_STATE);

    private transient ValueState<GroupState> state;
    private transient GroupStep step;

    public GroupStage(JobConfig config, StageRules rules) {
        super(config, rules);
    }

    @Override
    protected void openState() {
        state = getRuntimeContext().getState(STATE);
        step = new GroupStep();
    }

    @Override
    public void processElement(GroupCopy copy, Context ctx, Collector<DecisionInput> out)
            throws Exception {
        GroupState st = state.value();
        boolean fresh = st == null;
        if (fresh) {
            st = new GroupState();
        }
        for (DecisionInput hit : step.apply(rules.current(), st, copy)) {
            out.collect(hit);
        }
        if (st.isEmpty()) {
            // No rule of this kind counted the event (a page view for an account, say): writing
            // an empty state and a timer for it would cost a state write per event for nothing.
            state.clear();
        } else {
            state.update(st);
            if (fresh) {
                // One timer per key, moved on by the timer itself, not one per minute of activity.
                scheduleExpiry(ctx.timerService(), GroupStep.expiresAt(st));
            }
        }
    }

    @Override
    ValueStateDescriptor<?> stateDescriptor() {
        return STATE;
    }

    @Override
    long expire(long now) throws Exception {
        GroupState st = state.value();
        if (st == null) {
            return 0;
        }
        int entries = st.size();
        int fires = st.fireRule == null ? 0 : st.fireRule.length;
        long expiresAt = st.expiresAt;
        if (GroupStep.expire(rules.current().rules(), st, now)) {
            state.clear();
            return 0;
        }
        if (st.size() != entries
                || (st.fireRule == null ? 0 : st.fireRule.length) != fires
                || st.expiresAt != expiresAt) {
            state.update(st);
        }
        return GroupStep.expiresAt(st);
    }
}
