package dev.fraudmonitor.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fraudmonitor.model.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerTest {
    static Hit hit(String id, int weight, RuleMode mode) {
        return new Hit(id, 1, mode, weight, "", "", "", GroupBy.SESSION, false);
    }

    static Hit hit(String id, int weight) {
        return hit(id, weight, RuleMode.ACTIVE);
    }

    @Test
    void noisyOrCombinesWeights() {
        assertEquals(0, Scorer.score(List.of()));
        assertEquals(60, Scorer.score(List.of(hit("a", 60))));
        assertEquals(75, Scorer.score(List.of(hit("a", 50), hit("b", 50))));
        assertEquals(
                82, Scorer.score(List.of(hit("a", 45), hit("b", 20), hit("c", 45), hit("d", 25))));
        assertEquals(100, Scorer.score(List.of(hit("a", 100), hit("b", 10))));
        assertEquals(0, Scorer.score(List.of(hit("a", 0))));
    }

    @Test
    void eachRuleCountsOnceWithItsLargestWeight() {
        assertEquals(50, Scorer.score(List.of(hit("a", 50), hit("a", 50), hit("a", 50))));
        assertEquals(70, Scorer.score(List.of(hit("a", 50), hit("a", 70))));
    }

    @Test
    void shadowHitsNeverScore() {
        assertEquals(30, Scorer.score(List.of(hit("a", 30), hit("s", 90, RuleMode.SHADOW))));
    }

    @Test
    void actionsFollowTheThresholds() {
        RuleSet rs = TestRules.set();
        assertNull(Scorer.action(rs, 49, true));
        assertEquals(Action.REVIEW, Scorer.action(rs, 50, false));
        assertEquals(Action.REVIEW, Scorer.action(rs, 79, true));
        assertEquals(Action.HOLD, Scorer.action(rs, 80, true));
        assertEquals(Action.REVIEW, Scorer.action(rs, 100, false), "only orders are held");
    }
}
