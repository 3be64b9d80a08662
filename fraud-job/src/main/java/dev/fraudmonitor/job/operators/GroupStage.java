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
 * Keyed by one grouping value (an account, an IP, a card...): holds that key's state and its expiry
 * timer, and runs {@link GroupStep}. Only hits travel on.
 *
 * <p>State is dropped by an event-time timer once nothing in it is inside any rule's window, so
 * idle keys do not leak.
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
                // One cleanup timer per key, set when its state is created and moved on by the
                // timer itself (onTimer), not one per minute of activity: every pending timer is
                // written into each checkpoint.
                ctx.timerService().registerEventTimeTimer(Timers.roundUp(GroupStep.expiresAt(st)));
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DecisionInput> out)
            throws Exception {
        GroupState st = state.value();
        if (st == null) {
            return;
        }
        if (GroupStep.expire(rules.current().rules(), st, timestamp)) {
            state.clear();
        } else {
            state.update(st);
            long next = Math.max(GroupStep.expiresAt(st), timestamp + 1);
            ctx.timerService().registerEventTimeTimer(Timers.roundUp(next));
        }
    }
}
