package dev.fraudmonitor.console;

import static dev.fraudmonitor.console.ConsoleEnv.PASSWORD;
import static dev.fraudmonitor.console.ConsoleEnv.REP;
import static dev.fraudmonitor.console.ConsoleEnv.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.testkit.KafkaExtension;
import dev.fraudmonitor.testkit.RedisExtension;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crashes on real parts: the console killed with SIGKILL mid-stream, PostgreSQL restarted under it.
 */
class RestartITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void aKilledConsoleLosesAndDoublesNothingAndADatabaseRestartIsSurvivedWithClearErrors()
            throws Exception {
        try (Postgres pg = new Postgres()) {
            ConsoleEnv env = new ConsoleEnv(KAFKA.kafka(), REDIS.redis());
            List<String> args = env.args(pg.jdbcUrl());
            Set<String> sent = ConcurrentHashMap.newKeySet();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread producer =
                    new Thread(
                            () -> {
                                try (TestAlerts alerts =
                                        new TestAlerts(KAFKA.kafka(), env.alerts)) {
                                    int i = 0;
                                    while (producing.get()) {
                                        List<ObjectNode> batch = new java.util.ArrayList<>();
                                        for (int j = 0; j < 10; j++, i++) {
                                            // Every third alert revisits an earlier account:
                                            // linking under load.
                                            String account = "acc-" + (i % 3 == 0 ? i / 3 : i);
                                            batch.add(
                                                    TestAlerts.json(
                                                            TestAlerts.alert(
                                                                    "r-"
                                                                            + i
                                                                            + "-"
                                                                            + UUID.randomUUID(),
                                                                    "s-" + i,
                                                                    account,
                                                                    null,
                                                                    i % 5 == 0
                                                                            ? Action.HOLD
                                                                            : Action.REVIEW,
                                                                    30 + i % 60)));
                                        }
                                        alerts.sendCommitted(batch);
                                        batch.forEach(a -> sent.add(a.get("alertId").asText()));
                                        Thread.sleep(100);
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "alert-producer");
            producer.start();
            try {
                ConsoleProcess first =
                        new ConsoleProcess(args, ConsoleProcess.logFile("restart-console-1"));
                await("some alerts stored", Duration.ofSeconds(60), () -> stored(pg).size() >= 100);
                first.kill();
                int atKill = stored(pg).size();
                Thread.sleep(1000);
                try (ConsoleProcess second =
                        new ConsoleProcess(args, ConsoleProcess.logFile("restart-console-2"))) {
                    await(
                            "more alerts after the restart",
                            Duration.ofSeconds(60),
                            () -> stored(pg).size() >= atKill + 100);
                    WebClient rep = new WebClient(second.port());
                    assertEquals(302, rep.login(REP, PASSWORD).statusCode());
                    String caseId = anyOpenCase(pg);
                    rep.get("/cases/" + caseId);

                    pg.stop();
                    long t0 = System.nanoTime();
                    HttpResponse<String> during =
                            rep.submit(
                                    "/cases/" + caseId + "/note",
                                    Map.of("text", "tried while the database was down"));
                    System.out.printf(
                            "action during the PostgreSQL outage: HTTP %d after %d ms%n",
                            during.statusCode(), (System.nanoTime() - t0) / 1_000_000);
                    assertEquals(503, during.statusCode(), during.body());
                    assertTrue(during.body().contains("nothing was saved"), during.body());
                    assertEquals(503, rep.get("/health").statusCode());
                    Thread.sleep(2000);
                    pg.start();

                    producing.set(false);
                    producer.join(30_000);
                    await(
                            "every sent alert stored",
                            Duration.ofSeconds(90),
                            () -> stored(pg).size() >= sent.size());
                    Set<String> inDb = stored(pg);
                    assertEquals(sent, inDb, "alerts lost or invented");
                    assertEquals(
                            sent.size(),
                            count(
                                    pg,
                                    "select count(*) from audit where actor = 'system' and action in ('CASE_OPENED', 'ALERT_JOINED')"),
                            "an alert was processed twice");
                    assertEquals(
                            0,
                            count(
                                    pg,
                                    "select count(*) from audit where reason = 'tried while the database was down'"));
                    rep.get("/cases/" + caseId);
                    assertEquals(
                            303,
                            rep.submit(
                                            "/cases/" + caseId + "/note",
                                            Map.of("text", "after the outage"))
                                    .statusCode());
                    assertEquals(200, rep.get("/health").statusCode());
                    System.out.printf(
                            "restart test: %d alerts sent, %d stored at the SIGKILL, %d stored at the end, none doubled%n",
                            sent.size(), atKill, inDb.size());
                }
            } finally {
                producing.set(false);
                producer.join(30_000);
            }
        }
    }

    static Set<String> stored(Postgres pg) {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
                ResultSet rs = c.createStatement().executeQuery("select alert_id from alerts")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        } catch (Exception e) {
            // Not migrated yet, or the server is restarting.
        }
        return ids;
    }

    static long count(Postgres pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String anyOpenCase(Postgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "select case_id from cases where status = 'OPEN' limit 1")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
