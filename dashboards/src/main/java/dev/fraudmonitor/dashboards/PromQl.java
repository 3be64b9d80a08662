package dev.fraudmonitor.dashboards;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric and label names a PromQL expression (or a Grafana template query) refers to, found
 * with a small tokenizer rather than by pattern matching, so that nothing is silently missed: an
 * expression it cannot read, or one that names no metric at all, is an error.
 *
 * <p>Names are returned exactly as written: {@code x_bucket}, {@code x_count} and {@code x_sum} are
 * the series names Prometheus stores for a histogram, so they are compared as they are with the
 * scraped exposition, where the bare histogram name {@code x} does not exist as a series.
 */
public final class PromQl {

    /**
     * What an expression refers to.
     *
     * @param metrics series names
     * @param matcherLabels per series name, the labels used in its {@code {...}} matchers
     * @param groupingLabels labels named in {@code by}, {@code without}, {@code on}, {@code
     *     ignoring}, {@code group_left}/{@code group_right}, or as a template query's label
     */
    public record Refs(
            Set<String> metrics,
            Map<String, Set<String>> matcherLabels,
            Set<String> groupingLabels) {}

    static final Set<String> AGGREGATIONS =
            Set.of(
                    "sum",
                    "min",
                    "max",
                    "avg",
                    "group",
                    "stddev",
                    "stdvar",
                    "count",
                    "count_values",
                    "bottomk",
                    "topk",
                    "quantile",
                    "limitk",
                    "limit_ratio");
    static final Set<String> LABEL_LISTS =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    static final Set<String> KEYWORDS =
            Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

    // Grafana's Prometheus template queries: label_values(label) and label_values(selector, label).
    static final Pattern LABEL_VALUES =
            Pattern.compile(
                    "^\\s*label_values\\s*\\((?:(.*),)?\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$",
                    Pattern.DOTALL);
    private static final Pattern QUERY_RESULT =
            Pattern.compile("^\\s*query_result\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);

    private PromQl() {}

    /** A template variable query: label_values(...), query_result(...) or plain PromQL. */
    public static Refs extractTemplateQuery(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (m.matches()) {
            String selector = m.group(1);
            String label = m.group(2);
            if (selector == null) {
                return new Refs(Set.of(), Map.of(), Set.of(label));
            }
            Refs refs = extract(selector);
            Set<String> labels = new LinkedHashSet<>(refs.groupingLabels());
            labels.add(label);
            return new Refs(refs.metrics(), refs.matcherLabels(), labels);
        }
        Matcher q = QUERY_RESULT.matcher(query);
        return extract(q.matches() ? q.group(1) : query);
    }

    /** The names in one PromQL expression; fails if it cannot be tokenized or names no metric. */
    public static Refs extract(String expr) {
        List<Token> tokens = tokenize(expr);
        Set<String> metrics = new LinkedHashSet<>();
        Map<String, Set<String>> matcherLabels = new LinkedHashMap<>();
        Set<String> grouping = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind == Kind.IDENT) {
                String next = i + 1 < tokens.size() ? tokens.get(i + 1).text : "";
                if (LABEL_LISTS.contains(t.text)) {
                    if (next.equals("(")) {
                        i = readLabelList(tokens, i + 1, grouping, expr);
                    }
                } else if (AGGREGATIONS.contains(t.text)
                        && (next.equals("(") || next.equals("by") || next.equals("without"))) {
                    // an aggregation; its arguments follow
                } else if (next.equals("(")) {
                    // a function call
                } else if (KEYWORDS.contains(t.text.toLowerCase(java.util.Locale.ROOT))) {
                    // an operator or modifier
                } else {
                    metrics.add(t.text);
                    if (next.equals("{")) {
                        i = readMatchers(tokens, i + 1, t.text, metrics, matcherLabels, expr);
                    }
                }
            } else if (t.text.equals("{")) {
                i = readMatchers(tokens, i, null, metrics, matcherLabels, expr);
            }
        }
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("names no metric: " + expr);
        }
        return new Refs(metrics, matcherLabels, grouping);
    }

    /** Reads {@code ( label, ... )} starting at the "(", returns the index of the ")". */
    private static int readLabelList(List<Token> tokens, int open, Set<String> out, String expr) {
        for (int i = open + 1; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.text.equals(")")) {
                return i;
            }
            if (t.kind == Kind.IDENT) {
                out.add(t.text);
            } else if (!t.text.equals(",")) {
                throw new IllegalArgumentException(
                        "unexpected '" + t.text + "' in a label list: " + expr);
            }
        }
        throw new IllegalArgumentException("unclosed label list: " + expr);
    }

    /**
     * Reads {@code { label op "value", ... }} starting at the "{", returns the index of the "}". A
     * {@code __name__="x"} matcher names metric x.
     */
    private static int readMatchers(
            List<Token> tokens,
            int open,
            String metric,
            Set<String> metrics,
            Map<String, Set<String>> out,
            String expr) {
        List<String> labels = new ArrayList<>();
        int i = open + 1;
        while (i < tokens.size() && !tokens.get(i).text.equals("}")) {
            Token label = tokens.get(i);
            if (label.text.equals(",")) {
                i++;
                continue;
            }
            if (label.kind != Kind.IDENT) {
                throw new IllegalArgumentException(
                        "expected a label name, got '" + label.text + "': " + expr);
            }
            StringBuilder op = new StringBuilder();
            i++;
            while (i < tokens.size() && "=!~".contains(tokens.get(i).text)) {
                op.append(tokens.get(i++).text);
            }
            if (i >= tokens.size() || tokens.get(i).kind != Kind.STRING || op.isEmpty()) {
                throw new IllegalArgumentException(
                        "expected " + label.text + " <op> \"value\": " + expr);
            }
            String value = tokens.get(i++).text;
            if (label.text.equals("__name__")) {
                if (!op.toString().equals("=")) {
                    throw new IllegalArgumentException(
                            "a regex on __name__ cannot be checked: " + expr);
                }
                metric = value;
                metrics.add(value);
            } else {
                labels.add(label.text);
            }
        }
        if (i >= tokens.size()) {
            throw new IllegalArgumentException("unclosed '{': " + expr);
        }
        if (metric == null) {
            throw new IllegalArgumentException("a selector without a metric name: " + expr);
        }
        out.computeIfAbsent(metric, k -> new LinkedHashSet<>()).addAll(labels);
        return i;
    }

    enum Kind {
        IDENT,
        STRING,
        NUMBER,
        PUNCT,
        VARIABLE
    }

    record Token(Kind kind, String text) {}

    /**
     * Identifiers, strings (unquoted), numbers and durations, Grafana variables and single
     * punctuation characters. Range and subquery brackets {@code [5m:1m]} hold only durations or
     * variables and are skipped whole; {@code #} starts a comment.
     */
    static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') i++;
            } else if (c == '"' || c == '\'' || c == '`') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    if (s.charAt(j) == '\\' && c != '`' && j + 1 < s.length()) {
                        j++;
                    }
                    b.append(s.charAt(j++));
                }
                if (j >= s.length()) {
                    throw new IllegalArgumentException("unterminated string: " + s);
                }
                out.add(new Token(Kind.STRING, b.toString()));
                i = j + 1;
            } else if (c == '[') {
                int close = s.indexOf(']', i);
                if (s.startsWith("[[", i)) { // Grafana's old [[variable]] syntax
                    close = s.indexOf("]]", i) + 1;
                }
                if (close <= i) {
                    throw new IllegalArgumentException("unclosed '[': " + s);
                }
                i = close + 1;
            } else if (c == '$') {
                int j = i + 1;
                if (j < s.length() && s.charAt(j) == '{') {
                    j = s.indexOf('}', j);
                    if (j < 0) {
                        throw new IllegalArgumentException("unclosed '${': " + s);
                    }
                    j++;
                } else {
                    while (j < s.length() && isIdentPart(s.charAt(j))) j++;
                }
                out.add(new Token(Kind.VARIABLE, s.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c)
                    || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int j = i;
                while (j < s.length()
                        && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.')) {
                    j++;
                }
                out.add(new Token(Kind.NUMBER, s.substring(i, j)));
                i = j;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int j = i;
                while (j < s.length() && (isIdentPart(s.charAt(j)) || s.charAt(j) == ':')) j++;
                out.add(new Token(Kind.IDENT, s.substring(i, j)));
                i = j;
            } else {
                out.add(new Token(Kind.PUNCT, String.valueOf(c)));
                i++;
            }
        }
        return out;
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
