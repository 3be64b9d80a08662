package dev.fraudmonitor.job.operators;

import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.RulesSource;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.RuleSetParser;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.io.RulesProvider;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the keyed stages get the rules in force. The topology passes it in: the job uses Redis
 * ({@link #redis}), stage tests and tools a fixed set ({@link #fixed}). It travels with the
 * operators to the TaskManagers, so it is serializable and opened there.
 */
@FunctionalInterface
public interface StageRules extends Serializable {

    /**
     * Opens the rules for one operator; returns once a rule set is in force.
     *
     * @param restored what {@link InForce#saved()} returned at the checkpoint being restored
     */
    InForce open(List<String> restored);

    /** The rules in force for one operator, and what its checkpoints keep of them. */
    interface InForce extends RulesSource, AutoCloseable {
        /** The rule set and lists in force, as text for the operator's checkpoint. */
        String saved();

        @Override
        void close();
    }

    /** The JVM's shared Redis-backed provider: hot reload, last good set while Redis is down. */
    static StageRules redis(JobConfig config) {
        return restored -> {
            RulesProvider provider = RulesProvider.acquire(config, restored);
            return new InForce() {
                @Override
                public RulesSnapshot current() {
                    return provider.current();
                }

                @Override
                public String saved() {
                    return provider.saved();
                }

                @Override
                public void close() {
                    provider.close();
                }
            };
        };
    }

    /** A rule set (its JSON text) and lists that never change. */
    static StageRules fixed(
            String ruleSetJson,
            Map<ListKind, Set<String>> block,
            Map<ListKind, Set<String>> allow) {
        Map<ListKind, Set<String>> b = copy(block);
        Map<ListKind, Set<String>> a = copy(allow);
        return restored -> {
            RulesSnapshot snapshot;
            try {
                snapshot =
                        new RulesSnapshot(
                                RuleSetParser.parse(ruleSetJson), new ListSnapshot(1, b, a));
            } catch (Exception e) {
                throw new IllegalArgumentException("the fixed rule set is invalid: " + e, e);
            }
            return new InForce() {
                @Override
                public RulesSnapshot current() {
                    return snapshot;
                }

                @Override
                public String saved() {
                    return ruleSetJson;
                }

                @Override
                public void close() {}
            };
        };
    }

    /** A serializable copy: the lambda that holds it travels to the TaskManagers. */
    private static Map<ListKind, Set<String>> copy(Map<ListKind, Set<String>> in) {
        Map<ListKind, Set<String>> out = new HashMap<>();
        in.forEach((k, v) -> out.put(k, new HashSet<>(v)));
        return out;
    }
}
