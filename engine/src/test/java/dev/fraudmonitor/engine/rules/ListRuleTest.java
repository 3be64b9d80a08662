package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.sec;
import static dev.fraudmonitor.engine.rules.TestRules.observed;
import static dev.fraudmonitor.engine.rules.TestRules.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListRuleTest {
    static String list(String id, String kind) {
        return "{\"id\":\""
                + id
                + "\",\"kind\":\"LIST\",\"weight\":90,\"description\":\"The {attribute} is on the block list\",\"list\":\""
                + kind
                + "\"}";
    }

    static final String BOT = BotCheckoutTest.BOT;
    static final String BOT_SHADOW =
            BOT.replace("\"bot\"", "\"bot-shadow\"")
                    .replace("\"weight\"", "\"mode\":\"SHADOW\",\"weight\"");
    static final String SESSION_COUNT =
            "{\"id\":\"orders-session\",\"kind\":\"VELOCITY\",\"weight\":50,\"description\":\"{observed}\","
                    + "\"groupBy\":\"SESSION\",\"aggregate\":\"COUNT\",\"window\":\"PT1H\",\"threshold\":0,\"filter\":{\"types\":[\"ORDER_PLACED\"]}}";

    static final ListSnapshot LISTS =
            new ListSnapshot(
                    7,
                    Map.of(
                            ListKind.IP,
                            Set.of("192.0.2.66"),
                            ListKind.EMAIL_DOMAIN,
                            Set.of("Mailinator.COM"),
                            ListKind.CARD,
                            Set.of("bad-card")),
                    Map.of(ListKind.ACCOUNT, Set.of("vip-account")));

    @Test
    void blockListedValueFires() {
        RuleSet rs = TestRules.set(list("block-ip", "IP"));
        Hit h =
                session(
                                rs,
                                LISTS,
                                new SessionState(),
                                Ev.pageView(T0, "s").ip("192.0.2.66").build())
                        .get(0);
        assertEquals("The ip is on the block list", h.text());
        assertEquals("ip on the block list", h.observed());
        assertEquals(90, h.weight());
        assertEquals(7, LISTS.version());
    }

    @Test
    void otherValuesAndMissingValuesDoNotFire() {
        RuleSet rs = TestRules.set(list("block-ip", "IP"), list("block-card", "CARD"));
        assertEquals(
                List.of(),
                session(
                        rs,
                        LISTS,
                        new SessionState(),
                        Ev.pageView(T0, "s").ip("192.0.2.67").build()));
        assertEquals(
                List.of(),
                session(
                        rs,
                        ListSnapshot.empty(),
                        new SessionState(),
                        Ev.pageView(T0, "s").ip("192.0.2.66").build()));
    }

    @Test
    void emailDomainsCompareCaseInsensitively() {
        RuleSet rs = TestRules.set(list("block-mail", "EMAIL_DOMAIN"));
        assertNotNull(
                observed(
                        session(
                                rs,
                                LISTS,
                                new SessionState(),
                                Ev.order(T0, "s", 1).emailDomain("MAILINATOR.com").build()),
                        "block-mail"));
        assertTrue(LISTS.blocked(ListKind.EMAIL_DOMAIN, "mailinator.com"));
    }

    @Test
    void allowListSuppressesActiveHitsExceptBlockListHits() {
        RuleSet rs = TestRules.set(list("block-card", "CARD"), BOT, BOT_SHADOW, SESSION_COUNT);
        SessionState st = new SessionState();
        List<Hit> hits =
                session(
                        rs,
                        LISTS,
                        st,
                        Ev.order(T0, "s", 1).account("vip-account").card("bad-card").build());
        List<String> ids = new ArrayList<>();
        for (Hit h : hits) ids.add(h.ruleId());
        assertEquals(List.of("block-card", "bot-shadow"), ids);
        // Without the allow-listed account the same order raises the others too.
        List<Hit> other =
                session(
                        rs,
                        LISTS,
                        new SessionState(),
                        Ev.order(T0, "s2", 1).account("plain").card("bad-card").build());
        assertEquals(4, other.size());
    }

    @Test
    void groupEvaluatorAppliesTheAllowListToo() {
        RuleSet rs = TestRules.set(VelocityRuleTest.failedLogins("bf", "PT10M", 0));
        List<Hit> out = new ArrayList<>();
        GroupEvaluator.evaluate(
                rs,
                LISTS,
                GroupBy.ACCOUNT,
                new GroupState(),
                Ev.login(T0, "s", "FAILURE").account("vip-account").build(),
                out);
        assertEquals(List.of(), out);
        GroupEvaluator.evaluate(
                rs,
                LISTS,
                GroupBy.ACCOUNT,
                new GroupState(),
                Ev.login(T0, "s", "FAILURE").account("plain").build(),
                out);
        assertEquals(1, out.size());
    }

    @Test
    void blockHitsRepeatWithinTheCooldown() {
        RuleSet rs = TestRules.set(list("block-ip", "IP"));
        SessionState st = new SessionState();
        assertFalse(
                session(rs, LISTS, st, Ev.pageView(T0, "s").ip("192.0.2.66").build())
                        .get(0)
                        .repeat());
        assertTrue(
                session(rs, LISTS, st, Ev.pageView(T0 + sec(5), "s").ip("192.0.2.66").build())
                        .get(0)
                        .repeat());
        assertNull(
                observed(
                        session(
                                rs,
                                LISTS,
                                st,
                                Ev.pageView(T0 + sec(6), "s").ip("10.0.0.1").build()),
                        "block-ip"));
    }
}
