package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.DecisionInput;
import dev.fraudmonitor.engine.InMemoryEngine;
import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.RulesSource;
import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.Hold;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Events run through the engine's {@link InMemoryEngine}, with what it decided recorded per
 * session: the ACTIVE rules that fired, the score they make, and the strongest action alerted.
 */
final class RecordedRun implements InMemoryEngine.Listener {
    private final InMemoryEngine engine;
    final Map<String, List<Hit>> activeHits = new HashMap<>();
    final Map<String, Action> strongestAction = new HashMap<>();
    final List<Alert> alerts = new ArrayList<>();

    RecordedRun(RuleSet rs, ListSnapshot lists) {
        engine = new InMemoryEngine(RulesSource.fixed(new RulesSnapshot(rs, lists)), this);
    }

    void run(List<ScoringEvent> events) {
        events.forEach(engine::accept);
    }

    @Override
    public void input(DecisionInput in) {
        List<Hit> hits = activeHits.computeIfAbsent(in.sessionId, k -> new ArrayList<>());
        if (in.isRuleHit() && RuleMode.ACTIVE.name().equals(in.mode)) {
            hits.add(
                    new Hit(
                            in.ruleId,
                            in.ruleVersion,
                            RuleMode.ACTIVE,
                            in.weight,
                            in.text,
                            in.observed,
                            in.threshold,
                            null,
                            in.repeat));
        }
    }

    @Override
    public void decided(Alert alert, List<Hold> holds) {
        alerts.add(alert);
        strongestAction.merge(
                alert.sessionId(), alert.action(), (a, b) -> a == Action.HOLD ? a : b);
    }

    /** The score of every ACTIVE rule fired in the session, as the decision step scores it. */
    int scoreOf(String session) {
        return Scorer.score(activeHits.getOrDefault(session, List.of()));
    }

    Set<String> sessions() {
        return activeHits.keySet();
    }

    List<String> activeRuleIds(String session) {
        Set<String> ids = new LinkedHashSet<>();
        for (Hit h : activeHits.getOrDefault(session, List.of())) {
            ids.add(h.ruleId());
        }
        return new ArrayList<>(ids);
    }
}
