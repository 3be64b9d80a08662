package dev.fraudmonitor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fraudmonitor.job.event.ScoringEvent;
import dev.fraudmonitor.job.event.ScoringEvents;
import dev.fraudmonitor.job.rules.GroupBy;
import dev.fraudmonitor.job.rules.GroupEvaluator;
import dev.fraudmonitor.job.rules.GroupState;
import dev.fraudmonitor.job.rules.Hit;
import dev.fraudmonitor.job.rules.ListKind;
import dev.fraudmonitor.job.rules.ListSnapshot;
import dev.fraudmonitor.job.rules.RuleSet;
import dev.fraudmonitor.job.rules.RuleSetParser;
import dev.fraudmonitor.job.rules.Scorer;
import dev.fraudmonitor.job.rules.SessionEvaluator;
import dev.fraudmonitor.job.rules.SessionState;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventType;
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
 * (plain Java, no Flink): every attack typology must reach the review threshold, no benign session
 * may. A fast, deterministic check of the simulator against the rules; {@link DemoITCase} checks
 * the same through Kafka, the Flink job and Redis.
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

        Map<String, SessionState> sessions = new HashMap<>();
        Map<String, GroupState> groups = new HashMap<>();
        Map<String, List<Hit>> hits = new HashMap<>();
        Set<String> alerted = new HashSet<>();
        for (CheckoutEvent ce : events) {
            ScoringEvent e = ScoringEvents.from(ce, ce.occurredAt().toEpochMilli());
            List<Hit> out = new ArrayList<>();
            SessionEvaluator.evaluate(
                    rules,
                    lists,
                    sessions.computeIfAbsent(e.sessionId, k -> new SessionState()),
                    e,
                    out);
            for (GroupBy g : rules.groupings()) {
                String key = g.keyOf(e);
                if (key == null) continue;
                GroupState gs = groups.computeIfAbsent(g + "|" + key, k -> new GroupState());
                GroupEvaluator.evaluate(rules, lists, g, gs, e, out);
            }
            List<Hit> acc = hits.computeIfAbsent(e.sessionId, k -> new ArrayList<>());
            for (Hit h : out) if (h.active()) acc.add(h);
            int score = Scorer.score(acc);
            if (Scorer.action(rules, score, e.type == EventType.ORDER_PLACED) != null) {
                alerted.add(e.sessionId);
            }
        }

        Map<Typology, Integer> alertedByTypology = new EnumMap<>(Typology.class);
        Map<Typology, Set<String>> ruleIds = new EnumMap<>(Typology.class);
        for (String s : alerted) {
            Typology t = registry.sessionTypology(s);
            alertedByTypology.merge(t, 1, Integer::sum);
            for (Hit h : hits.get(s)) {
                ruleIds.computeIfAbsent(t, k -> new java.util.TreeSet<>()).add(h.ruleId());
            }
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
