package dev.fraudmonitor.job.event;

import dev.fraudmonitor.job.rules.Hit;
import dev.fraudmonitor.model.EventType;

/**
 * What the decision stage receives, keyed by session: a rule hit, or (with {@code ruleId == null})
 * the notice that an order was placed in the session.
 */
public class HitMessage {
    public String sessionId;
    public String accountId;
    public String eventId;
    public EventType eventType;
    public long eventTime;
    public long ingestTime;
    public String orderId;
    public String cardBin;
    public String cardLast4;
    public long ruleSetVersion;

    public String ruleId;
    public int ruleVersion;
    public String mode;
    public int weight;
    public String text;
    public String observed;
    public String threshold;
    public boolean repeat;

    public HitMessage() {}

    public static HitMessage of(ScoringEvent e, long ruleSetVersion, Hit hit) {
        HitMessage m = orderNotice(e, ruleSetVersion);
        m.ruleId = hit.ruleId();
        m.ruleVersion = hit.ruleVersion();
        m.mode = hit.mode().name();
        m.weight = hit.weight();
        m.text = hit.text();
        m.observed = hit.observed();
        m.threshold = hit.threshold();
        m.repeat = hit.repeat();
        return m;
    }

    public static HitMessage orderNotice(ScoringEvent e, long ruleSetVersion) {
        HitMessage m = new HitMessage();
        m.sessionId = e.sessionId;
        m.accountId = e.accountId;
        m.eventId = e.eventId;
        m.eventType = e.type;
        m.eventTime = e.eventTime;
        m.ingestTime = e.ingestTime;
        m.orderId = e.orderId;
        m.cardBin = e.cardBin;
        m.cardLast4 = e.cardLast4;
        m.ruleSetVersion = ruleSetVersion;
        return m;
    }

    public boolean isOrderNotice() {
        return ruleId == null;
    }
}
