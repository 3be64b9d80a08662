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
}
