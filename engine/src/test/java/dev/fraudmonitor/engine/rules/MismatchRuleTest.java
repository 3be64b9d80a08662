package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.sec;
import static dev.fraudmonitor.engine.rules.TestRules.observed;
import static dev.fraudmonitor.engine.rules.TestRules.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class MismatchRuleTest {
    static final String GEO =
            "{\"id\":\"geo\",\"kind\":\"MISMATCH\",\"weight\":40,\"description\":\"Countries differ: {observed}\","
                    + "\"facts\":[\"IP_COUNTRY\",\"BILLING_COUNTRY\",\"CARD_COUNTRY\"],\"minAmountMinor\":50000}";
    static final String THREE =
            "{\"id\":\"three\",\"kind\":\"MISMATCH\",\"weight\":60,\"description\":\"{observed}\","
                    + "\"facts\":[\"IP_COUNTRY\",\"BILLING_COUNTRY\",\"CARD_COUNTRY\"],\"minDistinct\":3}";

    static Ev order(long amount, String ip, String billing, String card) {
        return Ev.order(T0 + sec(60), "s", amount).country(ip).billing(billing).cardCountry(card);
    }

    @Test
    void agreeingFactsDoNotFire() {
        RuleSet rs = TestRules.set(GEO);
        assertEquals(
                java.util.List.of(),
                session(rs, null, new SessionState(), order(90_000, "GB", "GB", "gb").build()));
    }

    @Test
    void disagreeingFactsFireWithTheValues() {
        RuleSet rs = TestRules.set(GEO);
        Hit h =
                session(rs, null, new SessionState(), order(90_000, "NG", "GB", "US").build())
                        .get(0);
        assertEquals("IP_COUNTRY=NG, BILLING_COUNTRY=GB, CARD_COUNTRY=US", h.observed());
        assertEquals("all equal", h.threshold());
        assertEquals(
                "Countries differ: IP_COUNTRY=NG, BILLING_COUNTRY=GB, CARD_COUNTRY=US", h.text());
        assertEquals(GroupBy.SESSION, h.groupBy());
    }

    @Test
    void belowMinAmountDoesNotFire() {
        RuleSet rs = TestRules.set(GEO);
        assertNull(
                observed(
                        session(
                                rs,
                                null,
                                new SessionState(),
                                order(49_999, "NG", "GB", "US").build()),
                        "geo"));
        assertEquals(
                "IP_COUNTRY=NG, BILLING_COUNTRY=GB, CARD_COUNTRY=GB",
                observed(
                        session(
                                rs,
                                null,
                                new SessionState(),
                                order(50_000, "NG", "GB", "GB").build()),
                        "geo"));
    }

    @Test
    void ipCountryFallsBackToTheSessionsLastKnown() {
        RuleSet rs = TestRules.set(GEO);
        SessionState st = new SessionState();
        session(rs, null, st, Ev.pageView(T0, "s").country("FR").build());
        session(rs, null, st, Ev.pageView(T0 + sec(5), "s").build());
        assertEquals(
                "IP_COUNTRY=FR, BILLING_COUNTRY=GB, CARD_COUNTRY=GB",
                observed(session(rs, null, st, order(60_000, null, "GB", "GB").build()), "geo"));
    }

    @Test
    void minDistinctThreeNeedsAllDifferent() {
        RuleSet rs = TestRules.set(THREE);
        assertNull(
                observed(
                        session(rs, null, new SessionState(), order(100, "FR", "GB", "GB").build()),
                        "three"));
        Hit h = session(rs, null, new SessionState(), order(100, "FR", "GB", "US").build()).get(0);
        assertEquals("fewer than 3 different values", h.threshold());
    }

    @Test
    void needsTwoPresentFactsAndAnOrder() {
        RuleSet rs = TestRules.set(GEO);
        assertNull(
                observed(
                        session(
                                rs,
                                null,
                                new SessionState(),
                                order(90_000, "NG", null, null).build()),
                        "geo"));
        assertNull(
                observed(
                        session(
                                rs,
                                null,
                                new SessionState(),
                                Ev.payment(T0, "s", "c", "AUTHORIZED")
                                        .amount(90_000)
                                        .country("NG")
                                        .cardCountry("US")
                                        .build()),
                        "geo"));
    }
}
