package dev.fraudmonitor.backtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.engine.rules.Rule;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.PanGuard;
import dev.fraudmonitor.model.RejectReason;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The backtest's findings, computed once from a {@link Backtest.Result}: per rule, totals, the
 * difference against the baseline, precision and recall. Rendered as JSON (every id) and as a table
 * (ids capped).
 */
public final class Report {
    /** The rules a rule fired together with, at most this many in the table. */
    private static final int TOP_OVERLAPS = 3;

    /** Per rule, from the candidate run. */
    public record RuleLine(
            String id,
            int version,
            String mode,
            boolean enabled,
            long hits,
            long sessions,
            long alerts,
            long holds,
            Map<String, Long> overlap,
            long labelled,
            long labelledFraud,
            Double precision,
            Double recall) {}

    /** One session whose decision differs between baseline and candidate. */
    public record Change(String sessionId, String before, String after) {}

    /** What differs from the baseline; every list sorted by session id. */
    public record Diff(
            List<String> newlyAlerted,
            List<String> noLongerAlerted,
            List<String> newlyHeld,
            List<String> noLongerHeld,
            List<Change> changed) {}

    private final Backtest.Result r;
    private final List<RuleLine> rules = new ArrayList<>();
    private final Diff diff;
    private long labelledFraud;
    private long labelledSessions;

    public Report(Backtest.Result r) {
        this.r = r;
        computeRules();
        this.diff = r.baselineRun() == null ? null : computeDiff();
    }

    /** What the report was computed from. */
    public Backtest.Result result() {
        return r;
    }

    public List<RuleLine> rules() {
        return rules;
    }

    /** Null without a baseline. */
    public Diff diff() {
        return diff;
    }

    private void computeRules() {
        RunRecorder run = r.candidateRun();
        List<String> ids = run.ruleIds();
        int n = ids.size();
        long[] sessions = new long[n];
        long[][] overlap = new long[n][n];
        long[] labelled = new long[n];
        long[] fraud = new long[n];
        Map<String, Boolean> verdicts = r.labels() == null ? Map.of() : r.labels().fraudBySession();
        for (Map.Entry<String, SessionOutcome> e : run.sessions().entrySet()) {
            BitSet fired = e.getValue().fired;
            Boolean isFraud = verdicts.get(e.getKey());
            for (int i = fired.nextSetBit(0); i >= 0; i = fired.nextSetBit(i + 1)) {
                sessions[i]++;
                for (int j = fired.nextSetBit(0); j >= 0; j = fired.nextSetBit(j + 1)) {
                    if (j != i) {
                        overlap[i][j]++;
                    }
                }
                if (isFraud != null) {
                    labelled[i]++;
                    if (isFraud) {
                        fraud[i]++;
                    }
                }
            }
        }
        for (Boolean f : verdicts.values()) {
            labelledSessions++;
            if (f) {
                labelledFraud++;
            }
        }
        RuleSet rs = r.candidate().rules();
        for (int i = 0; i < n; i++) {
            Rule rule = rs.rule(ids.get(i));
            Map<String, Long> over = new java.util.LinkedHashMap<>();
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (overlap[i][j] > 0) {
                    order.add(j);
                }
            }
            final int row = i;
            order.sort((a, b) -> Long.compare(overlap[row][b], overlap[row][a]));
            for (int j : order) {
                over.put(ids.get(j), overlap[i][j]);
            }
            RunRecorder.RuleCounts c = run.counts(i);
            boolean known = r.labels() != null;
            rules.add(
                    new RuleLine(
                            ids.get(i),
                            rule == null ? 0 : rule.version(),
                            rule == null ? "?" : rule.mode().name(),
                            rule != null && rule.enabled(),
                            c.hits,
                            sessions[i],
                            c.alerts,
                            c.holds,
                            over,
                            labelled[i],
                            fraud[i],
                            known && labelled[i] > 0 ? (double) fraud[i] / labelled[i] : null,
                            known && labelledFraud > 0 ? (double) fraud[i] / labelledFraud : null));
        }
    }

    private Diff computeDiff() {
        Map<String, SessionOutcome> after = r.candidateRun().sessions();
        Map<String, SessionOutcome> before = r.baselineRun().sessions();
        TreeSet<String> all = new TreeSet<>(after.keySet());
        all.addAll(before.keySet());
        List<String> newlyAlerted = new ArrayList<>();
        List<String> noLongerAlerted = new ArrayList<>();
        List<String> newlyHeld = new ArrayList<>();
        List<String> noLongerHeld = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        for (String s : all) {
            SessionOutcome a = after.get(s);
            SessionOutcome b = before.get(s);
            boolean alertedA = a != null && a.alerted();
            boolean alertedB = b != null && b.alerted();
            boolean heldA = a != null && a.held();
            boolean heldB = b != null && b.held();
            if (alertedA && !alertedB) newlyAlerted.add(s);
            if (alertedB && !alertedA) noLongerAlerted.add(s);
            if (heldA && !heldB) newlyHeld.add(s);
            if (heldB && !heldA) noLongerHeld.add(s);
            if (!SessionOutcome.sameDecision(a, b)) {
                changed.add(new Change(s, SessionOutcome.describe(b), SessionOutcome.describe(a)));
            }
        }
        return new Diff(newlyAlerted, noLongerAlerted, newlyHeld, noLongerHeld, changed);
    }

    // ------------------------------------------------------------------ JSON

    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode input = root.putObject("input");
        input.put("source", r.input());
        input.put("order", r.order());
        root.set("candidate", ruleSet(r.candidate()));
        if (r.baseline() != null) {
            root.set("baseline", ruleSet(r.baseline()));
        }
        ObjectNode lists = root.putObject("lists");
        lists.put("version", r.lists().version());
        ObjectNode totals = root.putObject("totals");
        totals.put("records", r.records());
        totals.put("events", r.events());
        ObjectNode invalid = totals.putObject("invalidByReason");
        for (Map.Entry<RejectReason, Long> e : r.invalid().entrySet()) {
            invalid.put(e.getKey().name(), e.getValue());
        }
        totals.put("sessions", r.sessions());
        totals.put("duplicates", r.candidateRun().duplicates());
        totals.set("candidate", runTotals(r.candidateRun()));
        if (r.baselineRun() != null) {
            totals.set("baseline", runTotals(r.baselineRun()));
        }
        ArrayNode ruleArray = root.putArray("rules");
        for (RuleLine l : rules) {
            ObjectNode o = ruleArray.addObject();
            o.put("id", l.id());
            o.put("version", l.version());
            o.put("mode", l.mode());
            o.put("enabled", l.enabled());
            o.put("hits", l.hits());
            o.put("sessions", l.sessions());
            o.put("alerts", l.alerts());
            o.put("holds", l.holds());
            ObjectNode over = o.putObject("overlap");
            l.overlap().forEach(over::put);
            if (r.labels() != null) {
                o.put("labelledSessions", l.labelled());
                o.put("labelledFraudSessions", l.labelledFraud());
                putRatio(o, "precision", l.precision());
                putRatio(o, "recall", l.recall());
            }
        }
        if (diff != null) {
            ObjectNode d = root.putObject("diff");
            strings(d.putArray("newlyAlerted"), diff.newlyAlerted());
            strings(d.putArray("noLongerAlerted"), diff.noLongerAlerted());
            strings(d.putArray("newlyHeld"), diff.newlyHeld());
            strings(d.putArray("noLongerHeld"), diff.noLongerHeld());
            ArrayNode ch = d.putArray("changed");
            for (Change c : diff.changed()) {
                ch.addObject()
                        .put("sessionId", c.sessionId())
                        .put("before", c.before())
                        .put("after", c.after());
            }
        }
        if (r.labels() != null) {
            ObjectNode lab = root.putObject("labels");
            lab.put("read", r.labels().read());
            lab.put("labelledSessions", labelledSessions);
            lab.put("fraudSessions", labelledFraud);
            lab.put("notInRange", r.labels().notInRange());
            lab.put("caseIdOnly", r.labels().caseOnly());
            lab.put("unreadable", r.labels().unreadable());
            lab.put(
                    "mapping",
                    "sessionId as is; orderId to the session that placed or paid for it in the"
                            + " replayed events; alertId to the session of that alert in the"
                            + " candidate or baseline run; caseId alone is not placed");
        }
        ObjectNode perf = root.putObject("performance");
        perf.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        perf.put("eventsPerSecond", Math.round(r.eventsPerSecond()));
        perf.put("cpuSeconds", Math.round(r.cpuSeconds() * 1000) / 1000.0);
        perf.put("processors", Runtime.getRuntime().availableProcessors());
        return root;
    }

    private static ObjectNode ruleSet(Backtest.Candidate c) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("origin", c.origin());
        o.put("version", c.rules().version());
        o.put("rules", c.rules().rules().size());
        o.put("reviewThreshold", c.rules().reviewThreshold());
        o.put("holdThreshold", c.rules().holdThreshold());
        return o;
    }

    private static ObjectNode runTotals(RunRecorder run) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("sessionsAlerted", run.sessionsAlerted());
        o.put("sessionsHeld", run.sessionsHeld());
        ObjectNode by = o.putObject("alertsByAction");
        for (Action a : Action.values()) {
            by.put(a.name(), run.alertsByAction().getOrDefault(a, 0L));
        }
        o.put("holds", run.holds());
        o.put("suppressed", run.suppressed());
        return o;
    }

    private static void putRatio(ObjectNode o, String field, Double v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, Math.round(v * 10_000) / 10_000.0);
        }
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    // ------------------------------------------------------------------ table

    /** The report as text; at most {@code maxIds} session ids per list. */
    public String toTable(int maxIds) {
        StringBuilder b = new StringBuilder();
        b.append("Backtest of ").append(describe(r.candidate()));
        if (r.baseline() != null) {
            b.append("\n  against ").append(describe(r.baseline()));
        }
        b.append("\nInput: ").append(r.input());
        b.append("\nOrder: ").append(r.order());
        b.append("\nLists: version ").append(r.lists().version()).append("\n\n");

        b.append(
                String.format(
                        "%,d records, %,d events scored, %,d invalid%s; %,d sessions, %,d repeated"
                                + " events%n",
                        r.records(),
                        r.events(),
                        r.records() - r.events(),
                        invalidText(),
                        r.sessions(),
                        r.candidateRun().duplicates()));
        b.append(totalsLine("Candidate", r.candidateRun()));
        if (r.baselineRun() != null) {
            b.append(totalsLine("Baseline ", r.baselineRun()));
        }
        b.append('\n');

        boolean labels = r.labels() != null;
        Table t = new Table();
        List<String> head =
                new ArrayList<>(List.of("rule", "mode", "hits", "sessions", "alerts", "holds"));
        if (labels) {
            head.addAll(List.of("precision", "recall"));
        }
        head.add("most often with (sessions)");
        t.row(head);
        for (RuleLine l : rules) {
            List<String> row = new ArrayList<>();
            row.add(l.id());
            row.add(l.enabled() ? l.mode() : "off");
            row.add(String.format("%,d", l.hits()));
            row.add(String.format("%,d", l.sessions()));
            row.add(String.format("%,d", l.alerts()));
            row.add(String.format("%,d", l.holds()));
            if (labels) {
                row.add(ratio(l.precision(), l.labelledFraud(), l.labelled()));
                row.add(ratio(l.recall(), l.labelledFraud(), labelledFraud));
            }
            List<String> top = new ArrayList<>();
            for (Map.Entry<String, Long> e : l.overlap().entrySet()) {
                if (top.size() == TOP_OVERLAPS) {
                    top.add("…");
                    break;
                }
                top.add(e.getKey() + " (" + e.getValue() + ")");
            }
            row.add(String.join(", ", top));
            t.row(row);
        }
        b.append(t.render());

        if (labels) {
            Backtest.LabelOutcome lo = r.labels();
            b.append(
                    String.format(
                            "%nLabels: %,d read; %,d sessions labelled in range (%,d fraud); not"
                                    + " placed: %,d outside the range, %,d with a caseId only, %,d"
                                    + " unreadable%n",
                            lo.read(),
                            labelledSessions,
                            labelledFraud,
                            lo.notInRange(),
                            lo.caseOnly(),
                            lo.unreadable()));
            b.append(
                    "  precision = labelled-fraud sessions the rule fired in / labelled sessions"
                            + " it fired in; recall = labelled-fraud sessions it fired in / all"
                            + " labelled-fraud sessions\n");
        }

        if (diff != null) {
            b.append("\nAgainst the baseline:\n");
            ids(b, "newly alerted", diff.newlyAlerted(), maxIds);
            ids(b, "no longer alerted", diff.noLongerAlerted(), maxIds);
            ids(b, "newly held", diff.newlyHeld(), maxIds);
            ids(b, "no longer held", diff.noLongerHeld(), maxIds);
            b.append(
                    String.format(
                            "  %-18s %,d sessions whose decision a rep sees changes%n",
                            "changed", diff.changed().size()));
            int shown = 0;
            for (Change c : diff.changed()) {
                if (shown++ == maxIds) {
                    b.append("    … ")
                            .append(diff.changed().size() - maxIds)
                            .append(" more (all in --json)\n");
                    break;
                }
                b.append("    ")
                        .append(c.sessionId())
                        .append(": ")
                        .append(c.before())
                        .append(" -> ")
                        .append(c.after())
                        .append('\n');
            }
        }
        b.append(
                String.format(
                        "%n%,d records in %.1f s: %,.0f events/s (%.1f s of CPU, %d processors)%n",
                        r.records(),
                        r.seconds(),
                        r.eventsPerSecond(),
                        r.cpuSeconds(),
                        Runtime.getRuntime().availableProcessors()));
        // Ids and rule texts come from the input; never echo anything that reads as a card.
        return PanGuard.mask(b.toString());
    }

    private String invalidText() {
        if (r.invalid().isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        r.invalid().forEach((k, v) -> parts.add(k.name() + " " + v));
        return " (" + String.join(", ", parts) + ")";
    }

    private static String totalsLine(String name, RunRecorder run) {
        return String.format(
                "%s: %,d sessions alerted, %,d held; alerts %,d REVIEW, %,d HOLD; %,d holds; %,d"
                        + " alerts suppressed as repeats%n",
                name,
                run.sessionsAlerted(),
                run.sessionsHeld(),
                run.alertsByAction().getOrDefault(Action.REVIEW, 0L),
                run.alertsByAction().getOrDefault(Action.HOLD, 0L),
                run.holds(),
                run.suppressed());
    }

    private static String describe(Backtest.Candidate c) {
        return c.origin()
                + " (version "
                + c.rules().version()
                + ", "
                + c.rules().rules().size()
                + " rules, review at "
                + c.rules().reviewThreshold()
                + ", hold at "
                + c.rules().holdThreshold()
                + ")";
    }

    private static String ratio(Double v, long num, long den) {
        if (v == null) {
            return "-";
        }
        return String.format("%.2f (%d/%d)", v, num, den);
    }

    private static void ids(StringBuilder b, String name, List<String> ids, int max) {
        b.append(String.format("  %-18s %,d", name, ids.size()));
        if (!ids.isEmpty()) {
            b.append(": ");
            b.append(String.join(", ", ids.subList(0, Math.min(max, ids.size()))));
            if (ids.size() > max) {
                b.append(", … ").append(ids.size() - max).append(" more (all in --json)");
            }
        }
        b.append('\n');
    }

    /** Left-aligned text columns, numbers right-aligned. */
    private static final class Table {
        private final List<List<String>> rows = new ArrayList<>();

        void row(List<String> cells) {
            rows.add(cells);
        }

        String render() {
            int cols = rows.get(0).size();
            int[] width = new int[cols];
            for (List<String> row : rows) {
                for (int i = 0; i < cols; i++) {
                    width[i] = Math.max(width[i], row.get(i).length());
                }
            }
            StringBuilder b = new StringBuilder();
            for (int ri = 0; ri < rows.size(); ri++) {
                List<String> row = rows.get(ri);
                for (int i = 0; i < cols; i++) {
                    String cell = row.get(i);
                    boolean number = ri > 0 && i > 1 && i < cols - 1;
                    String pad = " ".repeat(width[i] - cell.length());
                    b.append(number ? pad + cell : cell + (i < cols - 1 ? pad : ""));
                    if (i < cols - 1) {
                        b.append("  ");
                    }
                }
                b.append('\n');
            }
            return b.toString();
        }
    }
}
