package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * What the three keyed stages share: the metrics endpoint of their JVM, and the rules in force
 * (opened before the first element, kept in every checkpoint; see {@link RulesInForce}).
 */
abstract class RuleStage<I, O> extends KeyedProcessFunction<String, I, O>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    protected final JobConfig config;
    private final StageRules stageRules;
    protected transient StageRules.InForce rules;
    protected transient FraudMetrics metrics;
    private transient RulesInForce rulesInForce;

    RuleStage(JobConfig config, StageRules rules) {
        this.config = config;
        this.stageRules = rules;
    }

    @Override
    public final void open(OpenContext openContext) throws Exception {
        metrics = FraudMetrics.get(config);
        metrics.serve(config.get(JobConfig.METRICS_PORT));
        rules = rulesInForce.open(stageRules);
        openState();
    }

    /** Gets the stage's keyed state handles; called once the rules are in force. */
    protected abstract void openState();

    @Override
    public final void close() {
        if (rulesInForce != null) {
            rulesInForce.close();
        }
    }

    @Override
    public final void initializeState(FunctionInitializationContext context) throws Exception {
        rulesInForce = RulesInForce.initialize(context);
    }

    @Override
    public final void snapshotState(FunctionSnapshotContext context) throws Exception {
        rulesInForce.snapshot();
    }
}
