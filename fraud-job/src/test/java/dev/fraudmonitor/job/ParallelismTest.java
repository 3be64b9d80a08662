package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.job.config.ConfigException;
import dev.fraudmonitor.job.config.JobConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Who sets the job's parallelism: {@code --parallelism} when given, else the cluster's {@code
 * parallelism.default} (what {@code flink run -p} and the Kubernetes operator set), else 2. Read
 * from the stream graph the job builds.
 */
class ParallelismTest {

    @Test
    void theClustersDefaultIsKeptWhenTheJobIsNotTold() {
        assertEquals(8, stageParallelism(8, null));
    }

    @Test
    void anExplicitParallelismWinsOverTheClusters() {
        assertEquals(3, stageParallelism(8, "3"));
    }

    @Test
    void twoWhenNeitherSays() {
        assertEquals(2, stageParallelism(null, null));
    }

    /** Flink gives a local environment the machine's cores; the demo keeps the job's 2. */
    @Test
    void aLocalEnvironmentRunsAtTheJobsDefault() {
        JobConfig config = JobConfig.of(Map.of("metrics.port", "0"));
        Configuration flink = FraudJob.flinkConfiguration(config);
        flink.set(CoreOptions.DEFAULT_PARALLELISM, 5);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
        FraudJob.define(env, config);
        assertEquals(2, sessionStage(env));
    }

    @Test
    void aClusterDefaultAboveTheKeyGroupsIsRefusedWithWhatToDo() {
        ConfigException e = assertThrows(ConfigException.class, () -> stageParallelism(200, null));
        assertTrue(e.getMessage().contains("above max-parallelism 128"), e.getMessage());
    }

    /** The parallelism of the session stage of the graph built under these settings. */
    private static int stageParallelism(Integer clusterDefault, String jobParallelism) {
        Map<String, String> options = new HashMap<>(Map.of("metrics.port", "0"));
        if (jobParallelism != null) {
            options.put("parallelism", jobParallelism);
        }
        JobConfig config = JobConfig.of(options);
        Configuration flink = FraudJob.flinkConfiguration(config);
        if (clusterDefault != null) {
            flink.set(CoreOptions.DEFAULT_PARALLELISM, clusterDefault);
        }
        // As a cluster's client builds it (flink run, the Kubernetes operator), not a local one.
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(flink);
        FraudJob.define(env, config);
        return sessionStage(env);
    }

    private static int sessionStage(StreamExecutionEnvironment env) {
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            if (node.getOperatorName().startsWith("session")) {
                return node.getParallelism();
            }
        }
        throw new AssertionError("no session stage in the graph");
    }
}
