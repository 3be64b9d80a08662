package dev.fraudmonitor.engine.rules;

import static dev.fraudmonitor.engine.rules.Ev.T0;
import static dev.fraudmonitor.engine.rules.Ev.min;
import static dev.fraudmonitor.engine.rules.Ev.sec;
import static dev.fraudmonitor.engine.rules.TestRules.observed;
import static dev.fraudmonitor.engine.rules.TestRules.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BotCheckoutTest {
    static final String BOT =
            "{\"id\":\"bot\",\"kind\":\"BOT_CHECKOUT\",\"weight\":55,"
                    + "\"description\":\"Bot-like checkout: {observed}; a person takes {threshold}\",\"maxSessionAge\":\"PT20S\",\"minPageViews\":3}";

    @Test
    void fastOrderFires() {
        RuleSet rs = TestRules.set(BOT);
        SessionState st = new SessionState();
        for (int i = 0; i < 3; i++) session(rs, null, st, Ev.pageView(T0 + sec(i), "s").build());
        Hit h = session(rs, null, st, Ev.order(T0 + sec(8), "s", 100).build()).get(0);
        assertEquals("order 8 seconds after the session started, 3 page views", h.observed());
        assertEquals(
                "Bot-like checkout: order 8 seconds after the session started, 3 page views; "
                        + "a person takes at least 20 seconds and at least 3 page views",
                h.text());
    }

    @Test
    void slowOrderWithBrowsingIsQuiet() {
        RuleSet rs = TestRules.set(BOT);
        SessionState st = new SessionState();
        for (int i = 0; i < 3; i++)
            session(rs, null, st, Ev.pageView(T0 + sec(30L * i), "s").build());
        assertNull(observed(session(rs, null, st, Ev.order(T0 + min(3), "s", 100).build()), "bot"));
    }

    @Test
    void slowOrderWithTooFewPageViewsFires() {
        RuleSet rs = TestRules.set(BOT);
        SessionState st = new SessionState();
        session(rs, null, st, Ev.pageView(T0, "s").build());
        session(rs, null, st, Ev.pageView(T0 + sec(30), "s").build());
        assertEquals(
                "order 3 minutes after the session started, 2 page views",
                observed(session(rs, null, st, Ev.order(T0 + min(3), "s", 100).build()), "bot"));
    }

    @Test
    void orderAsFirstEventFiresAndPageViewsOnlyCountOnOrders() {
        RuleSet rs = TestRules.set(BOT);
        SessionState st = new SessionState();
        assertEquals(
                "order as the first event of the session, 0 page views",
                observed(session(rs, null, st, Ev.order(T0, "s", 100).build()), "bot"));
        assertNull(
                observed(
                        session(rs, null, new SessionState(), Ev.pageView(T0, "s").build()),
                        "bot"));
    }
}
