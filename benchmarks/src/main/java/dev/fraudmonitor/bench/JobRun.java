package dev.fraudmonitor.bench;

import dev.fraudmonitor.job.FraudJob;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.testkit.JobRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One run of the real job ({@code FraudJob.define}: Kafka source, the topology, exactly-once Kafka
 * sinks and the Redis hold sink, checkpoints on) over a topic that already holds {@code n} events,
 * read from the earliest offset.
 *
 * <p>Done means: the session stage has taken in all {@code n} events, the decision stage (whose
 * sinks are chained to it) has taken in all the entity stage sent, and no stage's record counter
 * moved between two polls 50 ms apart. Time runs from the first event entering the session stage to
 * that moment, so the MiniCluster (started once, before all runs), job submission, task deployment
 * and the initial rule load are excluded; the submit-to-done time is reported beside it.
 */
final class JobRun {
    private JobRun() {}

    record Result(
            String name,
            long events,
            long nanos,
            long submitToDoneNanos,
            long groupCopies,
            long decisions,
            Checkpoints checkpoints,
            Map<String, SortedMap<Integer, Long>> recordsBySubtask,
            long allocatedBytes) {
        double perSecond() {
            return events * 1e9 / nanos;
        }
    }

    /** The keyed stages, by the prefix of their operator names. */
    static final List<String> STAGES = List.of("session", "group", "entity", "decision");

    private static Map<String, SortedMap<Integer, Long>> recordsBySubtask(String jobId) {
        Map<String, SortedMap<Integer, Long>> out = new LinkedHashMap<>();
        for (String stage : STAGES) {
            out.put(stage, OperatorCounters.bySubtask(jobId, stage + ":", OperatorCounters.IN));
        }
        return out;
    }

    /**
     * The checkpoints that completed while the run was watched, from the JobManager's gauges: how
     * long each took, what it wrote ({@code lastCheckpointSize}: the changes for an incremental
     * one) and what it refers to in all ({@code lastCheckpointFullSize}).
     */
    record Checkpoints(
            int count,
            long failed,
            long meanMillis,
            long maxMillis,
            long meanBytes,
            long meanFullBytes) {
        String text() {
            return count == 0
                    ? "| 0 | " + failed + " | | | | |"
                    : String.format(
                            java.util.Locale.ROOT,
                            "| %d | %d | %,d ms | %,d ms | %,.1f MiB | %,.1f MiB |",
                            count,
                            failed,
                            meanMillis,
                            maxMillis,
                            meanBytes / 1048576.0,
                            meanFullBytes / 1048576.0);
        }
    }

    /** Reads a job's checkpoint gauges each time the completed count moves. */
    private static final class CheckpointWatch {
        private final String jobId;
        private long seen;
        private long failed;

        /** Checkpoints whose gauges were read: two completing between polls show as one. */
        private int sampled;

        private long totalMillis;
        private long maxMillis;
        private long totalBytes;
        private long totalFullBytes;

        CheckpointWatch(String jobId) {
            this.jobId = jobId;
        }

        void poll() {
            failed =
                    Math.max(
                            failed,
                            OperatorCounters.jobGauge(jobId, OperatorCounters.FAILED_CHECKPOINTS));
            long completed =
                    OperatorCounters.jobGauge(jobId, OperatorCounters.COMPLETED_CHECKPOINTS);
            if (completed <= seen) {
                return;
            }
            seen = completed;
            long millis =
                    OperatorCounters.jobGauge(jobId, OperatorCounters.LAST_CHECKPOINT_DURATION);
            sampled++;
            totalMillis += millis;
            maxMillis = Math.max(maxMillis, millis);
            totalBytes += OperatorCounters.jobGauge(jobId, OperatorCounters.LAST_CHECKPOINT_SIZE);
            totalFullBytes +=
                    OperatorCounters.jobGauge(jobId, OperatorCounters.LAST_CHECKPOINT_FULL_SIZE);
        }

        /** The completed count is the JobManager's; the means are over the sampled ones. */
        Checkpoints result() {
            return sampled == 0
                    ? new Checkpoints((int) seen, failed, 0, 0, 0, 0)
                    : new Checkpoints(
                            (int) seen,
                            failed,
                            totalMillis / sampled,
                            maxMillis,
                            totalBytes / sampled,
                            totalFullBytes / sampled);
        }
    }

    static Result run(String name, Map<String, String> settings, long n, Duration timeout)
            throws Exception {
        return run(name, settings, n, true, timeout);
    }

    /**
     * A run that stops as soon as the session stage has taken in {@code n} events, without waiting
     * for the rest of the pipeline: a warm-up for the JIT, not a figure.
     */
    static void warmUp(String name, Map<String, String> settings, long n, Duration timeout)
            throws Exception {
        run(name, settings, n, false, timeout);
    }

    private static Result run(
            String name, Map<String, String> settings, long n, boolean drain, Duration timeout)
            throws Exception {
        JobConfig config = JobConfig.of(settings);
        // No run pays for the garbage (state of the previous job) another run left behind.
        System.gc();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        FraudJob.flinkConfiguration(config));
        env.configure(FraudJob.flinkConfiguration(config));
        FraudJob.define(env, config);
        Allocations allocations = Allocations.start();
        long submitted = System.nanoTime();
        JobClient job = env.executeAsync("bench-" + name);
        String id = job.getJobID().toString();
        CheckpointWatch checkpoints = new CheckpointWatch(id);
        try {
            long first = 0;
            long nextCheckpointPoll = 0;
            long deadline = submitted + timeout.toNanos();
            long nextStatus = 0;
            long[] last = null;
            while (true) {
                long now = System.nanoTime();
                long sessionIn = OperatorCounters.sum(id, "session:", OperatorCounters.IN);
                if (first == 0 && sessionIn > 0) {
                    first = now;
                }
                if (now > nextCheckpointPoll) {
                    checkpoints.poll();
                    nextCheckpointPoll = now + 50_000_000L;
                }
                if (sessionIn >= n && !drain) {
                    return new Result(
                            name,
                            n,
                            now - first,
                            now - submitted,
                            0,
                            0,
                            checkpoints.result(),
                            Map.of(),
                            allocations.bytes());
                }
                if (sessionIn >= n) {
                    long[] c = {
                        sessionIn,
                        OperatorCounters.sum(id, "session:", OperatorCounters.OUT),
                        OperatorCounters.sum(id, "group:", OperatorCounters.IN),
                        OperatorCounters.sum(id, "group:", OperatorCounters.OUT),
                        OperatorCounters.sum(id, "entity:", OperatorCounters.IN),
                        OperatorCounters.sum(id, "entity:", OperatorCounters.OUT),
                        OperatorCounters.sum(id, "decision:", OperatorCounters.IN),
                        OperatorCounters.sum(id, "decision:", OperatorCounters.OUT)
                    };
                    // Drained once the decision stage has taken all the entity stage sent and no
                    // count moves between polls 50 ms apart: the entity stage fans hits out and
                    // adds linked ones, so upstream counts do not add up to downstream ones.
                    boolean drained = c[6] == c[5];
                    if (drained && last != null && java.util.Arrays.equals(c, last)) {
                        return new Result(
                                name,
                                n,
                                now - first,
                                now - submitted,
                                c[2],
                                c[7],
                                checkpoints.result(),
                                recordsBySubtask(id),
                                allocations.bytes());
                    }
                    last = c;
                    if (now > deadline) {
                        throw new IllegalStateException(
                                "job " + name + " did not drain within " + timeout);
                    }
                    LockSupport.parkNanos(50_000_000);
                    continue;
                }
                if (now > nextStatus) {
                    JobStatus s = job.getJobStatus().get(10, TimeUnit.SECONDS);
                    if (s.isGloballyTerminalState()) {
                        throw new IllegalStateException(
                                "job "
                                        + name
                                        + " ended as "
                                        + s
                                        + " after "
                                        + sessionIn
                                        + " of "
                                        + n
                                        + " events: "
                                        + JobRunnerFailure.of(job));
                    }
                    nextStatus = now + 250_000_000L;
                }
                if (now > deadline) {
                    throw new IllegalStateException(
                            "job "
                                    + name
                                    + " processed "
                                    + sessionIn
                                    + " of "
                                    + n
                                    + " events in "
                                    + timeout);
                }
                LockSupport.parkNanos(1_000_000);
            }
        } finally {
            JobRunner.cancel(job, Duration.ofSeconds(60));
        }
    }

    /** Why a job ended, for the error message. */
    static final class JobRunnerFailure {
        private JobRunnerFailure() {}

        static String of(JobClient job) {
            try {
                job.getJobExecutionResult().get(5, TimeUnit.SECONDS);
                return "no failure reported";
            } catch (Exception e) {
                Throwable t = e;
                while (t.getCause() != null) t = t.getCause();
                return t.toString();
            }
        }
    }
}
