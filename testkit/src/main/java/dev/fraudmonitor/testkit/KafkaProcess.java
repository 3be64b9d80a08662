package dev.fraudmonitor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) in its own JVM on loopback,
 * started from this JVM's classpath ({@code kafka_2.13}): formatted once with {@code StorageTool
 * format --standalone}, then run as {@code kafka.Kafka}. It can be stopped and started again on the
 * same port with its data, as a broker restart would. Files live under {@code
 * target/kafka-process-<id>/}; {@link #close()} kills the process and deletes them except the log.
 */
public final class KafkaProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaProcess.class);

    /** The user a SASL_SSL broker ({@link #startSaslSsl}) accepts, with {@link #SASL_PASSWORD}. */
    public static final String SASL_USER = "fraud";

    public static final String SASL_PASSWORD = "fraud-secret-4e1";

    private final Path dir;
    private final int port;
    private final int internalPort;
    private final TestCertificates tls;
    private final Thread killOnExit = new Thread(this::kill, "kafka-process-kill");
    private Process process;
    private int starts;

    private KafkaProcess(Path dir, int port, int internalPort, TestCertificates tls) {
        this.dir = dir;
        this.port = port;
        this.internalPort = internalPort;
        this.tls = tls;
    }

    /** Formats and starts a fresh broker, and waits until it answers. */
    public static KafkaProcess start(Duration timeout) {
        return start(timeout, null);
    }

    /**
     * As {@link #start(Duration)}, but clients must connect with SASL_SSL (mechanism PLAIN, user
     * {@link #SASL_USER}) and trust {@code tls}'s certificate: {@link #clientSecurity()}. The
     * broker talks to itself over a separate plaintext listener.
     */
    public static KafkaProcess startSaslSsl(Duration timeout, TestCertificates tls) {
        return start(timeout, tls);
    }

    private static KafkaProcess start(Duration timeout, TestCertificates tls) {
        Path dir = Path.of("target", "kafka-process-" + UUID.randomUUID()).toAbsolutePath();
        KafkaProcess kafka;
        try {
            Files.createDirectories(dir.resolve("logs"));
            int port = freePort();
            kafka = new KafkaProcess(dir, port, tls == null ? port : freePort(), tls);
            int controllerPort = freePort();
            List<String> listeners =
                    tls == null
                            ? List.of(
                                    "listeners=PLAINTEXT://127.0.0.1:"
                                            + port
                                            + ",CONTROLLER://127.0.0.1:"
                                            + controllerPort,
                                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                                    "inter.broker.listener.name=PLAINTEXT",
                                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT")
                            : List.of(
                                    "listeners=SASL_SSL://127.0.0.1:"
                                            + port
                                            + ",INTERNAL://127.0.0.1:"
                                            + kafka.internalPort
                                            + ",CONTROLLER://127.0.0.1:"
                                            + controllerPort,
                                    "advertised.listeners=SASL_SSL://127.0.0.1:"
                                            + port
                                            + ",INTERNAL://127.0.0.1:"
                                            + kafka.internalPort,
                                    "inter.broker.listener.name=INTERNAL",
                                    "listener.security.protocol.map=SASL_SSL:SASL_SSL,"
                                            + "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
                                    "sasl.enabled.mechanisms=PLAIN",
                                    "listener.name.sasl_ssl.plain.sasl.jaas.config="
                                            + "org.apache.kafka.common.security.plain.PlainLoginModule"
                                            + " required user_"
                                            + SASL_USER
                                            + "=\""
                                            + SASL_PASSWORD
                                            + "\";",
                                    "ssl.keystore.type=PKCS12",
                                    "ssl.keystore.location=" + tls.keystore(),
                                    "ssl.keystore.password=" + TestCertificates.PASSWORD,
                                    "ssl.key.password=" + TestCertificates.PASSWORD);
            List<String> lines = new ArrayList<>();
            lines.add("process.roles=broker,controller");
            lines.add("node.id=1");
            lines.add("controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort);
            lines.add("controller.listener.names=CONTROLLER");
            lines.addAll(listeners);
            String conf =
                    String.join(
                            "\n",
                            String.join("\n", lines),
                            "log.dirs=" + dir.resolve("data"),
                            "num.partitions=1",
                            "offsets.topic.replication.factor=1",
                            "offsets.topic.num.partitions=1",
                            "transaction.state.log.replication.factor=1",
                            "transaction.state.log.min.isr=1",
                            "transaction.state.log.num.partitions=1",
                            "group.initial.rebalance.delay.ms=0",
                            "auto.create.topics.enable=false",
                            "message.max.bytes=" + EmbeddedKafka.MAX_MESSAGE_BYTES,
                            "replica.fetch.max.bytes=" + EmbeddedKafka.MAX_MESSAGE_BYTES,
                            "");
            Files.writeString(dir.resolve("server.properties"), conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        Runtime.getRuntime().addShutdownHook(kafka.killOnExit);
        try {
            kafka.format();
            kafka.startBroker(timeout);
            return kafka;
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    private void format() {
        Process p =
                launch(
                        "format",
                        List.of(
                                "kafka.tools.StorageTool",
                                "format",
                                "--standalone",
                                "-t",
                                Uuid.randomUuid().toString(),
                                "-c",
                                dir.resolve("server.properties").toString()));
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "kafka StorageTool format failed; see " + dir.resolve("logs"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the broker process (again) and waits until it answers clients. */
    public synchronized void startBroker(Duration timeout) {
        long t0 = System.nanoTime();
        process =
                launch(
                        "broker-" + starts++,
                        List.of("kafka.Kafka", dir.resolve("server.properties").toString()));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + internalPort);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(p)) {
            JobRunner.waitUntil(
                    () -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "the Kafka broker exited; see " + dir.resolve("logs"));
                        }
                        try {
                            return !admin.describeCluster()
                                    .nodes()
                                    .get(5, TimeUnit.SECONDS)
                                    .isEmpty();
                        } catch (Exception e) {
                            return false;
                        }
                    },
                    timeout,
                    "Kafka broker answering at " + bootstrapServers());
        }
        LOG.info(
                "Kafka broker (pid {}) up at {} in {} ms",
                process.pid(),
                bootstrapServers(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Stops the broker the way an operator would (SIGTERM, controlled shutdown) and waits. */
    public synchronized void stopBroker() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Kafka broker stopped, exit {}", process.exitValue());
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Client properties to log in to a {@link #startSaslSsl} broker (empty for a plain one). */
    public Map<String, String> clientSecurity() {
        if (tls == null) {
            return Map.of();
        }
        return Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\""
                                + SASL_USER
                                + "\" password=\""
                                + SASL_PASSWORD
                                + "\";",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", tls.certificatePem().toString());
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    private Process launch(String name, List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx384m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-Djava.io.tmpdir=" + dir);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(mainAndArgs);
        Path log = dir.resolve("logs").resolve(name + ".log");
        try {
            return new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; it kills the same process
        }
        TempDirs.deleteQuietly(dir.resolve("data"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
