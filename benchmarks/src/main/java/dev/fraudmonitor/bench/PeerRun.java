package dev.fraudmonitor.bench;

import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;

/**
 * One run of the peer: {@code peer.sql}, the default rules' velocity features and the order geo
 * mismatch as a Flink SQL job, over the topic the job reads, from the earliest offset, with the
 * job's parallelism, checkpoint interval and storage, state backend, exactly-once sink and network
 * buffer timeout.
 *
 * <p>Done means: the source has taken in all {@code n} events, every operator has taken in exactly
 * what the operators feeding it sent, and no count has moved for 300 ms since. The edges are read
 * from the stream graph the planner produced, so the condition does not depend on how it chose to
 * split and chain the query. Rows of the last 5 s of event time (the watermark delay) stay in the
 * OVER aggregations until a later watermark, as they would in production: taken in, not yet
 * emitted. Time runs from the first event the source emits to the poll that first saw the final
 * counts, so the 300 ms of waiting is not charged to the peer.
 */
final class PeerRun {
    static final String SQL_RESOURCE = "peer.sql";

    /** What Flink's metric groups cut operator names to. */
    private static final int METRIC_NAME_LIMIT = 80;

    /**
     * How long the counts must stay put before the run counts as done: longer than Flink's 200 ms
     * periodic watermark interval, since the OVER aggregations do most of their work when a
     * watermark passes, which can come after the last record.
     */
    private static final long SETTLE_NANOS = 300_000_000L;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");

    private PeerRun() {}

    record Result(
            String name,
            long events,
            long nanos,
            long submitToDoneNanos,
            long flagged,
            long allocatedBytes) {
        double perSecond() {
            return events * 1e9 / nanos;
        }
    }

    /** Where the peer reads and writes; the sink topic must exist. */
    record Settings(
            String bootstrap,
            String topic,
            String sinkTopic,
            String groupId,
            String transactionalIdPrefix,
            Duration checkpointInterval,
            Path checkpointDir) {}

    static Result run(String name, Settings settings, long n, Duration timeout) throws Exception {
        return run(name, settings, n, true, timeout);
    }

    /** Stops once the source has emitted {@code n} events: a warm-up, not a figure. */
    static void warmUp(String name, Settings settings, long n, Duration timeout) throws Exception {
        run(name, settings, n, false, timeout);
    }

    /** The statements of {@code peer.sql} with its placeholders filled in. */
    static List<String> statements(Settings s) {
        String text;
        try (InputStream in = PeerRun.class.getClassLoader().getResourceAsStream(SQL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SQL_RESOURCE + " is not on the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values =
                Map.of(
                        "topic", s.topic(),
                        "sinkTopic", s.sinkTopic(),
                        "bootstrap", s.bootstrap(),
                        "groupId", s.groupId(),
                        "transactionalIdPrefix", s.transactionalIdPrefix());
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException(
                        SQL_RESOURCE + " uses unknown ${" + m.group(1) + "}");
            }
            m.appendReplacement(filled, Matcher.quoteReplacement(v));
        }
        m.appendTail(filled);
        List<String> out = new ArrayList<>();
        for (String stmt : filled.toString().split(";\\s*(\\n|$)")) {
            String code =
                    String.join(
                            "\n",
                            stmt.lines()
                                    .filter(l -> !l.isBlank() && !l.strip().startsWith("--"))
                                    .toList());
            if (!code.isEmpty()) {
                out.add(code);
            }
        }
        return out;
    }

    static Configuration flinkConfiguration(Settings s) {
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, s.checkpointInterval());
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, s.checkpointDir().toUri().toString());
        c.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        // The job's setting instead of Flink's 100 ms default, so a partly filled network buffer
        // waits as long in both.
        c.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(5));
        c.set(PipelineOptions.OBJECT_REUSE, true);
        // The job's watermark.idle-timeout default: a partition with no data does not hold back
        // the watermark.
        c.set(ExecutionConfigOptions.TABLE_EXEC_SOURCE_IDLE_TIMEOUT, Duration.ofSeconds(30));
        return c;
    }

    /** Operators and the operators that feed each, by their metric names. */
    record Topology(String source, String sink, Map<String, List<String>> inputs) {
        static Topology of(StreamGraph g) {
            Map<String, List<String>> inputs = new LinkedHashMap<>();
            String source = null;
            String sink = null;
            for (StreamNode node : g.getStreamNodes()) {
                String name = metricName(node.getOperatorName());
                if (node.getInEdges().isEmpty()) {
                    if (source != null) {
                        throw new IllegalStateException(
                                "the peer has more than one source: " + source + ", " + name);
                    }
                    source = name;
                    continue;
                }
                // A committer takes in committables, not the records its writer wrote.
                if (name.endsWith("Committer")) {
                    continue;
                }
                if (name.endsWith("Writer")) {
                    sink = name;
                }
                List<String> from = new ArrayList<>();
                for (StreamEdge e : node.getInEdges()) {
                    from.add(metricName(g.getStreamNode(e.getSourceId()).getOperatorName()));
                }
                inputs.put(name, from);
            }
            if (source == null || sink == null) {
                throw new IllegalStateException(
                        "no source or sink writer in the peer's graph: " + inputs);
            }
            return new Topology(source, sink, inputs);
        }

        private static String metricName(String operatorName) {
            return operatorName.length() > METRIC_NAME_LIMIT
                    ? operatorName.substring(0, METRIC_NAME_LIMIT)
                    : operatorName;
        }
    }

    private static Result run(
            String name, Settings settings, long n, boolean drain, Duration timeout)
            throws Exception {
        System.gc();
        Configuration conf = flinkConfiguration(settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.configure(conf);
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        StreamStatementSet inserts = tables.createStatementSet();
        for (String stmt : statements(settings)) {
            if (stmt.toUpperCase(Locale.ROOT).startsWith("INSERT ")) {
                inserts.addInsertSql(stmt);
            } else {
                tables.executeSql(stmt);
            }
        }
        // Through the DataStream API, so the stream graph, and with it every edge the drain check
        // compares, is known before the job starts.
        inserts.attachAsDataStream();
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("bench-" + name);
        Topology topology = Topology.of(graph);
        Allocations allocations = Allocations.start();
        long submitted = System.nanoTime();
        JobClient job = env.executeAsync(graph);
        String id = job.getJobID().toString();
        try {
            long first = 0;
            long deadline = submitted + timeout.toNanos();
            long nextStatus = 0;
            long[] last = null;
            long settled = 0;
            while (true) {
                long now = System.nanoTime();
                long sourceIn = count(id, topology.source(), OperatorCounters.IN);
                if (first == 0 && sourceIn > 0) {
                    first = now;
                }
                if (sourceIn >= n && !drain) {
                    return new Result(
                            name, n, now - first, now - submitted, 0, allocations.bytes());
                }
                if (sourceIn >= n) {
                    long[] c = counts(id, topology);
                    if (!Arrays.equals(c, last) || !balanced(id, topology)) {
                        last = c;
                        settled = now;
                    } else if (now - settled >= SETTLE_NANOS) {
                        // The format skips what it cannot parse; a peer that skipped events would
                        // look faster for doing less.
                        long read = count(id, topology.source(), OperatorCounters.OUT);
                        if (read != sourceIn) {
                            throw new IllegalStateException(
                                    "peer "
                                            + name
                                            + " parsed "
                                            + read
                                            + " of "
                                            + sourceIn
                                            + " records: the columns of "
                                            + SQL_RESOURCE
                                            + " no longer match the events on the topic");
                        }
                        long flagged = count(id, topology.sink(), OperatorCounters.IN);
                        return new Result(
                                name,
                                n,
                                settled - first,
                                settled - submitted,
                                flagged,
                                allocations.bytes());
                    }
                    if (now > deadline) {
                        throw new IllegalStateException(
                                "peer " + name + " did not drain within " + timeout);
                    }
                    LockSupport.parkNanos(50_000_000);
                    continue;
                }
                if (now > nextStatus) {
                    JobStatus s = job.getJobStatus().get(10, TimeUnit.SECONDS);
                    if (s.isGloballyTerminalState()) {
                        throw new IllegalStateException(
                                "peer "
                                        + name
                                        + " ended as "
                                        + s
                                        + " after "
                                        + sourceIn
                                        + " of "
                                        + n
                                        + " events: "
                                        + JobRun.JobRunnerFailure.of(job));
                    }
                    nextStatus = now + 250_000_000L;
                }
                if (now > deadline) {
                    throw new IllegalStateException(
                            "peer "
                                    + name
                                    + " took in "
                                    + sourceIn
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

    private static long count(String jobId, String operator, String metric) {
        return OperatorCounters.sumExact(jobId, operator, metric);
    }

    /** Every operator has taken in what its inputs sent. */
    private static boolean balanced(String jobId, Topology t) {
        for (Map.Entry<String, List<String>> e : t.inputs().entrySet()) {
            long sent = 0;
            for (String from : e.getValue()) {
                sent += count(jobId, from, OperatorCounters.OUT);
            }
            if (count(jobId, e.getKey(), OperatorCounters.IN) != sent) {
                return false;
            }
        }
        return true;
    }

    private static long[] counts(String jobId, Topology t) {
        long[] c = new long[2 * t.inputs().size() + 1];
        int i = 0;
        c[i++] = count(jobId, t.source(), OperatorCounters.OUT);
        for (String op : t.inputs().keySet()) {
            c[i++] = count(jobId, op, OperatorCounters.IN);
            c[i++] = count(jobId, op, OperatorCounters.OUT);
        }
        return c;
    }
}
