package dev.fraudmonitor.job.io;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.DecodeResult;
import dev.fraudmonitor.job.event.Output;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The job's Kafka source and exactly-once sinks, configured from {@link JobConfig}. The operator's
 * Kafka client properties ({@code kafka.properties-file}, {@code --kafka.property}: security,
 * tuning) go to every client first; the settings exactly-once depends on are set after them.
 */
public final class KafkaIO {
    private KafkaIO() {}

    public static KafkaSource<DecodeResult> source(JobConfig c) {
        OffsetsInitializer start =
                switch (c.get(JobConfig.STARTING_OFFSETS)) {
                    case EARLIEST -> OffsetsInitializer.earliest();
                    case LATEST -> OffsetsInitializer.latest();
                    case COMMITTED ->
                            OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                };
        return KafkaSource.<DecodeResult>builder()
                .setProperties(clientProperties(c))
                .setBootstrapServers(c.get(JobConfig.KAFKA_BOOTSTRAP))
                .setTopics(c.get(JobConfig.TOPIC_EVENTS))
                .setGroupId(c.get(JobConfig.GROUP_ID))
                .setStartingOffsets(start)
                .setDeserializer(new EventDeserializer(c))
                // A producer's aborted transactions must never be scored.
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .setProperty("max.partition.fetch.bytes", Integer.toString(4 << 20))
                .build();
    }

    /**
     * Alerts (key sessionId) or holds (key orderId), written in Kafka transactions committed on
     * checkpoints.
     */
    public static KafkaSink<Output> outputSink(JobConfig c, String topic, String name) {
        return KafkaSink.<Output>builder()
                .setKafkaProducerConfig(clientProperties(c))
                .setBootstrapServers(c.get(JobConfig.KAFKA_BOOTSTRAP))
                .setRecordSerializer(
                        (KafkaRecordSerializationSchema<Output>)
                                (o, ctx, ts) ->
                                        new ProducerRecord<>(
                                                topic,
                                                o.key.getBytes(StandardCharsets.UTF_8),
                                                o.json))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(c.get(JobConfig.TRANSACTIONAL_ID_PREFIX) + "-" + name)
                .setProperty(
                        "transaction.timeout.ms",
                        Long.toString(c.get(JobConfig.TRANSACTION_TIMEOUT).toMillis()))
                .setProperty("max.request.size", Integer.toString(2 << 20))
                .build();
    }

    /** The operator's pass-through properties, as a fresh {@link Properties} per client. */
    public static Properties clientProperties(JobConfig c) {
        Properties p = new Properties();
        c.kafkaProperties().applyTo(p);
        return p;
    }

    public static KafkaSink<byte[]> deadLetterSink(JobConfig c) {
        String topic = c.get(JobConfig.TOPIC_DLQ);
        return KafkaSink.<byte[]>builder()
                .setKafkaProducerConfig(clientProperties(c))
                .setBootstrapServers(c.get(JobConfig.KAFKA_BOOTSTRAP))
                .setRecordSerializer(
                        (KafkaRecordSerializationSchema<byte[]>)
                                (json, ctx, ts) -> new ProducerRecord<>(topic, null, json))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(c.get(JobConfig.TRANSACTIONAL_ID_PREFIX) + "-dlq")
                .setProperty(
                        "transaction.timeout.ms",
                        Long.toString(c.get(JobConfig.TRANSACTION_TIMEOUT).toMillis()))
                .setProperty("max.request.size", Integer.toString(2 << 20))
                .build();
    }
}
