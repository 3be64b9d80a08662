package dev.fraudmonitor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventCodec;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.LoginData;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.PaymentAttemptData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's own properties, on a virtual clock: contract-valid events, every typology as
 * incidents of labelled sessions, behaviour drawn from distributions within sane ranges (not pinned
 * next to any rule's limit: the rules are judged by {@link DetectionSuite}, not here), replayed
 * history, bounded out-of-order delivery, and determinism by seed.
 */
class CheckoutSimulatorTest {
    static final long START = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    static final EventCodec CODEC = new EventCodec();

    /** A demo-like run: real-time style stamping, one of every typology, no history. */
    static Run demo;

    /** A suite-like run: hours of traffic, replayed history, delivery out of order by up to 3 s. */
    static Run suite;

    record Run(
            List<CheckoutEvent> events,
            List<Long> deliveredAt,
            List<String> lines,
            SessionRegistry registry,
            BlockList blockList,
            Map<String, List<CheckoutEvent>> bySession) {

        /** The sessions of every incident of {@code t}, each in event-time order. */
        List<List<List<CheckoutEvent>>> incidentsOf(Typology t) {
            List<List<List<CheckoutEvent>>> out = new ArrayList<>();
            for (SessionRegistry.Incident i : registry.incidents()) {
                if (i.typology() == t) {
                    List<List<CheckoutEvent>> sessions = new ArrayList<>();
                    for (String s : i.sessionIds()) {
                        sessions.add(bySession.getOrDefault(s, List.of()));
                    }
                    out.add(sessions);
                }
            }
            return out;
        }

        List<List<CheckoutEvent>> sessionsOf(Typology t) {
            List<List<CheckoutEvent>> out = new ArrayList<>();
            incidentsOf(t).forEach(out::addAll);
            return out;
        }

        List<CheckoutEvent> eventsOf(Typology t) {
            List<CheckoutEvent> out = new ArrayList<>();
            sessionsOf(t).forEach(out::addAll);
            return out;
        }
    }

    static Run simulate(CheckoutSimulator.Settings settings) throws Exception {
        SessionRegistry registry = new SessionRegistry();
        CheckoutSimulator sim = new CheckoutSimulator(settings, registry);
        List<CheckoutEvent> events = new ArrayList<>();
        List<Long> delivered = new ArrayList<>();
        Ticker ticker = Ticker.virtual(START);
        sim.run(
                e -> {
                    events.add(e);
                    delivered.add(ticker.millis());
                },
                ticker);
        List<String> lines = events.stream().map(CODEC::encodeToString).toList();
        Map<String, List<CheckoutEvent>> bySession = new LinkedHashMap<>();
        for (CheckoutEvent e : events) {
            bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
        }
        bySession.values().forEach(l -> l.sort((a, b) -> a.occurredAt().compareTo(b.occurredAt())));
        return new Run(events, delivered, lines, registry, sim.blockList(), bySession);
    }

    @BeforeAll
    static void simulateOnce() throws Exception {
        demo = simulate(new CheckoutSimulator.Settings(40, Duration.ofSeconds(90), 0.3, 7, true));
        suite =
                simulate(
                        new CheckoutSimulator.Settings(2.0, Duration.ofHours(3), 0.3, 7, true)
                                .withHistory(400)
                                .withDisorder(Duration.ofSeconds(3)));
    }

    @Test
    void everyEventPassesTheContract() throws Exception {
        for (Run run : List.of(demo, suite)) {
            assertTrue(run.events.size() > 1000, "events: " + run.events.size());
            Set<String> ids = new HashSet<>();
            for (String line : run.lines) {
                CheckoutEvent decoded = CODEC.decode(line.getBytes(StandardCharsets.UTF_8));
                assertTrue(ids.add(decoded.eventId()), "duplicate eventId " + decoded.eventId());
                assertEquals(decoded, CODEC.decode(CODEC.encode(decoded)));
            }
        }
    }

    @Test
    void everyTypologyIsProducedAsIncidentsOfLabelledSessions() {
        for (Run run : List.of(demo, suite)) {
            for (Typology t : Typology.values()) {
                assertTrue(!run.incidentsOf(t).isEmpty(), "no incident of " + t);
            }
            Set<String> seen = new HashSet<>();
            for (SessionRegistry.Incident i : run.registry.incidents()) {
                assertTrue(!i.sessionIds().isEmpty(), i.id());
                for (String s : i.sessionIds()) {
                    assertTrue(seen.add(s), s + " is in two incidents");
                    assertEquals(i.typology(), run.registry.sessionTypology(s), s);
                    assertEquals(i.id(), run.registry.incidentOf(s), s);
                }
            }
            for (String s : run.bySession.keySet()) {
                assertTrue(run.registry.sessionTypology(s) != null, "unlabelled session " + s);
            }
        }
        // an ordinary visit is one session; many-session typologies really use several
        suite.incidentsOf(Typology.NORMAL).forEach(i -> assertEquals(1, i.size()));
        suite.incidentsOf(Typology.SPLIT_TAKEOVER).forEach(i -> assertEquals(2, i.size()));
        assertTrue(
                suite.incidentsOf(Typology.DISTRIBUTED_STUFFING).stream()
                        .allMatch(i -> i.size() >= 5));
    }

    @Test
    void demoRunStampsEventsByTheClockWithBoundedDisorder() {
        long max = START;
        for (CheckoutEvent e : demo.events) {
            long t = e.occurredAt().toEpochMilli();
            assertTrue(t >= START - 2_200, "before the run: " + e);
            assertTrue(t >= max - 2_200, "more than 2 s out of order: " + e);
            max = Math.max(max, t);
        }
        double seconds = (max - START) / 1000.0;
        double rate = demo.events.size() / seconds;
        // the one-of-each incidents (a distributed stuffing, velocity orders) may run past 90 s
        assertTrue(rate > 10 && rate < 60, "rate was " + rate + " events/s, asked for 40");
        assertTrue(max - START < Duration.ofMinutes(6).toMillis(), "ran until " + (max - START));
    }

    @Test
    void outOfOrderDeliveryStaysWithinTheBound() {
        int outOfOrder = 0;
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < suite.events.size(); i++) {
            long occurred = suite.events.get(i).occurredAt().toEpochMilli();
            long delivered = suite.deliveredAt.get(i);
            if (occurred >= START) {
                long delay = delivered - occurred;
                assertTrue(delay >= 0 && delay <= 3_000, "delivered " + delay + " ms late");
                if (occurred < newest) {
                    outOfOrder++;
                }
                newest = Math.max(newest, occurred);
            }
        }
        assertTrue(outOfOrder > 100, "only " + outOfOrder + " events out of order");
    }

    @Test
    void historyIsReplayedFirstWithPastTimesAndNoIncident() {
        int history = 0;
        boolean live = false;
        for (CheckoutEvent e : suite.events) {
            boolean past = e.occurredAt().toEpochMilli() < START;
            if (past) {
                assertTrue(!live, "history after live traffic: " + e);
                assertEquals(null, suite.registry.incidentOf(e.sessionId()), e.sessionId());
                history++;
            } else {
                live = true;
            }
            assertTrue(
                    e.occurredAt().toEpochMilli()
                            >= START - CheckoutSimulator.HISTORY_SPAN.toMillis(),
                    "older than the history span: " + e);
        }
        assertTrue(history > 1_000, "history events: " + history);
    }

    @Test
    void ordinaryOrdersHaveALongTailedAmountAndPeopleTakeTheirTime() {
        List<Long> amounts = new ArrayList<>();
        List<Long> ages = new ArrayList<>();
        for (List<CheckoutEvent> s : suite.sessionsOf(Typology.NORMAL)) {
            for (CheckoutEvent e : s) {
                if (e.data() instanceof OrderPlacedData o) {
                    amounts.add(o.amountMinor());
                    ages.add(e.occurredAt().toEpochMilli() - s.get(0).occurredAt().toEpochMilli());
                    assertEquals(o.billingCountry(), o.cardCountry());
                }
            }
        }
        assertTrue(amounts.size() > 200, "orders: " + amounts.size());
        long median = quantile(amounts, 0.5);
        assertTrue(median >= 2_000 && median <= 10_000, "median basket " + median);
        assertTrue(quantile(amounts, 0.95) > 2 * median, "no long tail");
        assertTrue(Collections.min(amounts) > 0);
        long medianAge = quantile(ages, 0.5);
        assertTrue(
                medianAge >= 20_000 && medianAge <= 300_000, "median time to order " + medianAge);
    }

    @Test
    void attackIntensityVaries() {
        // attempts per credential-stuffing incident, failures per brute force, tries per card test
        assertSpread(Typology.CREDENTIAL_STUFFING, s -> count(s, EventType.LOGIN), 2);
        assertSpread(Typology.BRUTE_FORCE, s -> count(s, EventType.LOGIN), 2);
        assertSpread(Typology.CARD_TESTING, s -> count(s, EventType.PAYMENT_ATTEMPT), 2);
        assertSpread(Typology.ORDER_VELOCITY, s -> count(s, EventType.ORDER_PLACED), 1.3);
    }

    /** The 90th percentile of the incidents' sizes is at least {@code ratio} times the 10th. */
    private static void assertSpread(
            Typology t, ToLongFunction<List<CheckoutEvent>> perSessionCount, double ratio) {
        List<Long> sizes = new ArrayList<>();
        for (List<List<CheckoutEvent>> incident : suite.incidentsOf(t)) {
            sizes.add(incident.stream().mapToLong(perSessionCount).sum());
        }
        long lo = quantile(sizes, 0.1);
        long hi = quantile(sizes, 0.9);
        assertTrue(lo >= 1 && hi >= ratio * lo, t + ": sizes " + sizes);
    }

    @Test
    void distributedStuffingSpreadsOverIpsButSharesAFingerprintOrUserAgent() {
        for (List<List<CheckoutEvent>> incident :
                suite.incidentsOf(Typology.DISTRIBUTED_STUFFING)) {
            Map<String, Integer> perIp = new HashMap<>();
            Set<String> devices = new HashSet<>();
            Set<String> agents = new HashSet<>();
            Set<String> usernames = new HashSet<>();
            for (List<CheckoutEvent> s : incident) {
                for (CheckoutEvent e : s) {
                    LoginData d = (LoginData) e.data();
                    assertEquals(LoginOutcome.FAILURE, d.outcome());
                    perIp.merge(e.ip(), 1, Integer::sum);
                    devices.add(e.deviceId());
                    agents.add(e.userAgent());
                    usernames.add(d.usernameHash());
                }
            }
            assertTrue(perIp.size() >= 5, "IPs: " + perIp.size());
            List<Long> counts = perIp.values().stream().map(Integer::longValue).toList();
            assertTrue(quantile(counts, 0.5) <= 3, "per IP: " + perIp);
            assertTrue(usernames.size() >= 15, "usernames: " + usernames.size());
            assertEquals(1, agents.size(), "one user agent");
            assertTrue(devices.size() == 1 || devices.size() == perIp.size(), "devices " + devices);
        }
    }

    @Test
    void splitTakeoverLogsInFirstThenChangesAndOrdersLaterFromTheSameDevice() {
        List<Long> gaps = new ArrayList<>();
        for (List<List<CheckoutEvent>> incident : suite.incidentsOf(Typology.SPLIT_TAKEOVER)) {
            List<CheckoutEvent> first = incident.get(0);
            List<CheckoutEvent> second = incident.get(1);
            CheckoutEvent login = first.get(0);
            assertEquals(EventType.LOGIN, login.type());
            assertTrue(hasHistory(login), "victim without history: " + login.accountId());
            assertTrue(first.stream().noneMatch(e -> e.type() == EventType.ACCOUNT_CHANGE));
            assertTrue(first.stream().noneMatch(e -> e.type() == EventType.ORDER_PLACED));
            long gap =
                    second.get(0).occurredAt().toEpochMilli()
                            - first.get(first.size() - 1).occurredAt().toEpochMilli();
            // the one-of-each incident early in the run waits seconds, the others minutes or more
            assertTrue(gap >= CheckoutSimulator.SHOWCASE_MAX_PAUSE_MS, "gap " + gap);
            gaps.add(gap);
            assertEquals(login.deviceId(), second.get(0).deviceId());
            assertEquals(login.accountId(), second.get(0).accountId());
            List<EventType> types = second.stream().map(CheckoutEvent::type).toList();
            int change = types.indexOf(EventType.ACCOUNT_CHANGE);
            int order = types.indexOf(EventType.ORDER_PLACED);
            assertTrue(change > 0 && order > change, "change then order: " + types);
        }
        assertTrue(quantile(gaps, 0.5) >= Duration.ofMinutes(5).toMillis(), "gaps " + gaps);
    }

    @Test
    void lookAlikesAreCustomersWithHistoryDoingOrdinaryThings() {
        for (List<List<CheckoutEvent>> incident : suite.incidentsOf(Typology.LOYAL_REPEAT_BUYER)) {
            assertTrue(incident.size() >= 2, "one order only");
            Set<String> cards = new HashSet<>();
            Set<String> addresses = new HashSet<>();
            for (List<CheckoutEvent> s : incident) {
                OrderPlacedData o = (OrderPlacedData) order(s).data();
                cards.add(o.cardHash());
                addresses.add(o.shippingAddressHash());
                assertTrue(hasHistory(s.get(0)), "no history: " + s.get(0).accountId());
            }
            assertEquals(1, cards.size());
            assertEquals(1, addresses.size());
            assertTrue(orderedBefore(incident.get(0).get(0), cards.iterator().next()));
        }
        List<Long> big = new ArrayList<>();
        for (List<CheckoutEvent> s : suite.sessionsOf(Typology.BIG_SPENDER)) {
            big.add(((OrderPlacedData) order(s).data()).amountMinor());
        }
        assertTrue(quantile(big, 0.5) >= 50_000, "big spenders' median " + quantile(big, 0.5));
        for (List<CheckoutEvent> s : suite.sessionsOf(Typology.SECOND_CARD)) {
            CheckoutEvent o = order(s);
            assertTrue(hasHistory(s.get(0)));
            assertTrue(!orderedBefore(s.get(0), ((OrderPlacedData) o.data()).cardHash()));
        }
        for (List<CheckoutEvent> s : suite.sessionsOf(Typology.TRAVELLER_ABROAD)) {
            CheckoutEvent login = s.get(0);
            assertTrue(hasHistory(login));
            assertTrue(
                    earlierLogins(login).stream()
                            .noneMatch(e -> e.ipCountry().equals(login.ipCountry())),
                    "not abroad");
        }
    }

    @Test
    void blockListHitsUseBlockListedValuesAndNothingElseDoes() {
        Set<String> kindsHit = new HashSet<>();
        for (List<CheckoutEvent> s : demo.sessionsOf(Typology.BLOCK_LIST_HIT)) {
            Set<String> hit = blockListed(demo.blockList, s);
            assertTrue(!hit.isEmpty(), "no block-listed value in " + s.get(0).sessionId());
            kindsHit.addAll(hit);
        }
        for (List<CheckoutEvent> s : suite.sessionsOf(Typology.BLOCK_LIST_HIT)) {
            kindsHit.addAll(blockListed(suite.blockList, s));
        }
        assertEquals(Set.of("ip", "card", "device", "email_domain", "account"), kindsHit);
        for (Run run : List.of(demo, suite)) {
            for (Map.Entry<String, List<CheckoutEvent>> e : run.bySession.entrySet()) {
                if (run.registry.sessionTypology(e.getKey()) != Typology.BLOCK_LIST_HIT) {
                    assertEquals(Set.of(), blockListed(run.blockList, e.getValue()), e.getKey());
                }
            }
        }
    }

    @Test
    void sameSeedSameEventsOtherSeedOtherEvents() throws Exception {
        CheckoutSimulator.Settings s =
                new CheckoutSimulator.Settings(5, Duration.ofMinutes(20), 0.2, 11, true)
                        .withHistory(50)
                        .withDisorder(Duration.ofSeconds(2));
        Run a = simulate(s);
        Run b = simulate(s);
        Run c =
                simulate(
                        new CheckoutSimulator.Settings(5, Duration.ofMinutes(20), 0.2, 12, true)
                                .withHistory(50)
                                .withDisorder(Duration.ofSeconds(2)));
        assertEquals(a.lines, b.lines);
        assertEquals(a.deliveredAt, b.deliveredAt);
        assertNotEquals(a.lines, c.lines);
        assertEquals(a.blockList, b.blockList);
        assertEquals(
                a.registry.incidents().stream().map(SessionRegistry.Incident::typology).toList(),
                b.registry.incidents().stream().map(SessionRegistry.Incident::typology).toList());
    }

    @Test
    void optionErrorsNameTheOptionAndWhatWasExpected() {
        Set<String> known = CheckoutSimulator.SIMULATOR_OPTIONS;
        assertMessage(
                "--rate: expected a positive number, got 'fast'",
                () ->
                        Options.parse(new String[] {"--rate", "fast"}, known)
                                .positiveDouble("rate", 1));
        assertMessage(
                "--attack-ratio: expected a fraction between 0 and 1 (e.g. 0.2), got '2'",
                () ->
                        Options.parse(new String[] {"--attack-ratio=2"}, known)
                                .ratio("attack-ratio", 0));
        assertMessage(
                "--duration: expected a positive duration like 90s, 5m, 1h or PT90S, got 'soon'",
                () ->
                        Options.parse(new String[] {"--duration", "soon"}, known)
                                .duration("duration", null));
        assertMessage(
                "--bootstrap: expected host:port (e.g. localhost:9092), got 'kafka'",
                () ->
                        Options.parse(new String[] {"--bootstrap", "kafka"}, known)
                                .hostPort("bootstrap"));
        assertMessage(
                "--start: expected an instant like 2026-03-02T00:00:00Z, got 'noon'",
                () -> Options.parse(new String[] {"--start", "noon"}, known).instant("start"));
        assertMessage(
                "--seed: expected a value", () -> Options.parse(new String[] {"--seed"}, known));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Options.parse(new String[] {"--speed", "1"}, known))
                        .getMessage()
                        .startsWith("unknown option --speed"));
        assertEquals(
                Duration.ofMinutes(5),
                Options.parse(new String[] {"--duration", "5m"}, known).duration("duration", null));
    }

    private static void assertMessage(String expected, Runnable r) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, r::run).getMessage());
    }

    // ------------------------------------------------------------------ helpers

    private static long count(List<CheckoutEvent> s, EventType type) {
        return s.stream().filter(e -> e.type() == type).count();
    }

    private static long quantile(List<Long> values, double q) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    private static CheckoutEvent order(List<CheckoutEvent> s) {
        return s.stream()
                .filter(e -> e.type() == EventType.ORDER_PLACED)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no order in " + s.get(0).sessionId()));
    }

    /** Successful logins to the account before {@code login}, in the suite run. */
    private static List<CheckoutEvent> earlierLogins(CheckoutEvent login) {
        List<CheckoutEvent> l = new ArrayList<>();
        for (CheckoutEvent e : suite.events) {
            if (e.type() == EventType.LOGIN
                    && login.accountId().equals(e.accountId())
                    && e.occurredAt().isBefore(login.occurredAt())
                    && ((LoginData) e.data()).outcome() == LoginOutcome.SUCCESS) {
                l.add(e);
            }
        }
        return l;
    }

    private static boolean hasHistory(CheckoutEvent login) {
        return !earlierLogins(login).isEmpty();
    }

    private static boolean orderedBefore(CheckoutEvent login, String cardHash) {
        for (CheckoutEvent e : suite.events) {
            if (e.data() instanceof OrderPlacedData o
                    && login.accountId().equals(e.accountId())
                    && e.occurredAt().isBefore(login.occurredAt())
                    && o.cardHash().equals(cardHash)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> blockListed(BlockList b, List<CheckoutEvent> s) {
        Set<String> kinds = new HashSet<>();
        for (CheckoutEvent e : s) {
            if (in(b.ips(), e.ip())) kinds.add("ip");
            if (in(b.devices(), e.deviceId())) kinds.add("device");
            if (in(b.accounts(), e.accountId())) kinds.add("account");
            if (e.data() instanceof OrderPlacedData o) {
                if (in(b.cards(), o.cardHash())) kinds.add("card");
                if (in(b.emailDomains(), o.emailDomain())) kinds.add("email_domain");
            }
            if (e.data() instanceof PaymentAttemptData p && in(b.cards(), p.cardHash())) {
                kinds.add("card");
            }
        }
        return kinds;
    }

    private static boolean in(List<String> values, String v) {
        return v != null && values.contains(v);
    }
}
