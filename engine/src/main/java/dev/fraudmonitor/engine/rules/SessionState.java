package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.EventType;

/**
 * What the session rules remember about one session: the facts bot checkout and mismatch rules
 * need, plus a {@link GroupState} for SESSION-grouped velocity/new-value/change rules and for
 * repeat detection of all session rules. Public fields, as {@link GroupState}.
 */
public class SessionState {
    /** Null until a SESSION-grouped rule or a session rule fires. */
    public GroupState group;

    /** Number of events seen (0 = no session facts held). */
    public int events;

    public long firstEventTime;
    public long lastEventTime;
    public int pageViews;

    /** The IP country of the session's latest event that carried one. */
    public String lastIpCountry;

    public long lastIpCountryTime;

    /**
     * 64-bit hashes of the event ids this session has seen, an open-addressing table (0 = empty
     * slot; a power of two in length, at most three quarters full): the session stage's
     * de-duplication, kept here so that a session is one state entry and not a map of id strings.
     * Two different ids share a hash with a probability of about n² / 2⁶⁵ for n ids, so a repeat is
     * never missed and a new event is dropped in practice never.
     */
    public long[] seenIds;

    public int seenCount;

    public SessionState() {}

    /** Records {@code eventId}; false when this session has already seen it. */
    public boolean firstSighting(String eventId) {
        long h = Hashing.fnv64(eventId);
        if (h == 0) h = 1;
        if (seenIds == null) {
            seenIds = new long[4];
        } else if ((seenCount + 1) * 4 > seenIds.length * 3) {
            // At most three quarters full: linear probing over a few dozen slots stays short, and
            // a session of 20 events holds 32 slots (256 bytes) instead of 64 at half full.
            long[] old = seenIds;
            seenIds = new long[old.length * 2];
            for (long v : old) {
                if (v != 0) insert(v);
            }
        }
        if (!insert(h)) return false;
        seenCount++;
        return true;
    }

    private boolean insert(long h) {
        int mask = seenIds.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (seenIds[i] != 0) {
            if (seenIds[i] == h) return false;
            i = (i + 1) & mask;
        }
        seenIds[i] = h;
        return true;
    }

    GroupState group() {
        if (group == null) group = new GroupState();
        return group;
    }

    void observe(ScoringEvent e) {
        long t = e.eventTime;
        if (events == 0) {
            firstEventTime = t;
            lastEventTime = t;
        } else {
            if (t < firstEventTime) firstEventTime = t;
            if (t > lastEventTime) lastEventTime = t;
        }
        events++;
        if (e.type == EventType.PAGE_VIEW) pageViews++;
        if (e.ipCountry != null && (lastIpCountry == null || t >= lastIpCountryTime)) {
            lastIpCountry = e.ipCountry;
            lastIpCountryTime = t;
        }
    }
}
