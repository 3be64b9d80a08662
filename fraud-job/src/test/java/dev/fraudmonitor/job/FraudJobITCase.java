package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.FieldKind;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.PanGuard;
import dev.fraudmonitor.model.PaymentOutcome;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The foundation end to end on real parts: an in-JVM Kafka broker, a real redis-server and a Flink
 * MiniCluster at parallelism 2, fed valid, repeated, out-of-order and bad events.
 */
public class FraudJobITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    public static final String BRUTE_FORCE_ONLY =
            """
            {"version": 1, "thresholds": {"review": 50, "hold": 80}, "alertCooldown": "PT30M",
             "rules": [
              {"id": "brute-force-account", "version": 1, "kind": "VELOCITY", "enabled": true, "mode": "ACTIVE",
               "weight": 60, "description": "{observed} failed logins for this account in {window}; limit {threshold}",
               "groupBy": "ACCOUNT", "aggregate": "COUNT", "window": "PT10M", "threshold": 5,
               "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}}
             ]}
            """;

    @Test
    void badInputIsDeadLetteredDuplicatesCountOnceAndTheBurstAlertsOnce() throws Exception {
        String events = KAFKA.newTopic("events", 2);
        String alerts = KAFKA.newTopic("alerts", 1);
        String holds = KAFKA.newTopic("holds", 1);
        String dlq = KAFKA.newTopic("dlq", 1);
        String prefix = REDIS.redis().newKeyPrefix();
        REDIS.client().set(prefix + "rules", BRUTE_FORCE_ONLY);

        JobConfig config =
                TestJobConfig.of(
                        KAFKA.bootstrapServers(), REDIS.url(), prefix, events, alerts, holds, dlq);

        Random random = new Random(42);
        Instant base = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        List<CheckoutEvent> valid = new ArrayList<>();

        // The attack: 6 failed logins on one account within 2 minutes.
        Session attacker = Session.guest("198.51.100.7", "RO").as("acct-victim");
        List<CheckoutEvent> burst = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            burst.add(
                    attacker.login(
                            base.plusSeconds(100 + i * 20L), "u-victim", LoginOutcome.FAILURE));
        }
        // The first five arrive out of order; the sixth, the newest, arrives last and sees all
        // six.
        Collections.shuffle(burst.subList(0, 5), random);
        valid.addAll(burst);

        // At the threshold but not over it; three of these are also sent twice below, so counting a
        // duplicate would push this account over the limit.
        Session typo = Session.guest("203.0.113.9", "US").as("acct-typo");
        List<CheckoutEvent> fiveFailures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fiveFailures.add(
                    typo.login(base.plusSeconds(120 + i * 20L), "u-typo", LoginOutcome.FAILURE));
        }
        valid.addAll(fiveFailures);

        // Ordinary traffic up to 1,000 valid events.
        while (valid.size() < 1000) {
            Session s =
                    Session.guest("192.0.2." + random.nextInt(250), "US")
                            .as("acct-" + random.nextInt(300));
            Instant t = base.plusSeconds(random.nextInt(300));
            valid.add(s.pageView(t, "/product/" + random.nextInt(50)));
            if (valid.size() < 1000) {
                valid.add(s.login(t.plusSeconds(5), "u-" + s.accountId(), LoginOutcome.SUCCESS));
            }
            if (valid.size() < 1000) {
                valid.add(s.field(t.plusSeconds(20), FieldKind.SHIPPING_ADDRESS));
            }
            if (valid.size() < 1000) {
                valid.add(
                        s.payment(
                                t.plusSeconds(40),
                                "o-" + UUID.randomUUID(),
                                "c-" + s.accountId(),
                                4_500,
                                PaymentOutcome.AUTHORIZED));
            }
        }
        assertEquals(1000, valid.size());

        List<CheckoutEvent> duplicates = new ArrayList<>(fiveFailures.subList(0, 3));
        for (int i = 0; duplicates.size() < 10; i += 97) {
            duplicates.add(valid.get(20 + i));
        }

        Map<String, Integer> expectedReasons = new TreeMap<>();
        List<byte[]> bad = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            bad.add(("{not json " + i).getBytes(StandardCharsets.UTF_8));
        }
        expectedReasons.put("NOT_JSON", 25);
        String okEnvelope =
                "\"eventId\":\"b-%d\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"sessionId\":\"s-bad\",\"ip\":\"192.0.2.1\"";
        for (int i = 0; i < 25; i++) {
            bad.add(
                    ("{"
                                    + String.format(okEnvelope, i)
                                    + ",\"type\":\"LOGIN\",\"data\":{\"outcome\":\"FAILURE\"}}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        expectedReasons.put("MISSING_FIELD", 25);
        for (int i = 0; i < 20; i++) {
            bad.add(
                    ("{"
                                    + String.format(okEnvelope, 100 + i)
                                    + ",\"type\":\"TELEPORT\",\"data\":{}}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        expectedReasons.put("UNKNOWN_TYPE", 20);
        for (int i = 0; i < 20; i++) {
            bad.add(
                    ("{\"eventId\":\"t-"
                                    + i
                                    + "\",\"occurredAt\":\"yesterday at noon\",\"sessionId\":\"s-bad\","
                                    + "\"ip\":\"192.0.2.1\",\"type\":\"PAGE_VIEW\",\"data\":{\"page\":\"/\"}}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        expectedReasons.put("BAD_TIMESTAMP", 20);
        bad.add(
                ("{\"padding\":\"" + "x".repeat(1_000_000) + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        expectedReasons.put("TOO_LARGE", 1);
        String[] pans = {
            "4111 1111 1111 1111",
            "5500-0000-0000-0004",
            "378282246310005",
            "6011000990139424",
            "4012888888881881",
            "3530111333300000",
            "5105105105105100",
            "4222222222222",
            "6011111111111117"
        };
        for (int i = 0; i < pans.length; i++) {
            bad.add(
                    ("{"
                                    + String.format(okEnvelope, 200 + i)
                                    + ",\"type\":\"PAGE_VIEW\",\"data\":{\"page\":\"/checkout\","
                                    + "\"note\":\"card "
                                    + pans[i]
                                    + "\"}}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        expectedReasons.put("PAN_DETECTED", pans.length);
        assertEquals(100, bad.size());

        try (JobRunner jobs = new JobRunner()) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            FraudJob.flinkConfiguration(config));
            env.configure(FraudJob.flinkConfiguration(config));
            FraudJob.define(env, config);
            JobClient job =
                    jobs.startAndAwaitRunning(env, "fraud-job-itcase", Duration.ofSeconds(60));

            List<Object> sendOrder = new ArrayList<>(valid);
            sendOrder.addAll(duplicates);
            sendOrder.addAll(bad);
            sendOrder.removeAll(burst);
            Collections.shuffle(sendOrder, random);
            sendOrder.addAll(burst);
            for (Object o : sendOrder) {
                if (o instanceof CheckoutEvent e) {
                    KAFKA.kafka().send(events, e.sessionId(), TestEvents.encode(e));
                } else {
                    KAFKA.kafka().send(events, "bad", (byte[]) o);
                }
            }

            List<ConsumerRecord<byte[], byte[]>> deadLetters =
                    KAFKA.kafka().readAll(dlq, true, 100, Duration.ofSeconds(90));
            List<ConsumerRecord<byte[], byte[]>> alertRecords =
                    KAFKA.kafka().readAll(alerts, true, 1, Duration.ofSeconds(60));
            // A few more checkpoints, so a late extra alert would have been committed too.
            Thread.sleep(3000);
            alertRecords =
                    KAFKA.kafka()
                            .readAll(alerts, true, alertRecords.size(), Duration.ofSeconds(10));

            Map<String, Integer> reasons = new TreeMap<>();
            List<String> messages = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
                String text = new String(r.value(), StandardCharsets.UTF_8);
                assertFalse(
                        PanGuard.containsPan(text),
                        "dead letter holds a raw card number: "
                                + text.substring(0, Math.min(300, text.length())));
                JsonNode dl = Json.mapper().readTree(r.value());
                reasons.merge(dl.get("reason").asText(), 1, Integer::sum);
                messages.add(dl.get("reason").asText() + " " + dl.get("message").asText());
                assertEquals(events, dl.get("sourceTopic").asText());
                assertTrue(dl.get("sourceOffset").asLong() >= 0);
                assertTrue(dl.get("message").asText().length() > 5, "dead letter says why");
            }
            assertEquals(expectedReasons, reasons, () -> String.join("\n", messages));
            assertEquals(100, deadLetters.size(), "dead letters");

            assertEquals(1, alertRecords.size(), "alerts: " + alertTexts(alertRecords));
            JsonNode alert = Json.mapper().readTree(alertRecords.get(0).value());
            assertEquals(attacker.sessionId(), alert.get("sessionId").asText());
            assertEquals("acct-victim", alert.get("accountId").asText());
            assertEquals("REVIEW", alert.get("action").asText());
            assertEquals(1, alert.get("ruleSetVersion").asLong());
            JsonNode reason = alert.get("reasons").get(0);
            assertEquals("brute-force-account", reason.get("ruleId").asText());
            assertEquals("6", reason.get("observed").asText());
            assertEquals("5", reason.get("threshold").asText());
            assertTrue(
                    reason.get("text").asText().startsWith("6 failed logins for this account"),
                    reason.toString());

            assertTrue(
                    KAFKA.kafka().readAll(holds, true, 0, Duration.ofSeconds(2)).isEmpty(),
                    "no order, no hold");
            assertEquals(
                    List.of(),
                    JobRunner.failures(FLINK.getClientConfiguration(), job.getJobID()),
                    "the job never failed or restarted");
            assertEquals(org.apache.flink.api.common.JobStatus.RUNNING, job.getJobStatus().get());
        }
    }

    private static List<String> alertTexts(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
