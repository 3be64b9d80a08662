package dev.fraudmonitor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fraudmonitor.engine.InMemoryEngine;
import dev.fraudmonitor.engine.RulesSnapshot;
import dev.fraudmonitor.engine.RulesSource;
import dev.fraudmonitor.engine.event.ScoringEvents;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.ListSnapshot;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.engine.rules.RuleSetParser;
import dev.fraudmonitor.model.Alert;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The simulator's traffic replayed through the default rule set with the job's own rule engine
 * ({@link InMemoryEngine}: the job's three steps, no Flink): every attack typology must reach the
 * review threshold, no benign session may. A fast, deterministic check of the simulator against the
 * rules; {@link DemoITCase} checks the same through Kafka, the Flink job and Redis.
 */
class SimulatedTrafficAgainstRulesTest {

    @Test
    void defaultRulesCatchEveryAttackTypologyAndNoBenignSession() throws Exception {
        SessionRegistry registry = new SessionRegistry();
        CheckoutSimulator sim =
                new CheckoutSimulator(
                        new CheckoutSimulator.Settings(40, Duration.ofMinutes(3), 0.3, 99, true),
                        registry);
        List<CheckoutEvent> events = new ArrayList<>();
        sim.run(events::add, Ticker.virtual(Instant.parse("2026-03-02T10:00:00Z").toEpochMilli()));

        RuleSet rules = RuleSetParser.parse(Demo.readRules(null));
        Map<ListKind, Set<String>> block = new EnumMap<>(ListKind.class);
        block.put(ListKind.IP, Set.copyOf(sim.blockList().ips()));
        block.put(ListKind.CARD, Set.copyOf(sim.blockList().cards()));
        block.put(ListKind.DEVICE, Set.copyOf(sim.blockList().devices()));
        block.put(ListKind.EMAIL_DOMAIN, Set.copyOf(sim.blockList().emailDomains()));
        block.put(ListKind.ACCOUNT, Set.copyOf(sim.blockList().accounts()));
        ListSnapshot lists = new ListSnapshot(1, block, Map.of());

        Set<String> alerted = new HashSet<>();
        Map<String, Set<String>> ruleIdsOf = new HashMap<>();
        InMemoryEngine engine =
                new InMemoryEngine(
                        RulesSource.fixed(new RulesSnapshot(rules, lists)),
                        new InMemoryEngine.Listener() {
                            @Override
                            public void decided(Alert alert, List<Hold> holds) {
                                alerted.add(alert.sessionId());
                                for (Reason r : alert.reasons()) {
                                    ruleIdsOf
                                            .computeIfAbsent(
                                                    alert.sessionId(), k -> new HashSet<>())
                                            .add(r.ruleId());
                                }
                            }
                        });
        for (CheckoutEvent ce : events) {
            engine.accept(ScoringEvents.from(ce, ce.occurredAt().toEpochMilli()));
        }

        Map<Typology, Integer> alertedByTypology = new EnumMap<>(Typology.class);
        Map<Typology, Set<String>> ruleIds = new EnumMap<>(Typology.class);
        for (String s : alerted) {
            Typology t = registry.sessionTypology(s);
            alertedByTypology.merge(t, 1, Integer::sum);
            ruleIds.computeIfAbsent(t, k -> new java.util.TreeSet<>()).addAll(ruleIdsOf.get(s));
        }
        Map<String, String> report = new TreeMap<>();
        sim.sessionCounts()
                .forEach(
                        (t, n) ->
                                report.put(
                                        t.name(),
                                        alertedByTypology.getOrDefault(t, 0)
                                                + "/"
                                                + n
                                                + " alerted "
                                                + ruleIds.getOrDefault(t, Set.of())));
        List<Typology> missed = new ArrayList<>();
        List<Typology> falsePositives = new ArrayList<>();
        for (Typology t : Typology.values()) {
            int n = alertedByTypology.getOrDefault(t, 0);
            if (t.isAttack() && n == 0) missed.add(t);
            if (t.isBenign() && n > 0) falsePositives.add(t);
        }
        String detail =
                report.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining("\n"));
        System.out.println(detail);
        assertEquals(List.of(), missed, detail);
        assertEquals(List.of(), falsePositives, detail);
    }
}
