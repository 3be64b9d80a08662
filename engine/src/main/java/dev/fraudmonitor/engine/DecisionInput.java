package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.GroupBy;
import dev.fraudmonitor.engine.rules.Hit;
import dev.fraudmonitor.model.EventType;

/**
 * What the decision step receives for a session: a rule that fired ({@link Kind#RULE_HIT}), the
 * notice that an order was placed ({@link Kind#ORDER_PLACED}), which a later HOLD needs even when
 * no rule fired on the order itself, or a rule that fired in another session sharing an account,
 * device, card or shipping address with this one ({@link Kind#LINKED_HIT}, from {@link
 * EntityStep}).
 *
 * <p>One flat class, not a hierarchy, with a hand-written serializer in the job ({@code
 * DecisionInputSerializer} in fraud-job); a new field must be added there too.
 */
public class DecisionInput {
    public enum Kind {
        RULE_HIT,
        ORDER_PLACED,
        LINKED_HIT
    }

    public Kind kind;
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

    // The entities of the triggering event, for linking sessions (EntityStep); may be null.
    public String deviceId;
    public String cardHash;
    public String shippingAddressHash;

    // LINKED_HIT only: the session the rule fired in, and what links the two ("account").
    public String linkedSessionId;
    public String linkedBy;

    // LINKED_HIT only: the incident the linking entity belongs to, and when it started.
    public String caseId;
    public long caseStart;

    // RULE_HIT only.
    public String ruleId;
    public int ruleVersion;
    public String mode;
    public int weight;
    public String text;
    public String observed;
    public String threshold;
    public boolean repeat;

    public DecisionInput() {}

    public static DecisionInput ruleHit(ScoringEvent e, long ruleSetVersion, Hit hit) {
        DecisionInput m = of(Kind.RULE_HIT, e, ruleSetVersion);
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

    public static DecisionInput orderPlaced(ScoringEvent e, long ruleSetVersion) {
        return of(Kind.ORDER_PLACED, e, ruleSetVersion);
    }

    private static DecisionInput of(Kind kind, ScoringEvent e, long ruleSetVersion) {
        DecisionInput m = new DecisionInput();
        m.kind = kind;
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
        m.deviceId = e.deviceId;
        m.cardHash = e.cardHash;
        m.shippingAddressHash = GroupBy.SHIPPING_ADDRESS.keyOf(e);
        return m;
    }

    /** A rule that fired in this session. */
    public boolean isRuleHit() {
        return kind == Kind.RULE_HIT;
    }

    /** A rule that fired, in this session or a linked one. */
    public boolean isAnyHit() {
        return kind == Kind.RULE_HIT || kind == Kind.LINKED_HIT;
    }
}
