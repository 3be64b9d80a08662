package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.FieldEnteredData;
import dev.fraudmonitor.model.FieldKind;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.PanGuard;
import dev.fraudmonitor.model.PaymentOutcome;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.RedisClient;

/**
 * Checkout traffic whose decisions are known before the job runs, for the failure tests.
 *
 * <p>The rule set is small so the outcome of every session is obvious by construction: a brute
 * force session (6 failed logins on its own account) gets one REVIEW; a session whose order ships
 * to another country than it bills to gets one HOLD alert and one hold; a session from a
 * block-listed IP gets a REVIEW on its first event, a HOLD escalation (superseding it) on its first
 * order and another HOLD for its second order, with two holds. Ordinary sessions (a typo'd password
 * at most, billing = shipping) get nothing, and records carrying raw card numbers where the
 * contract forbids them are dead-lettered. The rules of one session are all fired on one path
 * (session stage or group stage), so the decisions do not depend on how the two paths interleave.
 */
final class DecisionScenario {
    static final String RULES =
            """
            {"version": 7, "thresholds": {"review": 50, "hold": 80}, "alertCooldown": "PT30M",
             "rules": [
              {"id": "brute-force-account", "version": 1, "kind": "VELOCITY", "weight": 60,
               "description": "{observed} failed logins for this account in {window}; limit {threshold}",
               "groupBy": "ACCOUNT", "aggregate": "COUNT", "window": "PT10M", "threshold": 5,
               "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}},
              {"id": "block-ip", "version": 2, "kind": "LIST", "weight": 60,
               "description": "The IP is on the block list", "list": "IP"},
              {"id": "ship-bill-mismatch", "version": 3, "kind": "MISMATCH", "weight": 90,
               "description": "Billing and shipping countries differ: {observed}",
               "facts": ["BILLING_COUNTRY", "SHIPPING_COUNTRY"]}
             ]}
            """;

    static final String BRUTE_FORCE = "brute-force-account";
    static final String BLOCK_IP = "block-ip";
    static final String MISMATCH = "ship-bill-mismatch";

    /** Card numbers (Luhn-valid) placed where the contract forbids them. */
    static final String[] PANS = {
        "4111 1111 1111 1111",
        "5500-0000-0000-0004",
        "378282246310005",
        "6011000990139424",
        "4012888888881881",
        "5105105105105100",
    };

    /** One input record: Kafka key and value; {@code eventId} null for a record to reject. */
    record Input(String key, byte[] value, String eventId, long eventTime) {}

    /** What identifies a decision independently of its id. */
    record ExpectedAlert(String sessionId, String action, String rules, String orderId) {}

    /** Input split into batches (in event-time order; each session's events stay in order). */
    final List<List<Input>> batches = new ArrayList<>();

    final List<ExpectedAlert> alerts = new ArrayList<>();

    /** Held orders: orderId to sessionId. */
    final Map<String, String> holds = new TreeMap<>();

    /** The card last-4 an escalation session entered; its first (REVIEW) alert must show it. */
    final Map<String, String> enteredLast4 = new HashMap<>();

    final Set<String> blockedIps = new HashSet<>();
    final List<String> mismatchSessions = new ArrayList<>();
    final List<String> escalationSessions = new ArrayList<>();

    /** The ORDER_PLACED event of each order. */
    final Map<String, String> orderEventOf = new HashMap<>();

    /** Hash values the input carries; reps cannot use them, so no output may repeat them. */
    final Set<String> inputHashes = new HashSet<>();

    int panRecords;

    private final List<Input> all = new ArrayList<>();

    /**
     * Builds the input: {@code ordinary} benign sessions plus 20 brute force, 20 mismatch and 10
     * block-list sessions, in {@code batchCount} batches.
     */
    static DecisionScenario generate(long seed, int ordinary, int batchCount) {
        DecisionScenario s = new DecisionScenario();
        s.build(new Random(seed), ordinary);
        s.split(batchCount);
        return s;
    }

    private void build(Random random, int ordinary) {
        Instant base = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < ordinary; i++) {
            Session s = Session.guest("192.0.2." + (i % 250), "US").as("acct-n-" + i);
            Instant t = base.plusSeconds(random.nextInt(600));
            add(s.pageView(t, "/product/" + random.nextInt(50)));
            if (i % 5 == 0) {
                add(s.login(t.plusSeconds(4), "u-n-" + i, LoginOutcome.FAILURE)); // a typo
            }
            add(s.login(t.plusSeconds(8), "u-n-" + i, LoginOutcome.SUCCESS));
            String last4 = String.format("%04d", random.nextInt(10_000));
            add(cardEntered(s, t.plusSeconds(20), "4000" + (10 + i % 90), last4));
            String order = "o-n-" + i;
            String card = "ch-n-" + i;
            add(s.payment(t.plusSeconds(30), order, card, 4_500, PaymentOutcome.AUTHORIZED));
            add(s.order(t.plusSeconds(35), order, card, 4_500, "US", "US", "US"));
            if (i % 40 == 7) {
                addRejected(s, t.plusSeconds(36), panRecords++);
            }
        }
        for (int i = 0; i < 20; i++) {
            Session s = Session.guest("198.51.100." + i, "RO").as("acct-bf-" + i);
            Instant t = base.plusSeconds(random.nextInt(600));
            for (int k = 0; k < 6; k++) {
                add(s.login(t.plusSeconds(15L * k), "u-bf-" + i, LoginOutcome.FAILURE));
            }
            alerts.add(new ExpectedAlert(s.sessionId(), "REVIEW", BRUTE_FORCE, null));
        }
        for (int i = 0; i < 20; i++) {
            Session s = Session.guest("192.0.2." + (100 + i), "US").as("acct-mm-" + i);
            Instant t = base.plusSeconds(random.nextInt(600));
            add(s.pageView(t, "/cart"));
            add(cardEntered(s, t.plusSeconds(10), "535522", String.format("%04d", 1000 + i)));
            String order = "o-mm-" + i;
            add(s.order(t.plusSeconds(30), order, "ch-mm-" + i, 12_000, "GB", "US", "GB"));
            mismatchSessions.add(s.sessionId());
            alerts.add(new ExpectedAlert(s.sessionId(), "HOLD", MISMATCH, order));
            holds.put(order, s.sessionId());
        }
        for (int i = 0; i < 10; i++) {
            String ip = "203.0.113." + (10 + i);
            blockedIps.add(ip);
            Session s = Session.guest(ip, "NG").as("acct-bl-" + i);
            Instant t = base.plusSeconds(random.nextInt(600));
            String last4 = String.format("%04d", 2000 + i);
            add(cardEntered(s, t, "411111", last4));
            add(s.pageView(t.plusSeconds(5), "/cart"));
            String first = "o-bl-" + i + "-a";
            String second = "o-bl-" + i + "-b";
            add(s.order(t.plusSeconds(20), first, "ch-bl-" + i, 30_000, "GB", "US", "GB"));
            add(s.pageView(t.plusSeconds(40), "/orders"));
            add(s.order(t.plusSeconds(60), second, "ch-bl-" + i, 9_000, "US", "US", "US"));
            String both = String.join(",", List.of(BLOCK_IP, MISMATCH));
            alerts.add(new ExpectedAlert(s.sessionId(), "REVIEW", BLOCK_IP, null));
            alerts.add(new ExpectedAlert(s.sessionId(), "HOLD", both, first));
            alerts.add(new ExpectedAlert(s.sessionId(), "HOLD", both, second));
            holds.put(first, s.sessionId());
            holds.put(second, s.sessionId());
            enteredLast4.put(s.sessionId(), last4);
            escalationSessions.add(s.sessionId());
        }
    }

    private CheckoutEvent cardEntered(Session s, Instant at, String bin, String last4) {
        String hash = "vh-" + UUID.randomUUID();
        return s.event(
                EventType.FIELD_ENTERED,
                at,
                new FieldEnteredData(FieldKind.CARD, hash, null, null, bin, last4, "US"));
    }

    private void add(CheckoutEvent e) {
        all.add(
                new Input(
                        e.sessionId(),
                        TestEvents.encode(e),
                        e.eventId(),
                        e.occurredAt().toEpochMilli()));
        if (e.type() == EventType.ORDER_PLACED) {
            orderEventOf.put(((OrderPlacedData) e.data()).orderId(), e.eventId());
        }
        if (e.data() instanceof FieldEnteredData f) {
            inputHashes.add(f.valueHash());
        }
        if (e.deviceId() != null) {
            inputHashes.add(e.deviceId());
        }
    }

    /** A record with a raw card number in a place the decoder must catch; kind by {@code n}. */
    private void addRejected(Session s, Instant at, int n) {
        String pan = PANS[n % PANS.length];
        String json =
                switch (n % 4) {
                    case 0 -> { // in the user agent
                        CheckoutEvent e = s.pageView(at, "/checkout");
                        yield new String(TestEvents.encode(e), StandardCharsets.UTF_8)
                                .replace(
                                        "Mozilla/5.0 (X11; Linux x86_64)",
                                        "Mozilla/5.0 card " + pan);
                    }
                    case 1 -> { // typed into a field instead of its hash
                        CheckoutEvent e =
                                s.event(
                                        EventType.FIELD_ENTERED,
                                        at,
                                        new FieldEnteredData(
                                                FieldKind.COUPON,
                                                pan,
                                                null,
                                                null,
                                                null,
                                                null,
                                                null));
                        yield new String(TestEvents.encode(e), StandardCharsets.UTF_8);
                    }
                    case 2 -> { // in an extra free-text field
                        CheckoutEvent e = s.pageView(at, "/help");
                        yield new String(TestEvents.encode(e), StandardCharsets.UTF_8)
                                .replace(
                                        "\"page\":\"/help\"",
                                        "\"page\":\"/help\",\"note\":\"my card is " + pan + "\"");
                    }
                    default -> { // as a JSON number
                        CheckoutEvent e = s.pageView(at, "/pay");
                        yield new String(TestEvents.encode(e), StandardCharsets.UTF_8)
                                .replace(
                                        "\"page\":\"/pay\"",
                                        "\"page\":\"/pay\",\"ref\":" + pan.replaceAll("[ -]", ""));
                    }
                };
        assertTrue(PanGuard.containsPan(json), json);
        all.add(
                new Input(
                        s.sessionId(),
                        json.getBytes(StandardCharsets.UTF_8),
                        null,
                        at.toEpochMilli()));
    }

    private void split(int batchCount) {
        List<Input> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(Input::eventTime)); // stable: sessions stay in order
        int size = (sorted.size() + batchCount - 1) / batchCount;
        for (int i = 0; i < sorted.size(); i += size) {
            batches.add(sorted.subList(i, Math.min(sorted.size(), i + size)));
        }
    }

    /** A valid event in the middle of batch {@code b}: a place to inject a failure. */
    String eventInBatch(int b) {
        List<Input> batch = batches.get(b);
        for (int i = batch.size() / 2; i < batch.size(); i++) {
            if (batch.get(i).eventId() != null) {
                return batch.get(i).eventId();
            }
        }
        throw new IllegalStateException("no valid event in batch " + b);
    }

    /** The batch that carries event {@code eventId}. */
    int batchOf(String eventId) {
        for (int b = 0; b < batches.size(); b++) {
            for (Input in : batches.get(b)) {
                if (eventId.equals(in.eventId())) {
                    return b;
                }
            }
        }
        throw new IllegalArgumentException("no event " + eventId);
    }

    /** A mismatch session whose (only) order, and so its alert, is in batch {@code b}. */
    String mismatchSessionDecidedInBatch(int b) {
        for (String session : mismatchSessions) {
            if (batchOf(orderEventOf.get(holdOrderOf(session))) == b) {
                return session;
            }
        }
        throw new IllegalStateException("no mismatch order in batch " + b);
    }

    /** An order held by an event of batch {@code b}, not of {@code otherThan}'s session. */
    String orderHeldInBatch(int b, String otherThan) {
        for (Map.Entry<String, String> hold : holds.entrySet()) {
            if (!hold.getValue().equals(otherThan)
                    && batchOf(orderEventOf.get(hold.getKey())) == b) {
                return hold.getKey();
            }
        }
        throw new IllegalStateException("no held order in batch " + b);
    }

    private String holdOrderOf(String session) {
        return holds.entrySet().stream()
                .filter(h -> h.getValue().equals(session))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    int totalRecords() {
        return all.size();
    }

    /** Loads the rule set and the IP block list under {@code prefix}. */
    void prepareRedis(RedisClient redis, String prefix) {
        RedisKeys keys = new RedisKeys(prefix);
        redis.set(keys.rules(), RULES);
        redis.sadd(keys.list(true, ListKind.IP.redisName()), blockedIps.toArray(String[]::new));
    }

    /** Sends one batch and waits until the broker has every record of it. */
    static void send(EmbeddedKafka kafka, String topic, List<Input> batch) {
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (Input in : batch) {
                producer.send(
                        new ProducerRecord<>(
                                topic, in.key().getBytes(StandardCharsets.UTF_8), in.value()));
            }
            producer.flush();
        }
    }

    /** Output topics, as a read_committed consumer sees them. */
    record Committed(
            List<ConsumerRecord<byte[], byte[]>> alerts,
            List<ConsumerRecord<byte[], byte[]>> holds,
            List<ConsumerRecord<byte[], byte[]>> deadLetters) {}

    Committed readCommitted(EmbeddedKafka kafka, String alerts, String holds, String dlq) {
        return new Committed(
                kafka.readAll(alerts, true, this.alerts.size(), Duration.ofSeconds(5)),
                kafka.readAll(holds, true, this.holds.size(), Duration.ofSeconds(5)),
                kafka.readAll(dlq, true, panRecords, Duration.ofSeconds(5)));
    }

    boolean complete(Committed c) {
        return c.alerts().size() >= alerts.size()
                && c.holds().size() >= holds.size()
                && c.deadLetters().size() >= panRecords;
    }

    /**
     * Waits until every expected output is committed and {@code alsoDone} holds, lets two more
     * checkpoints complete (a duplicate written late would be committed by then), then {@link
     * #verify}s what a read_committed consumer sees.
     */
    void awaitCommittedAndVerify(
            EmbeddedKafka kafka,
            String alerts,
            String holds,
            String dlq,
            RedisClient redis,
            String prefix,
            String restUrl,
            String jobId,
            BooleanSupplier alsoDone,
            Duration timeout)
            throws IOException {
        JobRunner.waitUntil(
                () -> complete(readCommitted(kafka, alerts, holds, dlq)) && alsoDone.getAsBoolean(),
                timeout,
                "every expected output");
        awaitNextCheckpoint(restUrl, jobId, Duration.ofSeconds(30));
        awaitNextCheckpoint(restUrl, jobId, Duration.ofSeconds(30));
        verify(readCommitted(kafka, alerts, holds, dlq), redis, prefix);
    }

    /**
     * Asserts every expected alert, hold and dead letter is committed exactly once and nothing else
     * is, that hold records in Redis agree with the held orders, and that no output and no Redis
     * value carries a raw card number or an input hash.
     */
    void verify(Committed c, RedisClient redis, String prefix) throws IOException {
        for (List<ConsumerRecord<byte[], byte[]>> topic :
                List.of(c.alerts(), c.holds(), c.deadLetters())) {
            for (ConsumerRecord<byte[], byte[]> r : topic) {
                assertFalse(PanGuard.containsPan(key(r)), "record key with a card number");
            }
        }

        // Alerts: each expected decision once, no other, ids unique.
        Map<String, JsonNode> alertsById = new HashMap<>();
        Map<ExpectedAlert, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : c.alerts()) {
            String text = new String(r.value(), StandardCharsets.UTF_8);
            noCardDataOrHashes("alert", text);
            JsonNode a = Json.mapper().readTree(r.value());
            String id = a.get("alertId").asText();
            assertNull(alertsById.put(id, a), "alert " + id + " committed twice");
            assertEquals(a.get("sessionId").asText(), key(r), "alert key is the session");
            List<String> rules = new ArrayList<>();
            a.get("reasons").forEach(reason -> rules.add(reason.get("ruleId").asText()));
            rules.sort(null);
            seen.merge(
                    new ExpectedAlert(
                            a.get("sessionId").asText(),
                            a.get("action").asText(),
                            String.join(",", rules),
                            a.hasNonNull("orderId") ? a.get("orderId").asText() : null),
                    1,
                    Integer::sum);
            cardFieldsAtMostBinAndLast4(a);
        }
        Map<ExpectedAlert, Integer> expected = new HashMap<>();
        alerts.forEach(e -> expected.merge(e, 1, Integer::sum));
        assertEquals(expected, seen, "committed alerts (decision -> copies) differ from expected");
        assertEquals(alerts.size(), c.alerts().size(), "alert records");

        // Escalation: REVIEW first (with the entered card's BIN/last 4), then HOLDs superseding it.
        for (String session : escalationSessions) {
            List<JsonNode> chain =
                    alertsById.values().stream()
                            .filter(a -> a.get("sessionId").asText().equals(session))
                            .toList();
            JsonNode review =
                    chain.stream()
                            .filter(a -> a.get("action").asText().equals("REVIEW"))
                            .findFirst()
                            .orElseThrow();
            assertFalse(review.hasNonNull("supersedes"), review.toString());
            assertEquals("411111", review.get("cardBin").asText(), review.toString());
            assertEquals(enteredLast4.get(session), review.get("cardLast4").asText());
            for (JsonNode a : chain) {
                if (a != review) {
                    assertTrue(a.hasNonNull("supersedes"), a.toString());
                    assertTrue(
                            alertsById.containsKey(a.get("supersedes").asText()),
                            "supersedes an alert that was committed: " + a);
                    assertTrue(a.hasNonNull("change"), a.toString());
                }
            }
        }

        // Holds: one per held order, pointing at a committed HOLD alert for that order.
        Map<String, JsonNode> holdsByOrder = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : c.holds()) {
            noCardDataOrHashes("hold", new String(r.value(), StandardCharsets.UTF_8));
            JsonNode h = Json.mapper().readTree(r.value());
            String order = h.get("orderId").asText();
            assertEquals(order, key(r), "hold key is the order");
            assertNull(holdsByOrder.put(order, h), "hold for " + order + " committed twice");
            assertEquals("HELD", h.get("status").asText());
            JsonNode alert = alertsById.get(h.get("alertId").asText());
            assertNotNull(alert, "hold " + order + " names a committed alert");
            assertEquals("HOLD", alert.get("action").asText());
            assertEquals(order, alert.get("orderId").asText());
            assertEquals(alert.get("score").asInt(), h.get("score").asInt());
            assertEquals(holds.get(order), h.get("sessionId").asText());
        }
        assertEquals(holds.keySet(), holdsByOrder.keySet(), "held orders");
        assertEquals(holds.size(), c.holds().size(), "hold records");

        // Dead letters: every rejected record once, masked.
        Set<String> sources = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : c.deadLetters()) {
            String text = new String(r.value(), StandardCharsets.UTF_8);
            assertFalse(PanGuard.containsPan(text), "dead letter with a card number: " + text);
            JsonNode dl = Json.mapper().readTree(r.value());
            assertEquals("PAN_DETECTED", dl.get("reason").asText(), text);
            assertTrue(
                    sources.add(dl.get("sourcePartition").asInt() + "@" + dl.get("sourceOffset")),
                    "dead letter for one source record committed twice: " + text);
        }
        assertEquals(panRecords, c.deadLetters().size(), "dead letters");

        // Redis: every hold record agrees with the hold on Kafka; nothing there holds a PAN.
        RedisKeys keys = new RedisKeys(prefix);
        for (JsonNode h : holdsByOrder.values()) {
            String order = h.get("orderId").asText();
            String stored = redis.get(keys.hold(order));
            assertNotNull(stored, "no Redis hold record for " + order);
            JsonNode rec = Json.mapper().readTree(stored);
            assertEquals("HELD", rec.get("status").asText(), stored);
            assertEquals(h.get("alertId").asText(), rec.get("alertId").asText(), stored);
            assertEquals(h.get("score").asInt(), rec.get("score").asInt(), stored);
            assertEquals(h.get("sessionId").asText(), rec.get("sessionId").asText(), stored);
        }
        int holdRecords = 0;
        for (String key : redis.keys(prefix + "*")) {
            assertFalse(PanGuard.containsPan(key), "Redis key with a card number: " + key);
            String type = redis.type(key);
            List<String> values =
                    switch (type) {
                        case "string" -> List.of(redis.get(key));
                        case "set" -> new ArrayList<>(redis.smembers(key));
                        case "hash" -> new ArrayList<>(redis.hgetAll(key).values());
                        case "list" -> redis.lrange(key, 0, -1);
                        default -> throw new AssertionError("unexpected Redis type " + type);
                    };
            for (String v : values) {
                assertFalse(PanGuard.containsPan(v), "Redis " + key + " holds a card number: " + v);
            }
            if (key.startsWith(keys.hold(""))) {
                holdRecords++;
                noCardDataOrHashes("Redis hold record", values.get(0));
            }
        }
        assertEquals(holds.size(), holdRecords, "Redis hold records");
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    }

    private void noCardDataOrHashes(String what, String text) {
        assertFalse(PanGuard.containsPan(text), what + " with a raw card number: " + text);
        for (String hash : inputHashes) {
            assertFalse(text.contains(hash), what + " repeats an input hash: " + text);
        }
        assertFalse(text.contains("\"ch-"), what + " repeats a card hash: " + text);
    }

    /** The only card data an alert carries: a BIN (6 to 8 digits) and the last 4 digits. */
    private static void cardFieldsAtMostBinAndLast4(JsonNode alert) {
        Iterator<Map.Entry<String, JsonNode>> fields = alert.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey().toLowerCase(Locale.ROOT);
            assertFalse(name.endsWith("hash"), "alert carries a hash field: " + alert);
            if (name.contains("card") || name.contains("pan")) {
                assertTrue(Set.of("cardbin", "cardlast4").contains(name), "alert field " + name);
            }
        }
        JsonNode bin = alert.get("cardBin");
        if (bin != null && !bin.isNull()) {
            assertTrue(bin.asText().matches("\\d{6,8}"), "cardBin " + bin);
        }
        JsonNode last4 = alert.get("cardLast4");
        if (last4 != null && !last4.isNull()) {
            assertTrue(last4.asText().matches("\\d{4}"), "cardLast4 " + last4);
        }
    }

    // ---- Flink REST
    // ------------------------------------------------------------------------------

    /** GET {@code path} on the Flink REST API at {@code baseUrl} (http://host:port). */
    static JsonNode rest(String baseUrl, String path) {
        try {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(baseUrl + path))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The stack traces of every failure in the job's exception history, each root failure and the
     * failures concurrent with it.
     */
    static List<String> failureTraces(String baseUrl, String jobId) {
        List<String> out = new ArrayList<>();
        for (JsonNode e :
                rest(baseUrl, "/jobs/" + jobId + "/exceptions")
                        .path("exceptionHistory")
                        .path("entries")) {
            out.add(e.path("stacktrace").asText());
            for (JsonNode c : e.path("concurrentExceptions")) {
                out.add(c.path("stacktrace").asText());
            }
        }
        return out;
    }

    /** Checkpoint counts of a job: completed, failed, restored. */
    static JsonNode checkpointCounts(String baseUrl, String jobId) {
        return rest(baseUrl, "/jobs/" + jobId + "/checkpoints").path("counts");
    }

    /** Waits until the job has completed a checkpoint after the ones completed so far. */
    static void awaitNextCheckpoint(String baseUrl, String jobId, Duration timeout) {
        long before = checkpointCounts(baseUrl, jobId).path("completed").asLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (checkpointCounts(baseUrl, jobId).path("completed").asLong() <= before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint completed in " + timeout);
            }
            sleep(100);
        }
    }

    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
