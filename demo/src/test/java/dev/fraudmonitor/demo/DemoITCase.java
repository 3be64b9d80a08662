package dev.fraudmonitor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.model.Alert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's demo, in-process: real Kafka, real redis-server, the fraud job in a MiniCluster and
 * about 30 s of simulated traffic with every typology in it. Every attack typology must raise at
 * least one alert, no benign session (NORMAL or look-alike) may raise any, and shutdown must leave
 * no redis-server process and no temp directory behind. The typologies added for rule set v2 are
 * left out of the alert checks; per-incident figures for all typologies come from {@link
 * DetectionSuite}.
 */
class DemoITCase {

    @Test
    void everyAttackTypologyIsAlertedAndNoBenignSessionIs() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<String> tmpBefore = list(tmp);
        ByteArrayOutputStream view = new ByteArrayOutputStream();
        PrintStream out =
                new PrintStream(new TeeStream(view, System.out), true, StandardCharsets.UTF_8);
        Demo.Settings settings =
                Demo.Settings.defaults()
                        .withTraffic(25, Duration.ofSeconds(30), 0.3, 20260302L)
                        .withInfra(null, null, null, 0);
        Demo demo = new Demo(settings, out);
        String metrics;
        try {
            demo.start();
            assertTrue(demo.awaitSimulation(Duration.ofMinutes(3)), "simulator did not finish");
            assertNull(demo.simulatorFailure(), "simulator failed");
            demo.drain();
            metrics = scrape(demo.metricsPort());
        } finally {
            demo.close();
        }

        Map<Typology, Integer> alerted = demo.alertedSessionsByTypology();
        Map<Typology, Long> sessions = demo.simulator().sessionCounts();
        String table = table(sessions, alerted);

        List<Alert> unmatched = new ArrayList<>();
        for (Demo.SeenAlert a : demo.alerts()) {
            if (a.typology() == null) unmatched.add(a.alert());
        }
        assertEquals(
                List.of(), unmatched, "alerts for sessions the simulator never made\n" + table);
        for (Typology t : Typology.values()) {
            assertTrue(
                    sessions.getOrDefault(t, 0L) > 0, "no " + t + " session simulated\n" + table);
        }
        List<Typology> missed = new ArrayList<>();
        List<String> falsePositives = new ArrayList<>();
        for (Typology t : Typology.values()) {
            if (SimulatedTrafficAgainstRulesTest.ADDED_WITH_RULES_V2.contains(t)) {
                continue; // rule set v1 has no rule for them; DETECTION.md has their figures
            }
            int n = alerted.getOrDefault(t, 0);
            if (t.isAttack() && n == 0) missed.add(t);
            if (t.isBenign() && n > 0) falsePositives.add(t + " (" + n + " sessions)");
        }
        String falseAlerts =
                demo.alerts().stream()
                        .filter(a -> a.typology() != null && a.typology().isBenign())
                        .filter(
                                a ->
                                        !SimulatedTrafficAgainstRulesTest.ADDED_WITH_RULES_V2
                                                .contains(a.typology()))
                        .map(a -> a.typology() + ": " + a.alert())
                        .collect(Collectors.joining("\n"));
        assertEquals(List.of(), missed, "attack typologies without any alert\n" + table);
        // Rates are DETECTION.md's business; here ordinary customers must stay quiet, and at most
        // one look-alike typology may be alerted: the demo starts them seconds after the customers'
        // warm-up history, and over two session subtasks a look-alike's new login can reach its
        // account before that history does (a traveller's usual device then looks new).
        assertEquals(
                0,
                alerted.getOrDefault(Typology.NORMAL, 0),
                "ordinary sessions that were alerted\n" + table + "\n" + falseAlerts);
        assertTrue(
                falsePositives.size() <= 1,
                "benign sessions that were alerted\n" + table + "\n" + falseAlerts);

        assertTrue(metrics.contains("# TYPE"), "no Prometheus text at /metrics: " + metrics);
        String live = view.toString(StandardCharsets.UTF_8);
        assertTrue(live.contains("http://localhost:" + demo.metricsPort() + "/metrics"), live);
        assertTrue(live.contains("ALERT"), "no alert printed in the live view");
        assertTrue(live.contains("rule set v"), "no status line in the live view");
        // The job's metrics endpoint went down with the demo: its port is free again.
        try (java.net.ServerSocket s = new java.net.ServerSocket(demo.metricsPort())) {
            assertEquals(demo.metricsPort(), s.getLocalPort());
        }

        assertNoLeaks(tmp, tmpBefore);
    }

    /**
     * The demo's own plumbing without the job: Kafka and Redis up, rules and block lists loaded,
     * every simulated event acknowledged by the broker, and nothing left behind on close.
     */
    @Test
    void demoPlumbingStartsAndStopsWithoutLeaks() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<String> tmpBefore = list(tmp);
        ByteArrayOutputStream view = new ByteArrayOutputStream();
        PrintStream out =
                new PrintStream(new TeeStream(view, System.out), true, StandardCharsets.UTF_8);
        Demo demo =
                new Demo(
                        Demo.Settings.defaults()
                                .withTraffic(30, Duration.ofSeconds(6), 0.3, 5)
                                .withInfra(null, null, null, 0),
                        out,
                        conf -> null);
        try {
            demo.start();
            assertTrue(demo.awaitSimulation(Duration.ofMinutes(2)), "simulator did not finish");
            assertNull(demo.simulatorFailure(), "simulator failed");
            JobRunnerWait.until(() -> demo.eventsAcknowledged() == demo.simulator().eventsSent());
            assertTrue(
                    demo.simulator().eventsSent() > 100, "sent " + demo.simulator().eventsSent());
        } finally {
            demo.close();
        }
        String live = view.toString(StandardCharsets.UTF_8);
        long version =
                dev.fraudmonitor.model.Json.mapper()
                        .readTree(Demo.readRules(null))
                        .path("version")
                        .asLong();
        assertTrue(live.contains("rule set v" + version), live);
        assertTrue(live.contains("Redis      redis://127.0.0.1:"), live);
        assertNoLeaks(tmp, tmpBefore);
    }

    private static final class JobRunnerWait {
        static void until(java.util.function.BooleanSupplier c) {
            dev.fraudmonitor.testkit.JobRunner.waitUntil(
                    c, Duration.ofSeconds(30), "all events acknowledged by Kafka");
        }
    }

    private static void assertNoLeaks(Path tmp, Set<String> tmpBefore) throws IOException {
        List<String> redisLeft =
                ProcessHandle.current()
                        .descendants()
                        .filter(ProcessHandle::isAlive)
                        .map(p -> p.info().command().orElse("?"))
                        .filter(c -> c.contains("redis-server"))
                        .toList();
        assertEquals(List.of(), redisLeft, "redis-server still running");
        Set<String> leftBehind = new TreeSet<>(list(tmp));
        leftBehind.removeAll(tmpBefore);
        assertEquals(Set.of(), leftBehind, "temp entries left behind in " + tmp);
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://localhost:" + port + "/metrics"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }

    private static String table(Map<Typology, Long> sessions, Map<Typology, Integer> alerted) {
        Map<Typology, String> rows = new EnumMap<>(Typology.class);
        for (Typology t : Typology.values()) {
            rows.put(
                    t,
                    sessions.getOrDefault(t, 0L)
                            + " sessions, "
                            + alerted.getOrDefault(t, 0)
                            + " alerted");
        }
        return rows.entrySet().stream()
                .map(e -> "  " + e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("\n"));
    }

    private static Set<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    // written by the build and failsafe itself, not by the demo
                    .filter(n -> !n.startsWith("failsafe") && !n.startsWith("surefire"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Copies the live view to the test log while keeping it for assertions. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
