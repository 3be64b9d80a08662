package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;

/** One copy of an event for one grouping key (an account, an IP, a card...) some rule reads. */
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
}
