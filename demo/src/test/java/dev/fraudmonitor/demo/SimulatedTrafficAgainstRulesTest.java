package dev.fraudmonitor.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.engine.rules.RuleSetParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulator's traffic (quick suite size: hours of it, replayed history, out-of-order delivery)
 * scored by the shipped default rule set with the job's own rule engine, counted per incident by
 * {@link DetectionSuite}: an incident is caught only when one of its own sessions is alerted.
 *
 * <p>The detection bars themselves (95 % per typology and the false-positive bars) are checked by
 * {@code scripts/detection.sh --quick} in CI and recorded in DETECTION.md. This test guards that
 * the rules still target every typology they were written for, and that ordinary customers are left
 * alone; the typologies issue 15 added are printed, not asserted, because rule set v1 was not
 * written for them.
 */
class SimulatedTrafficAgainstRulesTest {

    /** Typologies added with issue 15; rule set v1 has no rule for them. */
    static final Set<Typology> ADDED_WITH_RULES_V2 =
            EnumSet.of(
                    Typology.DISTRIBUTED_STUFFING,
                    Typology.SPLIT_TAKEOVER,
                    Typology.LOYAL_REPEAT_BUYER,
                    Typology.BIG_SPENDER,
                    Typology.SECOND_CARD);

    @Test
    void defaultRulesCatchMostIncidentsOfEveryTypologyTheyTargetAndHoldNoOrdinaryOrder()
            throws Exception {
        DetectionSuite.Result r =
                DetectionSuite.run(
                        DetectionSuite.Size.QUICK,
                        99,
                        Duration.ofSeconds(3),
                        RuleSetParser.parse(Demo.readRules(null)));
        String table = DetectionSuite.table(r);
        System.out.println(table);

        List<String> problems = new ArrayList<>();
        for (DetectionSuite.Row row : r.rows()) {
            Typology t = row.typology();
            if (ADDED_WITH_RULES_V2.contains(t)) {
                continue;
            }
            if (t.isAttack() && (row.incidents() < 10 || row.caughtRatio() < 0.8)) {
                problems.add(t + ": " + row.caught() + " of " + row.incidents() + " caught");
            }
            if (t.isBenign() && row.ordersHeld() > 0) {
                problems.add(t + ": " + row.ordersHeld() + " orders held");
            }
        }
        DetectionSuite.Row normal = r.row(Typology.NORMAL);
        assertTrue(normal.sessions() > 500, "ordinary sessions: " + normal.sessions());
        if (normal.flaggedRatio() > DetectionSuite.MAX_SESSIONS_FLAGGED) {
            problems.add("NORMAL: " + normal.sessionsFlagged() + " sessions flagged");
        }
        assertEquals(List.of(), problems, table);
    }
}
