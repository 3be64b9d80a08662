package dev.fraudmonitor.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.dashboards.Dashboards.Dashboard;
import dev.fraudmonitor.dashboards.Dashboards.Query;
import dev.fraudmonitor.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Evaluates every query of every dashboard through a real Prometheus' HTTP API and fails if any
 * returns no data; run by {@code scripts/verify-dashboards.sh} while the demo's traffic flows.
 *
 * <pre>
 * PrometheusDashboardCheck --prometheus http://127.0.0.1:9090 [--dashboards DIR]
 *     [--rate-interval 1m] [--interval 10s] [--range 5m] [--timeout 120s]
 * </pre>
 *
 * Grafana's variables are replaced as Grafana would for a dashboard showing the last {@code
 * --range}: {@code $__rate_interval}, {@code $__interval}, {@code $__range}; a query variable by
 * its "All" value when it has one, else by its first value from Prometheus. A query "has data" when
 * it returns at least one series with a number (NaN, as from a quantile over no events, is what a
 * panel shows as empty). It first waits until Prometheus has scraped the job. Queries without data
 * are retried until {@code --timeout}, since counters need two scrapes and rare events (holds) need
 * time.
 */
public final class PrometheusDashboardCheck {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String prometheus;

    PrometheusDashboardCheck(String prometheus) {
        this.prometheus = prometheus.replaceAll("/+$", "");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        if (!o.containsKey("prometheus") || args.length % 2 != 0) {
            usage("--prometheus URL is required");
        }
        Path dir =
                o.containsKey("dashboards") ? Path.of(o.get("dashboards")) : Dashboards.directory();
        Duration timeout =
                Duration.parse("PT" + o.getOrDefault("timeout", "120s").toUpperCase(Locale.ROOT));
        Map<String, String> builtins = new HashMap<>();
        builtins.put("__rate_interval", o.getOrDefault("rate-interval", "1m"));
        builtins.put("__interval", o.getOrDefault("interval", "10s"));
        builtins.put("__range", o.getOrDefault("range", "5m"));
        builtins.put("datasource", "prometheus");
        System.exit(new PrometheusDashboardCheck(o.get("prometheus")).run(dir, builtins, timeout));
    }

    private static void usage(String problem) {
        System.err.println(
                "error: "
                        + problem
                        + "\nusage: PrometheusDashboardCheck --prometheus URL [--dashboards DIR]"
                        + " [--rate-interval 1m] [--interval 10s] [--range 5m] [--timeout 120s]");
        System.exit(2);
    }

    /** One evaluated query: series with a number, and series in all. */
    record Result(Query query, String evaluated, int withData, int total, String error) {}

    int run(Path dir, Map<String, String> builtins, Duration timeout) throws InterruptedException {
        List<Dashboard> dashboards = Dashboards.load(dir);
        Map<Query, Result> results = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long started = System.nanoTime();
        String problem = awaitSamples(deadline);
        if (problem != null) {
            System.out.println("Prometheus has no samples of the job: " + problem);
            return 1;
        }
        while (true) {
            for (Dashboard d : dashboards) {
                Map<String, String> values = new HashMap<>(builtins);
                values.putAll(variableValues(d, builtins));
                for (Query q : Dashboards.queries(d)) {
                    Result previous = results.get(q);
                    if (previous == null || previous.withData() == 0) {
                        results.put(q, evaluate(q, values));
                    }
                }
            }
            boolean complete = results.values().stream().allMatch(r -> r.withData() > 0);
            if (complete || System.nanoTime() >= deadline) {
                break;
            }
            Thread.sleep(5_000);
        }
        System.out.printf(
                "Evaluated in %d s after Prometheus' first sample of the job.%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        return report(dashboards, results);
    }

    /** Null once Prometheus answers and holds a sample of the job, else what is wrong. */
    private String awaitSamples(long deadline) throws InterruptedException {
        String problem;
        while (true) {
            try {
                JsonNode r = get("/api/v1/query?query=" + enc("count(fraud_events_total)"));
                if (r.path("data").path("result").size() > 0) {
                    return null;
                }
                problem = "no fraud_events_total series yet";
            } catch (RuntimeException e) {
                problem = e.getMessage();
            }
            if (System.nanoTime() >= deadline) {
                return problem;
            }
            Thread.sleep(1_000);
        }
    }

    private int report(List<Dashboard> dashboards, Map<Query, Result> results) {
        int width = 20;
        for (Query q : results.keySet()) {
            width = Math.max(width, q.where().length());
        }
        String row = "%-" + width + "s  %7s  %7s%n";
        System.out.printf(row, "dashboard / panel [query]", "series", "of which NaN");
        List<Result> empty = new ArrayList<>();
        for (Result r : results.values()) {
            System.out.printf(row, r.query().where(), r.withData(), r.total() - r.withData());
            if (r.withData() == 0) {
                empty.add(r);
            }
        }
        for (Dashboard d : dashboards) {
            long n = results.keySet().stream().filter(q -> q.dashboard().equals(d.title())).count();
            System.out.printf("%s: %d queries%n", d.title(), n);
        }
        if (empty.isEmpty()) {
            System.out.printf("All %d dashboard queries returned data.%n", results.size());
            return 0;
        }
        System.out.printf("%d of %d queries returned no data:%n", empty.size(), results.size());
        for (Result r : empty) {
            System.out.printf(
                    "  %s%n    %s%n%s",
                    r.query().where(),
                    r.evaluated(),
                    r.error() == null ? "" : "    " + r.error() + "\n");
        }
        return 1;
    }

    /** Values for the dashboard's query variables, as Grafana would pick them. */
    private Map<String, String> variableValues(Dashboard d, Map<String, String> builtins) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode v : d.json().path("templating").path("list")) {
            if (!v.path("type").asText().equals("query")) {
                continue;
            }
            String name = v.path("name").asText();
            if (v.path("includeAll").asBoolean() && v.hasNonNull("allValue")) {
                out.put(name, v.path("allValue").asText());
                continue;
            }
            JsonNode q = v.path("query");
            List<String> values =
                    labelValues(
                            Dashboards.substitute(
                                    q.isObject() ? q.path("query").asText() : q.asText(),
                                    builtins));
            out.put(name, values.isEmpty() ? "" : values.get(0));
        }
        return out;
    }

    private Result evaluate(Query q, Map<String, String> values) {
        String expr = Dashboards.substitute(q.expr(), values);
        try {
            if (q.variable()) {
                int n = labelValues(expr).size();
                return new Result(q, expr, n, n, null);
            }
            JsonNode data = get("/api/v1/query?query=" + enc(expr)).path("data");
            JsonNode result = data.path("result");
            if (data.path("resultType").asText().equals("scalar")) {
                int ok = isNumber(result.path(1).asText()) ? 1 : 0;
                return new Result(q, expr, ok, 1, null);
            }
            int ok = 0;
            for (JsonNode series : result) {
                if (isNumber(series.path("value").path(1).asText())) {
                    ok++;
                }
            }
            return new Result(q, expr, ok, result.size(), null);
        } catch (RuntimeException e) {
            return new Result(q, expr, 0, 0, e.getMessage());
        }
    }

    /** label_values(label) or label_values(selector, label) through /api/v1/label/.../values. */
    private List<String> labelValues(String query) {
        Matcher m = PromQl.LABEL_VALUES.matcher(query);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a label_values(...) query: " + query);
        }
        String path = "/api/v1/label/" + m.group(2) + "/values";
        if (m.group(1) != null) {
            path += "?match[]=" + enc(m.group(1).strip());
        }
        List<String> out = new ArrayList<>();
        get(path).path("data").forEach(v -> out.add(v.asText()));
        return out;
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(prometheus + pathAndQuery))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.mapper().readTree(r.body());
            if (r.statusCode() != 200 || !body.path("status").asText().equals("success")) {
                throw new IllegalStateException(
                        "Prometheus answered "
                                + r.statusCode()
                                + ": "
                                + body.path("error").asText(r.body()));
            }
            return body;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot query Prometheus at " + prometheus + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static boolean isNumber(String v) {
        return !v.isEmpty() && !v.equals("NaN");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
