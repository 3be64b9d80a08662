package dev.fraudmonitor.job.operators;

import java.util.Collection;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateEntry;
import org.apache.flink.runtime.state.TestableKeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.runtime.state.internal.InternalKvState;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * Runs a keyed stage and decides when its expired state is dropped (see {@link RuleStage}): by a
 * timer per key on RocksDB, by a sweep over all keys each minute of event time on the heap.
 *
 * <p>The sweep is spread out: the watermark that crosses a minute starts it, and it goes on a few
 * keys after each record and a slice at each watermark. Done at once it held up every record behind
 * it, once a minute at every keyed stage together: about 0.4 s per million keys, which set the tail
 * of the hold latency (benchmarks/RESULTS.md). A sweep not done when the next minute is crossed is
 * finished then, before the next one starts, so every key is visited once per minute as before.
 * Until the sweep reaches a key, its expired state may still be read, as it could be before the
 * watermark crossed the minute.
 */
public final class StageOperator<I, O> extends KeyedProcessOperator<Long, I, O> {
    private static final long serialVersionUID = 1L;

    /** The name {@link KeyedProcessOperator} gives its timer service; savepoints carry it. */
    private static final String TIMER_SERVICE = "user-timers";

    /** Keys the sweep visits after each record: the traffic that grows the state sweeps it. */
    static final int KEYS_PER_RECORD = 2;

    /** Keys the sweep visits at each watermark, at most: about a millisecond's work. */
    static final int KEYS_PER_WATERMARK = 2_000;

    /** Hash buckets one step of the sweep looks into at most when they are empty. */
    private static final int BUCKETS_PER_STEP = 16;

    private final RuleStage<I, O> stage;
    private transient boolean sweeping;
    private transient long nextSweep;

    /** The sweep under way, or null; it visits the keys as of {@link #sweepAt}. */
    private transient InternalKvState.StateIncrementalVisitor<?, ?, ?> sweep;

    private transient long sweepAt;
    private transient int sweptKeys;
    private transient long sweepNanos;

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
    public void processElement(StreamRecord<I> element) throws Exception {
        super.processElement(element);
        if (sweep != null) {
            sweepSome(KEYS_PER_RECORD);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        if (!sweeping) {
            return;
        }
        long t = mark.getTimestamp();
        if (t >= nextSweep) {
            if (sweep != null) {
                sweepSome(Integer.MAX_VALUE);
            }
            long now = Timers.roundDown(t);
            startSweep(now);
            nextSweep =
                    now >= Long.MAX_VALUE - Timers.GRANULARITY_MILLIS
                            ? Long.MAX_VALUE
                            : now + Timers.GRANULARITY_MILLIS;
        }
        if (sweep != null) {
            sweepSome(KEYS_PER_WATERMARK);
        }
    }

    private void startSweep(long now) throws Exception {
        // The heap backend's states are its internal ones, which can visit their keys in steps.
        InternalKvState<?, ?, ?> state =
                (InternalKvState<?, ?, ?>)
                        getKeyedStateBackend()
                                .getPartitionedState(
                                        VoidNamespace.INSTANCE,
                                        VoidNamespaceSerializer.INSTANCE,
                                        stage.stateDescriptor());
        sweep = state.getStateIncrementalVisitor(BUCKETS_PER_STEP);
        sweepAt = now;
        sweptKeys = 0;
        sweepNanos = 0;
    }

    /**
     * Expires about {@code budget} more keys of the sweep under way, and reports the sweep when it
     * is done. Leaves the last key visited as the current key: every record and timer sets its own.
     */
    private void sweepSome(int budget) throws Exception {
        long started = System.nanoTime();
        int steps = 0;
        while (steps < budget && sweep.hasNext()) {
            Collection<? extends StateEntry<?, ?, ?>> chain = sweep.nextEntries();
            if (chain == null) {
                break;
            }
            // A copy of one hash bucket's keys: expiring them changes the map, not the copy.
            for (StateEntry<?, ?, ?> entry : chain) {
                setCurrentKey(entry.getKey());
                stage.expire(sweepAt);
            }
            sweptKeys += chain.size();
            // An empty answer still looked into up to BUCKETS_PER_STEP buckets.
            steps += Math.max(1, chain.size());
        }
        sweepNanos += System.nanoTime() - started;
        if (!sweep.hasNext()) {
            sweep = null;
            stage.metrics.stateSwept(stage.stateDescriptor().getName(), sweptKeys, sweepNanos);
        }
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
