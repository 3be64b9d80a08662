package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import java.util.Locale;

/** The kinds of block/allow lists analysts keep in Redis. */
public enum ListKind {
    IP,
    CARD,
    DEVICE,
    EMAIL_DOMAIN,
    ACCOUNT;

    /** The event's value for this list (email domains lower-cased), null when absent. */
    public String keyOf(ScoringEvent e) {
        switch (this) {
            case IP:
                return e.ip;
            case CARD:
                return e.cardHash;
            case DEVICE:
                return e.deviceId;
            case EMAIL_DOMAIN:
                return e.emailDomain == null ? null : e.emailDomain.toLowerCase(Locale.ROOT);
            case ACCOUNT:
                return e.accountId;
            default:
                throw new AssertionError(this);
        }
    }

    /** The Redis key suffix: {@code ip}, {@code email_domain}. */
    public String redisName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
