package dev.fraudmonitor.console;

import static dev.fraudmonitor.console.ConsoleEnv.ANALYST;
import static dev.fraudmonitor.console.ConsoleEnv.PASSWORD;
import static dev.fraudmonitor.console.ConsoleEnv.REP;
import static dev.fraudmonitor.console.ConsoleEnv.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console in this JVM against real Kafka, Redis and PostgreSQL, driven over HTTP. The login
 * limit counts per client address, and every client here is 127.0.0.1: the test that uses it up
 * runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CareConsoleITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    static Postgres pg;
    static ConsoleEnv env;
    static CareConsole console;
    static TestAlerts alerts;

    @BeforeAll
    static void start() throws Exception {
        pg = new Postgres();
        env = new ConsoleEnv(KAFKA.kafka(), REDIS.redis());
        console =
                CareConsole.start(
                        env.config(pg.jdbcUrl(), "--login-limit", "12", "--trust-proxy", "true"));
        alerts = new TestAlerts(KAFKA.kafka(), env.alerts);
    }

    @AfterAll
    static void stop() {
        if (alerts != null) {
            alerts.close();
        }
        if (console != null) {
            console.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void everyPageAndActionWithoutALoginIsRefused() throws Exception {
        WebClient anonymous = new WebClient(console.port());
        assertEquals(200, anonymous.get("/health").statusCode());
        for (String path : List.of("/", "/cases/C-1", "/deliveries", "/?status=ALL")) {
            HttpResponse<String> r = anonymous.get(path);
            assertEquals(302, r.statusCode(), path);
            assertEquals("/login", r.headers().firstValue("Location").orElse(""), path);
        }
        for (String path : List.of("/api/version", "/queue/fragment", "/cases/C-1/fragment")) {
            assertEquals(401, anonymous.get(path).statusCode(), path);
        }
        anonymous.get("/login");
        for (String action : List.of("assign", "note", "release", "decide", "merge", "split")) {
            HttpResponse<String> r =
                    anonymous.submit(
                            "/cases/C-1/" + action,
                            Map.of("reason", "x", "text", "x", "verdict", "FRAUD"));
            assertEquals(401, r.statusCode(), action);
        }
    }

    @Test
    void aForgedCrossSitePostIsRefused() throws Exception {
        String caseId = caseOf(sendOne(Action.REVIEW, null));
        WebClient rep = loggedIn(REP);
        HttpResponse<String> noToken = rep.post("/cases/" + caseId + "/assign", Map.of());
        assertEquals(403, noToken.statusCode());
        HttpResponse<String> wrongToken =
                rep.post("/cases/" + caseId + "/assign", Map.of("_csrf", "guessed"));
        assertEquals(403, wrongToken.statusCode());
        HttpResponse<String> otherOrigin =
                rep.post(
                        "/cases/" + caseId + "/assign",
                        Map.of("_csrf", rep.csrf()),
                        Map.of("Origin", "https://attacker.example"));
        assertEquals(403, otherOrigin.statusCode());
        assertEquals(
                0,
                count(
                        "select count(*) from audit where action = 'ASSIGNED' and case_id = '"
                                + caseId
                                + "'"));
        assertEquals(303, rep.submit("/cases/" + caseId + "/assign", Map.of()).statusCode());
        assertEquals(
                1,
                count(
                        "select count(*) from audit where action = 'ASSIGNED' and case_id = '"
                                + caseId
                                + "'"));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void anUnknownUserAndAWrongPasswordGetTheSameAnswerInTheSameTimeAndGuessingIsLimited()
            throws Exception {
        WebClient c = new WebClient(console.port());
        List<Long> unknown = new ArrayList<>();
        List<Long> wrong = new ArrayList<>();
        String unknownBody = null;
        String wrongBody = null;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> u = c.login("nobody-" + i, "whatever password");
            unknown.add(System.nanoTime() - t0);
            t0 = System.nanoTime();
            HttpResponse<String> w = c.login(ANALYST, "wrong password " + i);
            wrong.add(System.nanoTime() - t0);
            assertEquals(401, u.statusCode());
            assertEquals(401, w.statusCode());
            unknownBody = u.body().replaceAll("value=\"[^\"]*\"", "");
            wrongBody = w.body().replaceAll("value=\"[^\"]*\"", "");
        }
        assertEquals(unknownBody, wrongBody);
        assertTrue(unknownBody.contains("Unknown user or wrong password."));
        long mu = median(unknown);
        long mw = median(wrong);
        System.out.printf(
                "login failure median: unknown user %.1f ms, wrong password %.1f ms%n",
                mu / 1e6, mw / 1e6);
        assertTrue(
                mu < 3 * mw + 20_000_000L && mw < 3 * mu + 20_000_000L,
                "timings differ: " + mu + " vs " + mw);
        // 10 failures from this address so far; the limit is 12.
        c.login("nobody", "x");
        c.login("nobody", "x");
        HttpResponse<String> limited = c.login(ANALYST, PASSWORD);
        assertEquals(429, limited.statusCode());
        assertTrue(limited.body().contains("Too many failed logins"));
        // Behind the proxy, another client (the last X-Forwarded-For entry) is not locked out.
        c.get("/login");
        HttpResponse<String> otherClient =
                c.post(
                        "/login",
                        Map.of("_csrf", c.csrf(), "username", ANALYST, "password", PASSWORD),
                        Map.of("X-Forwarded-For", "127.0.0.1, 10.9.9.9"));
        assertEquals(302, otherClient.statusCode(), otherClient.body());
    }

    @Test
    void theCspHeaderAllowsNoInlineScript() throws Exception {
        WebClient c = new WebClient(console.port());
        for (HttpResponse<String> r : List.of(c.get("/login"), loggedIn(REP).get("/"))) {
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'"), csp);
            assertFalse(csp.contains("unsafe-inline"), csp);
        }
        HttpResponse<String> login = c.get("/login");
        String cookie = login.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    }

    @Test
    void scriptInAReasonOrUserAgentIsRenderedAsText() throws Exception {
        ObjectNode a =
                TestAlerts.json(
                        TestAlerts.alert(
                                id(), "s-" + id(), "acc-" + id(), null, Action.REVIEW, 50));
        ((ObjectNode) a.withArray("reasons").get(0))
                .put("text", "<script>alert('r')</script> logins");
        a.put("userAgent", "<script>alert('ua')</script>Mozilla");
        alerts.sendCommitted(List.of(a));
        String caseId = caseOf(a.get("alertId").asText());
        String page = loggedIn(REP).get("/cases/" + caseId).body();
        assertFalse(page.contains("<script>alert"), page);
        assertTrue(
                page.contains("&lt;script&gt;alert(&#39;r&#39;)&lt;/script&gt; logins")
                        || page.contains("&lt;script&gt;alert('r')&lt;/script&gt; logins"),
                page);
        assertTrue(page.contains("&lt;script&gt;alert"), page);
    }

    @Test
    void theAlertsOfAMultiSessionAttackJoinOneCaseAndAReplayDoublesNothing() throws Exception {
        String account = "acc-" + id();
        List<ObjectNode> attack = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            attack.add(
                    TestAlerts.json(
                            TestAlerts.alert(
                                    id(), "s-" + id(), account, null, Action.REVIEW, 40 + i)));
        }
        alerts.sendCommitted(attack.subList(0, 1));
        alerts.sendAborted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        "aborted-" + id(),
                                        "s-x",
                                        account,
                                        null,
                                        Action.HOLD,
                                        99))));
        alerts.sendCommitted(attack.subList(1, 3));
        alerts.sendCommitted(attack); // the job replaying after a restore
        // A job-provided caseId wins over linking: another account, same case.
        ObjectNode withCaseId =
                TestAlerts.json(
                        TestAlerts.alert(
                                id(), "s-" + id(), "acc-other-" + id(), null, Action.REVIEW, 30));
        withCaseId.put("caseId", "job-case-" + id());
        ObjectNode sameJobCase =
                TestAlerts.json(
                        TestAlerts.alert(
                                id(), "s-" + id(), "acc-third-" + id(), null, Action.REVIEW, 31));
        sameJobCase.put("caseId", withCaseId.get("caseId").asText());
        alerts.sendCommitted(List.of(withCaseId, sameJobCase));
        String caseId = caseOf(attack.get(0).get("alertId").asText());
        for (ObjectNode a : attack) {
            assertEquals(caseId, caseOf(a.get("alertId").asText()));
        }
        await(
                "job-linked alerts",
                Duration.ofSeconds(20),
                () ->
                        count(
                                        "select count(*) from alerts where alert_id = '"
                                                + sameJobCase.get("alertId").asText()
                                                + "'")
                                == 1);
        assertEquals(
                caseOf(withCaseId.get("alertId").asText()),
                caseOf(sameJobCase.get("alertId").asText()));
        assertEquals(3, count("select count(*) from alerts where case_id = '" + caseId + "'"));
        assertEquals(0, count("select count(*) from alerts where alert_id like 'aborted-%'"));
        String queue = loggedIn(REP).get("/").body();
        assertTrue(queue.contains(caseId), queue);
    }

    @Test
    void releasingAHoldChangesTheRedisRecordAndWritesTheReleaseRecord() throws Exception {
        String order = "o-" + id();
        String alertId = id();
        RedisKeys keys = new RedisKeys(env.redisPrefix);
        Hold hold =
                new Hold(
                        order,
                        "s-1",
                        "acc-1",
                        alertId,
                        HoldStatus.HELD,
                        90,
                        List.of(),
                        Instant.now(),
                        null,
                        null,
                        null,
                        null);
        REDIS.client().set(keys.hold(order), Json.mapper().writeValueAsString(hold));
        alerts.sendCommitted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        alertId,
                                        "s-" + id(),
                                        "acc-" + id(),
                                        order,
                                        Action.HOLD,
                                        90))));
        String caseId = caseOf(alertId);
        WebClient rep = loggedIn(REP);
        assertTrue(rep.get("/cases/" + caseId).body().contains("Release hold on " + order));
        HttpResponse<String> r =
                rep.submit(
                        "/cases/" + caseId + "/release",
                        Map.of("orderId", order, "reason", "customer verified by phone"));
        assertEquals(303, r.statusCode(), r.body());
        JsonNode record = Json.mapper().readTree(REDIS.client().get(keys.hold(order)));
        assertEquals("RELEASED", record.get("status").asText());
        assertEquals(REP, record.get("releasedBy").asText());
        List<ConsumerRecord<byte[], byte[]>> released =
                KAFKA.kafka().readAll(env.holds, true, 1, Duration.ofSeconds(20));
        assertTrue(
                released.stream()
                        .anyMatch(
                                x ->
                                        new String(x.key(), StandardCharsets.UTF_8).equals(order)
                                                && new String(x.value(), StandardCharsets.UTF_8)
                                                        .contains("\"RELEASED\"")));
        assertEquals(
                1,
                count(
                        "select count(*) from audit where action = 'HOLD_RELEASED' and case_id = '"
                                + caseId
                                + "'"));
        assertTrue(rep.get("/cases/" + caseId).body().contains("data-hold-status=\"RELEASED\""));
        // An analyst may read but not release.
        WebClient analyst = loggedIn(ANALYST);
        assertEquals(
                403,
                analyst.submit(
                                "/cases/" + caseId + "/release",
                                Map.of("orderId", order, "reason", "x"))
                        .statusCode());
    }

    @Test
    void markingACaseLegitimatePublishesALabelPerAlertAndFeedsRulePrecision() throws Exception {
        String account = "acc-" + id();
        String a1 = id();
        String a2 = id();
        alerts.sendCommitted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        a1, "s-" + id(), account, null, Action.REVIEW, 40)),
                        TestAlerts.json(
                                TestAlerts.alert(
                                        a2, "s-" + id(), account, null, Action.REVIEW, 45))));
        String caseId = caseOf(a1);
        await("second alert", Duration.ofSeconds(20), () -> caseId.equals(caseOfOrNull(a2)));
        WebClient rep = loggedIn(REP);
        rep.get("/cases/" + caseId);
        HttpResponse<String> r =
                rep.submit(
                        "/cases/" + caseId + "/decide",
                        Map.of(
                                "verdict",
                                "LEGITIMATE",
                                "reason",
                                "regular customer, confirmed by phone 4111 1111 1111 1111"));
        assertEquals(303, r.statusCode(), r.body());
        List<ConsumerRecord<byte[], byte[]>> labels =
                KAFKA.kafka().readAll(env.labels, true, 2, Duration.ofSeconds(20));
        List<JsonNode> mine = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> x : labels) {
            JsonNode n = Json.mapper().readTree(x.value());
            if (caseId.equals(n.path("caseId").asText())) {
                mine.add(n);
            }
        }
        assertEquals(2, mine.size(), labels.toString());
        for (JsonNode n : mine) {
            assertEquals("LEGITIMATE", n.get("verdict").asText());
            assertEquals(REP, n.get("by").asText());
            assertFalse(n.get("reason").asText().contains("4111 1111 1111 1111"), n.toString());
        }
        assertEquals(
                1,
                count(
                        "select count(*) from cases where status = 'CLOSED_LEGITIMATE' and case_id = '"
                                + caseId
                                + "'"));
        await(
                "precision metric",
                Duration.ofSeconds(20),
                () -> metrics().contains("fraud_console_rule_precision{rule=\"brute-force\"}"));
        // Deciding twice is refused: the case is closed.
        rep.get("/cases/" + caseId);
        assertEquals(
                409,
                rep.submit(
                                "/cases/" + caseId + "/decide",
                                Map.of("verdict", "FRAUD", "reason", "changed my mind"))
                        .statusCode());
        // The audit trail cannot be edited in place.
        try {
            console.database()
                    .tx(c -> c.createStatement().executeUpdate("update audit set reason = 'x'"));
            throw new AssertionError("audit update was accepted");
        } catch (RuntimeException expected) {
            assertTrue(
                    String.valueOf(expected.getMessage()).contains("append-only")
                            || String.valueOf(expected.getCause()).contains("append-only"),
                    String.valueOf(expected));
        }
    }

    @Test
    void mergeAndSplitRecordTheirReason() throws Exception {
        String a1 = id();
        String a2 = id();
        alerts.sendCommitted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        a1, "s-" + id(), "acc-" + id(), null, Action.REVIEW, 40))));
        alerts.sendCommitted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        a2, "s-" + id(), "acc-" + id(), null, Action.HOLD, 70))));
        String c1 = caseOf(a1);
        String c2 = caseOf(a2);
        assertFalse(c1.equals(c2));
        WebClient rep = loggedIn(REP);
        rep.get("/cases/" + c1);
        assertEquals(
                303,
                rep.submit(
                                "/cases/" + c1 + "/merge",
                                Map.of("into", c2, "reason", "same fraudster, two accounts"))
                        .statusCode());
        assertEquals(c2, caseOf(a1));
        assertEquals(
                1,
                count(
                        "select count(*) from audit where action = 'MERGED' and case_id = '"
                                + c1
                                + "' and reason = 'same fraudster, two accounts'"));
        rep.get("/cases/" + c2);
        assertEquals(
                303,
                rep.submit(
                                "/cases/" + c2 + "/split",
                                Map.of("alertId", a1, "reason", "different incident after all"))
                        .statusCode());
        String c3 = caseOf(a1);
        assertFalse(c3.equals(c2));
        assertEquals(
                1,
                count(
                        "select count(*) from audit where action = 'SPLIT' and case_id = '"
                                + c3
                                + "'"));
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void closedCasesArePurgedAfterTheRetentionAndLabelsAndAuditAfterTheDisputePeriod()
            throws Exception {
        String alertId = id();
        alerts.sendCommitted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        alertId,
                                        "s-" + id(),
                                        "acc-" + id(),
                                        null,
                                        Action.REVIEW,
                                        40))));
        String caseId = caseOf(alertId);
        WebClient rep = loggedIn(REP);
        rep.get("/cases/" + caseId);
        assertEquals(
                303,
                rep.submit(
                                "/cases/" + caseId + "/decide",
                                Map.of("verdict", "FRAUD", "reason", "stolen card"))
                        .statusCode());
        java.time.Instant now = java.time.Instant.now();
        Retention retention =
                new Retention(
                        console.database(),
                        Duration.ofDays(90),
                        Duration.ofDays(540),
                        java.time.Clock.fixed(
                                now.plus(Duration.ofDays(91)), java.time.ZoneOffset.UTC));
        assertTrue(retention.purge() >= 1);
        assertEquals(0, count("select count(*) from alerts where alert_id = '" + alertId + "'"));
        assertEquals(0, count("select count(*) from cases where case_id = '" + caseId + "'"));
        assertEquals(
                1,
                count("select count(*) from labels where alert_id = '" + alertId + "'"),
                "labels are dispute evidence");
        assertTrue(
                count("select count(*) from audit where case_id = '" + caseId + "'") >= 2,
                "so is the audit trail");
        new Retention(
                        console.database(),
                        Duration.ofDays(90),
                        Duration.ofDays(540),
                        java.time.Clock.fixed(
                                now.plus(Duration.ofDays(541)), java.time.ZoneOffset.UTC))
                .purge();
        assertEquals(0, count("select count(*) from labels where alert_id = '" + alertId + "'"));
        assertEquals(0, count("select count(*) from audit where case_id = '" + caseId + "'"));
    }

    // --- helpers ----------------------------------------------------------------------------

    static String id() {
        return UUID.randomUUID().toString().substring(0, 12);
    }

    static String sendOne(Action action, String order) {
        String alertId = id();
        alerts.sendCommitted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        alertId, "s-" + id(), "acc-" + id(), order, action, 50))));
        return alertId;
    }

    static WebClient loggedIn(String user) throws Exception {
        WebClient c = new WebClient(console.port());
        HttpResponse<String> r = c.login(user, PASSWORD);
        assertEquals(302, r.statusCode(), r.body());
        c.get("/");
        return c;
    }

    static String caseOf(String alertId) {
        await(
                "alert " + alertId + " stored",
                Duration.ofSeconds(20),
                () -> caseOfOrNull(alertId) != null);
        return caseOfOrNull(alertId);
    }

    static String caseOfOrNull(String alertId) {
        return console.database()
                .tx(
                        c -> {
                            try (PreparedStatement q =
                                    c.prepareStatement(
                                            "select case_id from alerts where alert_id = ?")) {
                                q.setString(1, alertId);
                                try (ResultSet rs = q.executeQuery()) {
                                    return rs.next() ? rs.getString(1) : null;
                                }
                            }
                        });
    }

    static long count(String sql) {
        return console.database()
                .tx(
                        c -> {
                            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                                rs.next();
                                return rs.getLong(1);
                            }
                        });
    }

    static String metrics() {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + console.metricsPort()
                                                            + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    static long median(List<Long> xs) {
        long[] a = xs.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }
}
