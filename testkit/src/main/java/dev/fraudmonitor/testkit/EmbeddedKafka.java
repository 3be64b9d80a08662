package dev.fraudmonitor.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined controller + broker) running in this JVM.
 *
 * <p>Plain class with {@link #start()} / {@link #close()} so it can be used outside JUnit (demo
 * launcher); {@link KafkaExtension} wraps it for JUnit 5. Log directories live under {@code
 * java.io.tmpdir} and are deleted on close.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Largest record the broker, replication and {@link #producer()} accept: 2 MiB. */
    public static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private final KafkaClusterTestKit cluster;
    private final Path baseDir;
    private final String bootstrapServers;
    private final Admin admin;
    private final Duration startupTime;
    private final Map<String, String> security;
    private KafkaProducer<byte[], byte[]> sharedProducer;
    private boolean closed;

    private EmbeddedKafka(
            KafkaClusterTestKit cluster,
            String bootstrapServers,
            Path baseDir,
            Admin admin,
            Duration startupTime,
            Map<String, String> security) {
        this.security = security;
        this.cluster = cluster;
        this.baseDir = baseDir;
        this.bootstrapServers = bootstrapServers;
        this.admin = admin;
        this.startupTime = startupTime;
    }

    /** Formats and starts a fresh broker and waits until it accepts clients. */
    public static EmbeddedKafka start() {
        return start(false);
    }

    /**
     * The same helpers (topics, producers, {@link #readAll}) for a broker running elsewhere, such
     * as a {@link KafkaProcess}; {@link #close()} closes the clients only.
     */
    public static EmbeddedKafka connect(String bootstrapServers) {
        return connect(bootstrapServers, Map.of());
    }

    /** As {@link #connect(String)}, logging in with {@code security} (client properties). */
    public static EmbeddedKafka connect(String bootstrapServers, Map<String, String> security) {
        Properties adminProps = new Properties();
        adminProps.putAll(security);
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new EmbeddedKafka(
                null, bootstrapServers, null, Admin.create(adminProps), Duration.ZERO, security);
    }

    /**
     * User the SASL broker accepts (SASL/PLAIN), with {@link #SASL_PASSWORD}; a super user, as the
     * test kit's authorizer has no ACLs for anyone else.
     */
    public static final String SASL_USER = JaasUtils.KAFKA_PLAIN_ADMIN;

    public static final String SASL_PASSWORD = JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;

    /**
     * As {@link #start()}, but its client listener accepts only SASL_PLAINTEXT with mechanism
     * PLAIN: user {@link #SASL_USER}, password {@link #SASL_PASSWORD}. This class's own clients log
     * in as that user; {@link #clientSecurity()} gives the properties to pass elsewhere.
     */
    public static EmbeddedKafka startSasl() {
        return start(true);
    }

    private static EmbeddedKafka start(boolean sasl) {
        long t0 = System.nanoTime();
        Path baseDir = TempDirs.create("embedded-kafka-");
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes =
                    new TestKitNodes.Builder()
                            // the test kit otherwise bootstraps the newest *unstable* version
                            .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .setBaseDirectory(baseDir)
                            .setBrokerSecurityProtocol(
                                    sasl
                                            ? SecurityProtocol.SASL_PLAINTEXT
                                            : SecurityProtocol.PLAINTEXT)
                            // with SASL the test kit turns on an authorizer: the controller
                            // listener must authenticate too, or registration is refused
                            .setControllerSecurityProtocol(
                                    sasl
                                            ? SecurityProtocol.SASL_PLAINTEXT
                                            : SecurityProtocol.PLAINTEXT)
                            .build();
            cluster =
                    new KafkaClusterTestKit.Builder(nodes)
                            .setDeleteOnClose(true)
                            .setConfigProp("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES))
                            .setConfigProp(
                                    "replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES))
                            .setConfigProp("offsets.topic.replication.factor", "1")
                            .setConfigProp("offsets.topic.num.partitions", "1")
                            .setConfigProp("transaction.state.log.replication.factor", "1")
                            .setConfigProp("transaction.state.log.min.isr", "1")
                            .setConfigProp("transaction.state.log.num.partitions", "1")
                            .setConfigProp("min.insync.replicas", "1")
                            .setConfigProp("group.initial.rebalance.delay.ms", "0")
                            .setConfigProp("auto.create.topics.enable", "false")
                            .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            Map<String, String> security =
                    sasl
                            ? Map.of(
                                    "security.protocol",
                                    "SASL_PLAINTEXT",
                                    "sasl.mechanism",
                                    "PLAIN",
                                    "sasl.jaas.config",
                                    "org.apache.kafka.common.security.plain.PlainLoginModule"
                                            + " required username=\""
                                            + SASL_USER
                                            + "\" password=\""
                                            + SASL_PASSWORD
                                            + "\";")
                            : Map.of();
            Properties adminProps = new Properties();
            adminProps.putAll(security);
            adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            Admin admin = Admin.create(adminProps);
            // The broker is only usable once it reports itself in cluster metadata.
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            LOG.info(
                    "Embedded Kafka started at {} in {} ms",
                    cluster.bootstrapServers(),
                    took.toMillis());
            return new EmbeddedKafka(
                    cluster, cluster.bootstrapServers(), baseDir, admin, took, security);
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            TempDirs.deleteQuietly(baseDir);
            throw new IllegalStateException("Embedded Kafka failed to start", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client properties for logging in to this broker (empty unless {@link #startSasl()}). */
    public Map<String, String> clientSecurity() {
        return security;
    }

    /** Root of the broker's metadata and log directories (deleted by {@link #close()}). */
    public Path baseDirectory() {
        return baseDir;
    }

    /** Wall-clock time {@link #start()} took. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Creates a topic (replication factor 1) and waits until it has a leader on every partition.
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** As {@link #createTopic(String, int)}, with topic configs such as {@code retention.ms}. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                TopicDescription d = null;
                try {
                    d =
                            admin.describeTopics(List.of(name))
                                    .allTopicNames()
                                    .get(30, TimeUnit.SECONDS)
                                    .get(name);
                } catch (ExecutionException e) {
                    // createTopics() completes when the controller has it; the broker's metadata
                    // cache may lag a little and answer UNKNOWN_TOPIC_OR_PARTITION meanwhile.
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                if (d != null
                        && d.partitions().size() == partitions
                        && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leaders: " + d);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    /** Base producer properties (bootstrap, byte[] serializers, acks=all, 2 MiB requests). */
    public Properties producerProperties() {
        Properties p = new Properties();
        p.putAll(security);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_MESSAGE_BYTES));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return p;
    }

    /** A new producer the caller owns and must close. */
    public KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(producerProperties());
    }

    /** A new producer with extra properties (e.g. {@code transactional.id}); caller closes it. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, ?> overrides) {
        Properties p = producerProperties();
        p.putAll(overrides);
        return new KafkaProducer<>(p);
    }

    /** Sends one record synchronously with a shared producer; {@code key} may be null. */
    public synchronized void send(String topic, String key, byte[] value) {
        if (sharedProducer == null) {
            sharedProducer = producer();
        }
        byte[] k = key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            sharedProducer.send(new ProducerRecord<>(topic, k, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending to " + topic, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    /** Base consumer properties: no group, no auto commit, byte[] deserializers. */
    public Properties consumerProperties(boolean readCommitted) {
        Properties p = new Properties();
        p.putAll(security);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(MAX_MESSAGE_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(4 * MAX_MESSAGE_BYTES));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "readAll-" + UUID.randomUUID());
        return p;
    }

    /**
     * Reads {@code topic} from the beginning of all its partitions (no consumer group). Returns
     * once at least {@code expectedAtLeast} records were read and no new record arrived for ~500
     * ms, or when {@code timeout} expires (with whatever was read; callers assert on the result).
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(
            String topic, boolean readCommitted, int expectedAtLeast, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerProperties(readCommitted))) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
                            .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastRecordAt = System.nanoTime();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (!batch.isEmpty()) {
                    batch.forEach(out::add);
                    lastRecordAt = System.nanoTime();
                } else if (out.size() >= expectedAtLeast
                        && System.nanoTime() - lastRecordAt >= Duration.ofMillis(500).toNanos()) {
                    break;
                }
            }
        }
        return out;
    }

    /** Names of all non-internal topics. */
    public Set<String> topics() {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics", e);
        }
    }

    /** The admin client shared by this broker handle; do not close it. */
    public Admin admin() {
        return admin;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        if (sharedProducer != null) {
            sharedProducer.close(Duration.ofSeconds(5));
        }
        admin.close(Duration.ofSeconds(5));
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("Embedded Kafka did not close cleanly", e);
        } finally {
            TempDirs.deleteQuietly(baseDir);
        }
        LOG.info("Embedded Kafka stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
}
