package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.SessionStep;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.SessionState;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.types.StateTypes;
import dev.fraudmonitor.job.types.WireTypes;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by session: holds the session's state and runs {@link SessionStep}. Group copies go on to
 * the group stage; session hits and order notices leave by {@link #HITS} for the decision stage.
 */
public class SessionStage extends RuleStage<ScoringEvent, GroupCopy> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DecisionInput> HITS =
            new OutputTag<>("session-hits", WireTypes.DECISION_INPUT);

    /** The state this stage keeps per key: its name and serializer are part of every savepoint. */
    public static final ValueStateDescriptor<SessionState> STATE =
            new ValueStateDescriptor<>("session", StateTypes.SESSION_STATE);

    private transient ValueState<SessionState> state;
    private transient SessionStep step;

    public SessionStage(JobConfig config, StageRules rules) {
        super(config, rules);
    }

    @Override
    protected void openState() {
        state = getRuntimeContext().getState(STATE);
        step = new SessionStep();
    }

    @Override
    public void processElement(ScoringEvent e, Context ctx, Collector<GroupCopy> out)
            throws Exception {
        RulesSnapshot now = rules.current();
        SessionState st = state.value();
        boolean fresh = st == null;
        if (fresh) {
            st = new SessionState();
        }
        if (!step.apply(now, st, e)) {
            metrics.duplicate();
            return;
        }
        metrics.event(e.type);
        if (e.eventTime < ctx.timerService().currentWatermark()) {
            metrics.late();
        }
        state.update(st);
        if (fresh) {
            scheduleExpiry(ctx.timerService(), SessionStep.expiresAt(now.rules(), st));
        }
        for (DecisionInput input : step.toDecision()) {
            ctx.output(HITS, input);
        }
        for (GroupCopy copy : step.toGroups()) {
            out.collect(copy);
        }
    }

    @Override
    ValueStateDescriptor<?> stateDescriptor() {
        return STATE;
    }

    @Override
    long expire(long now) throws Exception {
        SessionState st = state.value();
        if (st == null) {
            return 0;
        }
        // Later than when the key was last looked at if the session went on, or the rule set's
        // session timeout grew.
        long expiresAt = SessionStep.expiresAt(rules.current().rules(), st);
        if (expiresAt <= now) {
            state.clear();
            return 0;
        }
        return expiresAt;
    }
}
