package dev.fraudmonitor.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fraudmonitor.clients.HoldReleaser;
import dev.fraudmonitor.clients.KafkaClientProperties;
import dev.fraudmonitor.clients.RedisClients;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.clients.RedisSettings;
import dev.fraudmonitor.clients.Secrets;
import dev.fraudmonitor.engine.rules.ListKind;
import dev.fraudmonitor.engine.rules.Rule;
import dev.fraudmonitor.engine.rules.RuleSet;
import dev.fraudmonitor.engine.rules.RuleSetException;
import dev.fraudmonitor.engine.rules.RuleSetParser;
import dev.fraudmonitor.model.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.RedisClient;

/**
 * The analysts' and reps' command line: rules (validate, load, list, diff, export), block/allow
 * lists, and holds (show, release). Exit code 0 on success, 1 when the input is wrong (the message
 * says what), 2 on usage errors, 3 when Redis or Kafka cannot be reached.
 */
public final class FraudCtl {
    static final String USAGE =
            """
            Usage: fraudctl [--redis URL] [--prefix P] COMMAND ...

            Rules (kept in Redis at <prefix>rules; the job picks up a change within a second):
              rules validate FILE            check a rules file; every problem names the rule and the field
              rules load FILE [--force]      validate, then put FILE in force (its version must be higher
                                             than the one in force unless --force)
              rules list                     the rule set in force
              rules diff FILE                what loading FILE would change
              rules export [FILE]            the rule set in force as JSON (stdout or FILE)

            Lists (kinds: ip, card, device, email_domain, account):
              lists add block|allow KIND VALUE...
              lists remove block|allow KIND VALUE...
              lists show

            Holds (read by checkout at <prefix>hold:<orderId>):
              holds show ORDER_ID
              holds release ORDER_ID --by WHO --reason WHY [--kafka BOOTSTRAP] [--topic fraud.holds]

            Options:
              --redis URL                    redis://host:6379, or rediss:// for TLS (default
                                             $FRAUD_REDIS_URL, $REDIS_URL or redis://localhost:6379)
              --prefix P                     key prefix (default fraud:)
              --kafka BOOTSTRAP              where holds release sends the release record (default
                                             $FRAUD_KAFKA_BOOTSTRAP; without it only Redis changes)
              --kafka-properties FILE        Kafka client properties: security.protocol, sasl.*, ssl.*;
                                             values may be ${env:NAME} or ${file:PATH} (default
                                             $FRAUD_KAFKA_PROPERTIES_FILE)
              --kafka-property KEY=VALUE     one more Kafka client property (repeatable; no secrets)

            Secrets come from the environment, never the command line: FRAUD_REDIS_USER,
            FRAUD_REDIS_PASSWORD (or FRAUD_REDIS_PASSWORD_FILE naming a file), FRAUD_REDIS_TRUSTSTORE
            (PEM, PKCS12 or JKS for rediss://) and FRAUD_REDIS_TRUSTSTORE_PASSWORD.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    /** Runs commands in this JVM, printing to {@code out} and {@code err} (demo, tests). */
    public FraudCtl(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    /** As {@link #FraudCtl(PrintStream, PrintStream)} with the given environment (tests). */
    public FraudCtl(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(new FraudCtl(System.out, System.err).run(args));
    }

    /** Runs one command and returns the exit code. */
    public int run(String[] argv) {
        try {
            return dispatch(argv);
        } catch (UsageException e) {
            return usage(e.getMessage());
        } catch (IllegalArgumentException e) {
            // configuration problems (a bad URL, an unreadable secret file): the messages name
            // the option and never carry a secret
            err.println(e.getMessage());
            return 2;
        }
    }

    private int dispatch(String[] argv) {
        List<String> args = new ArrayList<>(List.of(argv));
        String redisUrl =
                option(
                        args,
                        "--redis",
                        env.getOrDefault(
                                RedisSettings.ENV_URL,
                                env.getOrDefault("REDIS_URL", "redis://localhost:6379")));
        String prefix = option(args, "--prefix", "fraud:");
        kafkaBootstrap = option(args, "--kafka", env.get("FRAUD_KAFKA_BOOTSTRAP"));
        String kafkaFile =
                option(args, "--kafka-properties", env.get("FRAUD_KAFKA_PROPERTIES_FILE"));
        Map<String, String> kafkaOptions = new LinkedHashMap<>();
        for (String kv; (kv = option(args, "--kafka-property", null)) != null; ) {
            Map.Entry<String, String> e = KafkaClientProperties.parseOption(kv, "--kafka-property");
            kafkaOptions.put(e.getKey(), e.getValue());
        }
        kafkaProperties =
                (kafkaFile == null || kafkaFile.isBlank()
                                ? KafkaClientProperties.NONE
                                : KafkaClientProperties.load(
                                        Path.of(kafkaFile.trim()), env, "--kafka-properties"))
                        .withAll(kafkaOptions, env, "--kafka-property");
        if (args.size() < 2 || args.contains("--help")) {
            (args.contains("--help") ? out : err).print(USAGE);
            return args.contains("--help") ? 0 : 2;
        }
        String group = args.remove(0);
        String command = args.remove(0);
        RedisKeys keys = new RedisKeys(prefix);
        try {
            if (group.equals("rules") && command.equals("validate")) {
                return validate(args);
            }
            RedisSettings settings = RedisSettings.fromEnv(redisUrl, env).validate("--redis");
            try (RedisClient redis = RedisClients.create(settings, Duration.ofSeconds(5))) {
                return switch (group + " " + command) {
                    case "rules load" -> load(redis, keys, args);
                    case "rules list" -> list(redis, keys);
                    case "rules diff" -> diff(redis, keys, args);
                    case "rules export" -> export(redis, keys, args);
                    case "lists add" -> changeList(redis, keys, args, true);
                    case "lists remove" -> changeList(redis, keys, args, false);
                    case "lists show" -> showLists(redis, keys);
                    case "holds show" -> showHold(redis, keys, args);
                    case "holds release" -> release(redis, keys, args);
                    default -> usage("unknown command '" + group + " " + command + "'");
                };
            }
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            err.println(
                    "Cannot reach Redis at "
                            + redisUrl.replaceAll("//[^/@]*@", "//***@")
                            + ": "
                            + e.getMessage()
                            + "\nCheck --redis (or FRAUD_REDIS_URL) and that the server is up.");
            return 3;
        } catch (redis.clients.jedis.exceptions.JedisAccessControlException e) {
            err.println(
                    "Redis at "
                            + Secrets.maskUrl(redisUrl)
                            + " refused the credentials ("
                            + e.getMessage()
                            + ")\nCheck FRAUD_REDIS_USER and FRAUD_REDIS_PASSWORD (or"
                            + " FRAUD_REDIS_PASSWORD_FILE), or the user and password in --redis.");
            return 3;
        } catch (IOException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private String kafkaBootstrap;
    private KafkaClientProperties kafkaProperties = KafkaClientProperties.NONE;

    private int validate(List<String> args) throws IOException {
        String file = single(args, "rules validate FILE");
        RuleSet rs = parseFile(file);
        if (rs == null) {
            return 1;
        }
        out.printf(
                "%s: valid, version %d, %d rules (%d enabled, %d shadow)%n",
                file,
                rs.version(),
                rs.rules().size(),
                rs.rules().stream().filter(Rule::enabled).count(),
                rs.rules().stream().filter(r -> r.mode().name().equals("SHADOW")).count());
        return 0;
    }

    private int load(RedisClient redis, RedisKeys keys, List<String> args) throws IOException {
        boolean force = args.remove("--force");
        String file = single(args, "rules load FILE [--force]");
        RuleSet rs = parseFile(file);
        if (rs == null) {
            return 1;
        }
        String current = redis.get(keys.rules());
        if (current != null && !force) {
            try {
                long inForce = RuleSetParser.parse(current).version();
                if (rs.version() <= inForce) {
                    err.printf(
                            "%s has version %d, but version %d is in force; raise \"version\" in the file "
                                    + "(or pass --force to load it anyway)%n",
                            file, rs.version(), inForce);
                    return 1;
                }
            } catch (RuleSetException ignored) {
                // what is in Redis is invalid anyway: replacing it is the fix
            }
        }
        redis.set(keys.rules(), Files.readString(Path.of(file)));
        out.printf(
                "Loaded %s: rule set version %d with %d rules is in force at %s%n",
                file, rs.version(), rs.rules().size(), keys.rules());
        return 0;
    }

    private int list(RedisClient redis, RedisKeys keys) {
        RuleSet rs = inForce(redis, keys);
        if (rs == null) {
            return 1;
        }
        out.printf(
                "Rule set version %d: review at score %d, hold at %d, alert cooldown %s%n",
                rs.version(), rs.reviewThreshold(), rs.holdThreshold(), rs.alertCooldown());
        out.printf(
                "%-32s %4s  %-20s %-7s %-8s %6s%n",
                "RULE", "VER", "KIND", "MODE", "ENABLED", "WEIGHT");
        for (Rule r : rs.rules()) {
            out.printf(
                    "%-32s %4d  %-20s %-7s %-8s %6d%n",
                    r.id(), r.version(), r.kind(), r.mode(), r.enabled(), r.weight());
        }
        return 0;
    }

    private int diff(RedisClient redis, RedisKeys keys, List<String> args) throws IOException {
        String file = single(args, "rules diff FILE");
        if (parseFile(file) == null) {
            return 1;
        }
        String current = redis.get(keys.rules());
        ObjectMapper m = Json.mapper();
        JsonNode theirs = current == null ? m.createObjectNode() : m.readTree(current);
        JsonNode ours = m.readTree(Files.readString(Path.of(file)));
        List<String> lines = new ArrayList<>();
        // Every top-level setting, not a fixed list: a new one (sessionTimeout, say) must not be
        // reported as "no differences" when loading the file would change it.
        TreeSet<String> settings = new TreeSet<>();
        theirs.fieldNames().forEachRemaining(settings::add);
        ours.fieldNames().forEachRemaining(settings::add);
        settings.remove("rules");
        settings.remove("version");
        List<String> tops = new ArrayList<>(List.of("version"));
        tops.addAll(settings);
        for (String top : tops) {
            if (!java.util.Objects.equals(theirs.get(top), ours.get(top))) {
                lines.add("~ " + top + ": " + theirs.get(top) + " -> " + ours.get(top));
            }
        }
        Map<String, JsonNode> before = byId(theirs.get("rules"));
        Map<String, JsonNode> after = byId(ours.get("rules"));
        for (String id : new TreeSet<>(after.keySet())) {
            if (!before.containsKey(id)) {
                lines.add("+ rule " + id);
            } else if (!before.get(id).equals(after.get(id))) {
                lines.add("~ rule " + id + ": " + fieldChanges(before.get(id), after.get(id)));
            }
        }
        for (String id : new TreeSet<>(before.keySet())) {
            if (!after.containsKey(id)) {
                lines.add("- rule " + id);
            }
        }
        if (lines.isEmpty()) {
            out.println("No differences: " + file + " is what is in force.");
        } else {
            lines.forEach(out::println);
        }
        return 0;
    }

    private int export(RedisClient redis, RedisKeys keys, List<String> args) throws IOException {
        String current = redis.get(keys.rules());
        if (current == null) {
            err.println(
                    "No rule set at " + keys.rules() + "; load one with: fraudctl rules load FILE");
            return 1;
        }
        String pretty =
                Json.mapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Json.mapper().readTree(current));
        if (args.isEmpty()) {
            out.println(pretty);
        } else {
            Files.writeString(Path.of(args.get(0)), pretty + "\n");
            out.println("Exported rule set to " + args.get(0));
        }
        return 0;
    }

    private int changeList(RedisClient redis, RedisKeys keys, List<String> args, boolean add) {
        if (args.size() < 3) {
            throw new UsageException(
                    "lists " + (add ? "add" : "remove") + " block|allow KIND VALUE...");
        }
        String which = args.remove(0);
        if (!which.equals("block") && !which.equals("allow")) {
            throw new UsageException("expected block or allow, got '" + which + "'");
        }
        ListKind kind = listKind(args.remove(0));
        String key = keys.list(which.equals("block"), kind.redisName());
        String[] values = args.toArray(new String[0]);
        long changed = add ? redis.sadd(key, values) : redis.srem(key, values);
        long version = redis.incr(keys.listsVersion());
        out.printf(
                "%s %d value(s) %s %s; lists version %d%n",
                add ? "Added" : "Removed", changed, add ? "to" : "from", key, version);
        return 0;
    }

    private int showLists(RedisClient redis, RedisKeys keys) {
        for (boolean block : new boolean[] {true, false}) {
            for (ListKind kind : ListKind.values()) {
                String key = keys.list(block, kind.redisName());
                out.printf("%-40s %d entries%n", key, redis.scard(key));
            }
        }
        return 0;
    }

    private int showHold(RedisClient redis, RedisKeys keys, List<String> args) throws IOException {
        String orderId = single(args, "holds show ORDER_ID");
        String json = redis.get(keys.hold(orderId));
        if (json == null) {
            err.println(
                    "No hold record for order "
                            + orderId
                            + " (never held, or older than the retention)");
            return 1;
        }
        out.println(
                Json.mapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Json.mapper().readTree(json)));
        return 0;
    }

    private int release(RedisClient redis, RedisKeys keys, List<String> args) throws IOException {
        String by = option(args, "--by", null);
        String why = option(args, "--reason", null);
        String bootstrap = option(args, "--kafka", kafkaBootstrap);
        String topic = option(args, "--topic", "fraud.holds");
        String orderId = single(args, "holds release ORDER_ID --by WHO --reason WHY");
        if (by == null || by.isBlank() || why == null || why.isBlank()) {
            throw new UsageException("a release records who and why: --by WHO --reason WHY");
        }
        Properties p = new Properties();
        kafkaProperties.applyTo(p);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap == null ? "" : bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer =
                bootstrap == null
                        ? null
                        : new KafkaProducer<>(
                                p, new ByteArraySerializer(), new ByteArraySerializer())) {
            HoldReleaser.Outcome outcome =
                    new HoldReleaser(redis, keys, producer, topic, Clock.systemUTC())
                            .release(orderId, by, why);
            switch (outcome.status()) {
                case NOT_FOUND -> {
                    err.println("No hold record for order " + orderId + "; nothing to release");
                    return 1;
                }
                case ALREADY_RELEASED -> {
                    err.printf(
                            "Order %s was already released by %s at %s%n",
                            orderId, outcome.releasedBy(), outcome.releasedAt());
                    if (bootstrap == null) {
                        return 1;
                    }
                    out.printf("Release record of order %s sent again to %s%n", orderId, topic);
                }
                case RELEASED -> out.printf("Order %s released by %s (%s)%n", orderId, by, why);
            }
            return 0;
        } catch (HoldReleaser.KafkaUnreachableException e) {
            err.println(e.getMessage());
            return 3;
        }
    }

    private RuleSet parseFile(String file) throws IOException {
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IOException("No such rules file: " + file);
        }
        try {
            return RuleSetParser.parse(text);
        } catch (RuleSetException e) {
            err.println(file + ": invalid rule set, nothing was changed:");
            for (String p : e.problems()) {
                err.println("  - " + p);
            }
            return null;
        }
    }

    private RuleSet inForce(RedisClient redis, RedisKeys keys) {
        String current = redis.get(keys.rules());
        if (current == null) {
            err.println(
                    "No rule set at " + keys.rules() + "; load one with: fraudctl rules load FILE");
            return null;
        }
        try {
            return RuleSetParser.parse(current);
        } catch (RuleSetException e) {
            err.println(
                    "The rule set at "
                            + keys.rules()
                            + " is invalid (the job keeps its last good set): "
                            + e.getMessage());
            return null;
        }
    }

    private static Map<String, JsonNode> byId(JsonNode rules) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        if (rules != null) {
            for (JsonNode r : rules) {
                m.put(r.path("id").asText(), r);
            }
        }
        return m;
    }

    private static String fieldChanges(JsonNode before, JsonNode after) {
        List<String> changes = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            if (!java.util.Objects.equals(before.get(n), after.get(n))) {
                changes.add(n + " " + before.get(n) + " -> " + after.get(n));
            }
        }
        return String.join(", ", changes);
    }

    private static ListKind listKind(String text) {
        try {
            return ListKind.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(
                    "unknown list kind '"
                            + text
                            + "'; expected ip, card, device, email_domain or account");
        }
    }

    private static String option(List<String> args, String name, String fallback) {
        for (Iterator<String> it = args.iterator(); it.hasNext(); ) {
            String a = it.next();
            if (a.equals(name)) {
                it.remove();
                if (!it.hasNext()) {
                    throw new UsageException(name + " needs a value");
                }
                String v = it.next();
                it.remove();
                return v;
            }
            if (a.startsWith(name + "=")) {
                it.remove();
                return a.substring(name.length() + 1);
            }
        }
        return fallback;
    }

    private static String single(List<String> args, String usage) {
        if (args.size() != 1) {
            throw new UsageException("usage: fraudctl " + usage);
        }
        return args.get(0);
    }

    private int usage(String message) {
        err.println(message);
        err.println("Run fraudctl --help for the commands.");
        return 2;
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
