package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.job.config.ConfigException;
import dev.fraudmonitor.job.config.JobConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** What the job insists on, or leaves to the cluster, when it is submitted to one. */
class ClusterSafetyTest {
    @Test
    void aClusterJobNeedsDurableCheckpointStorage() {
        StreamExecutionEnvironment remote =
                StreamExecutionEnvironment.createRemoteEnvironment("localhost", 8081);
        Configuration none = new Configuration();
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                FraudJob.requireDurableCheckpoints(
                                        remote, JobConfig.of(Map.of()), none));
        assertTrue(e.getMessage().startsWith("checkpoint.dir: "), e.getMessage());

        FraudJob.requireDurableCheckpoints(
                remote, JobConfig.of(Map.of("checkpoint.dir", "s3://b/cp")), none);
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://b/cp");
        FraudJob.requireDurableCheckpoints(remote, JobConfig.of(Map.of()), cluster);
        // In one JVM (tests, the demo) there is no JobManager to lose.
        FraudJob.requireDurableCheckpoints(
                StreamExecutionEnvironment.createLocalEnvironment(), JobConfig.of(Map.of()), none);
    }

    @Test
    void theClustersStateBackendAndRestartStrategyWinOverTheJobsDefaults() {
        Configuration cluster = new Configuration();
        cluster.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        Configuration byDefault = FraudJob.flinkConfiguration(JobConfig.of(Map.of()), cluster);
        assertFalse(byDefault.contains(StateBackendOptions.STATE_BACKEND));
        assertFalse(byDefault.contains(RestartStrategyOptions.RESTART_STRATEGY));

        Configuration explicit =
                FraudJob.flinkConfiguration(
                        JobConfig.of(Map.of("state.backend", "HASHMAP")), cluster);
        assertEquals("hashmap", explicit.get(StateBackendOptions.STATE_BACKEND));
    }

    @Test
    void rocksDbCheckpointsAreIncrementalUnlessTheClusterSaysOtherwise() {
        JobConfig rocks = JobConfig.of(Map.of("state.backend", "ROCKSDB"));
        assertTrue(
                FraudJob.flinkConfiguration(rocks)
                        .get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
        assertFalse(
                FraudJob.flinkConfiguration(JobConfig.of(Map.of()))
                        .contains(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, false);
        assertFalse(
                FraudJob.flinkConfiguration(rocks, cluster)
                        .contains(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
    }

    @Test
    void theNetworkBufferTimeoutIsFiveMillisecondsUnlessTheClusterSetsOne() {
        JobConfig job = JobConfig.of(Map.of());
        assertEquals(
                Duration.ofMillis(5),
                FraudJob.flinkConfiguration(job).get(ExecutionOptions.BUFFER_TIMEOUT));
        Configuration cluster = new Configuration();
        cluster.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(1));
        assertFalse(
                FraudJob.flinkConfiguration(job, cluster)
                        .contains(ExecutionOptions.BUFFER_TIMEOUT));
    }

    @Test
    void rocksDbUsesBloomFiltersUnlessTheClusterSaysOtherwise() {
        JobConfig rocks = JobConfig.of(Map.of("state.backend", "ROCKSDB"));
        assertTrue(
                FraudJob.flinkConfiguration(rocks)
                        .get(RocksDBConfigurableOptions.USE_BLOOM_FILTER));
        assertFalse(
                FraudJob.flinkConfiguration(JobConfig.of(Map.of()))
                        .contains(RocksDBConfigurableOptions.USE_BLOOM_FILTER));
        Configuration cluster = new Configuration();
        cluster.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, false);
        assertFalse(
                FraudJob.flinkConfiguration(rocks, cluster)
                        .contains(RocksDBConfigurableOptions.USE_BLOOM_FILTER));
    }
}
