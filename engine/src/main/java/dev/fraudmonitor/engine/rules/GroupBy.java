package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.FieldKind;

/** The entity a keyed rule counts per: one state per (kind, key). */
public enum GroupBy {
    ACCOUNT,
    IP,
    DEVICE,
    CARD,
    USERNAME,
    EMAIL,
    SHIPPING_ADDRESS,
    SESSION,
    /** The card's issuer range (first digits), for attacks spread over the cards of one BIN. */
    BIN,
    /** The whole site: one key, for site-wide counts and baselines. */
    GLOBAL,
    /**
     * The browser's user agent (a 64-bit hash of its text, so a key stays small): what links the
     * attempts of a run spread over residential proxies when the device fingerprint is reset.
     */
    USER_AGENT;

    /** The one key of {@link #GLOBAL}. */
    public static final String SITE = "site";

    /** The event's key for this grouping, or null when the event does not carry it. */
    public String keyOf(ScoringEvent e) {
        switch (this) {
            case ACCOUNT:
                return e.accountId;
            case IP:
                return e.ip;
            case DEVICE:
                return e.deviceId;
            case CARD:
                return e.cardHash;
            case USERNAME:
                return e.usernameHash;
            case EMAIL:
                return Attribute.EMAIL.valueOf(e);
            case SHIPPING_ADDRESS:
                return Attribute.SHIPPING_ADDRESS.valueOf(e);
            case SESSION:
                return e.sessionId;
            case BIN:
                return e.cardBin;
            case GLOBAL:
                return SITE;
            case USER_AGENT:
                return e.userAgent == null ? null : Long.toHexString(Hashing.fnv64(e.userAgent));
            default:
                throw new AssertionError(this);
        }
    }

    /** Plain words for alert texts: "shipping address". */
    public String words() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    static String fieldValue(ScoringEvent e, FieldKind kind) {
        return kind.name().equals(e.field) ? e.valueHash : null;
    }
}
