package dev.fraudmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Baseline B: one plain {@link KafkaConsumer} on one thread reading the topic from the beginning to
 * the end and decoding every record with Jackson ({@code readTree}), with the job's isolation level
 * and fetch size. The clock runs from the first record returned to the last one decoded, as it does
 * for the job.
 */
final class Baseline {
    private Baseline() {}

    record Result(long records, long nanos, long checksum, long allocatedBytes) {
        double perSecond() {
            return records * 1e9 / nanos;
        }
    }

    static Result run(EmbeddedKafka kafka, String topic, long expected) {
        Properties p = kafka.consumerProperties(true);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        ObjectMapper mapper = new ObjectMapper();
        System.gc();
        Allocations allocations = Allocations.start();
        long checksum = 0;
        long read = 0;
        long first = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (read < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "baseline read only " + read + " of " + expected + " records");
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (first == 0 && !batch.isEmpty()) {
                    first = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    JsonNode event = mapper.readTree(r.value());
                    // Used, so the decoding cannot be optimised away.
                    checksum += event.size();
                    read++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("baseline could not decode a record", e);
        }
        long nanos = System.nanoTime() - first;
        return new Result(read, nanos, checksum, allocations.bytes());
    }
}
