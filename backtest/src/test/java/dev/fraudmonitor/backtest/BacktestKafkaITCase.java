package dev.fraudmonitor.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtest on a real broker: a time range of a three-partition topic, labels from a topic, and
 * the one-threshold candidate of {@link BacktestCommandTest} read from Kafka instead of a file.
 */
class BacktestKafkaITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant FROM = T0.plus(Duration.ofMinutes(10));
    private static final Instant TO = T0.plus(Duration.ofMinutes(20));

    @TempDir static Path dir;
    static String events;
    static String labels;
    static Path baseline;
    static Path candidate;
    static int inRange;

    @BeforeAll
    static void recordTrafficAndLabels() throws Exception {
        events = KAFKA.newTopic("events", 3);
        labels = KAFKA.newTopic("labels", 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // Before the range: a session that would alert with either threshold.
        add(records, failures("s-before", 9, T0));
        // In the range: 1..8 failures, as in BacktestCommandTest; each session in one partition.
        for (int k = 1; k <= 8; k++) {
            add(records, failures("s-fails-" + k, k, FROM.plusSeconds(30L * k)));
        }
        // A broken record in the range is counted, not fatal.
        records.add(
                new ProducerRecord<>(
                        events,
                        0,
                        FROM.plusSeconds(400).toEpochMilli(),
                        null,
                        "not json".getBytes(StandardCharsets.UTF_8)));
        // After the range.
        add(records, failures("s-after", 9, TO.plusSeconds(1)));
        for (ProducerRecord<byte[], byte[]> r : records) {
            long t = r.timestamp();
            if (t >= FROM.toEpochMilli() && t < TO.toEpochMilli()) {
                inRange++;
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.kafka().producer()) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            for (String label :
                    List.of(
                            "{\"sessionId\":\"s-fails-5\",\"verdict\":\"FRAUD\"}",
                            "{\"sessionId\":\"s-fails-6\",\"verdict\":\"FRAUD\"}",
                            "{\"sessionId\":\"s-fails-2\",\"verdict\":\"LEGITIMATE\"}",
                            "{\"sessionId\":\"s-before\",\"verdict\":\"FRAUD\"}")) {
                producer.send(
                        new ProducerRecord<>(labels, null, label.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        baseline = dir.resolve("default-rules.json");
        Files.writeString(baseline, BacktestCommandTest.withBruteForceThreshold(5));
        candidate = dir.resolve("candidate.json");
        Files.writeString(candidate, BacktestCommandTest.withBruteForceThreshold(4));
    }

    @Test
    void aTimeRangeIsReplayedInTimestampOrderAcrossPartitionsAndNothingOutsideIt() {
        List<Long> timestamps = new ArrayList<>();
        try (KafkaTopicSource source =
                new KafkaTopicSource(
                        KAFKA.bootstrapServers(), events, FROM, TO, new Properties())) {
            // Before reading, the progress total is an estimate: from `from` to the end offsets.
            assertTrue(source.total() >= inRange);
            source.forEach((value, timestamp) -> timestamps.add(timestamp));
        }
        assertEquals(inRange, timestamps.size());
        for (int i = 1; i < timestamps.size(); i++) {
            assertTrue(
                    timestamps.get(i - 1) <= timestamps.get(i),
                    "merged by timestamp: " + timestamps);
        }
        assertTrue(timestamps.get(0) >= FROM.toEpochMilli());
        assertTrue(timestamps.get(timestamps.size() - 1) < TO.toEpochMilli());
    }

    @Test
    void aOneThresholdCandidateOverKafkaReportsExactlyTheSessionBetweenTheThresholds()
            throws Exception {
        Path json = dir.resolve("kafka.json");
        BacktestCommandTest.Run run =
                BacktestCommandTest.run(
                        "--kafka", KAFKA.bootstrapServers(),
                        "--topic", events,
                        "--from", FROM.toString(),
                        "--to", TO.toString(),
                        "--rules", candidate.toString(),
                        "--baseline-rules", baseline.toString(),
                        "--labels-topic", labels,
                        "--json", json.toString());
        assertEquals(0, run.code(), run.err());
        JsonNode report = Json.mapper().readTree(json.toFile());
        assertEquals(inRange, report.path("totals").path("records").asLong());
        assertEquals(1, report.path("totals").path("invalidByReason").path("NOT_JSON").asLong());
        JsonNode diff = report.path("diff");
        assertEquals(List.of("s-fails-5"), BacktestCommandTest.strings(diff.path("newlyAlerted")));
        assertEquals(1, diff.path("changed").size(), run.out());
        // s-before is outside the range: its label is not placed.
        JsonNode l = report.path("labels");
        assertEquals(3, l.path("labelledSessions").asLong(), l.toString());
        assertEquals(1, l.path("notInRange").asLong(), l.toString());
        JsonNode brute = BacktestCommandTest.rule(report, "brute-force-account");
        // Fires in 5..8 with threshold 4: labelled among them 5 and 6, both fraud.
        assertEquals(1.0, brute.path("precision").asDouble(), 1e-9);
        assertEquals(1.0, brute.path("recall").asDouble(), 1e-9);
    }

    private static List<CheckoutEvent> failures(String sessionId, int k, Instant start) {
        Session s = new Session(sessionId, null, "198.51.100." + k, "US", "d-" + sessionId);
        List<CheckoutEvent> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(s.login(start.plusSeconds(i), "user-" + sessionId, LoginOutcome.FAILURE));
        }
        return out;
    }

    private static void add(
            List<ProducerRecord<byte[], byte[]>> records, List<CheckoutEvent> session) {
        for (CheckoutEvent e : session) {
            records.add(
                    new ProducerRecord<>(
                            events,
                            null,
                            e.occurredAt().toEpochMilli(),
                            e.sessionId().getBytes(StandardCharsets.UTF_8),
                            TestEvents.encode(e)));
        }
    }
}
