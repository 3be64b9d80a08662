package dev.fraudmonitor.backtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The backtest's read-only Kafka consumers. */
final class KafkaClients {
    /** How long to wait for the broker's first answer, unless default.api.timeout.ms says. */
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private KafkaClients() {}

    /**
     * Client properties from {@code --kafka-properties FILE} then {@code --kafka-property k=v} (the
     * later wins), e.g. SASL/SSL settings. Their values are never printed: they may be secrets.
     */
    static Properties clientProperties(Path file, List<String> pairs) {
        Properties p = new Properties();
        if (file != null) {
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (java.io.IOException e) {
                throw new BacktestException(
                        "--kafka-properties "
                                + file
                                + ": cannot read it ("
                                + e.getClass().getSimpleName()
                                + "); give a Java properties file of Kafka client settings");
            }
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new BacktestException(
                        "--kafka-property: expected key=value, e.g. security.protocol=SASL_SSL; got"
                                + " an entry without '=' (key '"
                                + (eq < 0 ? "?" : pair.substring(0, eq))
                                + "')");
            }
            p.setProperty(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return p;
    }

    /**
     * A consumer that sees only committed records (as the reps' tools do), in a group of its own,
     * and never commits offsets: the backtest leaves no trace on the cluster.
     */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fraud-backtest-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        try {
            return new KafkaConsumer<>(p);
        } catch (KafkaException e) {
            throw new BacktestException(
                    "--kafka "
                            + bootstrap
                            + ": cannot create a Kafka consumer: "
                            + rootMessage(e)
                            + "; check the address and the client settings"
                            + " (--kafka-property, --kafka-properties)",
                    e);
        }
    }

    /** The topic's partitions; a clear error when the broker does not answer or has no topic. */
    static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer,
            String bootstrap,
            String topic,
            Properties client) {
        Map<String, List<PartitionInfo>> topics;
        Duration timeout = metadataTimeout(client);
        try {
            topics = consumer.listTopics(timeout);
        } catch (TimeoutException e) {
            throw new BacktestException(
                    "--kafka "
                            + bootstrap
                            + ": no answer from Kafka within "
                            + timeout.toMillis() / 1000.0
                            + " s; check the address, that the broker is up, and the security"
                            + " settings (--kafka-property, --kafka-properties)",
                    e);
        } catch (KafkaException e) {
            throw new BacktestException(
                    "--kafka " + bootstrap + ": cannot read topic metadata: " + rootMessage(e), e);
        }
        List<PartitionInfo> infos = topics.get(topic);
        if (infos == null || infos.isEmpty()) {
            throw new BacktestException(
                    "topic '"
                            + topic
                            + "' does not exist at "
                            + bootstrap
                            + "; give the events topic with --topic (or the labels topic with"
                            + " --labels-topic)");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo i : infos) {
            out.add(new TopicPartition(topic, i.partition()));
        }
        out.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
        return out;
    }

    private static Duration metadataTimeout(Properties client) {
        String ms = client.getProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        try {
            return ms == null ? METADATA_TIMEOUT : Duration.ofMillis(Long.parseLong(ms.trim()));
        } catch (NumberFormatException e) {
            throw new BacktestException(
                    "--kafka-property default.api.timeout.ms: expected milliseconds, got '"
                            + ms
                            + "'");
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e
                ? String.valueOf(e.getMessage())
                : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
