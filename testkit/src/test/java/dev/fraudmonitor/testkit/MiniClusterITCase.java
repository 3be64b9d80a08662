package dev.fraudmonitor.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Kafka -> Flink (parallelism 2) -> exactly-once Kafka round trip on the shared test infra. */
class MiniClusterITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private final JobRunner jobs = new JobRunner();

    @AfterEach
    void cancelJobs() {
        jobs.close();
    }

    @Test
    void exactlyOnceKafkaRoundTripAtParallelismTwo() {
        String in = KAFKA.newTopic("mc-in", 2);
        String out = KAFKA.newTopic("mc-out", 2);
        int n = 200;
        List<String> input = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String v = "event-" + i;
            input.add(v);
            KAFKA.kafka().send(in, "session-" + (i % 17), v.getBytes(UTF_8));
        }

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        env.enableCheckpointing(500);

        KafkaSource<String> source =
                KafkaSource.<String>builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setTopics(in)
                        .setGroupId("mc-" + UUID.randomUUID())
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setValueOnlyDeserializer(new SimpleStringSchema())
                        .build();
        KafkaSink<String> sink =
                KafkaSink.<String>builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setRecordSerializer(
                                KafkaRecordSerializationSchema.builder()
                                        .setTopic(out)
                                        .setValueSerializationSchema(new SimpleStringSchema())
                                        .build())
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix("mc-" + UUID.randomUUID())
                        .setProperty("transaction.timeout.ms", "300000")
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-in")
                .map(s -> s)
                .name("identity")
                .sinkTo(sink)
                .name("kafka-out");

        JobClient job = jobs.startAndAwaitRunning(env, "mini-cluster-it", Duration.ofSeconds(60));

        // Records only become visible to read_committed once a checkpoint commits them.
        @SuppressWarnings("unchecked")
        List<String>[] seen = new List[] {List.of()};
        JobRunner.waitUntil(
                () -> {
                    seen[0] = values(KAFKA.kafka().readAll(out, true, n, Duration.ofSeconds(2)));
                    return seen[0].size() >= n;
                },
                Duration.ofSeconds(90),
                n + " committed records in " + out);
        JobRunner.cancel(job, Duration.ofSeconds(30));

        // Read again after the job stopped: nothing more, nothing less, no duplicates.
        List<String> output = values(KAFKA.kafka().readAll(out, true, n, Duration.ofSeconds(10)));
        assertEquals(sorted(input), sorted(output));

        // The sink really wrote transactionally: each commit adds a control record, so the log
        // end offsets exceed the number of data records (a non-transactional sink ends at n).
        long endOffsets = endOffsetSum(out);
        assertTrue(
                endOffsets > n,
                "expected transaction markers in " + out + ", end offsets sum " + endOffsets);
    }

    private static long endOffsetSum(String topic) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return KAFKA.kafka().admin().listOffsets(request).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        } catch (Exception e) {
            throw new AssertionError("cannot list offsets of " + topic, e);
        }
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), UTF_8)).collect(Collectors.toList());
    }

    private static List<String> sorted(List<String> l) {
        List<String> copy = new ArrayList<>(l);
        Collections.sort(copy);
        return copy;
    }
}
