package dev.fraudmonitor.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.PanGuard;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command over a JSON-lines file: traffic built so that we know, without running the engine,
 * which sessions sit between two thresholds of one rule.
 *
 * <p>Session {@code s-fails-k} makes {@code k} failed logins for a username of its own, from an IP
 * and device of its own, so only {@code brute-force-account} (fires when failures > threshold) can
 * fire in it, and it alone (weight 60) reaches REVIEW (50) but not HOLD. With the shipped threshold
 * 5 the sessions with 6..8 failures alert; with a candidate threshold 4 the session with 5 failures
 * alerts too, and nothing else changes.
 */
class BacktestCommandTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final int MAX_FAILURES = 8;

    @TempDir static Path dir;
    static Path events;
    static Path baseline;
    static Path candidate;
    static Path labels;

    @BeforeAll
    static void writeTrafficRulesAndLabels() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int k = 1; k <= MAX_FAILURES; k++) {
            Session s = new Session("s-fails-" + k, null, "198.51.100." + k, "US", "d-fails-" + k);
            for (int i = 0; i < k; i++) {
                CheckoutEvent e =
                        s.login(T0.plusSeconds(60L * k + i), "user-" + k, LoginOutcome.FAILURE);
                lines.add(new String(TestEvents.encode(e), StandardCharsets.UTF_8));
            }
        }
        Session shopper = new Session("s-shopper", null, "203.0.113.7", "US", "d-shopper");
        for (int i = 0; i < 4; i++) {
            lines.add(json(shopper.pageView(T0.plusSeconds(600 + 20L * i), "/p/" + i)));
        }
        lines.add(
                json(
                        shopper.order(
                                T0.plusSeconds(700), "o-shopper", "c-1", 1200, "US", "US", "US")));
        // What a broken producer sends: counted by reason, never fatal.
        lines.add("not json at all");
        lines.add("{\"eventId\":\"x\",\"type\":\"LOGIN\"}");
        lines.add(
                "{\"eventId\":\"y\",\"type\":\"TELEPORT\",\"occurredAt\":\"2026-03-02T10:00:00Z\"}");
        events = dir.resolve("events.jsonl");
        Files.write(events, lines);

        // The shipped rules with brute force at more than 5 failures, and a candidate at 4.
        baseline = dir.resolve("default-rules.json");
        Files.writeString(baseline, withBruteForceThreshold(5));
        candidate = dir.resolve("candidate.json");
        Files.writeString(candidate, withBruteForceThreshold(4));

        labels = dir.resolve("labels.jsonl");
        Files.write(
                labels,
                List.of(
                        "{\"sessionId\":\"s-fails-5\",\"verdict\":\"FRAUD\"}",
                        "{\"sessionId\":\"s-fails-6\",\"verdict\":\"FRAUD\",\"caseId\":\"c-1\"}",
                        "{\"sessionId\":\"s-fails-7\",\"verdict\":\"fraud\"}",
                        "{\"sessionId\":\"s-fails-8\",\"verdict\":\"LEGITIMATE\"}",
                        "{\"sessionId\":\"s-fails-1\",\"verdict\":\"LEGITIMATE\"}",
                        "{\"orderId\":\"o-shopper\",\"verdict\":\"LEGITIMATE\",\"who\":\"rep-1\"}",
                        "{\"caseId\":\"c-9\",\"verdict\":\"FRAUD\"}",
                        "{\"sessionId\":\"s-never-seen\",\"verdict\":\"FRAUD\"}",
                        "garbage"));
    }

    @Test
    void aCandidateThatChangesOneThresholdReportsExactlyTheSessionsBetweenTheTwo()
            throws IOException {
        Path json = dir.resolve("threshold.json");
        Run run =
                run(
                        "--events", events.toString(),
                        "--rules", candidate.toString(),
                        "--baseline-rules", baseline.toString(),
                        "--json", json.toString());
        assertEquals(0, run.code, run.err);
        JsonNode diff = Json.mapper().readTree(json.toFile()).path("diff");
        assertEquals(List.of("s-fails-5"), strings(diff.path("newlyAlerted")), run.out);
        assertEquals(List.of(), strings(diff.path("noLongerAlerted")));
        assertEquals(List.of(), strings(diff.path("newlyHeld")));
        assertEquals(List.of(), strings(diff.path("noLongerHeld")));
        assertEquals(1, diff.path("changed").size(), run.out);
        assertEquals("s-fails-5", diff.path("changed").get(0).path("sessionId").asText());
        assertEquals("none", diff.path("changed").get(0).path("before").asText());
        assertEquals("REVIEW", diff.path("changed").get(0).path("after").asText());
        assertTrue(run.out.contains("s-fails-5: none -> REVIEW"), run.out);
    }

    @Test
    void perRuleFiguresCountHitsSessionsAndAlerts() throws IOException {
        Path json = dir.resolve("rules.json");
        Run run =
                run(
                        "--events",
                        events.toString(),
                        "--rules",
                        baseline.toString(),
                        "--json",
                        json.toString());
        assertEquals(0, run.code, run.err);
        JsonNode report = Json.mapper().readTree(json.toFile());
        JsonNode brute = rule(report, "brute-force-account");
        // Failures 6, 7 and 8 exceed 5: one hit for each failure past the threshold.
        assertEquals(1 + 2 + 3, brute.path("hits").asLong());
        assertEquals(3, brute.path("sessions").asLong());
        assertEquals(3, brute.path("alerts").asLong());
        assertEquals(0, brute.path("holds").asLong());
        assertEquals(3, report.path("totals").path("candidate").path("sessionsAlerted").asLong());
        assertFalse(report.has("diff"), "no baseline, no diff");
    }

    @Test
    void invalidRecordsAreCountedByReasonAndTheRunGoesOn() throws IOException {
        Path json = dir.resolve("invalid.json");
        Run run =
                run(
                        "--events",
                        events.toString(),
                        "--rules",
                        baseline.toString(),
                        "--json",
                        json.toString());
        assertEquals(0, run.code, run.err);
        JsonNode totals = Json.mapper().readTree(json.toFile()).path("totals");
        JsonNode invalid = totals.path("invalidByReason");
        assertEquals(1, invalid.path("NOT_JSON").asLong(), invalid.toString());
        assertEquals(1, invalid.path("MISSING_FIELD").asLong(), invalid.toString());
        assertEquals(1, invalid.path("UNKNOWN_TYPE").asLong(), invalid.toString());
        assertEquals(totals.path("records").asLong() - 3, totals.path("events").asLong());
        assertTrue(run.out.contains("NOT_JSON 1"), run.out);
    }

    @Test
    void labelsGivePerRulePrecisionAndRecallOverTheSessionsTheyPlace() throws IOException {
        Path json = dir.resolve("labels.json");
        Run run =
                run(
                        "--events", events.toString(),
                        "--rules", candidate.toString(),
                        "--labels", labels.toString(),
                        "--json", json.toString());
        assertEquals(0, run.code, run.err);
        JsonNode report = Json.mapper().readTree(json.toFile());
        JsonNode l = report.path("labels");
        assertEquals(9, l.path("read").asLong());
        // s-fails-1, 5, 6, 7, 8 by session id, s-shopper through its order id.
        assertEquals(6, l.path("labelledSessions").asLong(), l.toString());
        assertEquals(3, l.path("fraudSessions").asLong());
        assertEquals(1, l.path("notInRange").asLong());
        assertEquals(1, l.path("caseIdOnly").asLong());
        assertEquals(1, l.path("unreadable").asLong());
        // With threshold 4 the rule fires in sessions 5..8: three of them fraud, one legitimate.
        JsonNode brute = rule(report, "brute-force-account");
        assertEquals(4, brute.path("labelledSessions").asLong());
        assertEquals(0.75, brute.path("precision").asDouble(), 1e-9);
        assertEquals(1.0, brute.path("recall").asDouble(), 1e-9);
        JsonNode quiet = rule(report, "credential-stuffing-ip");
        assertTrue(quiet.path("precision").isNull());
        assertEquals(0.0, quiet.path("recall").asDouble(), 1e-9);
        assertTrue(run.out.contains("0.75 (3/4)"), run.out);
    }

    @Test
    void anAlertIdLabelIsPlacedOnTheSessionOfThatAlert() throws IOException {
        Report first =
                BacktestMain.execute(
                        BacktestOptions.parse(
                                new String[] {
                                    "--events", events.toString(),
                                    "--rules", baseline.toString(),
                                    "--no-progress"
                                }),
                        System.err);
        String alertId = first.result().candidateOutcome("s-fails-7").alertIds.get(0);
        Path byAlert = dir.resolve("labels-by-alert.jsonl");
        Files.writeString(byAlert, "{\"alertId\":\"" + alertId + "\",\"verdict\":\"FRAUD\"}\n");
        Path json = dir.resolve("by-alert.json");
        Run run =
                run(
                        "--events", events.toString(),
                        "--rules", baseline.toString(),
                        "--labels", byAlert.toString(),
                        "--json", json.toString());
        assertEquals(0, run.code, run.err);
        JsonNode report = Json.mapper().readTree(json.toFile());
        assertEquals(1, report.path("labels").path("labelledSessions").asLong());
        JsonNode brute = rule(report, "brute-force-account");
        assertEquals(1, brute.path("labelledFraudSessions").asLong());
        assertEquals(1.0, brute.path("recall").asDouble(), 1e-9);
    }

    @Test
    void anUnparseableRulesFileGivesOneClearErrorAndExitCode1() throws IOException {
        Path bad = dir.resolve("bad-rules.json");
        Files.writeString(bad, "{\"version\": 1, \"rules\": [");
        Run run = run("--events", events.toString(), "--rules", bad.toString());
        assertEquals(1, run.code);
        assertTrue(run.err.startsWith("error: --rules " + bad), run.err);
        assertEquals(1, run.err.strip().lines().count(), run.err);
        assertEquals("", run.out);
    }

    @Test
    void unreachableKafkaGivesOneClearErrorAndExitCode1() {
        Run run =
                run(
                        "--kafka",
                        "127.0.0.1:1",
                        "--rules",
                        baseline.toString(),
                        "--kafka-property",
                        "default.api.timeout.ms=1500",
                        "--no-progress");
        assertEquals(1, run.code);
        assertTrue(run.err.startsWith("error: --kafka 127.0.0.1:1: no answer from Kafka"), run.err);
        assertEquals(1, run.err.strip().lines().count(), run.err);
    }

    @Test
    void kafkaClientSettingsAreNeverPrinted() {
        Run run =
                run(
                        "--kafka", "127.0.0.1:1",
                        "--rules", baseline.toString(),
                        "--kafka-property", "sasl.jaas.config=s3cret-jaas",
                        "--kafka-property", "default.api.timeout.ms=1000");
        assertEquals(1, run.code);
        assertFalse(run.err.contains("s3cret"), run.err);
        Run malformed =
                run(
                        "--kafka", "127.0.0.1:1",
                        "--rules", baseline.toString(),
                        "--kafka-property", "s3cret-without-key");
        assertEquals(1, malformed.code);
        assertTrue(malformed.err.contains("--kafka-property: expected key=value"), malformed.err);
        assertFalse(malformed.err.contains("s3cret"), malformed.err);
    }

    @Test
    void badOptionsNameTheOptionAndExitWith2() {
        Run missing = run("--events", events.toString());
        assertEquals(2, missing.code);
        assertTrue(missing.err.contains("--rules FILE is required"), missing.err);
        Run both = run("--events", "x", "--kafka", "h:1", "--rules", "r");
        assertEquals(2, both.code);
        assertTrue(both.err.contains("exactly one of --events"), both.err);
        Run time = run("--kafka", "h:1", "--rules", "r", "--from", "yesterday");
        assertEquals(2, time.code);
        assertTrue(time.err.contains("--from: expected an ISO-8601 instant"), time.err);
    }

    @Test
    void helpListsEveryOption() {
        Run help = run("--help");
        assertEquals(0, help.code);
        for (String o :
                List.of(
                        "--rules",
                        "--redis",
                        "--prefix",
                        "--baseline-rules",
                        "--events",
                        "--kafka",
                        "--topic",
                        "--from",
                        "--to",
                        "--kafka-property",
                        "--kafka-properties",
                        "--labels",
                        "--labels-topic",
                        "--json",
                        "--max-ids",
                        "--no-progress")) {
            assertTrue(help.out.contains(o + " "), o);
        }
    }

    @Test
    void nothingPrintedLooksLikeACardNumber() {
        Run run =
                run(
                        "--events", events.toString(),
                        "--rules", candidate.toString(),
                        "--baseline-rules", baseline.toString(),
                        "--labels", labels.toString());
        assertEquals(0, run.code, run.err);
        assertFalse(PanGuard.containsPan(run.out), run.out);
        assertFalse(PanGuard.containsPan(run.err), run.err);
    }

    // ------------------------------------------------------------------ helpers

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                BacktestMain.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static JsonNode rule(JsonNode report, String id) {
        for (JsonNode r : report.path("rules")) {
            if (r.path("id").asText().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no rule " + id + " in the report");
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String json(CheckoutEvent e) {
        return new String(TestEvents.encode(e), StandardCharsets.UTF_8);
    }

    static String defaultRules() throws IOException {
        try (InputStream in =
                BacktestCommandTest.class.getResourceAsStream("/rules/default-rules.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String withBruteForceThreshold(int threshold) throws IOException {
        ObjectNode rules = (ObjectNode) Json.mapper().readTree(defaultRules());
        for (JsonNode r : rules.path("rules")) {
            if (r.path("id").asText().equals("brute-force-account")) {
                ((ObjectNode) r).put("threshold", threshold);
            }
        }
        return rules.toString();
    }
}
