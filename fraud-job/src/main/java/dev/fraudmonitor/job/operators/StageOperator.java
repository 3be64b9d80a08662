package dev.fraudmonitor.job.operators;

import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.TestableKeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * Runs a keyed stage and decides when its expired state is dropped (see {@link RuleStage}): by a
 * timer per key on RocksDB, by a sweep over all keys each minute of event time on the heap.
 */
public final class StageOperator<I, O> extends KeyedProcessOperator<Long, I, O> {
    private static final long serialVersionUID = 1L;

    /** The name {@link KeyedProcessOperator} gives its timer service; savepoints carry it. */
    private static final String TIMER_SERVICE = "user-timers";

    private final RuleStage<I, O> stage;
    private transient boolean sweeping;
    private transient long nextSweep;

    public StageOperator(RuleStage<I, O> stage) {
        super(stage);
        this.stage = stage;
    }

    @Override
    public void open() throws Exception {
        super.open();
        sweeping = onHeap(getKeyedStateBackend());
        stage.expireByTimers(!sweeping);
        nextSweep = 0;
        if (!sweeping) {
            timeKeysWithoutTimers();
        }
    }

    private static boolean onHeap(KeyedStateBackend<?> backend) {
        KeyedStateBackend<?> inner =
                backend instanceof TestableKeyedStateBackend<?> wrapper
                        ? wrapper.getDelegatedKeyedStateBackend(true)
                        : backend;
        return inner instanceof HeapKeyedStateBackend<?>;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        long t = mark.getTimestamp();
        if (sweeping && t >= nextSweep) {
            long now = Timers.roundDown(t);
            sweep(now);
            nextSweep =
                    now >= Long.MAX_VALUE - Timers.GRANULARITY_MILLIS
                            ? Long.MAX_VALUE
                            : now + Timers.GRANULARITY_MILLIS;
        }
    }

    private void sweep(long now) throws Exception {
        long started = System.nanoTime();
        int[] keys = {0};
        forEachKey(
                () -> {
                    keys[0]++;
                    stage.expire(now);
                });
        stage.metrics.stateSwept(
                stage.stateDescriptor().getName(), keys[0], System.nanoTime() - started);
    }

    /**
     * State restored from a savepoint of the heap backend has no timers. On RocksDB such keys get
     * one at time 0: the first watermark fires it, and {@link RuleStage#onTimer} moves it on to the
     * key's expiry. Only the first start after such a switch pays for the pass over the keys.
     */
    private void timeKeysWithoutTimers() throws Exception {
        InternalTimerService<VoidNamespace> timers =
                getInternalTimerService(TIMER_SERVICE, VoidNamespaceSerializer.INSTANCE, this);
        if (anyTimer(timers)) {
            return;
        }
        forEachKey(() -> timers.registerEventTimeTimer(VoidNamespace.INSTANCE, 0));
    }

    /** Runs {@code action} with each key that holds the stage's state as the current key. */
    private void forEachKey(ThrowingRunnable<Exception> action) throws Exception {
        getKeyedStateBackend()
                .applyToAllKeys(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        stage.stateDescriptor(),
                        (key, state) -> action.run());
    }

    private static boolean anyTimer(InternalTimerService<VoidNamespace> timers) throws Exception {
        try {
            timers.forEachEventTimeTimer(
                    (namespace, time) -> {
                        throw FoundOne.INSTANCE;
                    });
            return false;
        } catch (FoundOne found) {
            return true;
        }
    }

    /** Ends the walk over the timers at the first one. */
    private static final class FoundOne extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final FoundOne INSTANCE = new FoundOne();

        private FoundOne() {
            super(null, null, false, false);
        }
    }
}
