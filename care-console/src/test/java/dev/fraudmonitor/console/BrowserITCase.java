package dev.fraudmonitor.console;

import static dev.fraudmonitor.console.ConsoleEnv.PASSWORD;
import static dev.fraudmonitor.console.ConsoleEnv.REP;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A rep's session in real headless Chromium: log in, watch cases arrive, act on them. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserITCase {
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    static Postgres pg;
    static ConsoleEnv env;
    static CareConsole console;
    static TestAlerts alerts;
    static ChromeDriver browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        pg = new Postgres();
        env = new ConsoleEnv(KAFKA.kafka(), REDIS.redis());
        console = CareConsole.start(env.config(pg.jdbcUrl()));
        alerts = new TestAlerts(KAFKA.kafka(), env.alerts);
        base = "http://127.0.0.1:" + console.port();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
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
    @Order(1)
    void aRepLogsIn() {
        browser.get(base + "/");
        assertTrue(browser.getCurrentUrl().endsWith("/login"), browser.getCurrentUrl());
        Browser.screenshot(browser, "login");
        browser.findElement(By.id("username")).sendKeys(REP);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login-button")).click();
        waitFor(() -> browser.getCurrentUrl().equals(base + "/"), "the queue after login");
        assertTrue(browser.findElement(By.cssSelector("header .who")).getText().contains(REP));
    }

    @Test
    @Order(2)
    void aNewCaseAppearsOnTheOpenPageWithin2sOfTheAlertsCommit() {
        browser.get(base + "/");
        waitFor(() -> browser.findElements(By.id("queue-rows")).size() == 1, "the queue");
        List<Long> latencies = new ArrayList<>();
        int rounds = 30;
        for (int i = 0; i < rounds; i++) {
            String alertId = "lat-" + i + "-" + id();
            ObjectNode a =
                    TestAlerts.json(
                            TestAlerts.alert(
                                    alertId,
                                    "s-" + id(),
                                    "acc-" + id(),
                                    null,
                                    i % 3 == 0 ? Action.HOLD : Action.REVIEW,
                                    30 + i));
            long committed = alerts.sendCommitted(List.of(a));
            By row = By.cssSelector("tr[data-alert-ids~='" + alertId + "']");
            waitFor(() -> !browser.findElements(row).isEmpty(), "case row of " + alertId);
            long seen = Long.parseLong(browser.findElement(row).getAttribute("data-seen-at"));
            latencies.add(seen - committed);
        }
        Collections.sort(latencies);
        long p50 = latencies.get(rounds / 2);
        long p99 = latencies.get((int) Math.ceil(rounds * 0.99) - 1);
        long max = latencies.get(rounds - 1);
        System.out.printf(
                "alert commit -> case visible on the open queue page, %d cases: p50 %d ms, p99 %d ms, max %d ms%n",
                rounds, p50, p99, max);
        Browser.screenshot(browser, "queue");
        assertTrue(p99 <= 2000, "p99 " + p99 + " ms > 2000 ms: " + latencies);
    }

    @Test
    @Order(3)
    void theAlertsOfAMultiSessionAttackSitInOneCase() {
        String account = "victim-" + id();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String alertId = "ato-" + i + "-" + id();
            ids.add(alertId);
            alerts.sendCommitted(
                    List.of(
                            TestAlerts.json(
                                    TestAlerts.alert(
                                            alertId,
                                            "session-" + i + "-" + id(),
                                            account,
                                            null,
                                            Action.REVIEW,
                                            50 + i))));
        }
        browser.get(base + "/");
        By row = By.cssSelector("tr[data-alert-ids~='" + ids.get(2) + "']");
        waitFor(() -> !browser.findElements(row).isEmpty(), "the attack's case");
        WebElement r = browser.findElement(row);
        for (String id : ids) {
            assertTrue(
                    r.getAttribute("data-alert-ids").contains(id),
                    r.getAttribute("data-alert-ids"));
        }
        assertEquals(
                1,
                browser.findElements(By.cssSelector("tr[data-alert-ids~='" + ids.get(0) + "']"))
                        .size());
        r.findElement(By.cssSelector("a")).click();
        waitFor(
                () -> browser.findElements(By.cssSelector("article.alert")).size() == 3,
                "three alerts on the case page");
        Browser.screenshot(browser, "case-multi-session");
    }

    @Test
    @Order(4)
    void scriptFromAnEventIsShownAsTextInTheDom() {
        String alertId = "xss-" + id();
        ObjectNode a =
                TestAlerts.json(
                        TestAlerts.alert(
                                alertId, "s-" + id(), "acc-" + id(), null, Action.REVIEW, 60));
        ((ObjectNode) a.withArray("reasons").get(0))
                .put(
                        "text",
                        "<script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\">");
        a.put("userAgent", "<script>window.__xss = 3</script>Mozilla/5.0");
        alerts.sendCommitted(List.of(a));
        String caseId = CareConsoleITCaseSupport.caseOf(console, alertId);
        browser.get(base + "/cases/" + caseId);
        WebElement reason = browser.findElement(By.cssSelector("article.alert .reason-text"));
        assertTrue(
                reason.getText().startsWith("<script>window.__xss = 1</script>"), reason.getText());
        assertEquals(
                0L,
                browser.executeScript(
                        "return document.querySelectorAll('main script, main img').length"));
        assertEquals(
                null,
                browser.executeScript("return window.__xss === undefined ? null : window.__xss"));
        assertTrue(browser.findElement(By.cssSelector(".ua")).getText().startsWith("<script>"));
    }

    @Test
    @Order(5)
    void releasingAHoldChangesTheRedisRecordAndWritesTheReleaseRecord() throws Exception {
        String order = "order-" + id();
        String alertId = "hold-" + id();
        RedisKeys keys = new RedisKeys(env.redisPrefix);
        REDIS.client()
                .set(
                        keys.hold(order),
                        Json.mapper()
                                .writeValueAsString(
                                        new Hold(
                                                order,
                                                "s-9",
                                                "acc-9",
                                                alertId,
                                                HoldStatus.HELD,
                                                92,
                                                List.of(),
                                                Instant.now(),
                                                null,
                                                null,
                                                null,
                                                null)));
        alerts.sendCommitted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        alertId,
                                        "s-" + id(),
                                        "acc-" + id(),
                                        order,
                                        Action.HOLD,
                                        92))));
        String caseId = CareConsoleITCaseSupport.caseOf(console, alertId);
        browser.get(base + "/cases/" + caseId);
        Browser.screenshot(browser, "case-held");
        WebElement form = browser.findElement(By.cssSelector("form.release"));
        form.findElement(By.name("reason")).sendKeys("customer verified by phone");
        form.findElement(By.cssSelector("button")).click();
        waitFor(
                () ->
                        browser.findElements(By.cssSelector("li.hold[data-hold-status='RELEASED']"))
                                        .size()
                                == 1,
                "the released hold");
        JsonNode record = Json.mapper().readTree(REDIS.client().get(keys.hold(order)));
        assertEquals("RELEASED", record.get("status").asText());
        assertEquals(REP, record.get("releasedBy").asText());
        List<ConsumerRecord<byte[], byte[]>> released =
                KAFKA.kafka().readAll(env.holds, true, 1, Duration.ofSeconds(20));
        assertTrue(
                released.stream()
                        .anyMatch(x -> new String(x.key(), StandardCharsets.UTF_8).equals(order)),
                released.toString());
        Browser.screenshot(browser, "case-released");
    }

    @Test
    @Order(6)
    void markingACaseLegitimatePutsALabelOnFraudLabels() throws Exception {
        String alertId = "legit-" + id();
        alerts.sendCommitted(
                List.of(
                        TestAlerts.json(
                                TestAlerts.alert(
                                        alertId,
                                        "s-" + id(),
                                        "acc-" + id(),
                                        null,
                                        Action.REVIEW,
                                        41))));
        String caseId = CareConsoleITCaseSupport.caseOf(console, alertId);
        browser.get(base + "/cases/" + caseId);
        browser.findElement(By.id("decide-reason")).sendKeys("known customer travelling abroad");
        browser.findElement(By.id("mark-legitimate")).click();
        waitFor(() -> browser.getPageSource().contains("CLOSED_LEGITIMATE"), "the closed case");
        List<ConsumerRecord<byte[], byte[]>> labels =
                KAFKA.kafka().readAll(env.labels, true, 1, Duration.ofSeconds(20));
        JsonNode label = null;
        for (ConsumerRecord<byte[], byte[]> r : labels) {
            JsonNode n = Json.mapper().readTree(r.value());
            if (alertId.equals(n.path("alertId").asText())) {
                label = n;
            }
        }
        assertTrue(label != null, "no label for " + alertId + " in " + labels.size() + " records");
        assertEquals("LEGITIMATE", label.get("verdict").asText());
        assertEquals(caseId, label.get("caseId").asText());
        Browser.screenshot(browser, "case-legitimate");
    }

    static String id() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(25))
                    .until(d -> condition.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            Browser.screenshot(browser, "failed-" + what.replaceAll("[^a-z]", "-"));
            String page = browser.getPageSource();
            throw new AssertionError(
                    "waiting for "
                            + what
                            + " at "
                            + browser.getCurrentUrl()
                            + ": "
                            + page.substring(0, Math.min(3000, page.length())),
                    e);
        }
    }
}
