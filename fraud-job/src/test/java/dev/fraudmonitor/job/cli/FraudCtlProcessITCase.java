package dev.fraudmonitor.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.clients.RedisClients;
import dev.fraudmonitor.clients.RedisKeys;
import dev.fraudmonitor.clients.RedisSettings;
import dev.fraudmonitor.model.Hold;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.Reason;
import dev.fraudmonitor.testkit.EmbeddedKafka;
import dev.fraudmonitor.testkit.EmbeddedRedis;
import dev.fraudmonitor.testkit.KafkaExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * {@code scripts/fraudctl} exactly as README shows it, run as its own process from the repository
 * root against a redis-server that requires a password and a Kafka broker that requires SASL, with
 * the secrets in files named by environment variables. Unlike {@link FraudCtlITCase}, this sees
 * what a user sees: the launcher, the classpath, the logging set-up.
 */
class FraudCtlProcessITCase {
    @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.sasl();

    static final String REDIS_PASSWORD = "ctl-pw-5d1e";
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    @TempDir static Path dir;
    static EmbeddedRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.startSecured(REDIS_PASSWORD, null);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    record Run(int exit, String out, String err) {}

    static Run fraudctl(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/fraudctl"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().remove("REDIS_URL");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fraudctl " + String.join(" ", args) + " did not finish");
        }
        Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        for (String secret : List.of(REDIS_PASSWORD, EmbeddedKafka.SASL_PASSWORD)) {
            assertFalse(run.out().contains(secret) || run.err().contains(secret), run.toString());
        }
        return run;
    }

    static Map<String, String> env(String prefix) throws IOException {
        Path redisPw = dir.resolve("redis-password");
        Files.writeString(redisPw, REDIS_PASSWORD + "\n");
        Path kafkaPw = dir.resolve("kafka-password");
        Files.writeString(kafkaPw, EmbeddedKafka.SASL_PASSWORD);
        Path props = dir.resolve("kafka.properties");
        Files.writeString(
                props,
                "security.protocol=SASL_PLAINTEXT\n"
                        + "sasl.mechanism=PLAIN\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\""
                        + EmbeddedKafka.SASL_USER
                        + "\" password=\"${file:"
                        + kafkaPw
                        + "}\";\n");
        Map<String, String> env = new HashMap<>();
        env.put("FRAUD_REDIS_URL", "redis://127.0.0.1:" + redis.port());
        env.put("FRAUD_REDIS_PASSWORD_FILE", redisPw.toString());
        env.put("FRAUD_KAFKA_BOOTSTRAP", KAFKA.bootstrapServers());
        env.put("FRAUD_KAFKA_PROPERTIES_FILE", props.toString());
        return env;
    }

    @Test
    void readmeCommandsWorkAsASeparateProcessAgainstSecuredRedisAndKafka() throws Exception {
        String prefix = redis.newKeyPrefix();
        Map<String, String> env = env(prefix);
        String p = "--prefix=" + prefix;

        Run help = fraudctl(env, "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: fraudctl"), help.out());

        Run validate = fraudctl(env, p, "rules", "validate", "rules/default-rules.json");
        assertEquals(0, validate.exit(), validate.toString());

        Run load = fraudctl(env, p, "rules", "load", "rules/default-rules.json");
        assertEquals(0, load.exit(), load.toString());
        assertTrue(load.out().startsWith("Loaded rules/default-rules.json"), load.out());
        assertEquals("", load.err(), "nothing on stderr: no logging noise, no SLF4J warnings");

        Run diff = fraudctl(env, p, "rules", "diff", "rules/default-rules.json");
        assertEquals(0, diff.exit(), diff.toString());
        assertTrue(diff.out().startsWith("No differences"), diff.out());

        Run block = fraudctl(env, p, "lists", "add", "block", "ip", "203.0.113.7");
        assertEquals(0, block.exit(), block.toString());

        RedisKeys keys = new RedisKeys(prefix);
        try (RedisClient client =
                RedisClients.create(
                        new RedisSettings(
                                "redis://127.0.0.1:" + redis.port(),
                                null,
                                REDIS_PASSWORD,
                                null,
                                null),
                        Duration.ofSeconds(5))) {
            assertTrue(client.sismember(keys.list(true, "ip"), "203.0.113.7"));
            Hold hold =
                    new Hold(
                            "ORDER-123",
                            "s-1",
                            "acct-1",
                            "al-1",
                            HoldStatus.HELD,
                            90,
                            List.of(
                                    new Reason(
                                            "block-ip", 1, "The IP is on the block list", "", "")),
                            Instant.parse("2026-03-02T10:00:00Z"),
                            null,
                            null,
                            null,
                            "case-1");
            client.set(keys.hold("ORDER-123"), Json.mapper().writeValueAsString(hold));

            String holds = KAFKA.newTopic("holds", 1);
            Run release =
                    fraudctl(
                            env,
                            p,
                            "holds",
                            "release",
                            "ORDER-123",
                            "--by",
                            "rep42",
                            "--reason",
                            "customer verified by phone",
                            "--topic",
                            holds);
            assertEquals(0, release.exit(), release.toString());
            JsonNode stored = Json.mapper().readTree(client.get(keys.hold("ORDER-123")));
            assertEquals("RELEASED", stored.get("status").asText());
            List<ConsumerRecord<byte[], byte[]>> records =
                    KAFKA.kafka().readAll(holds, true, 1, Duration.ofSeconds(30));
            assertEquals(1, records.size());
            assertTrue(
                    new String(records.get(0).value(), StandardCharsets.UTF_8).contains("rep42"));
        }
    }

    @Test
    void aWrongRedisPasswordSaysWhichSettingToCheckWithoutPrintingIt() throws Exception {
        Map<String, String> env = env(redis.newKeyPrefix());
        Path wrong = dir.resolve("wrong-password");
        Files.writeString(wrong, "not-the-password-3b9");
        env.put("FRAUD_REDIS_PASSWORD_FILE", wrong.toString());
        Run run = fraudctl(env, "rules", "list");
        assertEquals(3, run.exit(), run.toString());
        assertTrue(run.err().contains("FRAUD_REDIS_PASSWORD"), run.err());
        assertFalse(run.err().contains("not-the-password-3b9"), run.err());
    }
}
