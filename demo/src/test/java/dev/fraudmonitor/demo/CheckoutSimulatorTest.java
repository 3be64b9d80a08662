package dev.fraudmonitor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventCodec;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.FieldEnteredData;
import dev.fraudmonitor.model.LoginData;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.OrderPlacedData;
import dev.fraudmonitor.model.PaymentAttemptData;
import dev.fraudmonitor.model.PaymentOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator on a virtual clock: contract-valid events, each typology shaped the way the default
 * rule it targets (or must not trip) needs, and determinism with a seed.
 */
class CheckoutSimulatorTest {
    static final long START = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    static final EventCodec CODEC = new EventCodec();

    static Run run;

    record Run(
            List<CheckoutEvent> events,
            List<String> lines,
            SessionRegistry registry,
            BlockList blockList,
            Map<String, List<CheckoutEvent>> bySession) {
        List<List<CheckoutEvent>> sessionsOf(Typology t) {
            return bySession.entrySet().stream()
                    .filter(e -> registry.sessionTypology(e.getKey()) == t)
                    .map(Map.Entry::getValue)
                    .collect(Collectors.toList());
        }

        List<CheckoutEvent> eventsOf(Typology t) {
            return events.stream()
                    .filter(e -> registry.sessionTypology(e.sessionId()) == t)
                    .collect(Collectors.toList());
        }
    }

    static Run simulate(long seed, double rate, Duration duration, double attackRatio)
            throws Exception {
        SessionRegistry registry = new SessionRegistry();
        CheckoutSimulator sim =
                new CheckoutSimulator(
                        new CheckoutSimulator.Settings(rate, duration, attackRatio, seed, true),
                        registry);
        List<CheckoutEvent> events = new ArrayList<>();
        sim.run(events::add, Ticker.virtual(START));
        List<String> lines = events.stream().map(CODEC::encodeToString).toList();
        Map<String, List<CheckoutEvent>> bySession = new LinkedHashMap<>();
        for (CheckoutEvent e : events) {
            bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
        }
        return new Run(events, lines, registry, sim.blockList(), bySession);
    }

    @BeforeAll
    static void simulateOnce() throws Exception {
        run = simulate(7, 40, Duration.ofSeconds(90), 0.3);
    }

    @Test
    void everyEventPassesTheContract() throws Exception {
        assertTrue(run.events.size() > 1000, "events: " + run.events.size());
        Set<String> ids = new HashSet<>();
        for (String line : run.lines) {
            CheckoutEvent decoded = CODEC.decode(line.getBytes(StandardCharsets.UTF_8));
            assertTrue(ids.add(decoded.eventId()), "duplicate eventId " + decoded.eventId());
        }
    }

    @Test
    void decodingGivesBackTheSameEvent() throws Exception {
        for (CheckoutEvent e : run.events) {
            assertEquals(e, CODEC.decode(CODEC.encode(e)));
        }
    }

    @Test
    void everyTypologyAppearsAndEverySessionIsLabelled() {
        for (Typology t : Typology.values()) {
            assertTrue(!run.sessionsOf(t).isEmpty(), "no session of " + t);
        }
        for (String s : run.bySession.keySet()) {
            assertTrue(run.registry.sessionTypology(s) != null, "unlabelled session " + s);
        }
    }

    @Test
    void eventTimesFollowTheClockWithBoundedDisorder() {
        long max = START;
        for (CheckoutEvent e : run.events) {
            long t = e.occurredAt().toEpochMilli();
            assertTrue(t >= START - 2_200, "before the run: " + e);
            assertTrue(t >= max - 2_200, "more than 2 s out of order: " + e);
            max = Math.max(max, t);
        }
        double seconds = (max - START) / 1000.0;
        double rate = run.events.size() / seconds;
        assertTrue(rate > 25 && rate < 60, "rate was " + rate + " events/s, asked for 40");
    }

    @Test
    void credentialStuffingIsManyUsernamesFailingFromOneIp() {
        Map<String, Set<String>> usernamesByIp = new HashMap<>();
        for (CheckoutEvent e : run.eventsOf(Typology.CREDENTIAL_STUFFING)) {
            LoginData d = (LoginData) e.data();
            assertEquals(LoginOutcome.FAILURE, d.outcome());
            usernamesByIp.computeIfAbsent(e.ip(), k -> new HashSet<>()).add(d.usernameHash());
        }
        // credential-stuffing-ip: more than 10 distinct usernames failing per IP in 10 minutes
        usernamesByIp.forEach((ip, users) -> assertTrue(users.size() > 10, ip + ": " + users));
    }

    @Test
    void bruteForceIsManyFailuresOnOneUsername() {
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.BRUTE_FORCE)) {
            Map<String, Long> failures =
                    s.stream()
                            .map(e -> (LoginData) e.data())
                            .filter(d -> d.outcome() == LoginOutcome.FAILURE)
                            .collect(
                                    Collectors.groupingBy(
                                            LoginData::usernameHash, Collectors.counting()));
            assertEquals(1, failures.size());
            assertTrue(failures.values().iterator().next() > 5, "brute-force-account limit 5");
        }
    }

    @Test
    void accountTakeoverIsNewDeviceAndCountryThenChangesThenOrder() {
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.ACCOUNT_TAKEOVER)) {
            CheckoutEvent login = s.get(0);
            assertEquals(EventType.LOGIN, login.type());
            assertEquals(LoginOutcome.SUCCESS, ((LoginData) login.data()).outcome());
            List<CheckoutEvent> earlier = successfulLoginsBefore(login);
            assertTrue(!earlier.isEmpty(), "victim has no history: " + login.accountId());
            for (CheckoutEvent h : earlier) {
                assertNotEquals(h.deviceId(), login.deviceId(), "device is not new");
                assertNotEquals(h.ipCountry(), login.ipCountry(), "country is not new");
                assertTrue(
                        login.occurredAt().toEpochMilli() - h.occurredAt().toEpochMilli() > 1_000,
                        "history login too close to the takeover");
            }
            List<EventType> types = s.stream().map(CheckoutEvent::type).toList();
            int change = types.indexOf(EventType.ACCOUNT_CHANGE);
            int order = types.indexOf(EventType.ORDER_PLACED);
            assertTrue(change > 0 && order > change, "change then order: " + types);
        }
    }

    private static List<CheckoutEvent> successfulLoginsBefore(CheckoutEvent login) {
        List<CheckoutEvent> l = new ArrayList<>();
        for (CheckoutEvent e : run.events) {
            if (e == login) {
                break;
            }
            if (e.type() == EventType.LOGIN
                    && login.accountId().equals(e.accountId())
                    && ((LoginData) e.data()).outcome() == LoginOutcome.SUCCESS) {
                l.add(e);
            }
        }
        return l;
    }

    @Test
    void cardTestingIsManyDeclinesWithDistinctCards() {
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.CARD_TESTING)) {
            List<PaymentAttemptData> payments = payments(s);
            long declines =
                    payments.stream().filter(p -> p.outcome() == PaymentOutcome.DECLINED).count();
            Set<String> cards =
                    payments.stream().map(PaymentAttemptData::cardHash).collect(Collectors.toSet());
            assertTrue(declines > 3, "declines " + declines);
            assertEquals(payments.size(), cards.size(), "every attempt a different card");
            assertTrue(payments.stream().allMatch(p -> p.amountMinor() < 1_000), "small amounts");
            assertEquals(1, s.stream().map(CheckoutEvent::deviceId).distinct().count());
        }
    }

    @Test
    void geoMismatchIsAHighValueOrderWithThreeCountries() {
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.GEO_MISMATCH)) {
            CheckoutEvent o = order(s);
            OrderPlacedData d = (OrderPlacedData) o.data();
            assertTrue(d.amountMinor() >= 50_000);
            assertEquals(
                    3, Set.of(o.ipCountry(), d.billingCountry(), d.cardCountry()).size(), "" + o);
            assertPersonLike(s);
        }
    }

    @Test
    void orderVelocityIsMoreThanThreeOrdersOnOneCardAccountAndAddress() {
        Map<String, List<OrderPlacedData>> byAccount = new HashMap<>();
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.ORDER_VELOCITY)) {
            CheckoutEvent o = order(s);
            byAccount
                    .computeIfAbsent(o.accountId(), k -> new ArrayList<>())
                    .add((OrderPlacedData) o.data());
            assertPersonLike(s);
        }
        byAccount.forEach(
                (account, orders) -> {
                    assertTrue(orders.size() > 3, account + " placed " + orders.size());
                    assertEquals(
                            1, orders.stream().map(OrderPlacedData::cardHash).distinct().count());
                    assertEquals(
                            1,
                            orders.stream()
                                    .map(OrderPlacedData::shippingAddressHash)
                                    .distinct()
                                    .count());
                });
    }

    @Test
    void blockListHitsUseBlockListedValuesAndNothingElseDoes() {
        Set<String> kindsHit = new HashSet<>();
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.BLOCK_LIST_HIT)) {
            Set<String> hit = blockListed(s);
            assertTrue(!hit.isEmpty(), "no block-listed value in " + s.get(0).sessionId());
            kindsHit.addAll(hit);
            assertPersonLike(s);
        }
        assertEquals(Set.of("ip", "card", "device", "email_domain", "account"), kindsHit);
        for (Map.Entry<String, List<CheckoutEvent>> e : run.bySession.entrySet()) {
            if (run.registry.sessionTypology(e.getKey()) != Typology.BLOCK_LIST_HIT) {
                assertEquals(Set.of(), blockListed(e.getValue()), e.getKey());
            }
        }
    }

    private static Set<String> blockListed(List<CheckoutEvent> s) {
        BlockList b = run.blockList;
        Set<String> kinds = new HashSet<>();
        for (CheckoutEvent e : s) {
            if (in(b.ips(), e.ip())) kinds.add("ip");
            if (in(b.devices(), e.deviceId())) kinds.add("device");
            if (in(b.accounts(), e.accountId())) kinds.add("account");
            if (e.data() instanceof OrderPlacedData o) {
                if (in(b.cards(), o.cardHash())) kinds.add("card");
                if (in(b.emailDomains(), o.emailDomain())) kinds.add("email_domain");
            }
        }
        return kinds;
    }

    private static boolean in(List<String> values, String v) {
        return v != null && values.contains(v);
    }

    @Test
    void botCheckoutIsAnOrderWithinSecondsAndNoPageViews() {
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.BOT_CHECKOUT)) {
            CheckoutEvent o = order(s);
            assertTrue(age(s, o) < 15_000, "order after " + age(s, o) + " ms");
            assertEquals(0, s.stream().filter(e -> e.type() == EventType.PAGE_VIEW).count());
        }
    }

    @Test
    void typoPasswordIsAtMostTwoFailuresThenSuccess() {
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.TYPO_PASSWORD)) {
            List<LoginData> logins =
                    s.stream()
                            .filter(e -> e.type() == EventType.LOGIN)
                            .map(e -> (LoginData) e.data())
                            .toList();
            long failures =
                    logins.stream().filter(d -> d.outcome() == LoginOutcome.FAILURE).count();
            assertTrue(failures >= 1 && failures <= 2, "failures " + failures);
            assertEquals(LoginOutcome.SUCCESS, logins.get(logins.size() - 1).outcome());
            assertEquals(1, logins.stream().map(LoginData::usernameHash).distinct().count());
        }
    }

    @Test
    void familyIsSeveralAccountsOnOneIpWithinTheOrderLimits() {
        Map<String, Set<String>> accountsByIp = new HashMap<>();
        Map<String, Integer> ordersByIp = new HashMap<>();
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.FAMILY_ONE_IP)) {
            for (CheckoutEvent e : s) {
                if (e.accountId() != null) {
                    accountsByIp.computeIfAbsent(e.ip(), k -> new HashSet<>()).add(e.accountId());
                }
                if (e.type() == EventType.ORDER_PLACED) {
                    ordersByIp.merge(e.ip(), 1, Integer::sum);
                }
            }
            assertPersonLike(s);
        }
        accountsByIp.forEach((ip, accounts) -> assertTrue(accounts.size() >= 3, ip));
        // orders-per-ip allows 10, orders-per-shipping-address 5
        ordersByIp.forEach((ip, n) -> assertTrue(n <= 5, ip + " " + n));
    }

    @Test
    void travellerUsesTheUsualDeviceAndCardFromANewCountry() {
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.TRAVELLER_ABROAD)) {
            CheckoutEvent login = s.get(0);
            List<CheckoutEvent> earlier = successfulLoginsBefore(login);
            assertTrue(!earlier.isEmpty(), "traveller has no history");
            for (CheckoutEvent h : earlier) {
                assertEquals(h.deviceId(), login.deviceId());
                assertNotEquals(h.ipCountry(), login.ipCountry());
            }
            OrderPlacedData o = (OrderPlacedData) order(s).data();
            assertEquals(o.billingCountry(), o.cardCountry());
            assertPersonLike(s);
        }
    }

    @Test
    void normalSessionsLookLikePeopleAndStayUnderEveryLimit() {
        Map<String, Integer> ordersPerAccount = new HashMap<>();
        Map<String, Integer> ordersPerCard = new HashMap<>();
        Map<String, Integer> ordersPerIp = new HashMap<>();
        Map<String, Set<String>> devicesPerAccount = new HashMap<>();
        Map<String, Set<String>> countriesPerAccount = new HashMap<>();
        for (List<CheckoutEvent> s : run.sessionsOf(Typology.NORMAL)) {
            long declines =
                    payments(s).stream()
                            .filter(p -> p.outcome() == PaymentOutcome.DECLINED)
                            .count();
            assertTrue(declines <= 1);
            for (CheckoutEvent e : s) {
                if (e.type() == EventType.LOGIN) {
                    assertEquals(LoginOutcome.SUCCESS, ((LoginData) e.data()).outcome());
                    devicesPerAccount
                            .computeIfAbsent(e.accountId(), k -> new HashSet<>())
                            .add(e.deviceId());
                    countriesPerAccount
                            .computeIfAbsent(e.accountId(), k -> new HashSet<>())
                            .add(e.ipCountry());
                }
                if (e.data() instanceof OrderPlacedData o) {
                    assertPersonLike(s);
                    assertEquals(o.billingCountry(), o.cardCountry());
                    assertEquals(o.billingCountry(), e.ipCountry());
                    assertTrue(o.amountMinor() < 50_000);
                    if (e.accountId() != null)
                        ordersPerAccount.merge(e.accountId(), 1, Integer::sum);
                    ordersPerCard.merge(o.cardHash(), 1, Integer::sum);
                    ordersPerIp.merge(e.ip(), 1, Integer::sum);
                }
            }
        }
        ordersPerAccount.values().forEach(n -> assertTrue(n <= 3));
        ordersPerCard.values().forEach(n -> assertTrue(n <= 3));
        ordersPerIp.values().forEach(n -> assertTrue(n <= 3));
        devicesPerAccount.values().forEach(d -> assertEquals(1, d.size()));
        countriesPerAccount.values().forEach(c -> assertEquals(1, c.size()));
    }

    @Test
    void sameSeedSameEventsOtherSeedOtherEvents() throws Exception {
        Run a = simulate(11, 30, Duration.ofSeconds(40), 0.2);
        Run b = simulate(11, 30, Duration.ofSeconds(40), 0.2);
        Run c = simulate(12, 30, Duration.ofSeconds(40), 0.2);
        assertEquals(a.lines, b.lines);
        assertNotEquals(a.lines, c.lines);
        assertEquals(a.blockList, b.blockList);
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

    private static CheckoutEvent order(List<CheckoutEvent> s) {
        return s.stream()
                .filter(e -> e.type() == EventType.ORDER_PLACED)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no order in " + s.get(0).sessionId()));
    }

    private static List<PaymentAttemptData> payments(List<CheckoutEvent> s) {
        return s.stream()
                .filter(e -> e.type() == EventType.PAYMENT_ATTEMPT)
                .map(e -> (PaymentAttemptData) e.data())
                .toList();
    }

    private static long age(List<CheckoutEvent> s, CheckoutEvent e) {
        long first = s.stream().mapToLong(x -> x.occurredAt().toEpochMilli()).min().orElseThrow();
        return e.occurredAt().toEpochMilli() - first;
    }

    /**
     * What bot-checkout needs to stay quiet: 2+ page views and the order 20 s+ into the session.
     */
    private static void assertPersonLike(List<CheckoutEvent> s) {
        for (CheckoutEvent e : s) {
            if (e.type() == EventType.ORDER_PLACED) {
                long views =
                        s.stream()
                                .filter(x -> x.type() == EventType.PAGE_VIEW)
                                .filter(x -> !x.occurredAt().isAfter(e.occurredAt()))
                                .count();
                assertTrue(views >= 2, "page views before the order: " + views);
                assertTrue(age(s, e) >= 20_000, "order " + age(s, e) + " ms into the session");
            }
        }
        assertTrue(
                s.stream()
                        .allMatch(
                                e ->
                                        !(e.data() instanceof FieldEnteredData f)
                                                || f.valueHash() != null));
    }
}
