package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.HitMessage;
import dev.fraudmonitor.job.event.Output;
import dev.fraudmonitor.job.rules.Hit;
import dev.fraudmonitor.job.rules.RuleMode;
import dev.fraudmonitor.job.rules.RuleSet;
import dev.fraudmonitor.job.rules.Scorer;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Json;
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
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by session: turns rule hits into decisions a rep can act on.
 *
 * <p>The session's score combines the ACTIVE rules fired in it; thresholds in the rule set map it
 * to REVIEW or, once the session has an order, HOLD. A decision is sent only when it says something
 * new (a first alert, an escalation to HOLD, newly fired rules, another order to hold, or the same
 * rules firing again after the cooldown); the rest is counted as suppressed. Alert ids are derived
 * from the session, the alert's sequence number in it, the action and the rules, so a replay after
 * a failure produces the same ids. Times are event times for the same reason.
 */
public class DecisionStage extends RuleStage<HitMessage, Output> implements CheckpointListener {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Output> HOLDS =
            new OutputTag<>("holds", TypeInformation.of(Output.class));

    static final ValueStateDescriptor<DecisionState> STATE =
            new ValueStateDescriptor<>("decision", TypeInformation.of(DecisionState.class));

    private final long ttlMillis;
    private transient ValueState<DecisionState> state;

    public DecisionStage(JobConfig config) {
        super(config);
        this.ttlMillis = config.get(JobConfig.SESSION_TTL).toMillis();
    }

    @Override
    protected void openState() {
        state = getRuntimeContext().getState(STATE);
    }

    /** Reported so operators can see that outputs are being committed (pipeline health). */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (metrics != null) {
            metrics.checkpointCompleted(checkpointId);
        }
    }

    @Override
    public void processElement(HitMessage m, Context ctx, Collector<Output> out) throws Exception {
        if (!m.isOrderNotice()) {
            metrics.ruleHit(m.ruleId, m.mode);
            if (RuleMode.SHADOW.name().equals(m.mode)) {
                return; // shadow rules are counted, never scored
            }
        }
        DecisionState st = state.value();
        if (st == null) {
            st = new DecisionState();
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
        if (!m.isOrderNotice()) {
            st.putRule(
                    m.ruleId, m.ruleVersion, m.weight, m.text, m.observed, m.threshold, m.repeat);
        }
        if (m.eventTime > st.lastEventTime) {
            long timerBefore = Timers.roundUp(st.lastEventTime + ttlMillis);
            st.lastEventTime = m.eventTime;
            long timer = Timers.roundUp(m.eventTime + ttlMillis);
            if (timer != timerBefore) {
                ctx.timerService().registerEventTimeTimer(timer);
            }
        }

        RuleSet rs = rules.current().rules();
        decide(rs, st, m, newOrder, ctx, out);
        state.update(st);
    }

    private void decide(
            RuleSet rs,
            DecisionState st,
            HitMessage m,
            boolean newOrder,
            Context ctx,
            Collector<Output> out)
            throws Exception {
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
            return;
        }
        String rulesKey = String.join(",", Arrays.stream(st.ruleIds).sorted().toList());
        boolean unheldOrder = false;
        for (boolean h : st.held) {
            unheldOrder |= !h;
        }

        String change;
        if (st.lastAlertId == null) {
            if (action == Action.REVIEW && st.allRepeats()) {
                // Every rule here already alerted for this account/IP/card from another session.
                metrics.alertSuppressed();
                return;
            }
            change = null;
        } else if (action == Action.HOLD && !Action.HOLD.name().equals(st.lastAction)) {
            change = "escalated from " + st.lastAction + " to HOLD";
        } else if (!isSubset(rulesKey, st.lastRules)) {
            change = "new evidence: " + String.join(", ", newRules(rulesKey, st.lastRules));
        } else if (action == Action.HOLD && unheldOrder) {
            change = "another order in this session held";
        } else if (!m.isOrderNotice()
                && m.eventTime - st.lastAlertTime >= rs.alertCooldown().toMillis()) {
            change = "still firing after the " + rs.alertCooldown() + " cooldown";
        } else {
            if (!m.isOrderNotice() || newOrder) {
                metrics.alertSuppressed();
            }
            return;
        }

        String orderId = action == Action.HOLD ? latestUnheldOrder(st) : null;
        if (orderId == null && hasOrder) {
            orderId = st.orderIds[st.orderIds.length - 1];
        }
        List<Reason> reasons = reasons(st);
        st.alertCount++;
        String alertId = stableId(ctx.getCurrentKey(), st.alertCount, action, rulesKey);
        Instant at = Instant.ofEpochMilli(m.eventTime);
        Alert alert =
                new Alert(
                        alertId,
                        at,
                        ctx.getCurrentKey(),
                        st.accountId,
                        orderId,
                        action,
                        score,
                        rs.version(),
                        reasons,
                        st.lastAlertId,
                        change,
                        st.cardBin,
                        st.cardLast4);
        out.collect(
                new Output(
                        ctx.getCurrentKey(), Json.mapper().writeValueAsBytes(alert), m.ingestTime));
        metrics.alert(action, score, m.eventTime, m.ingestTime);

        if (action == Action.HOLD) {
            for (int i = 0; i < st.orderIds.length; i++) {
                if (!st.held[i]) {
                    st.held[i] = true;
                    Hold hold =
                            new Hold(
                                    st.orderIds[i],
                                    ctx.getCurrentKey(),
                                    st.accountId,
                                    alertId,
                                    HoldStatus.HELD,
                                    score,
                                    reasons,
                                    at,
                                    null,
                                    null,
                                    null);
                    ctx.output(
                            HOLDS,
                            new Output(
                                    st.orderIds[i],
                                    Json.mapper().writeValueAsBytes(hold),
                                    m.ingestTime));
                    metrics.holdPlaced();
                }
            }
        }
        st.lastAlertId = alertId;
        st.lastAction = action.name();
        st.lastRules = rulesKey;
        st.lastAlertTime = m.eventTime;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Output> out)
            throws Exception {
        DecisionState st = state.value();
        if (st != null && st.lastEventTime + ttlMillis <= timestamp) {
            state.clear();
        }
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

    static String stableId(String sessionId, int sequence, Action action, String rulesKey) {
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
