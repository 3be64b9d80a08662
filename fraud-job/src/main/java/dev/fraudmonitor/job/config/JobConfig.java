package dev.fraudmonitor.job.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the job in one typed place. Values come from, in order of precedence: command
 * line ({@code --key value} or {@code --key=value}), environment ({@code FRAUD_KEY}), a properties
 * file ({@code --config path}), then the default. A bad value fails at startup with a message that
 * names the option and what it expected.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum StateBackend {
        HASHMAP,
        ROCKSDB
    }

    public enum StartingOffsets {
        /** Resume from the consumer group's committed offsets, or the earliest if it has none. */
        COMMITTED,
        EARLIEST,
        LATEST
    }

    private static final List<Option<?>> OPTIONS = new ArrayList<>();

    public static final Option<String> KAFKA_BOOTSTRAP =
            add(
                    "kafka.bootstrap",
                    "localhost:9092",
                    "Kafka bootstrap servers",
                    "host:port[,host:port]",
                    Parsers::hostPorts);
    public static final Option<String> TOPIC_EVENTS =
            add(
                    "topic.events",
                    "checkout.events",
                    "input topic of checkout events",
                    "a topic name",
                    Parsers::nonBlank);
    public static final Option<String> TOPIC_ALERTS =
            add(
                    "topic.alerts",
                    "fraud.alerts",
                    "output topic for alerts",
                    "a topic name",
                    Parsers::nonBlank);
    public static final Option<String> TOPIC_HOLDS =
            add(
                    "topic.holds",
                    "fraud.holds",
                    "output topic for order holds",
                    "a topic name",
                    Parsers::nonBlank);
    public static final Option<String> TOPIC_DLQ =
            add(
                    "topic.dlq",
                    "checkout.events.dlq",
                    "dead-letter topic for rejected events",
                    "a topic name",
                    Parsers::nonBlank);
    public static final Option<String> GROUP_ID =
            add(
                    "kafka.group-id",
                    "fraud-monitor",
                    "consumer group of the job",
                    "a group id",
                    Parsers::nonBlank);
    public static final Option<String> TRANSACTIONAL_ID_PREFIX =
            add(
                    "kafka.transactional-id-prefix",
                    "fraud-monitor",
                    "prefix of the sinks' transactional ids; unique per job on a cluster and stable across restarts",
                    "a non-empty prefix",
                    Parsers::nonBlank);
    public static final Option<Duration> TRANSACTION_TIMEOUT =
            add(
                    "kafka.transaction-timeout",
                    "PT10M",
                    "transaction.timeout.ms of the exactly-once sinks; must be at most the broker's transaction.max.timeout.ms (15 min by default) and more than the longest checkpoint plus restart",
                    "a duration between 1 minute and 15 minutes, like PT10M",
                    t -> {
                        Duration d = Parsers.positiveDuration(t);
                        if (d.compareTo(Duration.ofMinutes(1)) < 0
                                || d.compareTo(Duration.ofMinutes(15)) > 0) {
                            throw new IllegalArgumentException("out of range");
                        }
                        return d;
                    });
    public static final Option<StartingOffsets> STARTING_OFFSETS =
            add(
                    "kafka.starting-offsets",
                    "COMMITTED",
                    "where a job without a checkpoint starts reading",
                    "COMMITTED, EARLIEST or LATEST",
                    t -> Parsers.enumValue(StartingOffsets.class, t));
    public static final Option<String> REDIS_URL =
            add(
                    "redis.url",
                    "redis://localhost:6379",
                    "Redis holding rules, lists and hold records",
                    "a URL like redis://host:6379",
                    Parsers::redisUrl);
    public static final Option<String> REDIS_PREFIX =
            add(
                    "redis.prefix",
                    "fraud:",
                    "prefix of every Redis key the job reads or writes",
                    "a non-empty prefix",
                    Parsers::nonBlank);
    public static final Option<Duration> REDIS_TIMEOUT =
            add(
                    "redis.timeout",
                    "PT2S",
                    "connect and socket timeout for Redis, and the longest wait for a pooled connection",
                    "a positive duration like PT2S",
                    Parsers::positiveDuration);
    public static final Option<Duration> HOLD_TTL =
            add(
                    "holds.ttl",
                    "P30D",
                    "how long Redis keeps a hold record",
                    "a positive duration like P30D",
                    Parsers::positiveDuration);
    public static final Option<Duration> RULES_POLL_INTERVAL =
            add(
                    "rules.poll-interval",
                    "PT0.5S",
                    "how often the job checks Redis for a changed rule set or lists",
                    "a positive duration like PT0.5S",
                    Parsers::positiveDuration);
    public static final Option<Duration> RULES_INITIAL_TIMEOUT =
            add(
                    "rules.initial-load-timeout",
                    "PT60S",
                    "how long the job waits for a valid rule set at start before failing",
                    "a positive duration like PT60S",
                    Parsers::positiveDuration);
    public static final Option<Duration> CHECKPOINT_INTERVAL =
            add(
                    "checkpoint.interval",
                    "PT2S",
                    "checkpoint interval; alerts become visible to read_committed readers when a checkpoint completes",
                    "a positive duration like PT2S",
                    Parsers::positiveDuration);
    public static final Option<String> CHECKPOINT_DIR =
            add(
                    "checkpoint.dir",
                    "",
                    "durable checkpoint storage URI (file:///..., s3://...); empty keeps checkpoints in JobManager memory",
                    "a URI or empty",
                    String::trim);
    public static final Option<StateBackend> STATE_BACKEND =
            add(
                    "state.backend",
                    "HASHMAP",
                    "keyed state backend",
                    "HASHMAP or ROCKSDB",
                    t -> Parsers.enumValue(StateBackend.class, t));
    public static final Option<Integer> PARALLELISM =
            add(
                    "parallelism",
                    "2",
                    "parallelism of the job",
                    "a whole number from 1 to 1024",
                    t -> Parsers.intInRange(t, 1, 1024));
    public static final Option<Duration> WATERMARK_DELAY =
            add(
                    "watermark.max-delay",
                    "PT5S",
                    "bounded out-of-orderness: how far behind the newest event time the watermark trails",
                    "a duration like PT5S",
                    Parsers::duration);
    public static final Option<Duration> IDLE_TIMEOUT =
            add(
                    "watermark.idle-timeout",
                    "PT30S",
                    "a partition without events for this long stops holding the watermark back",
                    "a positive duration like PT30S",
                    Parsers::positiveDuration);
    public static final Option<Integer> EVENT_MAX_BYTES =
            add(
                    "event.max-bytes",
                    "65536",
                    "largest accepted event; larger ones are dead-lettered as TOO_LARGE",
                    "a whole number from 1024 to 1048576",
                    t -> Parsers.intInRange(t, 1024, 1 << 20));
    public static final Option<Duration> EVENT_MAX_FUTURE =
            add(
                    "event.max-future",
                    "PT1H",
                    "an event whose occurredAt is further ahead of its Kafka timestamp is dead-lettered as BAD_TIMESTAMP",
                    "a positive duration like PT1H",
                    Parsers::positiveDuration);
    public static final Option<Integer> DLQ_MAX_PAYLOAD =
            add(
                    "dlq.max-payload-chars",
                    "16384",
                    "a dead letter keeps at most this much of the (redacted) payload; its source offset points at the rest",
                    "a whole number from 256 to 262144",
                    t -> Parsers.intInRange(t, 256, 262144));
    public static final Option<Integer> METRICS_PORT =
            add(
                    "metrics.port",
                    "9249",
                    "first port tried for the Prometheus /metrics endpoint (the next free one is used when several JVMs share a host); 0 disables it",
                    "a port from 0 to 65535",
                    t -> Parsers.intInRange(t, 0, 65535));
    public static final Option<Boolean> METRICS_ENABLED =
            add(
                    "metrics.enabled",
                    "true",
                    "record the job's metrics; false makes every metric a no-op and serves no /metrics endpoint (benchmarks use it to measure what metrics cost)",
                    "true or false",
                    Parsers::bool);

    private final Map<String, Object> values;
    private final Map<String, String> sources;

    private JobConfig(Map<String, Object> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    private static <T> Option<T> add(
            String key,
            String def,
            String description,
            String expected,
            java.util.function.Function<String, T> parser) {
        Option<T> o = new Option<>(key, def, description, expected, parser);
        OPTIONS.add(o);
        return o;
    }

    public static List<Option<?>> options() {
        return List.copyOf(OPTIONS);
    }

    /** Defaults only, with the given overrides (key to text); used by tests and the demo. */
    public static JobConfig of(Map<String, String> overrides) {
        return resolve(overrides, Map.of(), new Properties());
    }

    public static JobConfig fromArgs(String[] args, Map<String, String> env) {
        Map<String, String> cli = parseArgs(args);
        Properties file = new Properties();
        String configPath = cli.remove("config");
        if (configPath != null) {
            try (Reader r = Files.newBufferedReader(Path.of(configPath))) {
                file.load(r);
            } catch (IOException e) {
                throw new ConfigException(
                        "config: cannot read properties file "
                                + configPath
                                + ": "
                                + e.getMessage());
            }
        }
        return resolve(cli, env, file);
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new ConfigException(
                        "unexpected argument '"
                                + a
                                + "': options look like --key value (see --help)");
            }
            String k = a.substring(2);
            String v;
            int eq = k.indexOf('=');
            if (eq >= 0) {
                v = k.substring(eq + 1);
                k = k.substring(0, eq);
            } else if (i + 1 < args.length) {
                v = args[++i];
            } else {
                throw new ConfigException(k + ": missing value after --" + k);
            }
            out.put(k, v);
        }
        return out;
    }

    private static JobConfig resolve(
            Map<String, String> cli, Map<String, String> env, Properties file) {
        Map<String, String> unknown = new LinkedHashMap<>(cli);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Option<?> o : OPTIONS) {
            unknown.remove(o.key());
            String text;
            String source;
            if (cli.containsKey(o.key())) {
                text = cli.get(o.key());
                source = "--" + o.key();
            } else if (env.containsKey(o.envName())) {
                text = env.get(o.envName());
                source = o.envName();
            } else if (file.containsKey(o.key())) {
                text = file.getProperty(o.key());
                source = "config file";
            } else {
                text = o.defaultValue();
                source = "default";
            }
            try {
                values.put(o.key(), o.parser().apply(text));
            } catch (RuntimeException e) {
                throw new ConfigException(
                        o.key()
                                + " (from "
                                + source
                                + "): expected "
                                + o.expected()
                                + ", got '"
                                + text
                                + "'"
                                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            }
            sources.put(o.key(), source);
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(
                    "unknown option --"
                            + unknown.keySet().iterator().next()
                            + "; known options: "
                            + String.join(", ", OPTIONS.stream().map(Option::key).toList()));
        }
        return new JobConfig(values, sources);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        return (T) values.get(option.key());
    }

    /** A copy with one value replaced (already parsed text). */
    public JobConfig with(Option<?> option, String text) {
        Map<String, Object> v = new LinkedHashMap<>(values);
        v.put(option.key(), option.parser().apply(text));
        Map<String, String> s = new LinkedHashMap<>(sources);
        s.put(option.key(), "override");
        return new JobConfig(v, s);
    }

    /** Help text listing every option with its default and meaning. */
    public static String help() {
        StringBuilder sb = new StringBuilder("Options (--key value, or environment FRAUD_KEY):\n");
        for (Option<?> o : OPTIONS) {
            sb.append(
                    String.format(
                            "  --%-32s %s%n      default: %s; env: %s%n",
                            o.key(),
                            o.description(),
                            o.defaultValue().isEmpty() ? "(none)" : o.defaultValue(),
                            o.envName()));
        }
        return sb.toString();
    }

    /** One line per option with where its value came from; a password in a URL is masked. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Option<?> o : OPTIONS) {
            String shown = String.valueOf(values.get(o.key())).replaceAll("//[^/@]*@", "//***@");
            sb.append("  ")
                    .append(o.key())
                    .append(" = ")
                    .append(shown)
                    .append("  (")
                    .append(sources.get(o.key()))
                    .append(")\n");
        }
        return sb.toString();
    }
}
