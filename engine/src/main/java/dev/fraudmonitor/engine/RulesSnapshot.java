package dev.fraudmonitor.engine;

import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.RuleSet;

/** The rule set and the block/allow lists in force at one moment; swapped as a whole. */
public record RulesSnapshot(RuleSet rules, ListSnapshot lists) {
    public RulesSnapshot {
        if (rules == null) {
            throw new IllegalArgumentException("a rules snapshot needs a rule set");
        }
        if (lists == null) {
            lists = ListSnapshot.empty();
        }
    }
}
