package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;

/**
 * One copy of an event for one grouping key (an account, an IP, a card...) some rule reads. The
 * session step sends it with the event as {@link #carried} makes it: only the fields the group step
 * reads.
 */
public class GroupCopy {
    /**
     * Grouping kind and value, e.g. {@code "IP|203.0.113.7"}: what the group step is keyed by (the
     * job keeps the state under a 64-bit digest of it).
     */
    public String key;

    public GroupBy kind;
    public ScoringEvent event;

    public GroupCopy() {}

    public GroupCopy(GroupBy kind, String value, ScoringEvent event) {
        this.key = kind.name() + '|' + value;
        this.kind = kind;
        this.event = event;
    }

    /**
     * The event as its group copies carry it: what the group step reads (the rules' filters and
     * attributes, the allow lists) and what a hit takes on to the entity and decision steps ({@link
     * DecisionInput}). The user agent, page, entered country, card, billing and shipping countries,
     * currency, decline code and item count are read by session rules only (the user agent's
     * grouping key is already in {@link #key}); leaving them out makes a copy on the wire about 40
     * % smaller (benchmarks/RESULTS.md).
     */
    public static ScoringEvent carried(ScoringEvent e) {
        ScoringEvent c = new ScoringEvent();
        c.eventId = e.eventId;
        c.type = e.type;
        c.eventTime = e.eventTime;
        c.ingestTime = e.ingestTime;
        c.sessionId = e.sessionId;
        c.accountId = e.accountId;
        c.ip = e.ip;
        c.ipCountry = e.ipCountry;
        c.deviceId = e.deviceId;
        c.outcome = e.outcome;
        c.usernameHash = e.usernameHash;
        c.field = e.field;
        c.valueHash = e.valueHash;
        c.change = e.change;
        c.orderId = e.orderId;
        c.cardHash = e.cardHash;
        c.cardBin = e.cardBin;
        c.cardLast4 = e.cardLast4;
        c.amountMinor = e.amountMinor;
        c.shippingAddressHash = e.shippingAddressHash;
        c.emailHash = e.emailHash;
        c.emailDomain = e.emailDomain;
        return c;
    }
}
