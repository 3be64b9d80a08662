package dev.fraudmonitor.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void readCommittedSeesCommittedTransactionsOnly() throws Exception {
        String topic = KAFKA.newTopic("tx", 2);
        try (KafkaProducer<byte[], byte[]> producer =
                KAFKA.kafka()
                        .producer(
                                Map.of(
                                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                        "it-tx-" + topic,
                                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                        "true"))) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(record(topic, "k1", "committed-1"));
            producer.send(record(topic, "k2", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(record(topic, "k3", "aborted-1"));
            producer.flush(); // the aborted record really reaches the log
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(record(topic, "k4", "committed-3"));
            producer.commitTransaction();
        }

        List<String> committed =
                values(KAFKA.kafka().readAll(topic, true, 3, Duration.ofSeconds(30)));
        assertEquals(
                List.of("committed-1", "committed-2", "committed-3"),
                committed.stream().sorted().collect(Collectors.toList()));

        // read_uncommitted also returns the aborted record: proves it was written, then aborted.
        List<String> uncommitted =
                values(KAFKA.kafka().readAll(topic, false, 4, Duration.ofSeconds(30)));
        assertTrue(uncommitted.contains("aborted-1"), "uncommitted read: " + uncommitted);
        assertEquals(4, uncommitted.size(), "uncommitted read: " + uncommitted);
    }

    @Test
    void acceptsOneMegabyteRecord() {
        String topic = KAFKA.newTopic("big", 1);
        byte[] big = new byte[1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        KAFKA.kafka().send(topic, "big", big);

        List<ConsumerRecord<byte[], byte[]>> read =
                KAFKA.kafka().readAll(topic, true, 1, Duration.ofSeconds(30));
        assertEquals(1, read.size());
        assertEquals("big", new String(read.get(0).key(), UTF_8));
        assertArrayEquals(big, read.get(0).value());
    }

    @Test
    void topicsAreNotAutoCreated() throws Exception {
        String topic = KAFKA.newTopic("exists", 3);
        assertEquals(
                3,
                KAFKA.kafka()
                        .admin()
                        .describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .size());

        String missing = "never-created-" + topic;
        try (KafkaProducer<byte[], byte[]> producer =
                KAFKA.kafka().producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1500"))) {
            ExecutionException e =
                    assertThrows(
                            ExecutionException.class,
                            () -> producer.send(record(missing, "k", "v")).get());
            assertTrue(
                    e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException,
                    "expected a metadata timeout, got " + e.getCause());
        }
        assertFalse(KAFKA.kafka().topics().contains(missing));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), UTF_8)).collect(Collectors.toList());
    }
}
