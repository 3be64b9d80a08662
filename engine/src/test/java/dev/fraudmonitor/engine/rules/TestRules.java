package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import java.util.ArrayList;
import java.util.List;

/** Builds small rule sets from rule JSON snippets, and runs events through one state. */
final class TestRules {
    private TestRules() {}

    static String setJson(String cooldown, String... rules) {
        return "{\"version\": 1, \"thresholds\": {\"review\": 50, \"hold\": 80}, \"alertCooldown\": \""
                + cooldown
                + "\", \"rules\": ["
                + String.join(",", rules)
                + "]}";
    }

    static RuleSet set(String... rules) {
        try {
            return RuleSetParser.parse(setJson("PT30M", rules));
        } catch (RuleSetException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static List<Hit> group(RuleSet rs, GroupBy kind, GroupState st, ScoringEvent e) {
        List<Hit> out = new ArrayList<>();
        GroupEvaluator.evaluate(rs, ListSnapshot.empty(), kind, st, e, out);
        return out;
    }

    static List<Hit> session(RuleSet rs, ListSnapshot lists, SessionState st, ScoringEvent e) {
        List<Hit> out = new ArrayList<>();
        SessionEvaluator.evaluate(rs, lists == null ? ListSnapshot.empty() : lists, st, e, out);
        return out;
    }

    /** Observed value of the single hit of {@code ruleId}, or null when it did not fire. */
    static String observed(List<Hit> hits, String ruleId) {
        String o = null;
        for (Hit h : hits) {
            if (h.ruleId().equals(ruleId)) {
                if (o != null)
                    throw new AssertionError("rule fired twice for one event: " + ruleId);
                o = h.observed();
            }
        }
        return o;
    }
}
