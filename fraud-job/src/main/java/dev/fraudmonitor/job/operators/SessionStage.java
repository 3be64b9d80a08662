package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.GroupCopy;
import dev.fraudmonitor.job.event.HitMessage;
import dev.fraudmonitor.job.event.ScoringEvent;
import dev.fraudmonitor.job.io.RulesProvider;
import dev.fraudmonitor.job.rules.GroupBy;
import dev.fraudmonitor.job.rules.GroupEvaluator;
import dev.fraudmonitor.job.rules.Hit;
import dev.fraudmonitor.job.rules.SessionEvaluator;
import dev.fraudmonitor.job.rules.SessionState;
import dev.fraudmonitor.model.EventType;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by session: drops repeated events, evaluates the rules that need only the session (and the
 * lists), and fans each event out once per grouping key the rule set needs.
 *
 * <p>De-duplication lives here, before the fan-out, so a repeated event is counted by no rule. Its
 * horizon is the session's lifetime ({@code session.ttl} after the session's last event).
 */
public class SessionStage extends RuleStage<ScoringEvent, GroupCopy> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<HitMessage> HITS =
            new OutputTag<>("session-hits", TypeInformation.of(HitMessage.class));

    static final ValueStateDescriptor<SessionState> STATE =
            new ValueStateDescriptor<>("session", TypeInformation.of(SessionState.class));

    private final long ttlMillis;
    private transient ValueState<SessionState> state;
    private transient List<Hit> hits;

    public SessionStage(JobConfig config) {
        super(config);
        this.ttlMillis = config.get(JobConfig.SESSION_TTL).toMillis();
    }

    @Override
    protected void openState() {
        state = getRuntimeContext().getState(STATE);
        hits = new ArrayList<>();
    }

    @Override
    public void processElement(ScoringEvent e, Context ctx, Collector<GroupCopy> out)
            throws Exception {
        SessionState st = state.value();
        if (st == null) {
            st = new SessionState();
        }
        if (!st.firstSighting(e.eventId)) {
            metrics.duplicate();
            return;
        }
        metrics.event(e.type);
        if (e.eventTime < ctx.timerService().currentWatermark()) {
            metrics.late();
        }
        // A timer at this slot already exists: one is registered whenever lastEventTime moves.
        long timerBefore =
                st.events == 0 ? Long.MIN_VALUE : Timers.roundUp(st.lastEventTime + ttlMillis);

        RulesProvider.Snapshot snapshot = rules.current();
        hits.clear();
        SessionEvaluator.evaluate(snapshot.rules(), snapshot.lists(), st, e, hits);
        state.update(st);
        long timer = Timers.roundUp(st.lastEventTime + ttlMillis);
        if (timer != timerBefore) {
            ctx.timerService().registerEventTimeTimer(timer);
        }

        long version = snapshot.rules().version();
        for (Hit hit : hits) {
            ctx.output(HITS, HitMessage.of(e, version, hit));
        }
        if (e.type == EventType.ORDER_PLACED) {
            ctx.output(HITS, HitMessage.orderNotice(e, version));
        }
        for (GroupBy kind : snapshot.rules().groupings()) {
            String value = kind.keyOf(e);
            if (value != null && GroupEvaluator.needs(snapshot.rules(), kind, e)) {
                out.collect(new GroupCopy(kind, value, e));
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<GroupCopy> out)
            throws Exception {
        SessionState st = state.value();
        if (st != null && st.lastEventTime + ttlMillis <= timestamp) {
            state.clear();
        }
    }
}
