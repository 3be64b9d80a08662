package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.EventType;
import java.time.Instant;

/** Fluent builder for test events. */
final class Ev {
    static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static int seq;

    final ScoringEvent e = new ScoringEvent();

    private Ev(EventType type, long t, String session) {
        e.eventId = "ev-" + (++seq);
        e.type = type;
        e.eventTime = t;
        e.ingestTime = t;
        e.sessionId = session;
        e.ip = "198.51.100.1";
    }

    static long sec(long n) {
        return n * 1000L;
    }

    static long min(long n) {
        return n * 60_000L;
    }

    static long hours(long n) {
        return n * 3_600_000L;
    }

    static long days(long n) {
        return n * 86_400_000L;
    }

    static Ev of(EventType type, long t, String session) {
        return new Ev(type, t, session);
    }

    static Ev login(long t, String session, String outcome) {
        return of(EventType.LOGIN, t, session).outcome(outcome);
    }

    static Ev pageView(long t, String session) {
        Ev ev = of(EventType.PAGE_VIEW, t, session);
        ev.e.page = "/p/" + t;
        return ev;
    }

    static Ev change(long t, String session, String change) {
        Ev ev = of(EventType.ACCOUNT_CHANGE, t, session);
        ev.e.change = change;
        return ev;
    }

    static Ev payment(long t, String session, String card, String outcome) {
        return of(EventType.PAYMENT_ATTEMPT, t, session).card(card).outcome(outcome).amount(100);
    }

    static Ev order(long t, String session, long amount) {
        Ev ev = of(EventType.ORDER_PLACED, t, session).amount(amount);
        ev.e.orderId = "order-" + ev.e.eventId;
        ev.e.currency = "EUR";
        ev.e.itemCount = 1;
        return ev;
    }

    Ev account(String v) {
        e.accountId = v;
        return this;
    }

    Ev ip(String v) {
        e.ip = v;
        return this;
    }

    Ev country(String v) {
        e.ipCountry = v;
        return this;
    }

    Ev device(String v) {
        e.deviceId = v;
        return this;
    }

    Ev user(String v) {
        e.usernameHash = v;
        return this;
    }

    Ev outcome(String v) {
        e.outcome = v;
        return this;
    }

    Ev card(String v) {
        e.cardHash = v;
        return this;
    }

    Ev cardCountry(String v) {
        e.cardCountry = v;
        return this;
    }

    Ev billing(String v) {
        e.billingCountry = v;
        return this;
    }

    Ev shipping(String address, String country) {
        e.shippingAddressHash = address;
        e.shippingCountry = country;
        return this;
    }

    Ev emailDomain(String v) {
        e.emailDomain = v;
        return this;
    }

    Ev amount(long v) {
        e.amountMinor = v;
        return this;
    }

    Ev field(String kind, String valueHash) {
        e.field = kind;
        e.valueHash = valueHash;
        return this;
    }

    ScoringEvent build() {
        return e;
    }
}
