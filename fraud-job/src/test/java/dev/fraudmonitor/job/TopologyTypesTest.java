package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * What Flink serializes the job's records with, and which operators share a task, read from the
 * job's own graphs.
 */
class TopologyTypesTest {

    @Test
    void noRecordBetweenOperatorsGoesThroughKryoOrThePojoSerializer() {
        JobConfig config = JobConfig.of(Map.of("metrics.port", "0"));
        Configuration flink = FraudJob.flinkConfiguration(config);
        // Building the graph would throw had any type fallen back to Kryo.
        assertFalse(flink.get(PipelineOptions.GENERIC_TYPES));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        FraudJob.define(env, config);
        StreamGraph graph = env.getStreamGraph();

        List<String> found = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            List<TypeSerializer<?>> serializers = new ArrayList<>();
            for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
                serializers.add(in);
            }
            serializers.add(node.getTypeSerializerOut());
            for (TypeSerializer<?> s : serializers) {
                if (s instanceof KryoSerializer) {
                    fail(node.getOperatorName() + " uses Kryo: " + s);
                }
                // Alerts and holds leave for their sinks in the decision stage's own task.
                if (s instanceof PojoSerializer && s.createInstance().getClass() != Output.class) {
                    found.add(node.getOperatorName() + ": " + s.createInstance().getClass());
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /**
     * A hit is fanned out to its entities in the task of the stage that found it: a fan-out in a
     * task of its own would hand every hit over once more.
     */
    @Test
    void theEntityFanOutRunsInTheTaskOfTheStageWhoseHitsItFansOut() {
        JobConfig config = JobConfig.of(Map.of("metrics.port", "0"));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        FraudJob.flinkConfiguration(config));
        FraudJob.define(env, config);
        List<String> tasks = new ArrayList<>();
        for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) {
            tasks.add(v.getName());
        }
        assertTrue(
                tasks.stream()
                        .anyMatch(
                                t ->
                                        t.startsWith("session:")
                                                && t.contains("entity fan-out of session hits")),
                "tasks: " + tasks);
        assertTrue(
                tasks.stream()
                        .anyMatch(
                                t ->
                                        t.startsWith("group:")
                                                && t.contains("entity fan-out of group hits")),
                "tasks: " + tasks);
        assertFalse(tasks.stream().anyMatch(t -> t.startsWith("entity fan-out")), "" + tasks);
    }
}
