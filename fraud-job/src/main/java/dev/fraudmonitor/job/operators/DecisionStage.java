package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.DecisionState;
import dev.fraudmonitor.engine.DecisionStep;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.Output;
import dev.fraudmonitor.job.types.StateTypes;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.Json;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by session: holds the session's decision state, runs {@link DecisionStep}, and writes its
 * alerts (main output) and holds ({@link #HOLDS}) as JSON for the sinks.
 */
public class DecisionStage extends RuleStage<DecisionInput, Output> implements CheckpointListener {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Output> HOLDS =
            new OutputTag<>("holds", TypeInformation.of(Output.class));

    /** The state this stage keeps per key: its name and serializer are part of every savepoint. */
    public static final ValueStateDescriptor<DecisionState> STATE =
            new ValueStateDescriptor<>("decision", StateTypes.DECISION_STATE);

    private transient ValueState<DecisionState> state;

    public DecisionStage(JobConfig config, StageRules rules) {
        super(config, rules);
    }

    @Override
    protected void openState() {
        state = getRuntimeContext().getState(STATE);
    }

    /** Reported so operators can see that outputs are being committed (pipeline health). */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (metrics != null) {
            metrics.checkpointCompleted(checkpointId);
        }
    }

    @Override
    public void processElement(DecisionInput m, Context ctx, Collector<Output> out)
            throws Exception {
        if (m.isRuleHit()) {
            metrics.ruleHit(m.ruleId, m.mode);
        }
        RuleSet rs = rules.current().rules();
        DecisionState st = state.value();
        boolean fresh = st == null;
        if (fresh) {
            st = new DecisionState();
        }
        DecisionStep.Decision d = DecisionStep.apply(rs, m.sessionId, st, m);
        switch (d.outcome()) {
            case SHADOW:
                return; // nothing of a shadow hit is kept
            case SUPPRESSED:
                metrics.alertSuppressed();
                break;
            case ALERT:
                emit(d.alert(), d.holds(), m, ctx, out);
                break;
            default:
                break;
        }
        state.update(st);
        if (fresh) {
            scheduleExpiry(ctx.timerService(), DecisionStep.expiresAt(rs, st));
        }
    }

    private void emit(
            Alert alert, Iterable<Hold> holds, DecisionInput m, Context ctx, Collector<Output> out)
            throws Exception {
        out.collect(
                new Output(
                        alert.sessionId(), Json.mapper().writeValueAsBytes(alert), m.ingestTime));
        metrics.alert(alert.action(), alert.score(), m.eventTime, m.ingestTime);
        for (Hold hold : holds) {
            ctx.output(
                    HOLDS,
                    new Output(
                            hold.orderId(), Json.mapper().writeValueAsBytes(hold), m.ingestTime));
            metrics.holdPlaced();
        }
    }

    @Override
    ValueStateDescriptor<?> stateDescriptor() {
        return STATE;
    }

    @Override
    long expire(long now) throws Exception {
        DecisionState st = state.value();
        if (st == null) {
            return 0;
        }
        long expiresAt = DecisionStep.expiresAt(rules.current().rules(), st);
        if (expiresAt <= now) {
            state.clear();
            return 0;
        }
        return expiresAt;
    }
}
