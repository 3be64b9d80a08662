package dev.fraudmonitor.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Known outcomes: the reps' verdicts, from {@code fraud.labels} or a JSON-lines file.
 *
 * <p>Each label is read as a JSON tree, so any producer's shape works: {@code verdict} ({@code
 * FRAUD} or {@code LEGITIMATE}) and at least one of {@code sessionId}, {@code orderId}, {@code
 * alertId}, {@code caseId}. A label names a session directly (sessionId), through an order placed
 * or paid for in the replayed events (orderId), or through an alert the backtest raised with either
 * rule set (alertId: ids are stable, so the live job's ids match). A caseId alone cannot be placed:
 * cases live in the care console. When labels disagree about a session, the one read last wins.
 */
public final class Labels {
    /** One verdict with its place in reading order. */
    record Verdict(boolean fraud, long seq) {}

    final Map<String, Verdict> bySession = new HashMap<>();
    final Map<String, Verdict> byOrder = new HashMap<>();
    final Map<String, Verdict> byAlert = new HashMap<>();
    long caseOnly;
    long unreadable;
    long read;
    private long seq;

    static Labels fromFile(Path file) {
        Labels labels = new Labels();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    labels.add(line.getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (NoSuchFileException e) {
            throw new BacktestException(
                    "--labels " + file + ": no such file; give a JSON-lines file of labels");
        } catch (IOException e) {
            throw new BacktestException("--labels " + file + ": cannot read it: " + e);
        }
        return labels;
    }

    /** Every committed label on the topic, up to its end when the backtest started. */
    static Labels fromTopic(String bootstrap, String topic, Properties client) {
        Labels labels = new Labels();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, client)) {
            List<TopicPartition> tps = KafkaClients.partitions(consumer, bootstrap, topic, client);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long idle = System.nanoTime();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    idle = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        labels.add(r.value());
                    }
                }
                if (System.nanoTime() - idle > Duration.ofSeconds(60).toNanos()) {
                    throw new BacktestException(
                            "--labels-topic "
                                    + topic
                                    + ": no records for 60 s before its end offsets; is the"
                                    + " broker still up?");
                }
            }
        }
        return labels;
    }

    void add(byte[] json) {
        read++;
        JsonNode n;
        try {
            n = json == null ? null : Json.mapper().readTree(json);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            unreadable++;
            return;
        }
        String verdict = n.path("verdict").asText("").trim().toUpperCase(Locale.ROOT);
        if (!verdict.equals("FRAUD") && !verdict.equals("LEGITIMATE")) {
            unreadable++;
            return;
        }
        Verdict v = new Verdict(verdict.equals("FRAUD"), seq++);
        boolean placed = false;
        placed |= put(bySession, n, "sessionId", v);
        placed |= put(byOrder, n, "orderId", v);
        placed |= put(byAlert, n, "alertId", v);
        if (!placed) {
            if (n.hasNonNull("caseId")) {
                caseOnly++;
            } else {
                unreadable++;
            }
        }
    }

    private static boolean put(Map<String, Verdict> m, JsonNode n, String field, Verdict v) {
        String id = n.path(field).asText(null);
        if (id == null || id.isBlank()) {
            return false;
        }
        m.put(id, v);
        return true;
    }
}
