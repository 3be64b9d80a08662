package dev.fraudmonitor.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.model.Action;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefaultRulesTest {

    static String defaultJson() throws IOException {
        try (InputStream in =
                DefaultRulesTest.class.getResourceAsStream("/rules/default-rules.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static RuleSet defaults() throws Exception {
        return RuleSetParser.parse(defaultJson());
    }

    static ListSnapshot lists() {
        return Scenarios.blockLists();
    }

    private static RecordedRun run(Scenarios.Scenario sc) throws Exception {
        RecordedRun sim = new RecordedRun(defaults(), lists());
        sim.run(sc.history());
        sim.run(sc.events());
        return sim;
    }

    @Test
    void resourceCopyMatchesTheRepoRootFile() throws Exception {
        Path root = Path.of("..", "rules", "default-rules.json");
        assertTrue(Files.exists(root), "rules/default-rules.json at the repository root");
        assertEquals(Files.readString(root), defaultJson());
    }

    @Test
    void defaultRulesParseAndNeedTheExpectedGroupings() throws Exception {
        RuleSet rs = defaults();
        assertEquals(50, rs.reviewThreshold());
        assertEquals(80, rs.holdThreshold());
        assertEquals(
                Set.of(
                        GroupBy.IP,
                        GroupBy.USERNAME,
                        GroupBy.ACCOUNT,
                        GroupBy.DEVICE,
                        GroupBy.CARD,
                        GroupBy.SHIPPING_ADDRESS,
                        GroupBy.GLOBAL,
                        GroupBy.USER_AGENT),
                rs.groupings());
        // The first sightings orders-per-card and orders-per-account read are kept 180 days.
        assertEquals(Ev.days(180), rs.maxRetentionMillis());
    }

    private static void assertAttack(Scenarios.Scenario sc, Action expected) throws Exception {
        RecordedRun sim = run(sc);
        int max = 0;
        Action strongest = null;
        for (String s : sc.sessions()) {
            max = Math.max(max, sim.scoreOf(s));
            Action a = sim.strongestAction.get(s);
            if (a == Action.HOLD || strongest == null) strongest = a == null ? strongest : a;
        }
        String detail =
                sc.name()
                        + ": score "
                        + max
                        + ", rules "
                        + sc.sessions().stream().map(sim::activeRuleIds).toList();
        assertTrue(max >= 50, detail);
        assertEquals(expected, strongest, detail);
    }

    @Test
    void credentialStuffingReachesReview() throws Exception {
        assertAttack(Scenarios.credentialStuffing(), Action.REVIEW);
    }

    @Test
    void bruteForceReachesReview() throws Exception {
        assertAttack(Scenarios.bruteForce(), Action.REVIEW);
    }

    @Test
    void accountTakeoverOrderIsHeld() throws Exception {
        assertAttack(Scenarios.accountTakeover(), Action.HOLD);
    }

    @Test
    void credentialStuffingSpreadOverManyIpsReachesReview() throws Exception {
        assertAttack(Scenarios.distributedStuffing(), Action.REVIEW);
    }

    @Test
    void aTakeoverSplitOverTwoSessionsIsHeldAsOneIncident() throws Exception {
        assertAttack(Scenarios.splitTakeover(), Action.HOLD);
        RecordedRun sim = run(Scenarios.splitTakeover());
        java.util.Set<String> cases = new java.util.HashSet<>();
        for (dev.fraudmonitor.model.Alert a : sim.alerts) cases.add(a.caseId());
        assertEquals(1, cases.size(), "one case for both sessions: " + sim.alerts);
        assertTrue(sim.alerts.size() <= 2, "at most two alerts for one incident: " + sim.alerts);
    }

    @Test
    void cardTestingReachesReview() throws Exception {
        assertAttack(Scenarios.cardTesting(), Action.REVIEW);
    }

    @Test
    void geoMismatchHighValueOrderIsHeld() throws Exception {
        assertAttack(Scenarios.geoMismatchHighValue(), Action.HOLD);
    }

    @Test
    void orderVelocityIsHeld() throws Exception {
        assertAttack(Scenarios.orderVelocity(), Action.HOLD);
    }

    @Test
    void blockListHitsAreHeld() throws Exception {
        assertAttack(Scenarios.blockedCard(), Action.HOLD);
        assertAttack(Scenarios.blockedEmailDomain(), Action.HOLD);
    }

    @Test
    void botCheckoutReachesReview() throws Exception {
        assertAttack(Scenarios.botCheckout(), Action.REVIEW);
    }

    @Test
    void everyAttackTypologyIsCovered() {
        assertEquals(11, Scenarios.attacks().size());
    }

    @Test
    void benignLookAlikesStayBelowReview() throws Exception {
        for (Scenarios.Scenario sc : Scenarios.benign()) {
            RecordedRun sim = run(sc);
            for (String s : sc.sessions()) {
                assertTrue(
                        sim.scoreOf(s) < 50,
                        sc.name()
                                + " / "
                                + s
                                + ": score "
                                + sim.scoreOf(s)
                                + ", rules "
                                + sim.activeRuleIds(s));
                assertEquals(null, sim.strongestAction.get(s), sc.name());
            }
        }
    }

    @Test
    void historyOfBenignCustomersRaisesNothing() throws Exception {
        for (Scenarios.Scenario sc : Scenarios.benign()) {
            RecordedRun sim = new RecordedRun(defaults(), lists());
            sim.run(sc.history());
            for (String s : sim.sessions()) {
                assertEquals(
                        0,
                        sim.scoreOf(s),
                        sc.name() + " history session " + s + ": " + sim.activeRuleIds(s));
            }
        }
    }
}
