package dev.fraudmonitor.engine.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.model.ChangeKind;
import dev.fraudmonitor.model.EventType;
import dev.fraudmonitor.model.FieldKind;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.model.PaymentOutcome;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and writes the rule-set JSON (docs/rules.md). Parsing validates the whole set and reports
 * every problem at once in a {@link RuleSetException}.
 */
public final class RuleSetParser {
    static final Duration MAX_WINDOW = Duration.ofDays(30);
    static final Duration MAX_HISTORY = Duration.ofDays(400);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> TOP_FIELDS =
            Set.of(
                    "version",
                    "thresholds",
                    "alertCooldown",
                    "sessionTimeout",
                    "entityHorizon",
                    "rules",
                    "comment");
    private static final Set<String> COMMON =
            Set.of("id", "version", "kind", "description", "enabled", "mode", "weight", "comment");
    private static final Map<RuleKind, Set<String>> KIND_FIELDS =
            Map.of(
                    RuleKind.VELOCITY,
                    Set.of(
                            "groupBy",
                            "aggregate",
                            "distinctOf",
                            "sumOf",
                            "window",
                            "threshold",
                            "filter",
                            "newFor",
                            "firstSeenOn"),
                    RuleKind.MISMATCH,
                    Set.of("facts", "minAmountMinor", "minDistinct"),
                    RuleKind.NEW_VALUE,
                    Set.of("groupBy", "attribute", "history", "filter"),
                    RuleKind.CHANGE_BEFORE_ORDER,
                    Set.of("groupBy", "changes", "window"),
                    RuleKind.BOT_CHECKOUT,
                    Set.of("maxSessionAge", "minPageViews"),
                    RuleKind.LIST,
                    Set.of("list"),
                    RuleKind.RATIO,
                    Set.of("groupBy", "filter", "of", "window", "baseline", "factor", "minCount"),
                    RuleKind.FIRST_SEEN,
                    Set.of("groupBy", "filter", "maxAge", "history"),
                    RuleKind.SEQUENCE,
                    Set.of("groupBy", "steps", "window"));
    private static final Set<String> FILTER_FIELDS =
            Set.of("types", "outcome", "field", "changes", "minAmountMinor", "maxAmountMinor");

    private RuleSetParser() {}

    public static RuleSet parse(String json) throws RuleSetException {
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException ex) {
            String msg = ex.getOriginalMessage();
            throw new RuleSetException(
                    List.of(
                            "not valid JSON at line "
                                    + ex.getLocation().getLineNr()
                                    + ", column "
                                    + ex.getLocation().getColumnNr()
                                    + ": "
                                    + msg));
        }
        if (root == null || !root.isObject()) {
            throw new RuleSetException(List.of("rule set: expected a JSON object"));
        }
        Ctx top = new Ctx("", problems);
        top.unknownFields(root, TOP_FIELDS);
        long version = top.longField(root, "version", true, 0, 0, Long.MAX_VALUE);
        int review = 0;
        int hold = 0;
        JsonNode th = root.get("thresholds");
        if (th == null || th.isNull()) {
            problems.add("thresholds: required, like {\"review\": 50, \"hold\": 80}");
        } else if (!th.isObject()) {
            problems.add("thresholds: expected an object like {\"review\": 50, \"hold\": 80}");
        } else {
            Ctx tc = new Ctx("thresholds.", problems);
            tc.unknownFields(th, Set.of("review", "hold"));
            review = (int) tc.longField(th, "review", true, 0, 1, 100);
            hold = (int) tc.longField(th, "hold", true, 0, 1, 100);
            if (review > 0 && hold > 0 && hold < review) {
                problems.add(
                        "thresholds: expected 0 < review <= hold <= 100, got review "
                                + review
                                + " and hold "
                                + hold);
            }
        }
        Duration cooldown =
                top.duration(
                        root, "alertCooldown", false, RuleSet.DEFAULT_ALERT_COOLDOWN, MAX_WINDOW);
        Duration sessionTimeout =
                top.duration(
                        root, "sessionTimeout", false, RuleSet.DEFAULT_SESSION_TIMEOUT, MAX_WINDOW);

        // PT0S turns linking off; anything else must be a positive duration.
        Duration entityHorizon =
                "PT0S".equals(root.path("entityHorizon").asText())
                        ? Duration.ZERO
                        : top.duration(
                                root,
                                "entityHorizon",
                                false,
                                RuleSet.DEFAULT_ENTITY_HORIZON,
                                MAX_WINDOW);
        List<Rule> rules = new ArrayList<>();
        JsonNode arr = root.get("rules");
        if (arr == null || !arr.isArray()) {
            problems.add("rules: expected an array of rules");
        } else {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < arr.size(); i++) {
                Rule r = parseRule(arr.get(i), i, ids, problems);
                if (r != null) rules.add(r);
            }
        }
        if (!problems.isEmpty()) throw new RuleSetException(problems);
        return new RuleSet(version, review, hold, cooldown, sessionTimeout, entityHorizon, rules);
    }

    private static Rule parseRule(JsonNode n, int index, Set<String> ids, List<String> problems) {
        if (n == null || !n.isObject()) {
            problems.add("rule #" + (index + 1) + ": expected an object");
            return null;
        }
        JsonNode idNode = n.get("id");
        String id = idNode != null && idNode.isTextual() ? idNode.asText().trim() : null;
        String where =
                id == null || id.isEmpty()
                        ? "rule #" + (index + 1) + ": "
                        : "rule \"" + id + "\": ";
        int before = problems.size();
        Ctx c = new Ctx(where, problems);
        if (id == null || id.isEmpty()) {
            problems.add(where + "id: required, a non-empty string");
        } else if (!ids.add(id)) {
            problems.add(where + "id: duplicate, ids must be unique");
        }
        RuleKind kind = c.enumField(n, "kind", RuleKind.class, true, null);
        Rule.Builder b = Rule.builder(id, kind);
        b.version((int) c.longField(n, "version", false, 1, 1, Integer.MAX_VALUE));
        b.enabled(c.boolField(n, "enabled", true));
        b.mode(c.enumField(n, "mode", RuleMode.class, false, RuleMode.ACTIVE));
        b.weight((int) c.longField(n, "weight", true, 0, 0, 100));
        String description = c.text(n, "description", true);
        if (description != null) {
            if (description.isBlank()) problems.add(where + "description: must not be empty");
            for (String p : Templates.placeholders(description)) {
                if (!Templates.PLACEHOLDERS.contains(p)) {
                    problems.add(
                            where
                                    + "description: unknown placeholder {"
                                    + p
                                    + "}, allowed: "
                                    + sorted(Templates.PLACEHOLDERS));
                }
            }
            b.description(description);
        }
        if (kind == null) return null;
        Set<String> allowed = new HashSet<>(COMMON);
        allowed.addAll(KIND_FIELDS.get(kind));
        c.unknownFields(n, allowed);
        switch (kind) {
            case VELOCITY:
                {
                    GroupBy g = c.enumField(n, "groupBy", GroupBy.class, true, null);
                    Aggregate a = c.enumField(n, "aggregate", Aggregate.class, true, null);
                    b.groupBy(g).aggregate(a);
                    if (a == Aggregate.DISTINCT) {
                        Attribute at = c.enumField(n, "distinctOf", Attribute.class, true, null);
                        if (at == Attribute.AMOUNT) {
                            problems.add(
                                    where
                                            + "distinctOf: AMOUNT can only be summed, allowed: "
                                            + distinctAttributes());
                        }
                        b.attribute(at);
                        if (n.has("sumOf")) problems.add(where + "sumOf: only for aggregate SUM");
                    } else if (a == Aggregate.SUM) {
                        Attribute at = c.enumField(n, "sumOf", Attribute.class, true, null);
                        if (at != null && at != Attribute.AMOUNT) {
                            problems.add(
                                    where + "sumOf: only AMOUNT can be summed, got \"" + at + "\"");
                        }
                        b.attribute(at);
                        if (n.has("distinctOf"))
                            problems.add(where + "distinctOf: only for aggregate DISTINCT");
                    } else if (a == Aggregate.COUNT) {
                        if (n.has("distinctOf"))
                            problems.add(where + "distinctOf: only for aggregate DISTINCT");
                        if (n.has("sumOf")) problems.add(where + "sumOf: only for aggregate SUM");
                    }
                    b.window(c.duration(n, "window", true, null, MAX_WINDOW));
                    long max =
                            a == Aggregate.DISTINCT ? GroupState.DISTINCT_CAP - 1 : Long.MAX_VALUE;
                    b.threshold(c.longField(n, "threshold", true, 0, 0, max));
                    b.filter(c.filter(n));
                    if (n.has("newFor")) {
                        if (g == GroupBy.SESSION || g == GroupBy.GLOBAL) {
                            c.problem("newFor", "not for groupBy " + g + ": it has no history");
                        }
                        b.newFor(c.duration(n, "newFor", false, null, MAX_HISTORY));
                    }
                    if (n.has("firstSeenOn")) {
                        if (!n.has("newFor")) {
                            c.problem("firstSeenOn", "only with newFor: it says when a key is new");
                        }
                        b.firstSeenOn(c.filterOf(n.get("firstSeenOn"), "firstSeenOn"));
                    }
                    break;
                }
            case MISMATCH:
                {
                    List<Fact> facts = c.enumList(n, "facts", Fact.class, true);
                    if (facts != null && new LinkedHashSet<>(facts).size() < 2) {
                        problems.add(
                                where + "facts: expected at least 2 different facts, got " + facts);
                    }
                    b.facts(facts);
                    b.minAmountMinor(c.longField(n, "minAmountMinor", false, 0, 0, Long.MAX_VALUE));
                    int maxDistinct =
                            facts == null ? 2 : Math.max(2, new LinkedHashSet<>(facts).size());
                    b.minDistinct((int) c.longField(n, "minDistinct", false, 2, 2, maxDistinct));
                    break;
                }
            case NEW_VALUE:
                {
                    b.groupBy(c.enumField(n, "groupBy", GroupBy.class, true, null));
                    Attribute at = c.enumField(n, "attribute", Attribute.class, true, null);
                    if (at == Attribute.AMOUNT) {
                        problems.add(
                                where
                                        + "attribute: AMOUNT cannot be remembered, allowed: "
                                        + distinctAttributes());
                    }
                    b.attribute(at);
                    b.history(c.duration(n, "history", true, null, MAX_HISTORY));
                    b.filter(c.filter(n));
                    break;
                }
            case CHANGE_BEFORE_ORDER:
                {
                    b.groupBy(c.enumField(n, "groupBy", GroupBy.class, true, null));
                    List<ChangeKind> ch = c.enumList(n, "changes", ChangeKind.class, true);
                    if (ch != null) b.changes(ch.isEmpty() ? null : EnumSet.copyOf(ch));
                    b.window(c.duration(n, "window", true, null, MAX_WINDOW));
                    break;
                }
            case BOT_CHECKOUT:
                {
                    Duration age = c.duration(n, "maxSessionAge", false, null, MAX_WINDOW);
                    int views = (int) c.longField(n, "minPageViews", false, 0, 0, 10_000);
                    if (!n.has("maxSessionAge") && !n.has("minPageViews")) {
                        problems.add(
                                where + "maxSessionAge, minPageViews: at least one is required");
                    }
                    b.maxSessionAge(age).minPageViews(views);
                    break;
                }
            case LIST:
                b.list(c.enumField(n, "list", ListKind.class, true, null));
                break;
            case RATIO:
                {
                    b.groupBy(c.enumField(n, "groupBy", GroupBy.class, true, null));
                    if (!n.has("filter")) c.problem("filter", "required: the events counted");
                    b.filter(c.filter(n));
                    if (!n.has("of")) c.problem("of", "required: the events they are a share of");
                    b.denominator(c.filterOf(n.get("of"), "of"));
                    Duration w = c.duration(n, "window", true, null, MAX_WINDOW);
                    Duration base = c.duration(n, "baseline", true, null, MAX_WINDOW);
                    if (w != null && base != null && base.compareTo(w) <= 0) {
                        c.problem("baseline", "expected longer than the window (" + w + ")");
                    }
                    b.window(w).history(base);
                    JsonNode f = n.get("factor");
                    if (f == null || !f.isNumber() || !(f.asDouble() > 1) || f.asDouble() > 1000) {
                        c.problem(
                                "factor",
                                "required, a number above 1 (3 = three times the baseline share),"
                                        + " got "
                                        + f);
                    } else {
                        b.threshold(Math.round(f.asDouble() * 100));
                    }
                    b.minCount(c.longField(n, "minCount", false, 1, 1, Long.MAX_VALUE));
                    break;
                }
            case FIRST_SEEN:
                {
                    b.groupBy(c.enumField(n, "groupBy", GroupBy.class, true, null));
                    b.filter(c.filter(n));
                    b.window(c.duration(n, "maxAge", true, null, MAX_HISTORY));
                    b.history(c.duration(n, "history", true, null, MAX_HISTORY));
                    break;
                }
            case SEQUENCE:
                {
                    b.groupBy(c.enumField(n, "groupBy", GroupBy.class, true, null));
                    JsonNode st = n.get("steps");
                    if (st == null || !st.isArray() || st.size() < 2 || st.size() > 8) {
                        c.problem(
                                "steps",
                                "required, 2 to 8 event filters in order, like [{\"types\":"
                                        + " [\"ACCOUNT_CHANGE\"], \"changes\": [\"PASSWORD\"]},"
                                        + " {\"types\": [\"ORDER_PLACED\"]}]");
                    } else {
                        List<EventFilter> steps = new ArrayList<>();
                        for (int i = 0; i < st.size(); i++) {
                            EventFilter step = c.filterOf(st.get(i), "steps[" + i + "]");
                            if (step.isAny()) {
                                c.problem("steps[" + i + "]", "a step must say which events");
                            }
                            steps.add(step);
                        }
                        b.steps(steps);
                    }
                    b.window(c.duration(n, "window", true, null, MAX_WINDOW));
                    break;
                }
            default:
                break;
        }
        return problems.size() == before ? b.build() : null;
    }

    private static String distinctAttributes() {
        return Arrays.stream(Attribute.values())
                .filter(a -> a != Attribute.AMOUNT)
                .map(Enum::name)
                .collect(Collectors.joining(", "));
    }

    private static String sorted(Set<String> s) {
        return s.stream().sorted().map(x -> "{" + x + "}").collect(Collectors.joining(" "));
    }

    /** Field readers that record problems under one prefix and carry on. */
    private static final class Ctx {
        final String where;
        final List<String> problems;

        Ctx(String where, List<String> problems) {
            this.where = where;
            this.problems = problems;
        }

        void problem(String field, String msg) {
            problems.add(where + field + ": " + msg);
        }

        void unknownFields(JsonNode n, Set<String> allowed) {
            Iterator<String> it = n.fieldNames();
            while (it.hasNext()) {
                String f = it.next();
                if (!allowed.contains(f)) {
                    problem(
                            f,
                            "unknown field, allowed: "
                                    + allowed.stream().sorted().collect(Collectors.joining(", ")));
                }
            }
        }

        String text(JsonNode n, String f, boolean required) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) {
                if (required) problem(f, "required");
                return null;
            }
            if (!v.isTextual()) {
                problem(f, "expected a string, got " + v);
                return null;
            }
            return v.asText();
        }

        boolean boolField(JsonNode n, String f, boolean dflt) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) return dflt;
            if (!v.isBoolean()) {
                problem(f, "expected true or false, got " + v);
                return dflt;
            }
            return v.asBoolean();
        }

        long longField(JsonNode n, String f, boolean required, long dflt, long min, long max) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) {
                if (required) problem(f, "required, " + range(min, max));
                return dflt;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                problem(f, "expected a whole number, got " + v);
                return dflt;
            }
            long x = v.asLong();
            if (x < min || x > max) {
                problem(f, "expected " + range(min, max) + ", got " + x);
                return dflt;
            }
            return x;
        }

        private static String range(long min, long max) {
            if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE)
                return "a whole number >= " + min;
            return "a whole number from " + min + " to " + max;
        }

        <E extends Enum<E>> E enumField(
                JsonNode n, String f, Class<E> type, boolean required, E dflt) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) {
                if (required) problem(f, "required, one of " + values(type));
                return dflt;
            }
            E e = enumValue(v, type);
            if (e == null) {
                problem(f, "expected one of " + values(type) + ", got " + v);
                return dflt;
            }
            return e;
        }

        <E extends Enum<E>> List<E> enumList(
                JsonNode n, String f, Class<E> type, boolean required) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) {
                if (required) problem(f, "required, a list of " + values(type));
                return null;
            }
            if (!v.isArray()) {
                problem(
                        f,
                        "expected a list like [\"" + type.getEnumConstants()[0] + "\"], got " + v);
                return null;
            }
            if (v.isEmpty()) {
                problem(f, "expected at least one of " + values(type));
                return null;
            }
            List<E> out = new ArrayList<>();
            boolean ok = true;
            for (JsonNode x : v) {
                E e = enumValue(x, type);
                if (e == null) {
                    problem(f, "expected one of " + values(type) + ", got " + x);
                    ok = false;
                } else {
                    out.add(e);
                }
            }
            return ok ? out : null;
        }

        Duration duration(JsonNode n, String f, boolean required, Duration dflt, Duration max) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) {
                if (required) problem(f, "required, an ISO-8601 duration like PT10M");
                return dflt;
            }
            Duration d = null;
            if (v.isTextual()) {
                try {
                    d = Duration.parse(v.asText());
                } catch (DateTimeParseException ex) {
                    d = null;
                }
            }
            if (d == null) {
                problem(f, "expected an ISO-8601 duration like PT10M, got " + v);
                return dflt;
            }
            if (d.isNegative() || d.isZero()) {
                problem(f, "expected a positive duration, got " + v);
                return dflt;
            }
            if (d.compareTo(max) > 0) {
                problem(
                        f,
                        "expected at most "
                                + max.toDays()
                                + " days (P"
                                + max.toDays()
                                + "D), got "
                                + v);
                return dflt;
            }
            return d;
        }

        EventFilter filter(JsonNode n) {
            return filterOf(n.get("filter"), "filter");
        }

        /** An event filter object; {@code path} names it in problems ("of", "steps[2]"). */
        EventFilter filterOf(JsonNode v, String path) {
            if (v == null || v.isNull()) return EventFilter.ANY;
            if (!v.isObject()) {
                problem(
                        path,
                        "expected an object like {\"types\": [\"LOGIN\"], \"outcome\": \"FAILURE\"}");
                return EventFilter.ANY;
            }
            Ctx fc = new Ctx(where + path + ".", problems);
            fc.unknownFields(v, FILTER_FIELDS);
            List<EventType> types =
                    v.has("types") ? fc.enumList(v, "types", EventType.class, false) : null;
            String outcome = null;
            JsonNode o = v.get("outcome");
            if (o != null && !o.isNull()) {
                List<String> outcomes = new ArrayList<>();
                for (LoginOutcome x : LoginOutcome.values()) outcomes.add(x.name());
                for (PaymentOutcome x : PaymentOutcome.values()) outcomes.add(x.name());
                if (!o.isTextual() || !outcomes.contains(o.asText())) {
                    fc.problem("outcome", "expected one of " + outcomes + ", got " + o);
                } else {
                    outcome = o.asText();
                }
            }
            FieldKind field = fc.enumField(v, "field", FieldKind.class, false, null);
            List<ChangeKind> changes =
                    v.has("changes") ? fc.enumList(v, "changes", ChangeKind.class, false) : null;
            long minAmount = fc.longField(v, "minAmountMinor", false, 0, 0, Long.MAX_VALUE);
            long maxAmount =
                    fc.longField(v, "maxAmountMinor", false, Long.MAX_VALUE, 0, Long.MAX_VALUE);
            if (minAmount > maxAmount) {
                fc.problem(
                        "minAmountMinor",
                        "expected at most maxAmountMinor (" + maxAmount + "), got " + minAmount);
            }
            return new EventFilter(
                    types == null ? null : EnumSet.copyOf(types),
                    outcome,
                    field,
                    changes == null ? null : EnumSet.copyOf(changes),
                    minAmount,
                    maxAmount);
        }

        private static <E extends Enum<E>> E enumValue(JsonNode v, Class<E> type) {
            if (!v.isTextual()) return null;
            for (E e : type.getEnumConstants()) if (e.name().equals(v.asText())) return e;
            return null;
        }

        private static <E extends Enum<E>> String values(Class<E> type) {
            return Arrays.toString(type.getEnumConstants());
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes the rule set in the same format, omitting defaults that do not apply. */
    public static String toJson(RuleSet rs) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", rs.version());
        ObjectNode th = root.putObject("thresholds");
        th.put("review", rs.reviewThreshold());
        th.put("hold", rs.holdThreshold());
        root.put("alertCooldown", rs.alertCooldown().toString());
        root.put("sessionTimeout", rs.sessionTimeout().toString());
        root.put("entityHorizon", rs.entityHorizon().toString());
        ArrayNode arr = root.putArray("rules");
        for (Rule r : rs.rules()) {
            ObjectNode o = arr.addObject();
            o.put("id", r.id());
            o.put("version", r.version());
            o.put("kind", r.kind().name());
            o.put("enabled", r.enabled());
            o.put("mode", r.mode().name());
            o.put("weight", r.weight());
            o.put("description", r.description());
            switch (r.kind()) {
                case VELOCITY:
                    o.put("groupBy", r.groupBy().name());
                    o.put("aggregate", r.aggregate().name());
                    if (r.aggregate() == Aggregate.DISTINCT)
                        o.put("distinctOf", r.attribute().name());
                    if (r.aggregate() == Aggregate.SUM) o.put("sumOf", r.attribute().name());
                    o.put("window", r.window().toString());
                    o.put("threshold", r.threshold());
                    filter(o, r.filter());
                    if (r.newFor() != null) o.put("newFor", r.newFor().toString());
                    if (r.firstSeenOn() != null)
                        writeFilter(o.putObject("firstSeenOn"), r.firstSeenOn());
                    break;
                case MISMATCH:
                    ArrayNode f = o.putArray("facts");
                    r.facts().forEach(x -> f.add(x.name()));
                    o.put("minAmountMinor", r.minAmountMinor());
                    o.put("minDistinct", r.minDistinct());
                    break;
                case NEW_VALUE:
                    o.put("groupBy", r.groupBy().name());
                    o.put("attribute", r.attribute().name());
                    o.put("history", r.history().toString());
                    filter(o, r.filter());
                    break;
                case CHANGE_BEFORE_ORDER:
                    o.put("groupBy", r.groupBy().name());
                    ArrayNode ch = o.putArray("changes");
                    r.changes().forEach(x -> ch.add(x.name()));
                    o.put("window", r.window().toString());
                    break;
                case BOT_CHECKOUT:
                    if (r.maxSessionAge() != null)
                        o.put("maxSessionAge", r.maxSessionAge().toString());
                    o.put("minPageViews", r.minPageViews());
                    break;
                case LIST:
                    o.put("list", r.list().name());
                    break;
                case RATIO:
                    o.put("groupBy", r.groupBy().name());
                    filter(o, r.filter());
                    writeFilter(o.putObject("of"), r.denominator());
                    o.put("window", r.window().toString());
                    o.put("baseline", r.history().toString());
                    o.put("factor", r.threshold() / 100.0);
                    o.put("minCount", r.minCount());
                    break;
                case FIRST_SEEN:
                    o.put("groupBy", r.groupBy().name());
                    filter(o, r.filter());
                    o.put("maxAge", r.window().toString());
                    o.put("history", r.history().toString());
                    break;
                case SEQUENCE:
                    o.put("groupBy", r.groupBy().name());
                    ArrayNode steps = o.putArray("steps");
                    for (EventFilter step : r.steps()) writeFilter(steps.addObject(), step);
                    o.put("window", r.window().toString());
                    break;
                default:
                    break;
            }
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void filter(ObjectNode o, EventFilter f) {
        if (f == null || f.isAny()) return;
        writeFilter(o.putObject("filter"), f);
    }

    /** Writes the filter's parts into {@code fo} itself. */
    private static void writeFilter(ObjectNode fo, EventFilter f) {
        if (!f.types().isEmpty()) {
            ArrayNode t = fo.putArray("types");
            f.types().forEach(x -> t.add(x.name()));
        }
        if (f.outcome() != null) fo.put("outcome", f.outcome());
        if (f.field() != null) fo.put("field", f.field().name());
        if (!f.changes().isEmpty()) {
            ArrayNode c = fo.putArray("changes");
            f.changes().forEach(x -> c.add(x.name()));
        }
        if (f.minAmount() > 0) fo.put("minAmountMinor", f.minAmount());
        if (f.maxAmount() < Long.MAX_VALUE) fo.put("maxAmountMinor", f.maxAmount());
    }
}
