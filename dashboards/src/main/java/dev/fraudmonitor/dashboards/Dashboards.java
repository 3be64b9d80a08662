package dev.fraudmonitor.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards in {@code dashboards/} and every query in them. */
public final class Dashboards {

    /** One dashboard file. */
    public record Dashboard(Path file, JsonNode json) {
        public String title() {
            return json.path("title").asText();
        }
    }

    /**
     * One query: a panel target ({@code variable == false}) or a template variable's query.
     *
     * @param panel the panel title, or the variable name
     */
    public record Query(
            String dashboard,
            String panel,
            String refId,
            String expr,
            String legendFormat,
            boolean instant,
            boolean variable) {

        public String where() {
            return dashboard + " / " + (variable ? "variable $" : "") + panel + " [" + refId + "]";
        }
    }

    private Dashboards() {}

    /**
     * The repository's dashboards directory, found from the working directory (a module or root).
     */
    public static Path directory() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("dashboards");
            if (Files.isDirectory(d.resolve("provisioning"))) {
                return d;
            }
        }
        throw new IllegalStateException(
                "no dashboards/ directory above " + Path.of("").toAbsolutePath());
    }

    public static List<Dashboard> load(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Dashboard> out = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.add(new Dashboard(f, Json.mapper().readTree(f.toFile())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboards in " + dir, e);
        }
    }

    /** Every panel query (rows' nested panels included) and every query variable's query. */
    public static List<Query> queries(Dashboard d) {
        List<Query> out = new ArrayList<>();
        for (JsonNode v : d.json().path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                JsonNode q = v.path("query");
                String text = q.isObject() ? q.path("query").asText() : q.asText();
                out.add(new Query(d.title(), v.path("name").asText(), "var", text, "", true, true));
            }
        }
        addPanelQueries(d.title(), d.json().path("panels"), out);
        return out;
    }

    /** Panels, rows' nested panels included. */
    public static List<JsonNode> panels(Dashboard d) {
        List<JsonNode> out = new ArrayList<>();
        addPanels(d.json().path("panels"), out);
        return out;
    }

    private static void addPanels(JsonNode panels, List<JsonNode> out) {
        for (JsonNode p : panels) {
            out.add(p);
            addPanels(p.path("panels"), out);
        }
    }

    private static void addPanelQueries(String dashboard, JsonNode panels, List<Query> out) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.has("expr")) {
                    out.add(
                            new Query(
                                    dashboard,
                                    p.path("title").asText(),
                                    t.path("refId").asText(),
                                    t.path("expr").asText(),
                                    t.path("legendFormat").asText(""),
                                    t.path("instant").asBoolean(false),
                                    false));
                }
            }
            addPanelQueries(dashboard, p.path("panels"), out);
        }
    }

    private static final Pattern LEGEND_LABEL =
            Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

    /** The labels a legend format like {@code "p99 {{from}}"} shows. */
    public static List<String> legendLabels(String legendFormat) {
        List<String> out = new ArrayList<>();
        Matcher m = LEGEND_LABEL.matcher(legendFormat);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static final Pattern VARIABLE =
            Pattern.compile(
                    "\\$\\{([a-zA-Z0-9_]+)(?::[a-zA-Z0-9_]+)?}|\\$([a-zA-Z0-9_]+)|\\[\\[([a-zA-Z0-9_]+)]]");

    /** Replaces Grafana variables ($x, ${x}, ${x:fmt}, [[x]]) with values; an unknown one fails. */
    public static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name =
                    m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for $" + name + " in: " + expr);
            }
            m.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        m.appendTail(b);
        return b.toString();
    }
}
