package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.job.config.ConfigException;
import dev.fraudmonitor.job.config.JobConfig;
import java.util.Map;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TernaryBoolean;
import org.junit.jupiter.api.Test;

/** {@code state.changelog}: what it turns into in Flink's configuration, and what it refuses. */
class StateChangelogConfigTest {
    private static final JobConfig ON =
            JobConfig.of(Map.of("state.changelog", "true", "checkpoint.dir", "file:///tmp/cp/"));

    @Test
    void offByDefault() {
        Configuration flink = FraudJob.flinkConfiguration(JobConfig.of(Map.of()));
        assertFalse(flink.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG));
        assertFalse(flink.contains(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE));
        assertFalse(flink.contains(FsStateChangelogOptions.BASE_PATH));
    }

    @Test
    void onWritesTheLogUnderTheCheckpointDirectory() {
        Configuration flink = FraudJob.flinkConfiguration(ON);
        assertTrue(flink.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG));
        assertEquals("filesystem", flink.get(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE));
        assertEquals("file:///tmp/cp/changelog", flink.get(FsStateChangelogOptions.BASE_PATH));
        // The key Flink reads: the environment then wraps the state backend in the changelog one.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.configure(flink);
        assertEquals(TernaryBoolean.TRUE, env.isChangelogStateBackendEnabled());
    }

    @Test
    void onWithoutACheckpointDirectoryIsRefusedNamingTheOption() {
        JobConfig noDir = JobConfig.of(Map.of("state.changelog", "true"));
        ConfigException e =
                assertThrows(ConfigException.class, () -> FraudJob.flinkConfiguration(noDir));
        assertTrue(e.getMessage().startsWith("state.changelog: "), e.getMessage());
        assertTrue(e.getMessage().contains("checkpoint.dir"), e.getMessage());
        assertThrows(
                ConfigException.class,
                () -> FraudJob.flinkConfiguration(noDir, new Configuration()));
    }

    @Test
    void theClustersCheckpointDirectoryServesWhenTheJobSetsNone() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://b/cp");
        Configuration flink =
                FraudJob.flinkConfiguration(
                        JobConfig.of(Map.of("state.changelog", "true")), cluster);
        assertEquals("s3://b/cp/changelog", flink.get(FsStateChangelogOptions.BASE_PATH));
    }

    @Test
    void theClustersChangelogSettingsWinUnlessTheJobSaysOtherwise() {
        Configuration cluster = new Configuration();
        cluster.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, true);
        cluster.set(FsStateChangelogOptions.BASE_PATH, "s3://b/dstl");
        Configuration byDefault = FraudJob.flinkConfiguration(JobConfig.of(Map.of()), cluster);
        assertFalse(byDefault.contains(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG));

        Configuration explicitOff =
                FraudJob.flinkConfiguration(
                        JobConfig.of(Map.of("state.changelog", "false")), cluster);
        assertFalse(explicitOff.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG));

        // The cluster's log location stands, and with it no checkpoint directory is needed.
        Configuration on =
                FraudJob.flinkConfiguration(
                        JobConfig.of(Map.of("state.changelog", "true")), cluster);
        assertTrue(on.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG));
        assertFalse(on.contains(FsStateChangelogOptions.BASE_PATH));
        Configuration onWithDir = FraudJob.flinkConfiguration(ON, cluster);
        assertFalse(onWithDir.contains(FsStateChangelogOptions.BASE_PATH));
    }
}
