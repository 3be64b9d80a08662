package dev.fraudmonitor.job.rules;

import org.junit.jupiter.api.Test;

/**
 * Prints each scenario's verdict (target/surefire-reports/*-output.txt); asserts nothing itself.
 */
class ScenarioReportTest {
    @Test
    void printVerdicts() throws Exception {
        StringBuilder sb = new StringBuilder("\nscenario | session | max score | action | rules\n");
        for (var list : java.util.List.of(Scenarios.attacks(), Scenarios.benign())) {
            for (Scenarios.Scenario sc : list) {
                Sim sim = new Sim(DefaultRulesTest.defaults(), DefaultRulesTest.lists());
                sim.run(sc.history());
                sim.run(sc.events());
                for (String s : sc.sessions()) {
                    sb.append(sc.name())
                            .append(" | ")
                            .append(s)
                            .append(" | ")
                            .append(sim.scoreOf(s))
                            .append(" | ")
                            .append(sim.strongestAction.get(s))
                            .append(" | ")
                            .append(sim.activeRuleIds(s))
                            .append('\n');
                }
            }
        }
        System.out.println(sb);
    }

    @Test
    void printStateSizes() throws Exception {
        RuleSet rs = DefaultRulesTest.defaults();
        for (Scenarios.Scenario sc : Scenarios.benign()) {
            Sim sim = new Sim(rs, DefaultRulesTest.lists());
            sim.run(sc.history());
            sim.run(sc.events());
            long total = 0;
            long max = 0;
            for (GroupState g : sim.groups.values()) {
                total += g.estimatedBytes();
                max = Math.max(max, g.estimatedBytes());
            }
            System.out.println(
                    sc.name()
                            + ": "
                            + sim.groups.size()
                            + " group keys, avg "
                            + total / sim.groups.size()
                            + " B, max "
                            + max
                            + " B");
        }
        GroupState ip = new GroupState();
        TestRules.group(rs, GroupBy.IP, ip, Ev.login(Ev.T0, "s", "FAILURE").user("u").build());
        System.out.println("IP after one failed login: " + ip.estimatedBytes() + " B");
        GroupState acc = new GroupState();
        TestRules.group(rs, GroupBy.ACCOUNT, acc, NewValueRuleTest.login(Ev.T0, "d1", "GB"));
        TestRules.group(
                rs,
                GroupBy.ACCOUNT,
                acc,
                Ev.order(Ev.T0 + 1000, "s", 5_000).account("a1").shipping("addr", "GB").build());
        System.out.println("account after login + order: " + acc.estimatedBytes() + " B");
    }
}
