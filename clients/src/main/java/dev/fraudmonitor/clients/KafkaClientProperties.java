package dev.fraudmonitor.clients;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka client properties an operator passes through to every Kafka client (the job's source and
 * sinks, fraudctl): security ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) and tuning.
 * They come from a properties file and from {@code key=value} options; values may name secrets as
 * {@code ${env:NAME}} or {@code ${file:PATH}}. {@link #toString()} and {@link #describe()} mask
 * every secret.
 */
public final class KafkaClientProperties implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Set by the job from its own options or fixed by exactly-once; a pass-through value would be
     * silently overridden or break the guarantees, so it is refused with the option to use instead.
     */
    private static final Map<String, String> RESERVED =
            Map.of(
                    "bootstrap.servers", "the bootstrap option (--kafka.bootstrap or --kafka)",
                    "group.id", "--kafka.group-id",
                    "transactional.id", "--kafka.transactional-id-prefix",
                    "transaction.timeout.ms", "--kafka.transaction-timeout",
                    "isolation.level", "nothing: the job always reads read_committed",
                    "key.serializer", "nothing: the job sets its own serializers",
                    "value.serializer", "nothing: the job sets its own serializers",
                    "key.deserializer", "nothing: the job sets its own deserializers",
                    "value.deserializer", "nothing: the job sets its own deserializers",
                    "enable.auto.commit", "nothing: offsets are committed with checkpoints");

    public static final KafkaClientProperties NONE = new KafkaClientProperties(Map.of());

    private final TreeMap<String, String> values;

    private KafkaClientProperties(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    /**
     * Reads a Kafka client properties file and resolves its placeholders; {@code what} names the
     * option the path came from, for error messages.
     */
    public static KafkaClientProperties load(Path file, Map<String, String> env, String what) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    what
                            + ": cannot read Kafka client properties file "
                            + file
                            + " ("
                            + e.getClass().getSimpleName()
                            + "); check the path and that this process may read it");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k.trim(), p.getProperty(k).trim());
        }
        return NONE.withAll(m, env, what + " " + file);
    }

    /**
     * Parses one {@code key=value} option. A secret given this way would end up in shell history
     * and process listings, so secret keys are refused with where to put them instead.
     */
    public static Map.Entry<String, String> parseOption(String text, String what) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(
                    what + ": expected key=value, like security.protocol=SASL_SSL");
        }
        String key = text.substring(0, eq).trim();
        if (Secrets.isSecretKey(key) && !text.substring(eq + 1).contains("${")) {
            throw new IllegalArgumentException(
                    what
                            + ": "
                            + key
                            + " holds a secret and must not be given on the command line; put it in"
                            + " the properties file (FRAUD_KAFKA_PROPERTIES_FILE), or write the"
                            + " value as ${env:NAME} or ${file:PATH}");
        }
        return Map.entry(key, text.substring(eq + 1).trim());
    }

    /** A copy with more properties; later values win. */
    public KafkaClientProperties withAll(
            Map<String, String> more, Map<String, String> env, String what) {
        Map<String, String> m = new LinkedHashMap<>(values);
        for (Map.Entry<String, String> e : more.entrySet()) {
            String key = e.getKey();
            if (RESERVED.containsKey(key)) {
                throw new IllegalArgumentException(
                        what + ": Kafka property " + key + " is set by " + RESERVED.get(key));
            }
            m.put(key, Secrets.resolvePlaceholders(e.getValue(), env, what + " " + key));
        }
        return new KafkaClientProperties(m);
    }

    /** Copies every property into {@code target} (before the caller sets its own). */
    public void applyTo(Properties target) {
        values.forEach(target::setProperty);
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** One {@code key = value} line per property, secrets masked. */
    public String describe(String indent) {
        StringBuilder sb = new StringBuilder();
        values.forEach(
                (k, v) ->
                        sb.append(indent)
                                .append(k)
                                .append(" = ")
                                .append(Secrets.maskValue(k, v))
                                .append('\n'));
        return sb.toString();
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, Secrets.maskValue(k, v)));
        return shown.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaClientProperties other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
