package dev.fraudmonitor.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.Reason;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes alerts the way the job does: JSON on the alerts topic, inside Kafka transactions. */
public final class TestAlerts implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public TestAlerts(EmbeddedKafka kafka, String topic) {
        this.topic = topic;
        producer =
                kafka.producer(
                        Map.of(
                                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                "test-alerts-" + UUID.randomUUID(),
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                "true"));
        producer.initTransactions();
    }

    public static Alert alert(
            String alertId,
            String session,
            String account,
            String order,
            Action action,
            int score) {
        return new Alert(
                alertId,
                Instant.now(),
                session,
                account,
                order,
                action,
                score,
                3L,
                List.of(
                        new Reason(
                                "brute-force",
                                2,
                                "7 failed logins for this account in 10 minutes; limit 5",
                                "7",
                                "5"),
                        new Reason("geo-mismatch", 1, "billing DE, card US", "US", "DE")),
                null,
                null,
                "411111",
                "1111",
                null);
    }

    public static ObjectNode json(Alert a) {
        return Json.mapper().valueToTree(a);
    }

    /** Sends the alerts in one transaction; returns the wall-clock time the commit returned. */
    public long sendCommitted(List<ObjectNode> alerts) {
        producer.beginTransaction();
        for (ObjectNode a : alerts) {
            producer.send(
                    new ProducerRecord<>(
                            topic,
                            a.path("sessionId").asText().getBytes(StandardCharsets.UTF_8),
                            a.toString().getBytes(StandardCharsets.UTF_8)));
        }
        producer.commitTransaction();
        return System.currentTimeMillis();
    }

    /** Sends and aborts: a read_committed consumer must never see these. */
    public void sendAborted(List<ObjectNode> alerts) {
        producer.beginTransaction();
        for (ObjectNode a : alerts) {
            producer.send(
                    new ProducerRecord<>(
                            topic, null, a.toString().getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        producer.abortTransaction();
    }

    @Override
    public void close() {
        producer.close();
    }
}
