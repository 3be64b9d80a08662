package dev.fraudmonitor.backtest;

import dev.fraudmonitor.engine.InMemoryEngine;
import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.RulesSource;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.model.RejectReason;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Replays a bounded input through the job's engine ({@link InMemoryEngine}: the session, group and
 * decision steps the job's operators call) once with the candidate rule set and, when there is one,
 * once with the baseline, side by side over the same decoded events. Nothing is written anywhere:
 * alerts and holds only reach the recorders.
 */
public final class Backtest {
    /** A rule set to run, with where it came from (for the report). */
    public record Candidate(RuleSet rules, String origin) {}

    /** What a run saw and decided, everything the report is made of. */
    public record Result(
            String input,
            String order,
            Candidate candidate,
            Candidate baseline,
            ListSnapshot lists,
            long records,
            long events,
            Map<RejectReason, Long> invalid,
            long sessions,
            RunRecorder candidateRun,
            RunRecorder baselineRun,
            LabelOutcome labels,
            double seconds,
            double cpuSeconds) {
        public double eventsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }

        /** The candidate's decision in a session, or null when it had no hit and no alert. */
        public SessionOutcome candidateOutcome(String sessionId) {
            return candidateRun.sessions().get(sessionId);
        }
    }

    /** The labelled sessions among those replayed, and the labels that could not be placed. */
    public record LabelOutcome(
            Map<String, Boolean> fraudBySession,
            long read,
            long unreadable,
            long caseOnly,
            long notInRange) {}

    /** Events handed to the engines at once. */
    private static final int BATCH = 1024;

    private final Candidate candidate;
    private final Candidate baseline;
    private final ListSnapshot lists;
    private final Labels labels;
    private final int expiryEvery;

    /**
     * @param baseline null for no comparison
     * @param lists the block/allow lists both rule sets run with
     * @param labels null when no outcomes are known
     * @param expiryEvery how often (in events) the engine drops expired state
     */
    public Backtest(
            Candidate candidate,
            Candidate baseline,
            ListSnapshot lists,
            Labels labels,
            int expiryEvery) {
        this.candidate = candidate;
        this.baseline = baseline;
        this.lists = lists == null ? ListSnapshot.empty() : lists;
        this.labels = labels;
        this.expiryEvery = expiryEvery;
    }

    public Result run(EventSource source, Progress progress) {
        Set<String> wantedAlerts = labels == null ? Set.of() : labels.byAlert.keySet();
        RunRecorder c = new RunRecorder(candidate.rules(), wantedAlerts);
        RunRecorder b = baseline == null ? null : new RunRecorder(baseline.rules(), wantedAlerts);
        InMemoryEngine ce = engine(candidate, c);
        InMemoryEngine be = baseline == null ? null : engine(baseline, b);
        Decoder decoder = new Decoder();
        Set<String> sessions = new HashSet<>();
        Map<String, String> sessionOfOrder = new HashMap<>();
        Map<String, ?> wantedOrders = labels == null ? Map.of() : labels.byOrder;
        long[] counts = new long[2];
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        try (EngineWorker cw = new EngineWorker("candidate", ce);
                EngineWorker bw = be == null ? null : new EngineWorker("baseline", be)) {
            ScoringEvent[][] batch = {new ScoringEvent[BATCH]};
            int[] filled = {0};
            source.forEach(
                    (value, timestamp) -> {
                        long n = ++counts[0];
                        if ((n & 4095) == 0) {
                            progress.update(n);
                        }
                        ScoringEvent e = decoder.decode(value, timestamp);
                        if (e == null) {
                            return;
                        }
                        counts[1]++;
                        sessions.add(e.sessionId);
                        if (e.orderId != null && wantedOrders.containsKey(e.orderId)) {
                            sessionOfOrder.putIfAbsent(e.orderId, e.sessionId);
                        }
                        batch[0][filled[0]++] = e;
                        if (filled[0] == BATCH) {
                            hand(batch[0], cw, bw);
                            batch[0] = new ScoringEvent[BATCH];
                            filled[0] = 0;
                        }
                    });
            if (filled[0] > 0) {
                hand(batch[0], cw, bw);
            }
            cw.finish();
            if (bw != null) {
                bw.finish();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        progress.finish();
        LabelOutcome labelled = resolveLabels(sessions, sessionOfOrder, c, b);
        return new Result(
                source.describe(),
                source.order(),
                candidate,
                baseline,
                lists,
                counts[0],
                counts[1],
                decoder.invalid(),
                sessions.size(),
                c,
                b,
                labelled,
                seconds,
                cpuSeconds);
    }

    /**
     * CPU time of the whole process (all threads, JIT and GC included), for events per CPU-second:
     * on a machine shared with other work the wall-clock rate alone says little.
     */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static void hand(ScoringEvent[] batch, EngineWorker c, EngineWorker b) {
        c.submit(batch);
        if (b != null) {
            b.submit(batch);
        }
    }

    private InMemoryEngine engine(Candidate rules, RunRecorder recorder) {
        return new InMemoryEngine(
                RulesSource.fixed(new RulesSnapshot(rules.rules(), lists)), recorder, expiryEvery);
    }

    private LabelOutcome resolveLabels(
            Set<String> sessions,
            Map<String, String> sessionOfOrder,
            RunRecorder c,
            RunRecorder b) {
        if (labels == null) {
            return null;
        }
        Map<String, Labels.Verdict> placed = new HashMap<>();
        long notInRange = 0;
        for (var e : labels.bySession.entrySet()) {
            notInRange += place(placed, sessions.contains(e.getKey()) ? e.getKey() : null, e);
        }
        for (var e : labels.byOrder.entrySet()) {
            notInRange += place(placed, sessionOfOrder.get(e.getKey()), e);
        }
        for (var e : labels.byAlert.entrySet()) {
            String s = c.sessionOfAlert().get(e.getKey());
            if (s == null && b != null) {
                s = b.sessionOfAlert().get(e.getKey());
            }
            notInRange += place(placed, s, e);
        }
        Map<String, Boolean> fraud = new HashMap<>();
        placed.forEach((s, v) -> fraud.put(s, v.fraud()));
        return new LabelOutcome(fraud, labels.read, labels.unreadable, labels.caseOnly, notInRange);
    }

    private static int place(
            Map<String, Labels.Verdict> placed,
            String sessionId,
            Map.Entry<String, Labels.Verdict> label) {
        if (sessionId == null) {
            return 1;
        }
        placed.merge(sessionId, label.getValue(), (x, y) -> x.seq() >= y.seq() ? x : y);
        return 0;
    }
}
