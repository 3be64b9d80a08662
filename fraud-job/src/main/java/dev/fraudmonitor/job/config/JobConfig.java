package dev.fraudmonitor.job.config;

import dev.fraudmonitor.clients.KafkaClientProperties;
import dev.fraudmonitor.clients.RedisSettings;
import dev.fraudmonitor.clients.Secrets;
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
import java.util.Set;

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

    /** Options whose values are never printed and never accepted on the command line. */
    private static final Set<String> SECRETS = new java.util.HashSet<>();

    /** Repeatable command-line option: one Kafka client property, {@code key=value}. */
    public static final String KAFKA_PROPERTY = "kafka.property";

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
    public static final Option<Duration> KAFKA_STARTUP_WAIT =
            add(
                    "kafka.startup-wait",
                    "P1D",
                    "at start, how long to wait for missing topics or an unreachable broker (one log line, no restart loop) before giving up",
                    "a positive duration like PT10M",
                    Parsers::positiveDuration);
    public static final Option<String> KAFKA_PROPERTIES_FILE =
            add(
                    "kafka.properties-file",
                    "",
                    "Kafka client properties (security.protocol, sasl.*, ssl.*, tuning) for the source and every sink; values may be ${env:NAME} or ${file:PATH}; add single ones with --kafka.property key=value (repeatable, no secrets)",
                    "the path of a readable properties file, or empty",
                    String::trim);
    public static final Option<String> REDIS_URL =
            add(
                    "redis.url",
                    "redis://localhost:6379",
                    "Redis holding rules, lists and hold records",
                    "a URL like redis://host:6379 or rediss://host:6380 (TLS)",
                    Parsers::redisUrl);
    public static final Option<String> REDIS_USER =
            add(
                    "redis.user",
                    "",
                    "Redis ACL user; empty uses the URL's or the default user",
                    "a user name, or empty",
                    String::trim);
    public static final Option<String> REDIS_PASSWORD =
            addSecret(
                    "redis.password",
                    "Redis password (only from the environment or the config file, never the command line); wins over one in the URL",
                    "the password");
    public static final Option<String> REDIS_PASSWORD_FILE =
            add(
                    "redis.password-file",
                    "",
                    "file holding the Redis password (a mounted Kubernetes Secret, say)",
                    "the path of a readable file, or empty",
                    String::trim);
    public static final Option<String> REDIS_TRUSTSTORE =
            add(
                    "redis.truststore",
                    "",
                    "CA certificates trusted for rediss:// (PEM, PKCS12 or JKS); empty trusts the JVM's default CAs",
                    "the path of a readable file, or empty",
                    String::trim);
    public static final Option<String> REDIS_TRUSTSTORE_PASSWORD =
            addSecret(
                    "redis.truststore-password",
                    "password of a PKCS12/JKS redis.truststore (environment or config file only)",
                    "the password");
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
    public static final Option<Boolean> STATE_CHANGELOG =
            add(
                    "state.changelog",
                    "false",
                    "Flink's changelog state backend on top of state.backend: state changes are uploaded as they happen and a checkpoint writes only those since the last one; its log goes under checkpoint.dir, which it needs (benchmarks/RESULTS.md has what it costs)",
                    "true or false",
                    Parsers::bool);
    public static final Option<Integer> MAX_PARALLELISM =
            add(
                    "max-parallelism",
                    "128",
                    "number of key groups: the most the job can ever be scaled out to from a savepoint; never change it for a job with state",
                    "a whole number from 1 to 32768",
                    t -> Parsers.intInRange(t, 1, 32768));
    public static final Option<Integer> PARALLELISM =
            add(
                    "parallelism",
                    "2",
                    "parallelism of the job; without it the cluster's parallelism.default (flink run -p), and 2 where the cluster sets none",
                    "a whole number from 1 to 1024, at most max-parallelism",
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
    private final KafkaClientProperties kafkaProperties;
    private final RedisSettings redis;

    private JobConfig(
            Map<String, Object> values,
            Map<String, String> sources,
            KafkaClientProperties kafkaProperties,
            RedisSettings redis) {
        this.values = values;
        this.sources = sources;
        this.kafkaProperties = kafkaProperties;
        this.redis = redis;
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

    private static Option<String> addSecret(String key, String description, String expected) {
        SECRETS.add(key);
        return add(key, "", description, expected, t -> t);
    }

    public static boolean isSecret(Option<?> option) {
        return SECRETS.contains(option.key());
    }

    public static List<Option<?>> options() {
        return List.copyOf(OPTIONS);
    }

    /** Defaults only, with the given overrides (key to text); used by tests and the demo. */
    public static JobConfig of(Map<String, String> overrides) {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        overrides.forEach(
                (k, v) -> {
                    if (k.startsWith(KAFKA_PROPERTY + ".")) {
                        kafka.put(k.substring(KAFKA_PROPERTY.length() + 1), v);
                    } else {
                        options.put(k, v);
                    }
                });
        return resolve(options, Map.of(), new Properties(), kafka, true);
    }

    public static JobConfig fromArgs(String[] args, Map<String, String> env) {
        Map<String, String> kafka = new LinkedHashMap<>();
        Map<String, String> cli = parseArgs(args, kafka);
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
        return resolve(cli, env, file, kafka, false);
    }

    private static Map<String, String> parseArgs(String[] args, Map<String, String> kafka) {
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
            if (k.equals(KAFKA_PROPERTY)) {
                try {
                    Map.Entry<String, String> e =
                            KafkaClientProperties.parseOption(v, "--" + KAFKA_PROPERTY);
                    kafka.put(e.getKey(), e.getValue());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(e.getMessage());
                }
                continue;
            }
            out.put(k, v);
        }
        return out;
    }

    private static JobConfig resolve(
            Map<String, String> cli,
            Map<String, String> env,
            Properties file,
            Map<String, String> kafkaOptions,
            boolean secretsOnCli) {
        Map<String, String> unknown = new LinkedHashMap<>(cli);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Option<?> o : OPTIONS) {
            unknown.remove(o.key());
            String text;
            String source;
            if (cli.containsKey(o.key()) && SECRETS.contains(o.key()) && !secretsOnCli) {
                throw new ConfigException(
                        o.key()
                                + " holds a secret and is not accepted on the command line (it would"
                                + " show in process listings and shell history); set "
                                + o.envName()
                                + ", or "
                                + o.envName()
                                + "_FILE naming a file that holds it");
            } else if (cli.containsKey(o.key())) {
                text = cli.get(o.key());
                source = "--" + o.key();
            } else if (env.containsKey(o.envName())) {
                text = env.get(o.envName());
                source = o.envName();
            } else if (SECRETS.contains(o.key()) && env.containsKey(o.envName() + "_FILE")) {
                try {
                    text = Secrets.fromEnvOrFile(env, o.envName());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(o.key() + ": " + e.getMessage());
                }
                source = o.envName() + "_FILE";
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
                // A value is echoed to help fix it, but never a secret: a bad URL loses its
                // password first.
                String shown =
                        SECRETS.contains(o.key()) ? "" : ", got '" + Secrets.maskUrl(text) + "'";
                throw new ConfigException(
                        o.key()
                                + " (from "
                                + source
                                + "): expected "
                                + o.expected()
                                + shown
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
        if ((Integer) values.get(PARALLELISM.key()) > (Integer) values.get(MAX_PARALLELISM.key())) {
            throw new ConfigException(
                    PARALLELISM.key()
                            + " ("
                            + values.get(PARALLELISM.key())
                            + ") must not exceed "
                            + MAX_PARALLELISM.key()
                            + " ("
                            + values.get(MAX_PARALLELISM.key())
                            + "); raise max-parallelism only for a job started without state");
        }
        return new JobConfig(
                values,
                sources,
                kafkaProperties(values, kafkaOptions, env),
                redisSettings(values, env));
    }

    private static KafkaClientProperties kafkaProperties(
            Map<String, Object> values, Map<String, String> options, Map<String, String> env) {
        try {
            String file = (String) values.get(KAFKA_PROPERTIES_FILE.key());
            KafkaClientProperties p =
                    file.isEmpty()
                            ? KafkaClientProperties.NONE
                            : KafkaClientProperties.load(
                                    Path.of(file), env, KAFKA_PROPERTIES_FILE.key());
            return p.withAll(options, env, "--" + KAFKA_PROPERTY);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static RedisSettings redisSettings(
            Map<String, Object> values, Map<String, String> env) {
        try {
            String password = (String) values.get(REDIS_PASSWORD.key());
            String passwordFile = (String) values.get(REDIS_PASSWORD_FILE.key());
            if (password.isEmpty() && !passwordFile.isEmpty()) {
                password = Secrets.readSecretFile(Path.of(passwordFile), REDIS_PASSWORD_FILE.key());
            }
            String user = (String) values.get(REDIS_USER.key());
            String truststore = (String) values.get(REDIS_TRUSTSTORE.key());
            String truststorePassword = (String) values.get(REDIS_TRUSTSTORE_PASSWORD.key());
            return new RedisSettings(
                            (String) values.get(REDIS_URL.key()),
                            user.isEmpty() ? null : user,
                            password.isEmpty() ? null : password,
                            truststore.isEmpty() ? null : truststore,
                            truststorePassword.isEmpty() ? null : truststorePassword)
                    .validate(REDIS_URL.key());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Client properties passed through to every Kafka client of the job. */
    public KafkaClientProperties kafkaProperties() {
        return kafkaProperties;
    }

    /** Redis URL and credentials, for {@code RedisClients.create}. */
    public RedisSettings redis() {
        return redis;
    }

    /** Whether the option was set (command line, environment, file), not left at its default. */
    public boolean isExplicit(Option<?> option) {
        return !"default".equals(sources.get(option.key()));
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
        return new JobConfig(v, s, kafkaProperties, redisSettings(v, Map.of()));
    }

    /**
     * Prints {@link #help()}: runs from the job jar alone ({@code java -cp <job jar>
     * dev.fraudmonitor.job.config.JobConfig}), which lacks the Flink classes {@code FraudJob}
     * needs.
     */
    public static void main(String[] args) {
        System.out.println("Checkout fraud monitor: Flink job\n\n" + help());
    }

    /** Help text listing every option with its default and meaning. */
    public static String help() {
        StringBuilder sb = new StringBuilder("Options (--key value, or environment FRAUD_KEY):\n");
        for (Option<?> o : OPTIONS) {
            sb.append(
                    String.format(
                            "  --%-32s %s%n      default: %s; env: %s%s%n",
                            o.key(),
                            o.description(),
                            o.defaultValue().isEmpty() ? "(none)" : o.defaultValue(),
                            o.envName(),
                            SECRETS.contains(o.key()) ? " or " + o.envName() + "_FILE" : ""));
        }
        sb.append(
                String.format(
                        "  --%-32s one Kafka client property for the source and every sink;"
                                + " repeatable; secrets belong in kafka.properties-file%n",
                        KAFKA_PROPERTY + " key=value"));
        return sb.toString();
    }

    /**
     * One line per option with where its value came from, then the Kafka client properties; every
     * secret (password options, URL passwords, JAAS configurations, key passwords) is masked.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Option<?> o : OPTIONS) {
            String value = String.valueOf(values.get(o.key()));
            String shown =
                    SECRETS.contains(o.key())
                            ? (value.isEmpty() ? "" : Secrets.MASK)
                            : Secrets.maskUrl(value);
            sb.append("  ")
                    .append(o.key())
                    .append(" = ")
                    .append(shown)
                    .append("  (")
                    .append(sources.get(o.key()))
                    .append(")\n");
        }
        sb.append(kafkaProperties.describe("  " + KAFKA_PROPERTY + " "));
        return sb.toString();
    }
}
