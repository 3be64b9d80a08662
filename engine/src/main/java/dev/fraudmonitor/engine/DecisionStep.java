package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.rules.Hit;
import dev.fraudmonitor.engine.rules.RuleMode;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.engine.rules.Scorer;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The last step, per session: turns rule hits into decisions a rep can act on.
 *
 * <p>The session's score combines the ACTIVE rules fired in it; thresholds in the rule set map it
 * to REVIEW or, once the session has an order, HOLD. A decision is sent only when it says something
 * new (a first alert, an escalation to HOLD, newly fired rules, another order to hold, or the same
 * rules firing again after the cooldown); the rest is counted as suppressed. Alert ids are derived
 * from the session, the alert's sequence number in it, the action and the rules, so a replay after
 * a failure produces the same ids. Times are event times for the same reason.
 */
public final class DecisionStep {
    /** BIN digits an alert may show: with the last 4, eight BIN digits reveal a 13-digit card. */
    static final int SHOWN_BIN_DIGITS = 6;

    private DecisionStep() {}

    /** What one input led to. */
    public enum Outcome {
        /** A SHADOW rule's hit: counted, never scored. */
        SHADOW,
        /** The score stays below every threshold. */
        NO_ACTION,
        /** An alert would say nothing new (a repeat within the cooldown, say). */
        SUPPRESSED,
        /** An alert, and a hold for every order not yet held when the action is HOLD. */
        ALERT
    }

    /**
     * The result of one input; {@code alert} and {@code holds} are set for {@link Outcome#ALERT}.
     */
    public record Decision(Outcome outcome, Alert alert, List<Hold> holds) {
        static final Decision SHADOW = new Decision(Outcome.SHADOW, null, List.of());
        static final Decision NO_ACTION = new Decision(Outcome.NO_ACTION, null, List.of());
        static final Decision SUPPRESSED = new Decision(Outcome.SUPPRESSED, null, List.of());
    }

    /** Applies one input to the session's state {@code st} (updated in place). */
    public static Decision apply(RuleSet rs, String sessionId, DecisionState st, DecisionInput m) {
        if (m.isAnyHit() && RuleMode.SHADOW.name().equals(m.mode)) {
            return Decision.SHADOW;
        }
        if (st.caseId == null) {
            st.caseId = EntityStep.caseIdOf(sessionId);
            st.caseStart = m.eventTime;
        }
        if (m.eventTime > st.lastEventTime) {
            st.lastEventTime = m.eventTime;
        }
        if (m.kind == DecisionInput.Kind.LINKED_HIT) {
            // The incident started where it was first seen: one case id for all its sessions.
            if (m.caseId != null
                    && (m.caseStart < st.caseStart
                            || (m.caseStart == st.caseStart
                                    && m.caseId.compareTo(st.caseId) < 0))) {
                st.caseId = m.caseId;
                st.caseStart = m.caseStart;
            }
            boolean news =
                    st.putRule(
                            m.ruleId,
                            m.ruleVersion,
                            m.weight,
                            "In another session with the same " + m.linkedBy + ": " + m.text,
                            m.observed,
                            m.threshold,
                            true,
                            true);
            return news ? decide(rs, sessionId, st, m, false) : Decision.NO_ACTION;
        }
        if (m.accountId != null) {
            st.accountId = m.accountId;
        }
        if (m.cardLast4 != null || m.cardBin != null) {
            // Orders and payments carry the BIN only: keep the last 4 the card field gave, unless
            // the BIN says it is another card.
            boolean sameCard = m.cardBin == null || m.cardBin.equals(st.cardBin);
            st.cardLast4 = m.cardLast4 != null ? m.cardLast4 : sameCard ? st.cardLast4 : null;
            if (m.cardBin != null) {
                st.cardBin = m.cardBin;
            }
        }
        boolean newOrder = false;
        if (m.eventType == EventType.ORDER_PLACED && m.orderId != null) {
            newOrder = st.addOrder(m.orderId);
        }
        if (m.isRuleHit()) {
            st.putRule(
                    m.ruleId,
                    m.ruleVersion,
                    m.weight,
                    m.text,
                    m.observed,
                    m.threshold,
                    m.repeat,
                    false);
        }
        return decide(rs, sessionId, st, m, newOrder);
    }

    /**
     * When the session's decision state may be dropped: the session timeout after its newest input.
     */
    public static long expiresAt(RuleSet rs, DecisionState st) {
        return st.lastEventTime + rs.sessionTimeoutMillis();
    }

    private static Decision decide(
            RuleSet rs, String sessionId, DecisionState st, DecisionInput m, boolean newOrder) {
        List<Hit> active = new ArrayList<>(st.ruleIds.length);
        for (int i = 0; i < st.ruleIds.length; i++) {
            active.add(
                    new Hit(
                            st.ruleIds[i],
                            st.ruleVersions[i],
                            RuleMode.ACTIVE,
                            st.weights[i],
                            st.texts[i],
                            st.observed[i],
                            st.thresholds[i],
                            null,
                            st.repeats[i]));
        }
        int score = Scorer.score(active);
        boolean hasOrder = st.orderIds.length > 0;
        Action action = Scorer.action(rs, score, hasOrder);
        if (action == null) {
            return Decision.NO_ACTION;
        }
        if (!ownEvidenceMatters(rs, st, active, action)) {
            return Decision.NO_ACTION;
        }
        String rulesKey = String.join(",", Arrays.stream(st.ruleIds).sorted().toList());
        String ownKey = ownRulesKey(st);
        boolean unheldOrder = false;
        for (boolean h : st.held) {
            unheldOrder |= !h;
        }

        String change;
        if (st.lastAlertId == null) {
            if (action == Action.REVIEW && st.allRepeats()) {
                // Every rule here already alerted for this account/IP/card from another session.
                return Decision.SUPPRESSED;
            }
            change = null;
        } else if (action == Action.HOLD && !Action.HOLD.name().equals(st.lastAction)) {
            change = "escalated from " + st.lastAction + " to HOLD";
        } else if (!ownKey.isEmpty() && !isSubset(ownKey, st.lastRules)) {
            change = "new evidence: " + String.join(", ", newRules(ownKey, st.lastRules));
        } else if (action == Action.HOLD && unheldOrder) {
            change = "another order in this session held";
        } else if (m.isRuleHit()
                && m.eventTime - st.lastAlertTime >= rs.alertCooldown().toMillis()) {
            change = "still firing after the " + rs.alertCooldown() + " cooldown";
        } else {
            // An order notice or a linked hit that adds nothing is not a suppressed alert.
            return m.isRuleHit() || newOrder ? Decision.SUPPRESSED : Decision.NO_ACTION;
        }

        String orderId = action == Action.HOLD ? latestUnheldOrder(st) : null;
        if (orderId == null && hasOrder) {
            orderId = st.orderIds[st.orderIds.length - 1];
        }
        List<Reason> reasons = reasons(st);
        st.alertCount++;
        String alertId = stableId(sessionId, st.alertCount, action, rulesKey);
        Instant at = Instant.ofEpochMilli(m.eventTime);
        Alert alert =
                new Alert(
                        alertId,
                        at,
                        sessionId,
                        st.accountId,
                        orderId,
                        action,
                        score,
                        rs.version(),
                        reasons,
                        st.lastAlertId,
                        change,
                        shownBin(st.cardBin),
                        st.cardLast4,
                        st.caseId);
        List<Hold> holds = new ArrayList<>(1);
        if (action == Action.HOLD) {
            for (int i = 0; i < st.orderIds.length; i++) {
                if (!st.held[i]) {
                    st.held[i] = true;
                    holds.add(
                            new Hold(
                                    st.orderIds[i],
                                    sessionId,
                                    st.accountId,
                                    alertId,
                                    HoldStatus.HELD,
                                    score,
                                    reasons,
                                    at,
                                    null,
                                    null,
                                    null,
                                    st.caseId));
                }
            }
        }
        st.lastAlertId = alertId;
        st.lastAction = action.name();
        st.lastRules = ownKey;
        st.lastAlertTime = m.eventTime;
        return new Decision(Outcome.ALERT, alert, holds);
    }

    /**
     * Linked evidence adds to a session's own, never stands in for it: a session where no rule
     * fired (the account owner's next visit after a takeover elsewhere, say) is not alerted for
     * another session's hits. And when the linked sessions' evidence alone reaches review, the
     * incident is in front of a rep already: this session is alerted only to hold an order.
     */
    private static boolean ownEvidenceMatters(
            RuleSet rs, DecisionState st, List<Hit> active, Action action) {
        List<Hit> own = new ArrayList<>(active.size());
        List<Hit> linkedOnly = new ArrayList<>(active.size());
        for (int i = 0; i < active.size(); i++) {
            (st.linked[i] ? linkedOnly : own).add(active.get(i));
        }
        if (linkedOnly.isEmpty()) {
            return true;
        }
        if (own.isEmpty()) {
            return false;
        }
        return action == Action.HOLD || Scorer.score(linkedOnly) < rs.reviewThreshold();
    }

    /** The rules that fired in this session itself, sorted, comma-separated. */
    private static String ownRulesKey(DecisionState st) {
        List<String> own = new ArrayList<>();
        for (int i = 0; i < st.ruleIds.length; i++) {
            if (!st.linked[i]) own.add(st.ruleIds[i]);
        }
        own.sort(null);
        return String.join(",", own);
    }

    static String shownBin(String bin) {
        return bin == null || bin.length() <= SHOWN_BIN_DIGITS
                ? bin
                : bin.substring(0, SHOWN_BIN_DIGITS);
    }

    private static List<Reason> reasons(DecisionState st) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < st.ruleIds.length; i++) {
            order.add(i);
        }
        order.sort(
                Comparator.<Integer>comparingInt(i -> -st.weights[i])
                        .thenComparing(i -> st.ruleIds[i]));
        List<Reason> out = new ArrayList<>(order.size());
        for (int i : order) {
            out.add(
                    new Reason(
                            st.ruleIds[i],
                            st.ruleVersions[i],
                            st.texts[i],
                            st.observed[i],
                            st.thresholds[i]));
        }
        return out;
    }

    private static String latestUnheldOrder(DecisionState st) {
        for (int i = st.orderIds.length - 1; i >= 0; i--) {
            if (!st.held[i]) {
                return st.orderIds[i];
            }
        }
        return null;
    }

    private static boolean isSubset(String rules, String of) {
        return newRules(rules, of).isEmpty();
    }

    private static List<String> newRules(String rules, String of) {
        List<String> previous = of == null ? List.of() : Arrays.asList(of.split(","));
        List<String> fresh = new ArrayList<>();
        for (String r : rules.split(",")) {
            if (!previous.contains(r)) {
                fresh.add(r);
            }
        }
        return fresh;
    }

    public static String stableId(String sessionId, int sequence, Action action, String rulesKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d =
                    sha.digest(
                            (sessionId + '\u0000' + sequence + '\u0000' + action + '\u0000'
                                            + rulesKey)
                                    .getBytes(StandardCharsets.UTF_8));
            return "al-" + HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
