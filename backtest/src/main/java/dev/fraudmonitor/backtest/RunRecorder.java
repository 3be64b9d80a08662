package dev.fraudmonitor.backtest;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.InMemoryEngine;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.rules.Rule;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.Reason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Listens to one engine run and keeps what the report needs: per rule its hits, the alerts it is a
 * reason of and the holds it caused; per session that had a hit or an alert, the rules fired and
 * the decisions. Sessions without either are not kept, so memory follows the hits, not the traffic.
 */
public final class RunRecorder implements InMemoryEngine.Listener {
    /** Counts of one rule. */
    static final class RuleCounts {
        long hits;
        long alerts;
        long holds;
    }

    private final List<String> ruleIds = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final List<RuleCounts> counts = new ArrayList<>();
    private final Map<String, SessionOutcome> sessions = new HashMap<>();
    private final Map<Action, Long> alertsByAction = new EnumMap<>(Action.class);
    private final Set<String> wantedAlertIds;
    private final Map<String, String> sessionOfAlert = new HashMap<>();
    private long holds;
    private long duplicates;
    private long suppressed;

    /**
     * @param wantedAlertIds alert ids whose session the labels need to know
     */
    RunRecorder(RuleSet rules, Set<String> wantedAlertIds) {
        for (Rule r : rules.rules()) {
            indexOf(r.id());
        }
        this.wantedAlertIds = wantedAlertIds;
    }

    private int indexOf(String ruleId) {
        Integer i = index.get(ruleId);
        if (i == null) {
            i = ruleIds.size();
            ruleIds.add(ruleId);
            counts.add(new RuleCounts());
            index.put(ruleId, i);
        }
        return i;
    }

    private SessionOutcome outcome(String sessionId) {
        return sessions.computeIfAbsent(sessionId, k -> new SessionOutcome());
    }

    @Override
    public void input(DecisionInput input) {
        if (input.isRuleHit()) {
            int i = indexOf(input.ruleId);
            counts.get(i).hits++;
            outcome(input.sessionId).fired.set(i);
        }
    }

    @Override
    public void decided(Alert alert, List<Hold> holdsOfAlert) {
        alertsByAction.merge(alert.action(), 1L, Long::sum);
        SessionOutcome o = outcome(alert.sessionId());
        o.alertIds.add(alert.alertId());
        if (o.strongest == null || alert.action().compareTo(o.strongest) > 0) {
            o.strongest = alert.action();
        }
        if (wantedAlertIds.contains(alert.alertId())) {
            sessionOfAlert.put(alert.alertId(), alert.sessionId());
        }
        for (String ruleId : ruleIdsOf(alert.reasons())) {
            counts.get(indexOf(ruleId)).alerts++;
        }
        for (Hold h : holdsOfAlert) {
            holds++;
            o.heldOrders.add(h.orderId());
            for (String ruleId : ruleIdsOf(h.reasons())) {
                counts.get(indexOf(ruleId)).holds++;
            }
        }
    }

    private static Set<String> ruleIdsOf(List<Reason> reasons) {
        Set<String> ids = new HashSet<>(reasons.size() * 2);
        for (Reason r : reasons) {
            ids.add(r.ruleId());
        }
        return ids;
    }

    @Override
    public void duplicate(ScoringEvent e) {
        duplicates++;
    }

    @Override
    public void suppressed(DecisionInput input) {
        suppressed++;
    }

    /** Rule ids by index: the rule set's rules in file order. */
    List<String> ruleIds() {
        return ruleIds;
    }

    RuleCounts counts(int ruleIndex) {
        return counts.get(ruleIndex);
    }

    Map<String, SessionOutcome> sessions() {
        return sessions;
    }

    Map<Action, Long> alertsByAction() {
        return alertsByAction;
    }

    long alerts() {
        return alertsByAction.values().stream().mapToLong(Long::longValue).sum();
    }

    long holds() {
        return holds;
    }

    long duplicates() {
        return duplicates;
    }

    long suppressed() {
        return suppressed;
    }

    long sessionsAlerted() {
        return sessions.values().stream().filter(SessionOutcome::alerted).count();
    }

    long sessionsHeld() {
        return sessions.values().stream().filter(SessionOutcome::held).count();
    }

    /** The session of each wanted alert id this run raised. */
    Map<String, String> sessionOfAlert() {
        return sessionOfAlert;
    }
}
