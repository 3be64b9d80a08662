package dev.fraudmonitor.console;

import static dev.fraudmonitor.console.ConsoleEnv.ANALYST;
import static dev.fraudmonitor.console.ConsoleEnv.PASSWORD;
import static dev.fraudmonitor.console.ConsoleEnv.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhooks against local receivers that fail: retries, exactly one delivery per key, dead letters.
 */
class NotifierITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    /** Answers 503 to the first two attempts for each idempotency key, then 200. */
    static final class Flaky extends Dispatcher {
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
        final List<String> bodies = new ArrayList<>();

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            String key = r.getHeaders().get("Idempotency-Key");
            int n = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (n <= 2) {
                return new MockResponse.Builder().code(503).build();
            }
            accepted.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            synchronized (bodies) {
                bodies.add(r.getBody() == null ? "" : r.getBody().utf8());
            }
            return new MockResponse.Builder().code(200).build();
        }
    }

    @Test
    void everyNewOrEscalatedCaseIsDeliveredOnceByIdempotencyKeyAndFailuresEndAsDeadLetters()
            throws Exception {
        Flaky flaky = new Flaky();
        AtomicInteger slackCalls = new AtomicInteger();
        List<String> slackBodies = new ArrayList<>();
        try (Postgres pg = new Postgres();
                MockWebServer generic = new MockWebServer();
                MockWebServer slack = new MockWebServer()) {
            generic.setDispatcher(flaky);
            slack.setDispatcher(
                    new Dispatcher() {
                        @Override
                        public MockResponse dispatch(RecordedRequest r) {
                            slackCalls.incrementAndGet();
                            synchronized (slackBodies) {
                                slackBodies.add(r.getBody() == null ? "" : r.getBody().utf8());
                            }
                            return new MockResponse.Builder().code(500).build();
                        }
                    });
            generic.start();
            slack.start();
            ConsoleEnv env = new ConsoleEnv(KAFKA.kafka(), REDIS.redis());
            try (CareConsole console =
                            CareConsole.start(
                                    env.config(
                                            pg.jdbcUrl(),
                                            "--webhook",
                                            generic.url("/hook").toString(),
                                            "--slack-webhook",
                                            slack.url("/slack").toString(),
                                            "--webhook-attempts",
                                            "3",
                                            "--webhook-backoff",
                                            "PT0.1S",
                                            "--public-url",
                                            "https://console.example"));
                    TestAlerts alerts = new TestAlerts(KAFKA.kafka(), env.alerts)) {
                List<ObjectNode> sent = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    sent.add(
                            TestAlerts.json(
                                    TestAlerts.alert(
                                            "new-" + i + "-" + id(),
                                            "s-" + id(),
                                            "acc-" + i + "-" + id(),
                                            null,
                                            Action.REVIEW,
                                            40 + i)));
                }
                alerts.sendCommitted(sent);
                // The first case's account comes back with an order held: an escalation.
                String account = sent.get(0).get("accountId").asText();
                ObjectNode escalation =
                        TestAlerts.json(
                                TestAlerts.alert(
                                        "esc-" + id(),
                                        "s-" + id(),
                                        account,
                                        "o-" + id(),
                                        Action.HOLD,
                                        90));
                alerts.sendCommitted(List.of(escalation));
                // An alert joining a case without raising it notifies nobody.
                alerts.sendCommitted(
                        List.of(
                                TestAlerts.json(
                                        TestAlerts.alert(
                                                "quiet-" + id(),
                                                "s-" + id(),
                                                account,
                                                null,
                                                Action.REVIEW,
                                                41))));

                await(
                        "6 generic deliveries",
                        Duration.ofSeconds(30),
                        () -> flaky.accepted.size() == 6);
                await(
                        "6 slack dead letters",
                        Duration.ofSeconds(30),
                        () -> metric(console, "fraud_console_webhook_dead_letters_total") >= 6);
                // Replaying every alert queues nothing new.
                List<ObjectNode> all = new ArrayList<>(sent);
                all.add(escalation);
                alerts.sendCommitted(all);
                Thread.sleep(1500);

                assertEquals(6, flaky.accepted.size(), flaky.accepted.toString());
                flaky.accepted.forEach(
                        (key, n) -> assertEquals(1, n.get(), "deliveries of " + key));
                flaky.attempts.forEach((key, n) -> assertEquals(3, n.get(), "attempts of " + key));
                assertTrue(flaky.accepted.containsKey(escalation.get("alertId").asText()));
                long escalations =
                        flaky.bodies.stream()
                                .filter(b -> b.contains("\"event\":\"ESCALATION\""))
                                .count();
                assertEquals(1, escalations, flaky.bodies.toString());
                JsonNode body = Json.mapper().readTree(flaky.bodies.get(0));
                assertTrue(
                        body.get("url").asText().startsWith("https://console.example/cases/C-"),
                        body.toString());

                assertEquals(18, slackCalls.get(), "3 attempts for each of 6 notifications");
                assertTrue(
                        Json.mapper().readTree(slackBodies.get(0)).has("text"), slackBodies.get(0));
                assertEquals(6.0, metric(console, "fraud_console_webhook_dead_letters_total"));
                assertEquals(
                        6.0,
                        metric(
                                console,
                                "fraud_console_webhook_deliveries_total{outcome=\"delivered\"}"));
                assertEquals(
                        24.0,
                        metric(console, "fraud_console_webhook_retries_total"),
                        "2 retries × 12 notifications");

                WebClient analyst = new WebClient(console.port());
                analyst.login(ANALYST, PASSWORD);
                String page = analyst.get("/deliveries").body();
                assertEquals(6, page.split("class=\"dead-letter\"", -1).length - 1, page);
                System.out.printf(
                        "webhooks: %d attempts at the generic receiver, %d at the Slack receiver, 6 delivered once each, 6 dead letters%n",
                        flaky.attempts.values().stream().mapToInt(AtomicInteger::get).sum(),
                        slackCalls.get());
            }
        }
    }

    static double metric(CareConsole console, String series) {
        try {
            String text =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + console.metricsPort()
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            for (String line : text.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Double.parseDouble(line.substring(series.length() + 1).trim());
                }
            }
            return 0;
        } catch (Exception e) {
            return -1;
        }
    }

    static String id() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
