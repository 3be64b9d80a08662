package dev.fraudmonitor.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.EventType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleSetParserTest {
    static final String BF = VelocityRuleTest.failedLogins("brute-force-account", "PT10M", 5);

    static List<String> problems(String json) {
        return assertThrows(RuleSetException.class, () -> RuleSetParser.parse(json)).problems();
    }

    static List<String> ruleProblems(String... rules) {
        return problems(TestRules.setJson("PT30M", rules));
    }

    @Test
    void parsesAVelocityRuleWithDefaults() throws Exception {
        RuleSet rs = RuleSetParser.parse(TestRules.setJson("PT15M", BF));
        assertEquals(1, rs.version());
        assertEquals(Duration.ofMinutes(15), rs.alertCooldown());
        assertEquals(RuleSet.DEFAULT_SESSION_TIMEOUT, rs.sessionTimeout());
        Rule r = rs.rules().get(0);
        assertEquals("brute-force-account", r.id());
        assertEquals(1, r.version());
        assertEquals(RuleKind.VELOCITY, r.kind());
        assertTrue(r.enabled());
        assertEquals(RuleMode.ACTIVE, r.mode());
        assertEquals(60, r.weight());
        assertEquals(GroupBy.ACCOUNT, r.groupBy());
        assertEquals(Aggregate.COUNT, r.aggregate());
        assertEquals(Duration.ofMinutes(10), r.window());
        assertEquals(5, r.threshold());
        assertEquals(Set.of(EventType.LOGIN), r.filter().types());
        assertEquals("FAILURE", r.filter().outcome());
        assertEquals(Set.of(GroupBy.ACCOUNT), rs.groupings());
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        RuleSet rs = DefaultRulesTest.defaults();
        String json = RuleSetParser.toJson(rs);
        RuleSet again = RuleSetParser.parse(json);
        assertEquals(json, RuleSetParser.toJson(again));
        assertEquals(rs.rules().size(), again.rules().size());
        Rule cbo = again.rule("credential-change-before-order");
        assertEquals(
                Set.of(ChangeKind.EMAIL, ChangeKind.PASSWORD, ChangeKind.PHONE), cbo.changes());
        assertEquals(again.groupings(), rs.groupings());
        assertEquals(again.maxRetentionMillis(), rs.maxRetentionMillis());
    }

    @Test
    void badDurationNamesRuleAndField() {
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": window: expected an ISO-8601 duration like PT10M, got \"10m\""),
                ruleProblems(BF.replace("\"PT10M\"", "\"10m\"")));
    }

    @Test
    void windowsMustBePositiveAndAtMost30Days() {
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": window: expected at most 30 days (P30D), got \"P31D\""),
                ruleProblems(BF.replace("\"PT10M\"", "\"P31D\"")));
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": window: expected a positive duration, got \"PT0S\""),
                ruleProblems(BF.replace("\"PT10M\"", "\"PT0S\"")));
    }

    @Test
    void collectsEveryProblemNotOnlyTheFirst() {
        String bad =
                BF.replace("\"PT10M\"", "\"10m\"")
                        .replace("\"weight\":60", "\"weight\":120")
                        .replace("\"ACCOUNT\"", "\"ACCOUNTS\"");
        List<String> p =
                ruleProblems(bad, NewValueRuleTest.DEVICE.replace("\"P90D\"", "\"90 days\""));
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": weight: expected a whole number from 0 to 100, got 120",
                        "rule \"brute-force-account\": groupBy: expected one of [ACCOUNT, IP, DEVICE, CARD, USERNAME, EMAIL, SHIPPING_ADDRESS, SESSION, BIN, GLOBAL, USER_AGENT], got \"ACCOUNTS\"",
                        "rule \"brute-force-account\": window: expected an ISO-8601 duration like PT10M, got \"10m\"",
                        "rule \"nd\": history: expected an ISO-8601 duration like PT10M, got \"90 days\""),
                p);
        RuleSetException ex =
                assertThrows(
                        RuleSetException.class,
                        () -> RuleSetParser.parse(TestRules.setJson("PT30M", bad)));
        assertTrue(
                ex.getMessage().startsWith("3 problems: rule \"brute-force-account\": weight:"),
                ex.getMessage());
    }

    @Test
    void idsMustBeUniqueAndPresent() {
        assertEquals(
                List.of("rule \"brute-force-account\": id: duplicate, ids must be unique"),
                ruleProblems(BF, BF));
        assertEquals(
                List.of("rule #1: id: required, a non-empty string"),
                ruleProblems(BF.replace("\"id\":\"brute-force-account\",", "")));
    }

    @Test
    void unknownKindListsTheAllowedValues() {
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": kind: expected one of "
                                + "[VELOCITY, MISMATCH, NEW_VALUE, CHANGE_BEFORE_ORDER, BOT_CHECKOUT, LIST, RATIO, FIRST_SEEN, SEQUENCE], got \"VELOCITI\""),
                ruleProblems(BF.replace("\"VELOCITY\"", "\"VELOCITI\"")));
    }

    @Test
    void unknownEnumValuesInFiltersAndLists() {
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": filter.types: expected one of "
                                + "[LOGIN, PAGE_VIEW, FIELD_ENTERED, ACCOUNT_CHANGE, PAYMENT_ATTEMPT, ORDER_PLACED], got \"LOGON\""),
                ruleProblems(BF.replace("[\"LOGIN\"]", "[\"LOGON\"]")));
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": filter.outcome: expected one of "
                                + "[SUCCESS, FAILURE, AUTHORIZED, DECLINED], got \"FAILED\""),
                ruleProblems(BF.replace("\"FAILURE\"", "\"FAILED\"")));
        assertEquals(
                List.of(
                        "rule \"b\": list: expected one of [IP, CARD, DEVICE, EMAIL_DOMAIN, ACCOUNT], got \"PHONE\""),
                ruleProblems(ListRuleTest.list("b", "PHONE")));
        assertEquals(
                List.of("rule \"b\": mode: expected one of [ACTIVE, SHADOW], got \"TRIAL\""),
                ruleProblems(
                        ListRuleTest.list("b", "IP")
                                .replace("\"weight\"", "\"mode\":\"TRIAL\",\"weight\"")));
    }

    @Test
    void thresholdsMustBeOrdered() {
        String json =
                TestRules.setJson("PT30M")
                        .replace("\"review\": 50, \"hold\": 80", "\"review\": 90, \"hold\": 80");
        assertEquals(
                List.of(
                        "thresholds: expected 0 < review <= hold <= 100, got review 90 and hold 80"),
                problems(json));
        String zero = TestRules.setJson("PT30M").replace("\"review\": 50", "\"review\": 0");
        assertEquals(
                List.of("thresholds.review: expected a whole number from 1 to 100, got 0"),
                problems(zero));
        assertEquals(
                List.of("thresholds: required, like {\"review\": 50, \"hold\": 80}"),
                problems("{\"version\":1,\"rules\":[]}"));
    }

    @Test
    void requiredParametersPerKind() {
        assertEquals(
                List.of(
                        "rule \"v\": groupBy: required, one of [ACCOUNT, IP, DEVICE, CARD, USERNAME, EMAIL, SHIPPING_ADDRESS, SESSION, BIN, GLOBAL, USER_AGENT]",
                        "rule \"v\": aggregate: required, one of [COUNT, DISTINCT, SUM]",
                        "rule \"v\": window: required, an ISO-8601 duration like PT10M",
                        "rule \"v\": threshold: required, a whole number >= 0"),
                ruleProblems(
                        "{\"id\":\"v\",\"kind\":\"VELOCITY\",\"weight\":1,\"description\":\"x\"}"));
        assertEquals(
                List.of(
                        "rule \"d\": distinctOf: required, one of [USERNAME, CARD, DEVICE, IP, ACCOUNT, EMAIL, SHIPPING_ADDRESS, COUNTRY, AMOUNT]"),
                ruleProblems(
                        DistinctCountTest.stuffing(3)
                                .replace("\"cs\"", "\"d\"")
                                .replace("\"distinctOf\":\"USERNAME\",", "")));
        assertEquals(
                List.of("rule \"s\": sumOf: only AMOUNT can be summed, got \"CARD\""),
                ruleProblems(
                        "{\"id\":\"s\",\"kind\":\"VELOCITY\",\"weight\":1,\"description\":\"x\",\"groupBy\":\"CARD\","
                                + "\"aggregate\":\"SUM\",\"sumOf\":\"CARD\",\"window\":\"PT1H\",\"threshold\":1}"));
        assertEquals(
                List.of(
                        "rule \"m\": facts: required, a list of [IP_COUNTRY, BILLING_COUNTRY, CARD_COUNTRY, SHIPPING_COUNTRY]"),
                ruleProblems(
                        "{\"id\":\"m\",\"kind\":\"MISMATCH\",\"weight\":1,\"description\":\"x\"}"));
        assertEquals(
                List.of(
                        "rule \"m\": facts: expected at least 2 different facts, got [CARD_COUNTRY, CARD_COUNTRY]"),
                ruleProblems(
                        "{\"id\":\"m\",\"kind\":\"MISMATCH\",\"weight\":1,\"description\":\"x\",\"facts\":[\"CARD_COUNTRY\",\"CARD_COUNTRY\"]}"));
        assertEquals(
                List.of(
                        "rule \"n\": groupBy: required, one of [ACCOUNT, IP, DEVICE, CARD, USERNAME, EMAIL, SHIPPING_ADDRESS, SESSION, BIN, GLOBAL, USER_AGENT]",
                        "rule \"n\": attribute: required, one of [USERNAME, CARD, DEVICE, IP, ACCOUNT, EMAIL, SHIPPING_ADDRESS, COUNTRY, AMOUNT]",
                        "rule \"n\": history: required, an ISO-8601 duration like PT10M"),
                ruleProblems(
                        "{\"id\":\"n\",\"kind\":\"NEW_VALUE\",\"weight\":1,\"description\":\"x\"}"));
        assertEquals(
                List.of(
                        "rule \"c\": changes: expected one of [EMAIL, PASSWORD, PHONE, SHIPPING_ADDRESS, PAYMENT_METHOD], got \"USERNAME\""),
                ruleProblems(
                        ChangeBeforeOrderTest.CBO
                                .replace("\"cbo\"", "\"c\"")
                                .replace("\"PASSWORD\"", "\"USERNAME\"")));
        assertEquals(
                List.of("rule \"b\": maxSessionAge, minPageViews: at least one is required"),
                ruleProblems(
                        "{\"id\":\"b\",\"kind\":\"BOT_CHECKOUT\",\"weight\":1,\"description\":\"x\"}"));
        assertEquals(
                List.of(
                        "rule \"l\": list: required, one of [IP, CARD, DEVICE, EMAIL_DOMAIN, ACCOUNT]"),
                ruleProblems(
                        "{\"id\":\"l\",\"kind\":\"LIST\",\"weight\":1,\"description\":\"x\"}"));
        assertEquals(
                List.of(
                        "rule \"l\": weight: required, a whole number from 0 to 100",
                        "rule \"l\": description: required"),
                ruleProblems("{\"id\":\"l\",\"kind\":\"LIST\",\"list\":\"IP\"}"));
    }

    @Test
    void unknownPlaceholderAndUnknownFieldAreRejected() {
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": description: unknown placeholder {count}, allowed: "
                                + "{attribute} {groupBy} {observed} {ruleId} {threshold} {window}"),
                ruleProblems(BF.replace("{observed}", "{count}")));
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": treshold: unknown field, allowed: aggregate, comment, description, "
                                + "distinctOf, enabled, filter, firstSeenOn, groupBy, id, kind, mode, newFor, sumOf, threshold, version, weight, window"),
                ruleProblems(BF.replace("\"weight\"", "\"treshold\":3,\"weight\"")));
    }

    @Test
    void firstSeenOnNeedsNewForAndIsAFilter() {
        assertEquals(
                List.of(
                        "rule \"brute-force-account\": firstSeenOn: only with newFor: it says when a key is new"),
                ruleProblems(
                        BF.replace(
                                "\"weight\"",
                                "\"firstSeenOn\":{\"types\":[\"LOGIN\"]},\"weight\"")));
        List<String> p =
                ruleProblems(
                        BF.replace(
                                "\"weight\"",
                                "\"newFor\":\"P1D\",\"firstSeenOn\":{\"types\":[\"LOGON\"]},\"weight\""));
        assertEquals(1, p.size(), p.toString());
        assertTrue(
                p.get(0).startsWith("rule \"brute-force-account\": firstSeenOn.types"), p.get(0));
    }

    @Test
    void notJsonOrWrongShape() {
        List<String> p = problems("{\"version\": 1,");
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("not valid JSON at line 1"), p.get(0));
        assertEquals(List.of("rule set: expected a JSON object"), problems("[]"));
        assertEquals(
                List.of("rules: expected an array of rules"),
                problems("{\"version\":1,\"thresholds\":{\"review\":50,\"hold\":80}}"));
    }
}
