package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.days;
import static dev.fraudmonitor.engine.rules.Ev.min;
import static dev.fraudmonitor.engine.rules.Ev.sec;

import dev.fraudmonitor.engine.event.ScoringEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Event sequences for each attack typology and each benign look-alike. {@code history} is what
 * happened before (an account's usual device, country, address), {@code events} the sessions to
 * judge; {@code sessions} are the ids the verdict is about. The block-list scenarios rely on {@link
 * #blockLists()}.
 *
 * <p>Public so the same sequences are judged twice: by the rule engine alone ({@code
 * DefaultRulesTest}) and by the running job ({@code DefaultRulesITCase}).
 */
public final class Scenarios {
    private Scenarios() {}

    public record Scenario(
            String name,
            List<ScoringEvent> history,
            List<ScoringEvent> events,
            List<String> sessions) {}

    /** The block lists the scenarios assume: a stolen card, a throwaway e-mail domain, an IP. */
    public static ListSnapshot blockLists() {
        return new ListSnapshot(
                1,
                Map.of(
                        ListKind.CARD, Set.of("card-blocked"),
                        ListKind.EMAIL_DOMAIN, Set.of("mailinator.com"),
                        ListKind.IP, Set.of("192.0.2.250")),
                Map.of());
    }

    // ------------------------------------------------------------------ helpers

    /**
     * An account's ordinary past: a login from its usual device/country and an order, weeks ago.
     */
    static List<ScoringEvent> usualPast(
            String account, String device, String country, String card, String address) {
        List<ScoringEvent> l = new ArrayList<>();
        for (int week = 8; week >= 2; week -= 3) {
            String s = "past-" + account + "-" + week;
            long t = T0 - days(7L * week);
            l.add(
                    Ev.login(t, s, "SUCCESS")
                            .account(account)
                            .device(device)
                            .country(country)
                            .user("u-" + account)
                            .ip("203.0.113." + week)
                            .build());
            l.add(
                    Ev.pageView(t + sec(30), s)
                            .account(account)
                            .device(device)
                            .country(country)
                            .build());
            l.add(
                    Ev.pageView(t + sec(90), s)
                            .account(account)
                            .device(device)
                            .country(country)
                            .build());
            l.add(
                    order(
                                    t + min(4),
                                    s,
                                    account,
                                    device,
                                    country,
                                    card,
                                    country,
                                    country,
                                    address,
                                    4_500)
                            .build());
        }
        return l;
    }

    static Ev order(
            long t,
            String s,
            String account,
            String device,
            String ipCountry,
            String card,
            String cardCountry,
            String billing,
            String address,
            long amount) {
        return Ev.order(t, s, amount)
                .account(account)
                .device(device)
                .country(ipCountry)
                .card(card)
                .cardCountry(cardCountry)
                .billing(billing)
                .shipping(address, billing)
                .emailDomain("example.com");
    }

    /** A human browsing: n page views spread over minutes. */
    static void browse(
            List<ScoringEvent> l,
            long t,
            String s,
            String account,
            String device,
            String country,
            int n) {
        for (int i = 0; i < n; i++) {
            l.add(
                    Ev.pageView(t + sec(40L * i), s)
                            .account(account)
                            .device(device)
                            .country(country)
                            .build());
        }
    }

    // ------------------------------------------------------------------ attacks

    public static Scenario credentialStuffing() {
        List<ScoringEvent> l = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String s = "stuff-" + (i / 10); // a bot rotating sessions every 10 attempts
            if (!sessions.contains(s)) sessions.add(s);
            l.add(
                    Ev.login(T0 + sec(5L * i), s, "FAILURE")
                            .ip("192.0.2.66")
                            .country("NL")
                            .device("bot-dev-" + (i / 10))
                            .user("victim-user-" + i)
                            .build());
        }
        return new Scenario("credential stuffing", List.of(), l, sessions);
    }

    /**
     * Credential stuffing through residential proxies: two attempts per IP, a new session per IP,
     * no IP or username over any limit; the toolkit's device fingerprint is what repeats.
     */
    public static Scenario distributedStuffing() {
        List<ScoringEvent> l = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String s = "proxy-" + (i / 2);
            if (!sessions.contains(s)) sessions.add(s);
            l.add(
                    Ev.login(T0 + sec(7L * i), s, "FAILURE")
                            .ip("198.51.100." + (10 + i / 2))
                            .country(i % 3 == 0 ? "US" : "GB")
                            .device("proxy-kit-dev")
                            .user("leaked-user-" + i)
                            .build());
        }
        return new Scenario("distributed credential stuffing", List.of(), l, sessions);
    }

    public static Scenario bruteForce() {
        List<ScoringEvent> l = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            l.add(
                    Ev.login(T0 + sec(20L * i), "brute", "FAILURE")
                            .ip("192.0.2.7")
                            .country("GB")
                            .device("bf-dev")
                            .user("u-alice")
                            .build());
        }
        return new Scenario("brute force on one account", List.of(), l, List.of("brute"));
    }

    public static Scenario accountTakeover() {
        List<ScoringEvent> h = usualPast("acc-ato", "dev-home", "GB", "card-ato", "addr-home");
        List<ScoringEvent> l = new ArrayList<>();
        String s = "ato";
        long t = T0;
        l.add(
                Ev.login(t, s, "SUCCESS")
                        .account("acc-ato")
                        .device("dev-evil")
                        .country("RO")
                        .ip("192.0.2.99")
                        .user("u-acc-ato")
                        .build());
        browse(l, t + sec(10), s, "acc-ato", "dev-evil", "RO", 2);
        l.add(
                Ev.change(t + min(2), s, "EMAIL")
                        .account("acc-ato")
                        .device("dev-evil")
                        .country("RO")
                        .build());
        l.add(
                Ev.change(t + min(3), s, "PASSWORD")
                        .account("acc-ato")
                        .device("dev-evil")
                        .country("RO")
                        .build());
        browse(l, t + min(4), s, "acc-ato", "dev-evil", "RO", 3);
        l.add(
                order(
                                t + min(8),
                                s,
                                "acc-ato",
                                "dev-evil",
                                "RO",
                                "card-ato",
                                "GB",
                                "GB",
                                "addr-drop",
                                42_000)
                        .build());
        return new Scenario("account takeover", h, l, List.of(s));
    }

    /**
     * An account takeover split over two sessions: a login from a new device and country in one; a
     * password change and an order to a new address in another, twenty minutes later. Neither
     * session reaches HOLD alone (56 and 59); the account links them.
     */
    public static Scenario splitTakeover() {
        List<ScoringEvent> h =
                usualPast("acc-split", "dev-split", "GB", "card-split", "addr-split");
        List<ScoringEvent> l = new ArrayList<>();
        String a = "split-a";
        String b = "split-b";
        long t = T0;
        l.add(
                Ev.login(t, a, "SUCCESS")
                        .account("acc-split")
                        .device("dev-intruder")
                        .country("RO")
                        .ip("192.0.2.98")
                        .user("u-acc-split")
                        .build());
        browse(l, t + sec(10), a, "acc-split", "dev-intruder", "RO", 2);
        long u = t + min(20);
        l.add(
                Ev.login(u, b, "SUCCESS")
                        .account("acc-split")
                        .device("dev-intruder")
                        .country("RO")
                        .ip("192.0.2.98")
                        .user("u-acc-split")
                        .build());
        l.add(
                Ev.change(u + min(1), b, "PASSWORD")
                        .account("acc-split")
                        .device("dev-intruder")
                        .country("RO")
                        .build());
        browse(l, u + min(2), b, "acc-split", "dev-intruder", "RO", 3);
        l.add(
                order(
                                u + min(6),
                                b,
                                "acc-split",
                                "dev-intruder",
                                "RO",
                                "card-split",
                                "GB",
                                "GB",
                                "addr-drop-split",
                                38_000)
                        .build());
        return new Scenario("split takeover", h, l, List.of(a, b));
    }

    public static Scenario cardTesting() {
        List<ScoringEvent> l = new ArrayList<>();
        String s = "cardtest";
        browse(l, T0, s, null, "dev-ct", "US", 2);
        for (int i = 0; i < 12; i++) {
            l.add(
                    Ev.payment(
                                    T0 + min(1) + sec(15L * i),
                                    s,
                                    "stolen-" + i,
                                    i % 6 == 5 ? "AUTHORIZED" : "DECLINED")
                            .device("dev-ct")
                            .country("US")
                            .build());
        }
        return new Scenario("card testing", List.of(), l, List.of(s));
    }

    public static Scenario geoMismatchHighValue() {
        List<ScoringEvent> l = new ArrayList<>();
        String s = "geo";
        browse(l, T0, s, null, "dev-geo", "NG", 5);
        l.add(
                order(
                                T0 + min(4),
                                s,
                                null,
                                "dev-geo",
                                "NG",
                                "card-geo",
                                "US",
                                "GB",
                                "addr-geo",
                                90_000)
                        .build());
        return new Scenario("geo mismatch, high-value guest order", List.of(), l, List.of(s));
    }

    public static Scenario orderVelocity() {
        List<ScoringEvent> l = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String s = "velo-" + i;
            sessions.add(s);
            long t = T0 + min(8L * i);
            // an account that logged in for the first time in the first of these sessions
            l.add(
                    Ev.login(t, s, "SUCCESS")
                            .account("acc-velo")
                            .device("dev-velo")
                            .country("GB")
                            .ip("198.51.100.23")
                            .user("u-acc-velo")
                            .build());
            browse(l, t + sec(20), s, "acc-velo", "dev-velo", "GB", 3);
            l.add(
                    order(
                                    t + min(2),
                                    s,
                                    "acc-velo",
                                    "dev-velo",
                                    "GB",
                                    "card-velo",
                                    "GB",
                                    "GB",
                                    "addr-velo",
                                    20_000)
                            .build());
        }
        // Only the sessions where the velocity shows are judged: the last ones.
        return new Scenario(
                "order velocity per card/account/address", List.of(), l, sessions.subList(3, 6));
    }

    public static Scenario blockedCard() {
        List<ScoringEvent> l = new ArrayList<>();
        String s = "blocked";
        browse(l, T0, s, null, "dev-b", "GB", 4);
        l.add(
                order(
                                T0 + min(3),
                                s,
                                null,
                                "dev-b",
                                "GB",
                                "card-blocked",
                                "GB",
                                "GB",
                                "addr-b",
                                3_000)
                        .build());
        return new Scenario("block-listed card", List.of(), l, List.of(s));
    }

    public static Scenario blockedEmailDomain() {
        List<ScoringEvent> l = new ArrayList<>();
        String s = "blocked-mail";
        browse(l, T0, s, null, "dev-m", "GB", 4);
        l.add(
                order(T0 + min(3), s, null, "dev-m", "GB", "card-m", "GB", "GB", "addr-m", 3_000)
                        .emailDomain("MAILINATOR.com")
                        .build());
        return new Scenario("block-listed email domain", List.of(), l, List.of(s));
    }

    public static Scenario botCheckout() {
        List<ScoringEvent> l = new ArrayList<>();
        String s = "bot";
        l.add(Ev.pageView(T0, s).device("dev-bot").country("GB").build());
        l.add(
                Ev.of(dev.fraudmonitor.model.EventType.FIELD_ENTERED, T0 + sec(2), s)
                        .field("CARD", "h")
                        .device("dev-bot")
                        .build());
        l.add(
                order(
                                T0 + sec(6),
                                s,
                                null,
                                "dev-bot",
                                "GB",
                                "card-bot",
                                "GB",
                                "GB",
                                "addr-bot",
                                15_000)
                        .build());
        return new Scenario("bot-like checkout", List.of(), l, List.of(s));
    }

    public static List<Scenario> attacks() {
        return List.of(
                credentialStuffing(),
                distributedStuffing(),
                bruteForce(),
                accountTakeover(),
                splitTakeover(),
                cardTesting(),
                geoMismatchHighValue(),
                orderVelocity(),
                blockedCard(),
                blockedEmailDomain(),
                botCheckout());
    }

    // ------------------------------------------------------------------ benign look-alikes

    public static Scenario typoPassword() {
        List<ScoringEvent> h = usualPast("acc-typo", "dev-typo", "GB", "card-typo", "addr-typo");
        List<ScoringEvent> l = new ArrayList<>();
        String s = "typo";
        l.add(
                Ev.login(T0, s, "FAILURE")
                        .device("dev-typo")
                        .country("GB")
                        .user("u-acc-typo")
                        .build());
        l.add(
                Ev.login(T0 + sec(15), s, "FAILURE")
                        .device("dev-typo")
                        .country("GB")
                        .user("u-acc-typo")
                        .build());
        l.add(
                Ev.login(T0 + sec(40), s, "SUCCESS")
                        .account("acc-typo")
                        .device("dev-typo")
                        .country("GB")
                        .user("u-acc-typo")
                        .build());
        browse(l, T0 + min(1), s, "acc-typo", "dev-typo", "GB", 4);
        l.add(
                order(
                                T0 + min(5),
                                s,
                                "acc-typo",
                                "dev-typo",
                                "GB",
                                "card-typo",
                                "GB",
                                "GB",
                                "addr-typo",
                                6_000)
                        .build());
        return new Scenario("typo'd password", h, l, List.of(s));
    }

    public static Scenario familyBehindOneIp() {
        List<ScoringEvent> h = new ArrayList<>();
        List<ScoringEvent> l = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        String[] members = {"mum", "dad", "teen", "gran"};
        for (int m = 0; m < members.length; m++) {
            String acc = "acc-" + members[m];
            h.addAll(
                    usualPast(acc, "dev-" + members[m], "GB", "card-" + members[m], "addr-family"));
            for (int k = 0; k < (m == 0 ? 2 : 1); k++) { // mum orders twice
                String s = "family-" + members[m] + "-" + k;
                sessions.add(s);
                long t = T0 + Ev.hours(3L * m + 8L * k);
                l.add(
                        Ev.login(t, s, "SUCCESS")
                                .account(acc)
                                .device("dev-" + members[m])
                                .country("GB")
                                .ip("203.0.113.50")
                                .user("u-" + acc)
                                .build());
                browse(l, t + sec(20), s, acc, "dev-" + members[m], "GB", 3);
                for (ScoringEvent e : l) if (e.sessionId.equals(s)) e.ip = "203.0.113.50";
                l.add(
                        order(
                                        t + min(4),
                                        s,
                                        acc,
                                        "dev-" + members[m],
                                        "GB",
                                        "card-" + members[m],
                                        "GB",
                                        "GB",
                                        "addr-family",
                                        7_000)
                                .ip("203.0.113.50")
                                .build());
            }
        }
        // One of them mistypes a password once on the shared IP.
        l.add(
                0,
                Ev.login(T0 - min(1), "family-typo", "FAILURE")
                        .ip("203.0.113.50")
                        .device("dev-teen")
                        .country("GB")
                        .user("u-acc-teen")
                        .build());
        sessions.add("family-typo");
        return new Scenario("family behind one IP", h, l, sessions);
    }

    public static Scenario travellerAbroad() {
        List<ScoringEvent> h = usualPast("acc-trav", "dev-trav", "GB", "card-trav", "addr-trav");
        List<ScoringEvent> l = new ArrayList<>();
        String s = "travel";
        l.add(
                Ev.login(T0, s, "SUCCESS")
                        .account("acc-trav")
                        .device("dev-trav")
                        .country("FR")
                        .ip("198.51.100.77")
                        .user("u-acc-trav")
                        .build());
        browse(l, T0 + sec(20), s, "acc-trav", "dev-trav", "FR", 5);
        // A high-value order with the usual card: billing = card country = GB, IP in FR.
        l.add(
                order(
                                T0 + min(6),
                                s,
                                "acc-trav",
                                "dev-trav",
                                "FR",
                                "card-trav",
                                "GB",
                                "GB",
                                "addr-trav",
                                85_000)
                        .build());
        return new Scenario("traveller abroad", h, l, List.of(s));
    }

    public static Scenario declinedOnceThenOtherCard() {
        List<ScoringEvent> h = usualPast("acc-dec", "dev-dec", "GB", "card-dec", "addr-dec");
        List<ScoringEvent> l = new ArrayList<>();
        String s = "declined-once";
        l.add(
                Ev.login(T0, s, "SUCCESS")
                        .account("acc-dec")
                        .device("dev-dec")
                        .country("GB")
                        .user("u-acc-dec")
                        .build());
        browse(l, T0 + sec(10), s, "acc-dec", "dev-dec", "GB", 4);
        l.add(
                Ev.payment(T0 + min(3), s, "card-dec", "DECLINED")
                        .account("acc-dec")
                        .device("dev-dec")
                        .country("GB")
                        .build());
        l.add(
                Ev.payment(T0 + min(4), s, "card-dec-2", "AUTHORIZED")
                        .account("acc-dec")
                        .device("dev-dec")
                        .country("GB")
                        .build());
        l.add(
                order(
                                T0 + min(4) + sec(5),
                                s,
                                "acc-dec",
                                "dev-dec",
                                "GB",
                                "card-dec-2",
                                "GB",
                                "GB",
                                "addr-dec",
                                9_000)
                        .build());
        return new Scenario("card declined once, second card works", h, l, List.of(s));
    }

    /**
     * A customer with weeks of history ordering again five times within the hour, each order in its
     * own visit, with the card, device and address it always uses.
     */
    public static Scenario loyalRepeatBuyer() {
        List<ScoringEvent> h =
                usualPast("acc-loyal", "dev-loyal", "GB", "card-loyal", "addr-loyal");
        List<ScoringEvent> l = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String s = "loyal-" + i;
            sessions.add(s);
            long t = T0 + min(12L * i);
            l.add(
                    Ev.login(t, s, "SUCCESS")
                            .account("acc-loyal")
                            .device("dev-loyal")
                            .country("GB")
                            .ip("203.0.113.8")
                            .user("u-acc-loyal")
                            .build());
            browse(l, t + sec(20), s, "acc-loyal", "dev-loyal", "GB", 3);
            l.add(
                    order(
                                    t + min(4),
                                    s,
                                    "acc-loyal",
                                    "dev-loyal",
                                    "GB",
                                    "card-loyal",
                                    "GB",
                                    "GB",
                                    "addr-loyal",
                                    3_000 + 1_000L * i)
                            .build());
        }
        return new Scenario("loyal repeat buyer", h, l, sessions);
    }

    public static List<Scenario> benign() {
        return List.of(
                typoPassword(),
                familyBehindOneIp(),
                travellerAbroad(),
                declinedOnceThenOtherCard(),
                loyalRepeatBuyer());
    }
}
