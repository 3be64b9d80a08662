package dev.fraudmonitor.job;

import dev.fraudmonitor.job.config.ConfigException;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.DecodeResult;
import dev.fraudmonitor.job.io.KafkaIO;
import dev.fraudmonitor.job.io.KafkaPreflight;
import dev.fraudmonitor.job.io.RedisHoldSink;
import dev.fraudmonitor.job.operators.StageRules;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: reads the configuration, connects {@link FraudTopology} to Kafka and Redis, and runs
 * it. The same jar runs on a Flink cluster ({@code flink run}) and inside the embedded demo.
 */
public final class FraudJob {
    public static final String JOB_NAME = "checkout-fraud-monitor";

    private FraudJob() {}

    public static void main(String[] args) throws Exception {
        // Help needs neither logging nor a cluster.
        if (Arrays.asList(args).contains("--help")) {
            System.out.println("Checkout fraud monitor: Flink job\n\n" + JobConfig.help());
            return;
        }
        JobConfig config;
        StreamExecutionEnvironment env;
        Logger log = LoggerFactory.getLogger(FraudJob.class);
        try {
            config = JobConfig.fromArgs(args, System.getenv());
            log.info("Starting {} with\n{}", JOB_NAME, config.describe());
            ReadableConfig cluster =
                    StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration();
            Configuration flink = flinkConfiguration(config, cluster);
            env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
            env.configure(flink);
            requireDurableCheckpoints(env, config, cluster);
            KafkaPreflight.awaitReady(
                    config, config.get(JobConfig.KAFKA_STARTUP_WAIT), Duration.ofSeconds(5));
        } catch (ConfigException e) {
            log.error("Configuration error: {}", e.getMessage());
            if (!(StreamExecutionEnvironment.getExecutionEnvironment()
                    instanceof LocalStreamEnvironment)) {
                // Submitted to a cluster (flink run, REST, application mode): exiting would take
                // the client or the JobManager down with it; the exception carries the message.
                throw e;
            }
            System.err.println("Configuration error: " + e.getMessage());
            System.err.println("Run with --help to list every option.");
            System.exit(2);
            return;
        }
        define(env, config);
        env.execute(JOB_NAME);
    }

    /**
     * As {@link #flinkConfiguration(JobConfig)}, for a cluster: where the cluster's configuration
     * ({@code deploy/config.yaml}) sets the state backend, incremental checkpoints, bloom filters,
     * the changelog, the checkpoint interval, the network buffer timeout or the restart strategy
     * and the job's option was left at its default, the cluster's setting stays in force.
     */
    public static Configuration flinkConfiguration(JobConfig config, ReadableConfig cluster) {
        Configuration flink = baseConfiguration(config);
        stateChangelog(flink, config, cluster);
        boolean backendGiven = config.isExplicit(JobConfig.STATE_BACKEND);
        boolean changelogGiven = config.isExplicit(JobConfig.STATE_CHANGELOG);
        boolean intervalGiven = config.isExplicit(JobConfig.CHECKPOINT_INTERVAL);
        clusterWins(flink, cluster, StateBackendOptions.STATE_BACKEND, backendGiven);
        clusterWins(flink, cluster, CheckpointingOptions.INCREMENTAL_CHECKPOINTS, false);
        clusterWins(flink, cluster, RocksDBConfigurableOptions.USE_BLOOM_FILTER, false);
        clusterWins(flink, cluster, StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, changelogGiven);
        clusterWins(flink, cluster, StateChangelogOptions.STATE_CHANGE_LOG_STORAGE, false);
        clusterWins(flink, cluster, FsStateChangelogOptions.BASE_PATH, false);
        clusterWins(flink, cluster, CheckpointingOptions.CHECKPOINTING_INTERVAL, intervalGiven);
        clusterWins(flink, cluster, ExecutionOptions.BUFFER_TIMEOUT, false);
        if (cluster.getOptional(RestartStrategyOptions.RESTART_STRATEGY).isPresent()) {
            flink.removeConfig(RestartStrategyOptions.RESTART_STRATEGY);
            flink.removeConfig(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF);
            flink.removeConfig(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF);
        }
        return flink;
    }

    /** Where the cluster sets {@code option}, its value stands, unless the job's own was given. */
    private static void clusterWins(
            Configuration flink,
            ReadableConfig cluster,
            ConfigOption<?> option,
            boolean jobOptionGiven) {
        if (!jobOptionGiven && cluster.getOptional(option).isPresent()) {
            flink.removeConfig(option);
        }
    }

    /**
     * On a cluster, checkpoints kept in JobManager memory are lost with the JobManager, and with
     * them the exactly-once guarantee: refuse to start without durable checkpoint storage.
     */
    static void requireDurableCheckpoints(
            StreamExecutionEnvironment env, JobConfig config, ReadableConfig cluster) {
        if (env instanceof LocalStreamEnvironment) {
            return;
        }
        boolean dir =
                !config.get(JobConfig.CHECKPOINT_DIR).isEmpty()
                        || cluster.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                                .filter(d -> !d.isBlank())
                                .isPresent();
        if (!dir) {
            throw new ConfigException(
                    JobConfig.CHECKPOINT_DIR.key()
                            + ": a job on a Flink cluster needs durable checkpoint storage that"
                            + " every JobManager and TaskManager can reach; pass --checkpoint.dir"
                            + " s3://bucket/checkpoints (or set execution.checkpointing.dir in the"
                            + " cluster's config.yaml, as deploy/config.yaml does)");
        }
    }

    /** Starts the job without waiting for it to finish (demo, tests, benchmarks). */
    public static JobClient start(StreamExecutionEnvironment env, JobConfig config)
            throws Exception {
        define(env, config);
        return env.executeAsync(JOB_NAME);
    }

    /**
     * Settings the job relies on: exactly-once checkpoints, no silent Kryo fallback, object reuse
     * (operators never keep references to their input), restarts with backoff.
     */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration flink = baseConfiguration(config);
        stateChangelog(flink, config, new Configuration());
        return flink;
    }

    /**
     * {@code state.changelog}: the changelog state backend wraps whichever backend is configured.
     * Its log has to be as durable as the checkpoints that point into it, so it lives beside them:
     * under {@code checkpoint.dir}, or the cluster's checkpoint directory when the job sets none.
     */
    private static void stateChangelog(
            Configuration flink, JobConfig config, ReadableConfig cluster) {
        boolean changelog = config.get(JobConfig.STATE_CHANGELOG);
        flink.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, changelog);
        if (!changelog) {
            return;
        }
        flink.set(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE, "filesystem");
        String dir = config.get(JobConfig.CHECKPOINT_DIR);
        if (dir.isEmpty()) {
            dir =
                    cluster.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                            .map(String::trim)
                            .orElse("");
        }
        if (dir.isEmpty() && cluster.getOptional(FsStateChangelogOptions.BASE_PATH).isEmpty()) {
            throw new ConfigException(
                    JobConfig.STATE_CHANGELOG.key()
                            + ": the state changelog is written to durable storage beside the"
                            + " checkpoints; set "
                            + JobConfig.CHECKPOINT_DIR.key()
                            + " (or execution.checkpointing.dir on the cluster)");
        }
        if (!dir.isEmpty()) {
            flink.set(FsStateChangelogOptions.BASE_PATH, dir.replaceAll("/+$", "") + "/changelog");
        }
    }

    private static Configuration baseConfiguration(JobConfig config) {
        Configuration flink = new Configuration();
        flink.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                config.get(JobConfig.CHECKPOINT_INTERVAL));
        flink.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 10);
        String dir = config.get(JobConfig.CHECKPOINT_DIR);
        if (!dir.isEmpty()) {
            flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        }
        boolean rocksdb = config.get(JobConfig.STATE_BACKEND) == JobConfig.StateBackend.ROCKSDB;
        flink.set(StateBackendOptions.STATE_BACKEND, rocksdb ? "rocksdb" : "hashmap");
        if (rocksdb) {
            // A checkpoint then writes the SST files that changed, not all the state: its cost
            // follows the traffic, not the number of customers (benchmarks/RESULTS.md).
            flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            // Half of the lookups are for keys not held yet (a new session, IP, card): without
            // a filter each such miss reads every level of the LSM tree, which deepens with the
            // keys held (benchmarks/RESULTS.md, checkpoint cost against state size).
            flink.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        }
        // Records cross four shuffles before a decision; with Flink's 100 ms default a partly
        // filled network buffer waits that long at each, which is most of a hold's latency. 1 ms
        // halves the hold median again but costs about 9 % of throughput (benchmarks/RESULTS.md),
        // so it is the cluster's choice (execution.buffer-timeout).
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(5));
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                Duration.ofMillis(500));
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                Duration.ofSeconds(30));
        return flink;
    }

    /** Adds source, topology and sinks to {@code env}. */
    public static void define(StreamExecutionEnvironment env, JobConfig config) {
        // The cluster's parallelism.default (flink run -p, the Kubernetes operator's
        // job.parallelism) is the operators' to set; the job's own default only fills in where
        // neither it nor --parallelism says. A local environment has no cluster: Flink fills in
        // the machine's cores there, which would make the demo's parallelism the laptop's.
        Integer cluster =
                env instanceof LocalStreamEnvironment
                        ? null
                        : env.getConfiguration()
                                .getOptional(CoreOptions.DEFAULT_PARALLELISM)
                                .orElse(null);
        int parallelism =
                cluster == null || config.isExplicit(JobConfig.PARALLELISM)
                        ? config.get(JobConfig.PARALLELISM)
                        : cluster;
        if (parallelism > config.get(JobConfig.MAX_PARALLELISM)) {
            throw new ConfigException(
                    "the cluster's parallelism.default is "
                            + parallelism
                            + ", above max-parallelism "
                            + config.get(JobConfig.MAX_PARALLELISM)
                            + ": run with a parallelism of at most "
                            + config.get(JobConfig.MAX_PARALLELISM)
                            + " (max-parallelism is fixed for a job with state)");
        }
        env.setParallelism(parallelism);
        // Key groups are fixed for the life of the state: set, not derived from the first
        // parallelism, so a savepoint taken at one parallelism restores at any other up to it.
        env.setMaxParallelism(config.get(JobConfig.MAX_PARALLELISM));
        sinks(FraudTopology.build(source(env, config), config, StageRules.redis(config)), config);
    }

    /** The Kafka source with event-time watermarks, decoding each record once. */
    public static DataStream<DecodeResult> source(
            StreamExecutionEnvironment env, JobConfig config) {
        WatermarkStrategy<DecodeResult> watermarks =
                WatermarkStrategy.<DecodeResult>forBoundedOutOfOrderness(
                                config.get(JobConfig.WATERMARK_DELAY))
                        // A rejected record has no trustworthy event time; it must not move the
                        // watermark.
                        .withTimestampAssigner(
                                (d, kafkaTimestamp) ->
                                        d.event != null ? d.event.eventTime : Long.MIN_VALUE)
                        .withIdleness(config.get(JobConfig.IDLE_TIMEOUT));
        return env.fromSource(
                        KafkaIO.source(config),
                        watermarks,
                        "kafka: " + config.get(JobConfig.TOPIC_EVENTS))
                .uid("kafka-source");
    }

    /** Exactly-once Kafka sinks for alerts, holds and dead letters, and the Redis hold sink. */
    public static void sinks(FraudTopology.Outputs out, JobConfig config) {
        out.alerts()
                .sinkTo(KafkaIO.outputSink(config, config.get(JobConfig.TOPIC_ALERTS), "alerts"))
                .name("kafka: " + config.get(JobConfig.TOPIC_ALERTS))
                .uid("alerts-sink");
        out.holds()
                .sinkTo(KafkaIO.outputSink(config, config.get(JobConfig.TOPIC_HOLDS), "holds"))
                .name("kafka: " + config.get(JobConfig.TOPIC_HOLDS))
                .uid("holds-sink");
        out.holds()
                .sinkTo(new RedisHoldSink(config))
                .name("redis: hold records")
                .uid("redis-hold-sink");
        out.deadLetters()
                .sinkTo(KafkaIO.deadLetterSink(config))
                .name("kafka: " + config.get(JobConfig.TOPIC_DLQ))
                .uid("dlq-sink");
    }
}
