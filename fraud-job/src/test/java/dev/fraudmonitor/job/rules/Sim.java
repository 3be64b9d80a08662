package dev.fraudmonitor.job.rules;

import dev.fraudmonitor.job.event.ScoringEvent;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.EventType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulates the keyed fan-out of the job without Flink: one SessionState per session, one
 * GroupState per (grouping kind, key), and a decision per session combining its ACTIVE hits.
 */
final class Sim {
    final RuleSet rs;
    ListSnapshot lists;
    final Map<String, SessionState> sessions = new HashMap<>();
    final Map<String, GroupState> groups = new HashMap<>();
    final Map<String, List<Hit>> hitsBySession = new HashMap<>();
    final Map<String, Integer> maxScore = new HashMap<>();
    final Map<String, Action> strongestAction = new HashMap<>();

    Sim(RuleSet rs, ListSnapshot lists) {
        this.rs = rs;
        this.lists = lists;
    }

    /** Processes one event; returns its hits. */
    List<Hit> process(ScoringEvent e) {
        List<Hit> out = new ArrayList<>();
        SessionState ss = sessions.computeIfAbsent(e.sessionId, k -> new SessionState());
        SessionEvaluator.evaluate(rs, lists, ss, e, out);
        for (GroupBy g : rs.groupings()) {
            String key = g.keyOf(e);
            if (key == null) continue;
            GroupState gs = groups.computeIfAbsent(g + "|" + key, k -> new GroupState());
            GroupEvaluator.evaluate(rs, lists, g, gs, e, out);
        }
        List<Hit> acc = hitsBySession.computeIfAbsent(e.sessionId, k -> new ArrayList<>());
        for (Hit h : out) if (h.active()) acc.add(h);
        int score = Scorer.score(acc);
        maxScore.merge(e.sessionId, score, Math::max);
        Action a = Scorer.action(rs, score, e.type == EventType.ORDER_PLACED);
        if (a != null) {
            strongestAction.merge(e.sessionId, a, (x, y) -> x == Action.HOLD ? x : y);
        }
        return out;
    }

    void run(List<ScoringEvent> events) {
        for (ScoringEvent e : events) process(e);
    }

    int scoreOf(String session) {
        return maxScore.getOrDefault(session, 0);
    }

    List<String> activeRuleIds(String session) {
        List<String> ids = new ArrayList<>();
        for (Hit h : hitsBySession.getOrDefault(session, List.of())) {
            if (!ids.contains(h.ruleId())) ids.add(h.ruleId());
        }
        return ids;
    }
}
