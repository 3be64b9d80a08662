package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;

/** A country fact of an order that a MISMATCH rule compares. */
public enum Fact {
    /** The order event's ipCountry, else the session's last known IP country. */
    IP_COUNTRY,
    BILLING_COUNTRY,
    CARD_COUNTRY,
    SHIPPING_COUNTRY;

    String valueOf(ScoringEvent e, SessionState s) {
        switch (this) {
            case IP_COUNTRY:
                return e.ipCountry != null ? e.ipCountry : (s == null ? null : s.lastIpCountry);
            case BILLING_COUNTRY:
                return e.billingCountry;
            case CARD_COUNTRY:
                return e.cardCountry;
            case SHIPPING_COUNTRY:
                return e.shippingCountry;
            default:
                throw new AssertionError(this);
        }
    }
}
