package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.job.config.ConfigException;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.io.KafkaPreflight;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaProcess;
import dev.fraudmonitor.testkit.RedisExtension;
import dev.fraudmonitor.testkit.TestCertificates;
import dev.fraudmonitor.testkit.TestEvents;
import dev.fraudmonitor.testkit.TestEvents.Session;
import dev.fraudmonitor.testkit.TestJobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker (its own JVM) whose client listener is SASL_SSL only: TLS with a
 * truststore and SASL/PLAIN, configured through a Kafka client properties file whose password is a
 * {@code ${file:...}} placeholder. The in-JVM test kit broker has no TLS listener, hence the
 * separate process.
 */
class SaslSslKafkaITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @TempDir static Path dir;
    static TestCertificates certs;
    static KafkaProcess broker;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        certs = TestCertificates.create(dir.resolve("tls"));
        broker = KafkaProcess.startSaslSsl(Duration.ofSeconds(120), certs);
        kafka = EmbeddedKafka.connect(broker.bootstrapServers(), broker.clientSecurity());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    static JobConfig config(String password, String prefix, String... topics) throws Exception {
        Path pw = Files.createTempFile(dir, "kafka-password", "");
        Files.writeString(pw, password + "\n");
        Path props = Files.createTempFile(dir, "kafka", ".properties");
        Files.writeString(
                props,
                "security.protocol=SASL_SSL\n"
                        + "ssl.truststore.type=PEM\n"
                        + "ssl.truststore.location="
                        + certs.certificatePem()
                        + "\n"
                        + "sasl.mechanism=PLAIN\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\""
                        + KafkaProcess.SASL_USER
                        + "\" password=\"${file:"
                        + pw
                        + "}\";\n");
        Map<String, String> options =
                new HashMap<>(
                        TestJobOptions.of(
                                broker.bootstrapServers(),
                                REDIS.url(),
                                prefix,
                                topics[0],
                                topics[1],
                                topics[2],
                                topics[3]));
        options.put("kafka.properties-file", props.toString());
        return JobConfig.of(options);
    }

    @Test
    void theJobReadsAndWritesOverSaslSsl() throws Exception {
        String[] topics = {"events-tls", "alerts-tls", "holds-tls", "dlq-tls"};
        kafka.createTopic(topics[0], 2);
        for (int i = 1; i < 4; i++) {
            kafka.createTopic(topics[i], 1);
        }
        String prefix = REDIS.newKeyPrefix();
        REDIS.client().set(prefix + "rules", FraudJobITCase.BRUTE_FORCE_ONLY);
        JobConfig config = config(KafkaProcess.SASL_PASSWORD, prefix, topics);
        assertFalse(config.describe().contains(KafkaProcess.SASL_PASSWORD), config.describe());
        KafkaPreflight.awaitReady(config, Duration.ofSeconds(60), Duration.ofSeconds(1));

        Instant base = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        Session attacker = Session.guest("198.51.100.9", "RO").as("acct-tls");
        try (JobRunner jobs = new JobRunner()) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            FraudJob.flinkConfiguration(config));
            env.configure(FraudJob.flinkConfiguration(config));
            FraudJob.define(env, config);
            jobs.startAndAwaitRunning(env, "sasl-ssl-itcase", Duration.ofSeconds(60));
            for (int i = 0; i < 6; i++) {
                CheckoutEvent e =
                        attacker.login(base.plusSeconds(i * 10L), "u-tls", LoginOutcome.FAILURE);
                kafka.send(topics[0], e.sessionId(), TestEvents.encode(e));
            }
            List<ConsumerRecord<byte[], byte[]>> alerts =
                    kafka.readAll(topics[1], true, 1, Duration.ofSeconds(90));
            assertEquals(1, alerts.size());
            assertEquals(
                    "acct-tls",
                    Json.mapper().readTree(alerts.get(0).value()).get("accountId").asText());
        }
    }

    @Test
    void aWrongPasswordOverTlsFailsAtStartWithOneClearMessage() throws Exception {
        JobConfig config = config("wrong-tls-pw-77", REDIS.newKeyPrefix(), "e", "a", "h", "d");
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                KafkaPreflight.awaitReady(
                                        config, Duration.ofSeconds(60), Duration.ofSeconds(1)));
        System.out.println("wrong Kafka password over TLS: " + e.getMessage());
        assertTrue(e.getMessage().contains("rejected the job's credentials"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-tls-pw-77"), e.getMessage());
    }
}
