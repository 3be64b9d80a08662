package dev.fraudmonitor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fraudmonitor.engine.rules.RuleSetParser;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.PageViewData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the suite counts: per incident, by the incident's own sessions. */
class DetectionSuiteTest {
    static final String BLOCKED_IP = "45.1.2.3";
    static final String RULES =
            """
            {"version": 1, "thresholds": {"review": 50, "hold": 80}, "rules": [
              {"id": "block-ip", "version": 1, "kind": "LIST", "weight": 90,
               "description": "The IP is on the block list", "list": "IP"}]}
            """;

    private final List<CheckoutEvent> events = new ArrayList<>();
    private long at = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

    @Test
    void anIncidentIsCaughtOnlyWhenOneOfItsOwnSessionsIsAlerted() throws Exception {
        SessionRegistry registry = new SessionRegistry();
        // two block-list incidents: the first's second session is alerted, the second never is
        registry.sessionStarted("s1", null, Typology.BLOCK_LIST_HIT, "i1");
        registry.sessionStarted("s2", null, Typology.BLOCK_LIST_HIT, "i1");
        registry.sessionStarted("s3", null, Typology.BLOCK_LIST_HIT, "i2");
        // an ordinary session from the blocked IP (its order held) and one that is left alone
        registry.sessionStarted("s4", null, Typology.NORMAL, "i3");
        registry.sessionStarted("s5", null, Typology.NORMAL, "i4");
        view("s1", "81.2.3.4");
        view("s2", BLOCKED_IP);
        view("s2", BLOCKED_IP);
        view("s3", "81.2.3.5");
        order("s4", BLOCKED_IP, "o-1");
        order("s5", "81.2.3.6", "o-2");

        DetectionSuite.Result r =
                DetectionSuite.evaluate(
                        events,
                        null,
                        registry,
                        new BlockList(
                                List.of(BLOCKED_IP), List.of(), List.of(), List.of(), List.of()),
                        RuleSetParser.parse(RULES),
                        1,
                        "test",
                        Duration.ZERO);

        DetectionSuite.Row hits = r.row(Typology.BLOCK_LIST_HIT);
        assertEquals(2, hits.incidents());
        assertEquals(1, hits.caught());
        assertEquals(1.0, hits.alertsPerCaught());
        DetectionSuite.Row normal = r.row(Typology.NORMAL);
        assertEquals(2, normal.sessions());
        assertEquals(1, normal.sessionsFlagged());
        assertEquals(2, normal.orders());
        assertEquals(1, normal.ordersHeld());
        assertEquals(0.5, r.benign().heldRatio());
        assertEquals(
                List.of(
                        "BLOCK_LIST_HIT: 1 of 2 incidents caught (50.0 %), bar 95 %",
                        "benign orders held: 1 of 2 (50.000 %), bar 0.10 %"),
                r.failures(true).stream()
                        .filter(f -> f.startsWith("BLOCK") || f.startsWith("benign"))
                        .toList());
    }

    private void view(String session, String ip) {
        add(session, ip, EventType.PAGE_VIEW, new PageViewData("/", null));
    }

    private void order(String session, String ip, String orderId) {
        add(
                session,
                ip,
                EventType.ORDER_PLACED,
                new OrderPlacedData(
                        orderId,
                        4_500,
                        "EUR",
                        1,
                        "hcard",
                        "411111",
                        "DE",
                        "DE",
                        "DE",
                        "haddr",
                        "hmail",
                        "gmail.com"));
    }

    private void add(
            String session, String ip, EventType type, dev.fraudmonitor.model.EventData data) {
        at += 1_000;
        events.add(
                new CheckoutEvent(
                        session + "-e" + events.size(),
                        type,
                        Instant.ofEpochMilli(at),
                        session,
                        null,
                        ip,
                        "DE",
                        "Mozilla/5.0",
                        "d-" + session,
                        data));
    }
}
