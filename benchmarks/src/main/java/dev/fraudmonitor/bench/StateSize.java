package dev.fraudmonitor.bench;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.GroupCopy;
import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.SessionStep;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.SessionState;
import dev.fraudmonitor.job.FraudJob;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.io.RulesProvider;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.job.operators.GroupStage;
import dev.fraudmonitor.job.operators.SessionStage;
import dev.fraudmonitor.job.operators.StageOperator;
import dev.fraudmonitor.job.operators.StageRules;
import dev.fraudmonitor.job.operators.StateKeys;
import dev.fraudmonitor.job.types.ScoringEventSerializer;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.management.ObjectName;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * State bytes per active key: the job's real SessionStage and GroupStage operators, each in Flink's
 * keyed operator test harness on a real state backend, fed one simulated event per key for {@code
 * keys} distinct keys (a fresh session; a fresh account/IP/device/card... key, kinds in the
 * proportions the default rules fan events out to). Each key then holds what one event leaves
 * behind: the session's facts, de-duplication entry and expiry timer; the group key's aggregate
 * entries and expiry timer.
 *
 * <ul>
 *   <li>HashMap backend: live heap after full GCs, with the state minus without it; and the size of
 *       a full checkpoint.
 *   <li>RocksDB backend: the size of an incremental checkpoint, which flushes the memtables and
 *       consists of the SST files, i.e. the state as it sits on disk.
 * </ul>
 */
final class StateSize {
    private StateSize() {}

    record Result(
            String operator,
            String backend,
            long keys,
            double heapBytesPerKey,
            String heapByClass,
            double checkpointBytesPerKey,
            double sweepMillis,
            double millis) {}

    static Result measure(
            String operator,
            boolean rocksdb,
            JobConfig config,
            List<ScoringEvent> mix,
            long keys,
            Path checkpoints)
            throws Exception {
        Files.createDirectories(checkpoints);
        StateBackend backend = backend(rocksdb, config);
        boolean session = operator.equals("session");
        RulesSnapshot rules;
        try (RulesProvider provider = RulesProvider.acquire(config)) {
            rules = provider.current();
        }
        SessionStep fanOut = new SessionStep();
        long t0 = System.nanoTime();
        long before;
        long after;
        Map<String, Long> histogramBefore = Map.of();
        Map<String, Long> histogramAfter = Map.of();
        OperatorSubtaskState snapshot;
        double sweepMs = Double.NaN;
        if (session) {
            try (KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> h =
                    sessionHarness(config, backend, checkpoints)) {
                before = liveHeap();
                if (!rocksdb) histogramBefore = histogram();
                for (long k = 0; k < keys; k++) {
                    ScoringEvent e = copy(mix.get((int) (k % mix.size())));
                    e.sessionId = sessionId(k);
                    e.eventId = e.sessionId + "-e1";
                    h.processElement(new StreamRecord<>(e, e.eventTime));
                    if (k % 10_000 == 0) {
                        drain(h.getOutput(), h.getSideOutput(SessionStage.HITS));
                    }
                }
                drain(h.getOutput(), h.getSideOutput(SessionStage.HITS));
                after = liveHeap();
                if (!rocksdb) histogramAfter = histogram();
                snapshot = h.snapshot(1, System.currentTimeMillis());
                if (!rocksdb) sweepMs = sweep(h, config, SessionStage.STATE.getName());
            }
        } else {
            try (KeyedOneInputStreamOperatorTestHarness<Long, GroupCopy, DecisionInput> h =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            new StageOperator<>(new GroupStage(config, StageRules.redis(config))),
                            StateKeys.GROUP,
                            StateKeys.TYPE)) {
                h.setStateBackend(backend);
                h.setCheckpointStorage(new FileSystemCheckpointStorage(checkpoints.toUri()));
                h.open();
                before = liveHeap();
                if (!rocksdb) histogramBefore = histogram();
                long k = 0;
                int i = 0;
                while (k < keys) {
                    ScoringEvent e = mix.get(i++ % mix.size());
                    // Only the copies the session step sends: each key fed holds state.
                    fanOut.apply(rules, new SessionState(), copy(e));
                    for (GroupCopy sent : fanOut.toGroups()) {
                        if (k >= keys) break;
                        GroupCopy c =
                                new GroupCopy(
                                        sent.kind,
                                        sent.kind.keyOf(sent.event) + "#" + k,
                                        sent.event);
                        h.processElement(new StreamRecord<>(c, e.eventTime));
                        k++;
                        if (k % 10_000 == 0) drain(h.getOutput(), null);
                    }
                }
                drain(h.getOutput(), null);
                after = liveHeap();
                if (!rocksdb) histogramAfter = histogram();
                snapshot = h.snapshot(1, System.currentTimeMillis());
                if (!rocksdb) sweepMs = sweep(h, config, GroupStage.STATE.getName());
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        return new Result(
                operator,
                rocksdb ? "RocksDB" : "HashMap",
                keys,
                rocksdb ? Double.NaN : (after - before) / (double) keys,
                rocksdb ? "" : perKeyByClass(histogramBefore, histogramAfter, keys),
                snapshot.getStateSize() / (double) keys,
                sweepMs,
                ms);
    }

    /**
     * The heap backend's expiry sweep over every key, timed: a watermark at event time 0 starts a
     * sweep that drops nothing, as most sweeps of a running job drop few of the keys they visit,
     * and the watermarks after it within the same minute carry it to its end (no record arrives
     * meanwhile, which would do a share too). Ends when the stage reports the sweep done.
     */
    private static double sweep(
            KeyedOneInputStreamOperatorTestHarness<Long, ?, ?> h, JobConfig config, String state)
            throws Exception {
        long done = sweeps(config, state);
        long t = System.nanoTime();
        for (long wm = 0; wm < 60_000 && sweeps(config, state) == done; wm++) {
            h.processWatermark(wm);
        }
        double ms = (System.nanoTime() - t) / 1e6;
        if (sweeps(config, state) == done) {
            throw new IllegalStateException("the sweep of " + state + " did not end in a minute");
        }
        return ms;
    }

    private static long sweeps(JobConfig config, String state) {
        Timer timer =
                FraudMetrics.get(config)
                        .registry()
                        .find("fraud.state.sweep")
                        .tag("state", state)
                        .timer();
        return timer == null ? 0 : timer.count();
    }

    /**
     * Session number {@code k}'s id, shaped as the simulator's ("s-" and 14 random characters):
     * spread over the key space as real ids are, not in counting order, which would give RocksDB
     * the locality and prefix compression of sequential keys that checkout traffic does not have.
     */
    static String sessionId(long k) {
        long z = k + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return "s-" + Long.toHexString((z >>> 8) | (1L << 56)).substring(1);
    }

    /** The job's session stage in Flink's keyed harness on {@code backend}, opened. */
    static KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> sessionHarness(
            JobConfig config, StateBackend backend, Path checkpoints) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Long, ScoringEvent, GroupCopy> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new StageOperator<>(new SessionStage(config, StageRules.redis(config))),
                        StateKeys.SESSION,
                        StateKeys.TYPE);
        h.setStateBackend(backend);
        h.setCheckpointStorage(new FileSystemCheckpointStorage(checkpoints.toUri()));
        h.open();
        return h;
    }

    /** RocksDB with incremental checkpoints, or the heap backend, as a harness needs it. */
    static StateBackend backend(boolean rocksdb, JobConfig config) {
        if (!rocksdb) {
            return new HashMapStateBackend();
        }
        EmbeddedRocksDBStateBackend r = new EmbeddedRocksDBStateBackend(true);
        // What a TaskManager slot would give RocksDB (deploy/config.yaml); the harness's own
        // managed memory is so small that RocksDB flushes a memtable every few writes and stalls.
        r.getMemoryConfiguration().setFixedMemoryPerSlot(Benchmark.SLOT_MANAGED_MEMORY);
        // And the RocksDB options the job sets for itself.
        Configuration job =
                FraudJob.flinkConfiguration(config.with(JobConfig.STATE_BACKEND, "ROCKSDB"));
        return r.configure(job, StateSize.class.getClassLoader());
    }

    /** Live bytes per class (a full GC first), from the JVM's GC.class_histogram command. */
    static Map<String, Long> histogram() throws Exception {
        String text =
                (String)
                        ManagementFactory.getPlatformMBeanServer()
                                .invoke(
                                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                                        "gcClassHistogram",
                                        new Object[] {null},
                                        new String[] {String[].class.getName()});
        Map<String, Long> bytes = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // "  1:   123   4567  java.lang.String (java.base@17)"
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        return bytes;
    }

    /** The classes that grew most, in bytes per key: where the heap state goes. */
    static String perKeyByClass(Map<String, Long> before, Map<String, Long> after, long keys) {
        List<Map.Entry<String, Long>> grew = new ArrayList<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > keys * 4) grew.add(Map.entry(e.getKey(), d));
        }
        grew.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : grew.subList(0, Math.min(10, grew.size()))) {
            if (sb.length() > 0) sb.append(", ");
            String name = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
            sb.append(String.format(Locale.ROOT, "%s %.0f B", name, e.getValue() / (double) keys));
        }
        return sb.toString();
    }

    private static void drain(ConcurrentLinkedQueue<?> out, ConcurrentLinkedQueue<?> side) {
        out.clear();
        if (side != null) side.clear();
    }

    /** Heap in use after full collections (System.gc() is a full GC with G1 by default). */
    static long liveHeap() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** A fresh event with the same content (distinct objects, as the job's state would hold). */
    static ScoringEvent copy(ScoringEvent s) {
        return ScoringEventSerializer.INSTANCE.copy(s);
    }
}
