package dev.fraudmonitor.dashboards;

import dev.fraudmonitor.dashboards.Dashboards.Query;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks dashboard queries against the series a running job exports. */
public final class DashboardCheck {
    /**
     * Labels Prometheus itself puts on every scraped series (dashboards/prometheus.yml): the job
     * does not export them, but dashboards may split or filter by TaskManager with them.
     */
    public static final Set<String> TARGET_LABELS = Set.of("instance", "job");

    private DashboardCheck() {}

    /**
     * Everything in {@code queries} that the exposition does not have: unknown series names,
     * matcher labels a series does not carry, grouping and legend labels none of the query's series
     * carries, and queries that cannot be read at all.
     *
     * @param exported series name → its label names, from {@link Exposition#labelsBySeries}
     */
    public static List<String> problems(List<Query> queries, Map<String, Set<String>> exported) {
        List<String> out = new ArrayList<>();
        for (Query q : queries) {
            PromQl.Refs refs;
            try {
                refs =
                        q.variable()
                                ? PromQl.extractTemplateQuery(q.expr())
                                : PromQl.extract(q.expr());
            } catch (IllegalArgumentException e) {
                out.add(q.where() + ": cannot read the query: " + e.getMessage());
                continue;
            }
            Set<String> available = new HashSet<>(TARGET_LABELS);
            for (String m : refs.metrics()) {
                Set<String> labels = exported.get(m);
                if (labels == null) {
                    out.add(q.where() + ": metric " + m + " is not exported");
                } else {
                    available.addAll(labels);
                }
            }
            refs.matcherLabels()
                    .forEach(
                            (metric, labels) -> {
                                Set<String> has = exported.get(metric);
                                for (String l : labels) {
                                    if (has != null
                                            && !has.contains(l)
                                            && !TARGET_LABELS.contains(l)) {
                                        out.add(q.where() + ": " + metric + " has no label " + l);
                                    }
                                }
                            });
            List<String> used = new ArrayList<>(refs.groupingLabels());
            used.addAll(Dashboards.legendLabels(q.legendFormat()));
            for (String l : used) {
                if (!available.contains(l)) {
                    out.add(q.where() + ": no series of " + refs.metrics() + " has a label " + l);
                }
            }
        }
        return out;
    }
}
