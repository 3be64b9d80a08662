package dev.fraudmonitor.backtest;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The command line, checked as a whole: one error names the option and what it expects. */
final class BacktestOptions {
    static final String USAGE =
            String.join(
                    "\n",
                    "usage: scripts/backtest.sh --rules FILE (--events FILE | --kafka HOST:PORT"
                            + " [--from ISO] [--to ISO]) [options]",
                    "",
                    "Replays recorded checkout events through the job's engine with a candidate"
                            + " rule set and reports",
                    "what it would have done. Writes nothing to Kafka or Redis.",
                    "",
                    "Candidate and baseline:",
                    "  --rules FILE            candidate rule set (JSON, as rules/default-rules.json)",
                    "  --redis URL             compare with the rule set in force in Redis and run"
                            + " both with its",
                    "                          block/allow lists (read only; redis://[user:pw@]host:port)",
                    "  --prefix P              Redis key prefix (default fraud:)",
                    "  --baseline-rules FILE   compare with this rule set instead of the one in"
                            + " Redis",
                    "",
                    "Events (one of):",
                    "  --events FILE           JSON-lines file of contract events, replayed in"
                            + " file order",
                    "  --kafka HOST:PORT       Kafka bootstrap servers; read committed records"
                            + " only, commit nothing",
                    "  --topic NAME            events topic (default checkout.events)",
                    "  --from ISO              first record timestamp, e.g. 2026-03-02T00:00:00Z"
                            + " or 2026-03-02 (default: the beginning)",
                    "  --to ISO                stop before this timestamp (default: the end"
                            + " offsets at start)",
                    "  --kafka-property K=V    Kafka client setting, e.g."
                            + " security.protocol=SASL_SSL (repeatable)",
                    "  --kafka-properties FILE Kafka client settings as a properties file",
                    "",
                    "Known outcomes (per-rule precision and recall):",
                    "  --labels FILE           JSON lines: verdict FRAUD|LEGITIMATE and sessionId,"
                            + " orderId or alertId",
                    "  --labels-topic NAME     the same from a topic on --kafka (e.g. fraud.labels)",
                    "",
                    "Output:",
                    "  --json FILE             write the full report as JSON (every session id)",
                    "  --max-ids N             session ids listed per line of the table (default"
                            + " 20)",
                    "  --no-progress           no progress line on stderr",
                    "  --expiry-every N        drop expired engine state every N events (default"
                            + " 10000); larger is",
                    "                          faster, but state outlives its timeout by more"
                            + " events",
                    "  --help                  this text");

    private static final Set<String> FLAGS = Set.of("help", "no-progress");
    private static final Set<String> VALUED =
            Set.of(
                    "rules",
                    "redis",
                    "prefix",
                    "baseline-rules",
                    "events",
                    "kafka",
                    "topic",
                    "from",
                    "to",
                    "kafka-property",
                    "kafka-properties",
                    "labels",
                    "labels-topic",
                    "json",
                    "max-ids",
                    "expiry-every");

    boolean help;
    boolean progress = true;
    Path rules;
    String redis;
    String prefix = "fraud:";
    Path baselineRules;
    Path events;
    String kafka;
    String topic = "checkout.events";
    Instant from;
    Instant to;
    final List<String> kafkaProperty = new ArrayList<>();
    Path kafkaProperties;
    Path labels;
    String labelsTopic;
    Path json;
    int maxIds = 20;
    int expiryEvery = 10_000;

    static BacktestOptions parse(String[] args) {
        BacktestOptions o = new BacktestOptions();
        Map<String, String> seen = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new BacktestException(
                        "unexpected argument '" + a + "'; options start with -- (see --help)");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (FLAGS.contains(name)) {
                if (name.equals("help")) o.help = true;
                if (name.equals("no-progress")) o.progress = false;
                continue;
            }
            if (!VALUED.contains(name)) {
                throw new BacktestException("unknown option --" + name + " (see --help)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new BacktestException("--" + name + " needs a value (see --help)");
                }
                value = args[++i];
            }
            if (!name.equals("kafka-property") && seen.put(name, value) != null) {
                throw new BacktestException("--" + name + " given twice; give it once");
            }
            o.set(name, value);
        }
        if (!o.help) {
            o.check();
        }
        return o;
    }

    private void set(String name, String v) {
        switch (name) {
            case "rules" -> rules = Path.of(v);
            case "redis" -> redis = v;
            case "prefix" -> prefix = v;
            case "baseline-rules" -> baselineRules = Path.of(v);
            case "events" -> events = Path.of(v);
            case "kafka" -> kafka = v;
            case "topic" -> topic = v;
            case "from" -> from = instant("from", v);
            case "to" -> to = instant("to", v);
            case "kafka-property" -> kafkaProperty.add(v);
            case "kafka-properties" -> kafkaProperties = Path.of(v);
            case "labels" -> labels = Path.of(v);
            case "labels-topic" -> labelsTopic = v;
            case "json" -> json = Path.of(v);
            case "max-ids" -> maxIds = positive(name, v);
            case "expiry-every" -> expiryEvery = positive(name, v);
            default -> throw new IllegalStateException(name);
        }
    }

    private void check() {
        if (rules == null) {
            throw new BacktestException(
                    "--rules FILE is required: the candidate rule set to try (see --help)");
        }
        if ((events == null) == (kafka == null)) {
            throw new BacktestException(
                    "give exactly one of --events FILE (JSON lines) and --kafka HOST:PORT"
                            + " (see --help)");
        }
        if (events != null && (from != null || to != null)) {
            throw new BacktestException(
                    "--from and --to select a time range of a Kafka topic; with --events the"
                            + " whole file is replayed");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new BacktestException(
                    "--from " + from + " is not before --to " + to + "; give a non-empty range");
        }
        if (labelsTopic != null && kafka == null) {
            throw new BacktestException(
                    "--labels-topic reads from the Kafka of --kafka; give --kafka, or use"
                            + " --labels FILE");
        }
        if (labels != null && labelsTopic != null) {
            throw new BacktestException("give one of --labels and --labels-topic, not both");
        }
        if (kafka == null && (!kafkaProperty.isEmpty() || kafkaProperties != null)) {
            throw new BacktestException(
                    "--kafka-property and --kafka-properties configure the --kafka consumer; give"
                            + " --kafka too");
        }
    }

    private static Instant instant(String name, String v) {
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw new BacktestException(
                        "--"
                                + name
                                + ": expected an ISO-8601 instant like 2026-03-02T00:00:00Z or a"
                                + " date like 2026-03-02 (UTC), got '"
                                + v
                                + "'");
            }
        }
    }

    private static int positive(String name, String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // Reported below.
        }
        throw new BacktestException(
                "--" + name + ": expected a positive whole number, got '" + v + "'");
    }
}
