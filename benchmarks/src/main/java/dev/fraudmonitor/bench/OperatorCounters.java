package dev.fraudmonitor.bench;

import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps a reference to every operator's {@code numRecordsIn} and
 * {@code numRecordsOut} counter, so the benchmark (same JVM as the MiniCluster) can see the moment
 * every operator of the job has processed the last record. It relies on Flink's own counters, not
 * on the job's metrics, so it works the same with {@code metrics.enabled=false}. It also keeps the
 * JobManager's checkpoint gauges of each job, for the checkpoint figures of a run.
 */
public final class OperatorCounters implements MetricReporter {
    public static final String IN = "numRecordsIn";
    public static final String OUT = "numRecordsOut";

    /** job id, operator name, metric name, subtask → counter. */
    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    // The JobManager's checkpoint gauges of a job.
    static final String COMPLETED_CHECKPOINTS = "numberOfCompletedCheckpoints";
    static final String FAILED_CHECKPOINTS = "numberOfFailedCheckpoints";
    static final String LAST_CHECKPOINT_DURATION = "lastCheckpointDuration";
    static final String LAST_CHECKPOINT_SIZE = "lastCheckpointSize";
    static final String LAST_CHECKPOINT_FULL_SIZE = "lastCheckpointFullSize";
    private static final java.util.Set<String> CHECKPOINT_GAUGES =
            java.util.Set.of(
                    COMPLETED_CHECKPOINTS,
                    FAILED_CHECKPOINTS,
                    LAST_CHECKPOINT_DURATION,
                    LAST_CHECKPOINT_SIZE,
                    LAST_CHECKPOINT_FULL_SIZE);

    /** job id, metric name → gauge. */
    private static final Map<String, Gauge<?>> JOB_GAUGES = new ConcurrentHashMap<>();

    /** Cluster settings that install this reporter. */
    public static org.apache.flink.configuration.Configuration clusterSettings() {
        org.apache.flink.configuration.Configuration c =
                new org.apache.flink.configuration.Configuration();
        c.setString("metrics.reporter.bench.factory.class", Factory.class.getName());
        return c;
    }

    /** Sum over subtasks of {@code metric} for the operators whose name starts with a prefix. */
    public static long sum(String jobId, String operatorPrefix, String metric) {
        String start = jobId + '\u0000' + operatorPrefix;
        String end = '\u0000' + metric + '\u0000';
        long total = 0;
        for (Map.Entry<String, Counter> e : COUNTERS.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(start) && k.contains(end)) {
                total += e.getValue().getCount();
            }
        }
        return total;
    }

    /**
     * {@code metric} per subtask, summed over the operators whose name starts with a prefix: how
     * evenly the keys of a keyed stage spread its records.
     */
    public static SortedMap<Integer, Long> bySubtask(
            String jobId, String operatorPrefix, String metric) {
        String start = jobId + '\u0000' + operatorPrefix;
        String end = '\u0000' + metric + '\u0000';
        SortedMap<Integer, Long> out = new TreeMap<>();
        for (Map.Entry<String, Counter> e : COUNTERS.entrySet()) {
            String k = e.getKey();
            int at = k.indexOf(end);
            if (k.startsWith(start) && at >= 0) {
                int subtask = Integer.parseInt(k.substring(at + end.length()));
                out.merge(subtask, e.getValue().getCount(), Long::sum);
            }
        }
        return out;
    }

    /** Sum over subtasks of {@code metric} for the operator named exactly {@code operator}. */
    public static long sumExact(String jobId, String operator, String metric) {
        return sum(jobId, operator + '\u0000', metric);
    }

    /** A job-level checkpoint gauge's value, or -1 before the JobManager registered it. */
    static long jobGauge(String jobId, String metric) {
        Gauge<?> g = JOB_GAUGES.get(jobId + '\u0000' + metric);
        return g != null && g.getValue() instanceof Number n ? n.longValue() : -1;
    }

    private static String jobKey(MetricGroup group, String name) {
        Map<String, String> v = group.getAllVariables();
        if (!CHECKPOINT_GAUGES.contains(name)
                || v.containsKey("<task_id>")
                || !v.containsKey("<job_id>")) {
            return null;
        }
        return v.get("<job_id>") + '\u0000' + name;
    }

    private static String key(MetricGroup group, String name) {
        Map<String, String> v = group.getAllVariables();
        String op = v.get("<operator_name>");
        if (op == null || !(name.equals(IN) || name.equals(OUT))) {
            return null;
        }
        return v.get("<job_id>")
                + '\u0000'
                + op
                + '\u0000'
                + name
                + '\u0000'
                + v.get("<subtask_index>");
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String k = key(group, name);
        if (k != null && metric instanceof Counter c) {
            COUNTERS.put(k, c);
        }
        String j = jobKey(group, name);
        if (j != null && metric instanceof Gauge<?> g) {
            JOB_GAUGES.put(j, g);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String k = key(group, name);
        if (k != null) {
            COUNTERS.remove(k, metric);
        }
        String j = jobKey(group, name);
        if (j != null) {
            JOB_GAUGES.remove(j, metric);
        }
    }

    /** Found by Flink through META-INF/services. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new OperatorCounters();
        }
    }
}
