package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * What the keyed stages share: the metrics endpoint of their JVM, the rules in force (opened before
 * the first element, kept in every checkpoint; see {@link RulesInForce}), and how a key's state is
 * dropped once it has expired.
 *
 * <p>Each stage says what expiry means for its state ({@link #expire}); {@link StageOperator} says
 * when it runs. On RocksDB a key's one timer calls it, moved on while the key is in use: the timers
 * live in RocksDB too, and cost nothing per key on the heap. On the heap a timer costs about 78
 * bytes per key (the timer, its entry in the timer queue's de-duplication map) and is written into
 * every full snapshot, so there a sweep over all keys calls it once for each minute the watermark
 * crosses: the minutes at which the timers would have fired. The sweep is spread over the records
 * and watermarks that follow the crossing, so a key's expired state may stay a little longer than
 * its timer would have left it.
 */
public abstract class RuleStage<I, O> extends KeyedProcessFunction<Long, I, O>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    protected final JobConfig config;
    private final StageRules stageRules;
    protected transient StageRules.InForce rules;
    protected transient FraudMetrics metrics;
    private transient RulesInForce rulesInForce;
    private transient boolean timers;

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

    /** The state the stage keeps per key: what the sweep visits. */
    abstract ValueStateDescriptor<?> stateDescriptor();

    /**
     * Drops what the current key's state holds that has expired at event time {@code now}, and
     * writes the state back only if that changed it (a sweep visits every key).
     *
     * @return when everything left will have expired, or 0 when the key's state is gone
     */
    abstract long expire(long now) throws Exception;

    /** Set by {@link StageOperator} once the state backend is known: timers or a sweep. */
    final void expireByTimers(boolean timers) {
        this.timers = timers;
    }

    /** Called when the stage wrote state for a key that had none; {@code at} as {@link #expire}. */
    final void scheduleExpiry(TimerService timerService, long at) {
        if (timers) {
            timerService.registerEventTimeTimer(Timers.roundUp(at));
        }
    }

    /**
     * A key's expiry timer, or one restored from a savepoint of a version that kept a timer per key
     * on every backend: on the heap those fire once and are gone.
     */
    @Override
    public final void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out)
            throws Exception {
        long next = expire(timestamp);
        if (next > 0 && timers) {
            ctx.timerService()
                    .registerEventTimeTimer(Timers.roundUp(Math.max(next, timestamp + 1)));
        }
    }

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
