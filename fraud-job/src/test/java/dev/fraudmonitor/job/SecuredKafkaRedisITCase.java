package dev.fraudmonitor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.clients.RedisClients;
import dev.fraudmonitor.clients.RedisSettings;
import dev.fraudmonitor.job.config.ConfigException;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.io.KafkaPreflight;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.LoginOutcome;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.EmbeddedRedis;
import dev.fraudmonitor.testkit.FlinkMiniCluster;
import dev.fraudmonitor.testkit.JobRunner;
import dev.fraudmonitor.testkit.KafkaExtension;
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
import redis.clients.jedis.RedisClient;

/**
 * The job against a Kafka broker that requires SASL and a redis-server that requires a password
 * over TLS only, with every secret in a file: it reads and writes through both, and a wrong Kafka
 * password stops it at start with one message that does not carry the password.
 */
class SecuredKafkaRedisITCase {
    @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.sasl();
    @RegisterExtension static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    static final String REDIS_PASSWORD = "redis-pw-7f3a";
    @TempDir static Path dir;
    static TestCertificates certs;
    static EmbeddedRedis redis;

    @BeforeAll
    static void startRedis() {
        certs = TestCertificates.create(dir.resolve("tls"));
        redis = EmbeddedRedis.startSecured(REDIS_PASSWORD, certs);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    static String redisUrl() {
        return "rediss://127.0.0.1:" + redis.port();
    }

    static Path kafkaProperties(String password) throws Exception {
        Path pw = Files.createTempFile(dir, "kafka-password", "");
        Files.writeString(pw, password + "\n");
        Path props = Files.createTempFile(dir, "kafka", ".properties");
        Files.writeString(
                props,
                "security.protocol=SASL_PLAINTEXT\n"
                        + "sasl.mechanism=PLAIN\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\""
                        + EmbeddedKafka.SASL_USER
                        + "\" password=\"${file:"
                        + pw
                        + "}\";\n");
        return props;
    }

    static JobConfig config(Path kafkaProperties, String prefix, String... topics)
            throws Exception {
        Path redisPw = dir.resolve("redis-password");
        Files.writeString(redisPw, REDIS_PASSWORD + "\n");
        Map<String, String> options =
                new HashMap<>(
                        TestJobOptions.of(
                                KAFKA.bootstrapServers(),
                                redisUrl(),
                                prefix,
                                topics[0],
                                topics[1],
                                topics[2],
                                topics[3]));
        options.put("kafka.properties-file", kafkaProperties.toString());
        options.put("redis.password-file", redisPw.toString());
        options.put("redis.truststore", certs.certificatePem().toString());
        return JobConfig.of(options);
    }

    @Test
    void theJobReadsAndWritesThroughSaslKafkaAndPasswordProtectedTlsRedis() throws Exception {
        String[] topics = {
            KAFKA.newTopic("events", 2),
            KAFKA.newTopic("alerts", 1),
            KAFKA.newTopic("holds", 1),
            KAFKA.newTopic("dlq", 1)
        };
        String prefix = redis.newKeyPrefix();
        JobConfig config = config(kafkaProperties(EmbeddedKafka.SASL_PASSWORD), prefix, topics);
        String described = config.describe();
        assertFalse(described.contains(EmbeddedKafka.SASL_PASSWORD), described);
        assertFalse(described.contains(REDIS_PASSWORD), described);

        try (RedisClient client = RedisClients.create(config.redis(), Duration.ofSeconds(5))) {
            client.set(prefix + "rules", FraudJobITCase.BRUTE_FORCE_ONLY);
        }
        KafkaPreflight.awaitReady(config, Duration.ofSeconds(30), Duration.ofSeconds(1));

        Instant base = Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        Session attacker = Session.guest("198.51.100.7", "RO").as("acct-secured");
        try (JobRunner jobs = new JobRunner()) {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            FraudJob.flinkConfiguration(config));
            env.configure(FraudJob.flinkConfiguration(config));
            FraudJob.define(env, config);
            jobs.startAndAwaitRunning(env, "secured-itcase", Duration.ofSeconds(60));
            for (int i = 0; i < 6; i++) {
                CheckoutEvent e =
                        attacker.login(
                                base.plusSeconds(i * 10L), "u-secured", LoginOutcome.FAILURE);
                KAFKA.kafka().send(topics[0], e.sessionId(), TestEvents.encode(e));
            }
            List<ConsumerRecord<byte[], byte[]>> alerts =
                    KAFKA.kafka().readAll(topics[1], true, 1, Duration.ofSeconds(90));
            assertEquals(1, alerts.size());
            JsonNode alert = Json.mapper().readTree(alerts.get(0).value());
            assertEquals("acct-secured", alert.get("accountId").asText());
        }
    }

    @Test
    void aWrongKafkaPasswordFailsAtStartWithOneClearMessage() throws Exception {
        String[] topics = {"e", "a", "h", "d"};
        JobConfig config = config(kafkaProperties("wrong-pw-91c2"), redis.newKeyPrefix(), topics);
        long t0 = System.nanoTime();
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                KafkaPreflight.awaitReady(
                                        config, Duration.ofSeconds(60), Duration.ofSeconds(1)));
        System.out.printf(
                "wrong Kafka password: failed after %d ms: %s%n",
                (System.nanoTime() - t0) / 1_000_000, e.getMessage());
        assertTrue(e.getMessage().contains("rejected the job's credentials"), e.getMessage());
        assertTrue(e.getMessage().contains("sasl.jaas.config"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-pw-91c2"), e.getMessage());
    }

    @Test
    void aJobStartedBeforeItsInputTopicExistsWaitsForIt() throws Exception {
        String events = "events-created-later-" + java.util.UUID.randomUUID();
        String[] topics = {
            events,
            KAFKA.newTopic("alerts", 1),
            KAFKA.newTopic("holds", 1),
            KAFKA.newTopic("dlq", 1)
        };
        JobConfig config =
                config(kafkaProperties(EmbeddedKafka.SASL_PASSWORD), redis.newKeyPrefix(), topics);
        java.util.concurrent.CompletableFuture<Void> ready =
                java.util.concurrent.CompletableFuture.runAsync(
                        () ->
                                KafkaPreflight.awaitReady(
                                        config, Duration.ofSeconds(60), Duration.ofMillis(200)));
        Thread.sleep(1500);
        assertFalse(ready.isDone(), "waits while the input topic is missing");
        KAFKA.kafka().createTopic(events, 2);
        ready.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void redisRefusesAWrongPasswordAndAnUntrustedCertificate() throws Exception {
        try (RedisClient ok =
                RedisClients.create(
                        new RedisSettings(
                                redisUrl(),
                                null,
                                REDIS_PASSWORD,
                                certs.keystore().toString(),
                                TestCertificates.PASSWORD),
                        Duration.ofSeconds(5))) {
            assertEquals("PONG", ok.ping());
        }
        try (RedisClient wrong =
                RedisClients.create(
                        new RedisSettings(
                                redisUrl(),
                                null,
                                "not-it",
                                certs.certificatePem().toString(),
                                null),
                        Duration.ofSeconds(5))) {
            Exception e = assertThrows(Exception.class, wrong::ping);
            assertFalse(String.valueOf(e.getMessage()).contains("not-it"), e.getMessage());
        }
        // The JVM's default CAs do not include the test certificate: the handshake must fail.
        try (RedisClient untrusted =
                RedisClients.create(
                        new RedisSettings(redisUrl(), null, REDIS_PASSWORD, null, null),
                        Duration.ofSeconds(5))) {
            assertThrows(Exception.class, untrusted::ping);
        }
    }
}
