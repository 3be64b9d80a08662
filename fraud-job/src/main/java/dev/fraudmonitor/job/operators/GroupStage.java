package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.GroupCopy;
import dev.fraudmonitor.job.event.HitMessage;
import dev.fraudmonitor.job.io.RulesProvider;
import dev.fraudmonitor.job.rules.GroupEvaluator;
import dev.fraudmonitor.job.rules.GroupState;
import dev.fraudmonitor.job.rules.Hit;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/**
 * Keyed by one grouping value (an account, an IP, a card...): keeps that key's bucketed aggregates
 * and history, and evaluates every rule grouped by that kind in one pass. Only hits travel on.
 *
 * <p>State is dropped by an event-time timer once nothing in it is inside any rule's window, so
 * idle keys do not leak.
 */
public class GroupStage extends RuleStage<GroupCopy, HitMessage> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<GroupState> STATE =
            new ValueStateDescriptor<>("group", TypeInformation.of(GroupState.class));

    private transient ValueState<GroupState> state;
    private transient List<Hit> hits;

    public GroupStage(JobConfig config) {
        super(config);
    }

    @Override
    protected void openState() {
        state = getRuntimeContext().getState(STATE);
        hits = new ArrayList<>();
    }

    @Override
    public void processElement(GroupCopy copy, Context ctx, Collector<HitMessage> out)
            throws Exception {
        RulesProvider.Snapshot snapshot = rules.current();
        GroupState st = state.value();
        if (st == null) {
            st = new GroupState();
        }
        // A timer at this slot already exists: one is registered whenever the state is written.
        long timerBefore = Timers.roundUp(st.nextExpiry());
        hits.clear();
        GroupEvaluator.evaluate(snapshot.rules(), copy.kind, st, copy.event, hits);
        if (st.isEmpty()) {
            // No rule of this kind counted the event (a page view for an account, say): writing
            // an empty state and a timer for it would cost a state write per event for nothing.
            state.clear();
        } else {
            state.update(st);
            long timer = Timers.roundUp(st.nextExpiry());
            if (timer != timerBefore) {
                ctx.timerService().registerEventTimeTimer(timer);
            }
        }
        long version = snapshot.rules().version();
        for (Hit hit : hits) {
            out.collect(HitMessage.of(copy.event, version, hit));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<HitMessage> out)
            throws Exception {
        GroupState st = state.value();
        if (st == null) {
            return;
        }
        if (st.expire(timestamp, rules.current().rules())) {
            state.clear();
        } else {
            state.update(st);
            long next = st.nextExpiry();
            if (next > timestamp) {
                ctx.timerService().registerEventTimeTimer(Timers.roundUp(next));
            }
        }
    }
}
