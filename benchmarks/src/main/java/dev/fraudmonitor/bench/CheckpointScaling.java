package dev.fraudmonitor.bench;

import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.operators.SessionStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Whether a checkpoint costs what changed or what is stored: the job's real {@link SessionStage} in
 * Flink's keyed operator harness holds {@code keys} sessions (one simulated event each), is
 * checkpointed once, then {@code rounds} times takes {@code changes} events (half to sessions it
 * holds, half to new ones) and is checkpointed again. Measured, as means over the rounds: the rate
 * of those events, each checkpoint's duration (synchronous and asynchronous parts, run back to back
 * by the harness) and the bytes it wrote. One checkpoint alone is a poor sample on RocksDB: the
 * compactions a flush sets off land in whichever checkpoint follows. Run at two key counts, the
 * figures say whether cost follows the keys (a HashMap backend writes every key every time) or the
 * changes (RocksDB incremental writes the new SST files only).
 */
final class CheckpointScaling {
    private CheckpointScaling() {}

    record Result(
            String backend,
            long keys,
            long changes,
            int rounds,
            double fillSeconds,
            double changesPerSecond,
            double checkpointMillis,
            double maxCheckpointMillis,
            long checkpointBytes,
            long stateBytes) {}

    static Result measure(
            boolean rocksdb,
            JobConfig config,
            List<ScoringEvent> mix,
            long keys,
            long changes,
            int rounds,
            Path checkpoints)
            throws Exception {
        Files.createDirectories(checkpoints);
        try (KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> h =
                StateSize.sessionHarness(config, StateSize.backend(rocksdb, config), checkpoints)) {
            long t0 = System.nanoTime();
            for (long k = 0; k < keys; k++) {
                process(h, mix.get((int) (k % mix.size())), StateSize.sessionId(k), "-e1");
                if (k % 10_000 == 0) drain(h);
            }
            drain(h);
            double fill = (System.nanoTime() - t0) / 1e9;
            h.snapshot(1, System.currentTimeMillis());
            // Checkpoint 1 completed: an incremental checkpoint 2 may refer to its files.
            h.notifyOfCompletedCheckpoint(1);

            SplittableRandom rnd = new SplittableRandom(42);
            double changeSeconds = 0;
            double totalMs = 0;
            double maxMs = 0;
            long written = 0;
            long state = 0;
            long i = 0;
            for (int round = 1; round <= rounds; round++) {
                long t1 = System.nanoTime();
                for (long c = 0; c < changes; c++, i++) {
                    String session =
                            StateSize.sessionId(i % 2 == 0 ? rnd.nextLong(keys) : keys + i);
                    process(h, mix.get((int) ((keys + i) % mix.size())), session, "-c" + i);
                    if (i % 10_000 == 0) drain(h);
                }
                drain(h);
                changeSeconds += (System.nanoTime() - t1) / 1e9;

                long t2 = System.nanoTime();
                OperatorSubtaskState next = h.snapshot(round + 1, System.currentTimeMillis());
                double ms = (System.nanoTime() - t2) / 1e6;
                h.notifyOfCompletedCheckpoint(round + 1);
                totalMs += ms;
                maxMs = Math.max(maxMs, ms);
                written += next.getCheckpointedSize();
                state = next.getStateSize();
            }
            return new Result(
                    rocksdb ? "RocksDB incremental" : "HashMap (full)",
                    keys,
                    changes,
                    rounds,
                    fill,
                    changes * rounds / changeSeconds,
                    totalMs / rounds,
                    maxMs,
                    written / rounds,
                    state);
        }
    }

    private static void process(
            KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> h,
            ScoringEvent template,
            String session,
            String eventSuffix)
            throws Exception {
        ScoringEvent e = StateSize.copy(template);
        e.sessionId = session;
        e.eventId = session + eventSuffix;
        h.processElement(new StreamRecord<>(e, e.eventTime));
    }

    private static void drain(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) {
        h.getOutput().clear();
        var hits = h.getSideOutput(SessionStage.HITS);
        if (hits != null) hits.clear(); // null until the first hit
    }
}
