package dev.fraudmonitor.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.dashboards.Dashboards.Query;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void aggregationWithGroupingAndRangeVariable() {
        PromQl.Refs r =
                PromQl.extract("sum by (type) (rate(fraud_events_total[$__rate_interval])) * 60");
        assertEquals(Set.of("fraud_events_total"), r.metrics());
        assertEquals(Set.of("type"), r.groupingLabels());
        assertEquals(Map.of(), r.matcherLabels());
    }

    @Test
    void histogramSeriesNamesAreKeptAsWrittenAndMatcherLabelsBelongToTheirSeries() {
        PromQl.Refs r =
                PromQl.extract(
                        "histogram_quantile(0.99, sum by (le, from)"
                                + " (rate(fraud_decision_latency_seconds_bucket{from=\"ingest\"}[5m:30s])))"
                                + " / on (instance) group_left sum(rate(fraud_session_score_count[1m]))");
        assertEquals(
                Set.of("fraud_decision_latency_seconds_bucket", "fraud_session_score_count"),
                r.metrics());
        assertEquals(
                Map.of("fraud_decision_latency_seconds_bucket", Set.of("from")), r.matcherLabels());
        assertEquals(Set.of("le", "from", "instance"), r.groupingLabels());
    }

    @Test
    void keywordsFunctionsNumbersAndStringsAreNotMetrics() {
        PromQl.Refs r =
                PromQl.extract(
                        "sum(increase(fraud_rule_hits_total{mode=\"SHADOW\", rule=~\"$rule\"}[$__range]"
                                + " offset 5m)) or vector(0) > bool 1e3 unless sum(x_total) without"
                                + " (reason) and label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\") # a comment names_no_metric");
        assertEquals(Set.of("fraud_rule_hits_total", "x_total", "up"), r.metrics());
        assertEquals(Map.of("fraud_rule_hits_total", Set.of("mode", "rule")), r.matcherLabels());
        assertEquals(Set.of("reason"), r.groupingLabels());
    }

    @Test
    void postfixGroupingAndNameMatcher() {
        PromQl.Refs r =
                PromQl.extract(
                        "sum(rate({__name__=\"fraud_alerts_total\", action='HOLD'}[1m])) by (action)");
        assertEquals(Set.of("fraud_alerts_total"), r.metrics());
        assertEquals(Map.of("fraud_alerts_total", Set.of("action")), r.matcherLabels());
        assertEquals(Set.of("action"), r.groupingLabels());
    }

    @Test
    void templateQueries() {
        PromQl.Refs r =
                PromQl.extractTemplateQuery(
                        "label_values(fraud_rule_hits_total{mode=\"ACTIVE\", x=\"a,b\"}, rule)");
        assertEquals(Set.of("fraud_rule_hits_total"), r.metrics());
        assertEquals(Set.of("rule"), r.groupingLabels());
        assertEquals(Map.of("fraud_rule_hits_total", Set.of("mode", "x")), r.matcherLabels());
        assertEquals(
                Set.of("fraud_rules_version"),
                PromQl.extractTemplateQuery("query_result(max(fraud_rules_version))").metrics());
    }

    @Test
    void unreadableOrMetricFreeExpressionsAreErrorsNotSilentPasses() {
        assertThrows(IllegalArgumentException.class, () -> PromQl.extract("vector(1)"));
        assertThrows(
                IllegalArgumentException.class, () -> PromQl.extract("sum(rate(x{a=\"b}[1m]))"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.extract("rate(x[1m"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.extract("x{a}"));
        assertThrows(
                IllegalArgumentException.class, () -> PromQl.extract("{__name__=~\"fraud_.*\"}"));
    }

    @Test
    void theCheckNamesAMadeUpMetricAMissingLabelAndAnUnknownLegendLabel() {
        Map<String, Set<String>> exported =
                Exposition.labelsBySeries(
                        """
                        # TYPE fraud_events_total counter
                        fraud_events_total{type="LOGIN"} 3.0
                        fraud_decision_latency_seconds_bucket{from="ingest",le="0.1"} 1
                        fraud_decision_latency_seconds_count{from="ingest"} 1
                        """);
        List<Query> good =
                List.of(
                        panel("sum by (type, instance) (rate(fraud_events_total[1m]))", "{{type}}"),
                        panel(
                                "histogram_quantile(0.5, sum by (le) (rate(fraud_decision_latency_seconds_bucket{from=\"ingest\"}[1m])))",
                                "p50"));
        assertEquals(List.of(), DashboardCheck.problems(good, exported));

        List<String> problems =
                DashboardCheck.problems(
                        List.of(
                                panel("sum(rate(fraud_made_up_total[1m]))", ""),
                                panel("rate(fraud_decision_latency_seconds[1m])", ""),
                                panel("sum(rate(fraud_events_total{typo=\"LOGIN\"}[1m]))", ""),
                                panel("sum by (rule) (rate(fraud_events_total[1m]))", ""),
                                panel("sum(rate(fraud_events_total[1m]))", "{{action}}"),
                                panel("vector(1)", "")),
                        exported);
        assertEquals(6, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("metric fraud_made_up_total is not exported"));
        assertTrue(
                problems.get(1).contains("metric fraud_decision_latency_seconds is not exported"));
        assertTrue(problems.get(2).contains("fraud_events_total has no label typo"));
        assertTrue(problems.get(3).contains("has a label rule"));
        assertTrue(problems.get(4).contains("has a label action"));
        assertTrue(problems.get(5).contains("cannot read the query"));
    }

    @Test
    void grafanaVariablesAreSubstitutedAndAnUnknownOneIsAnError() {
        Map<String, String> v = Map.of("__rate_interval", "1m", "rule", ".*");
        String expected = "rate(x{rule=~\".*\"}[1m])";
        assertEquals(
                expected, Dashboards.substitute("rate(x{rule=~\"$rule\"}[$__rate_interval])", v));
        assertEquals(
                expected,
                Dashboards.substitute("rate(x{rule=~\"${rule:regex}\"}[${__rate_interval}])", v));
        assertEquals(expected, Dashboards.substitute("rate(x{rule=~\"[[rule]]\"}[1m])", v));
        assertThrows(
                IllegalArgumentException.class,
                () -> Dashboards.substitute("rate(x[$__range])", v));
    }

    @Test
    void expositionLabelValuesMayHoldQuotesCommasAndBraces() {
        Map<String, Set<String>> s =
                Exposition.labelsBySeries(
                        "jvm_memory_used_bytes{area=\"nonheap\",id=\"CodeHeap 'a, \\\"b\\\" {c}'\"} 1.0\n"
                                + "process_cpu_usage 0.5\n");
        assertEquals(Set.of("area", "id"), s.get("jvm_memory_used_bytes"));
        assertEquals(Set.of(), s.get("process_cpu_usage"));
    }

    private static Query panel(String expr, String legend) {
        return new Query("test", "panel", "A", expr, legend, false, false);
    }
}
