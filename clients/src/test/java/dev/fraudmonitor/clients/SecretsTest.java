package dev.fraudmonitor.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets from the environment and files, and masked wherever they could be printed. */
class SecretsTest {
    @TempDir Path dir;

    @Test
    void secretKeysAndUrlPasswordsAreMasked() {
        for (String key :
                new String[] {
                    "sasl.jaas.config",
                    "ssl.keystore.password",
                    "ssl.key.password",
                    "ssl.truststore.password",
                    "basic.auth.user.info",
                    "sasl.oauthbearer.token.endpoint.url.secret"
                }) {
            assertTrue(Secrets.isSecretKey(key), key);
            assertEquals(Secrets.MASK, Secrets.maskValue(key, "s3cret"));
        }
        assertFalse(Secrets.isSecretKey("security.protocol"));
        assertEquals("SASL_SSL", Secrets.maskValue("security.protocol", "SASL_SSL"));
        assertEquals("rediss://***@redis:6380/0", Secrets.maskUrl("rediss://ops:pw@redis:6380/0"));
        assertEquals("redis://***@redis", Secrets.maskUrl("redis://:pw@redis"));
        assertEquals("redis://redis:6379", Secrets.maskUrl("redis://redis:6379"));
    }

    @Test
    void placeholdersComeFromTheEnvironmentAndFilesAndMissingOnesAreNamed() throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\n");
        assertEquals(
                "a=from-env b=from-file",
                Secrets.resolvePlaceholders(
                        "a=${env:PW} b=${file:" + file + "}", Map.of("PW", "from-env"), "x"));
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Secrets.resolvePlaceholders("${env:NOPE}", Map.of(), "ssl.key"));
        assertTrue(missing.getMessage().contains("NOPE"), missing.getMessage());
        IllegalArgumentException unreadable =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Secrets.resolvePlaceholders(
                                        "${file:" + dir.resolve("absent") + "}", Map.of(), "k"));
        assertTrue(unreadable.getMessage().contains("absent"), unreadable.getMessage());
    }

    @Test
    void passwordFromTheEnvironmentOrAFileNamedThere() throws Exception {
        Path file = dir.resolve("redis-pw");
        Files.writeString(file, "file-pw\r\n");
        assertEquals(
                "env-pw",
                Secrets.fromEnvOrFile(
                        Map.of("FRAUD_REDIS_PASSWORD", "env-pw"), "FRAUD_REDIS_PASSWORD"));
        assertEquals(
                "file-pw",
                Secrets.fromEnvOrFile(
                        Map.of("FRAUD_REDIS_PASSWORD_FILE", file.toString()),
                        "FRAUD_REDIS_PASSWORD"));
        RedisSettings s =
                RedisSettings.fromEnv(
                        "rediss://redis:6380",
                        Map.of(
                                "FRAUD_REDIS_USER", "fraud",
                                "FRAUD_REDIS_PASSWORD_FILE", file.toString(),
                                "FRAUD_REDIS_TRUSTSTORE", "/etc/ca.pem"));
        assertEquals("fraud", s.user());
        assertEquals("file-pw", s.password());
        assertFalse(s.toString().contains("file-pw"), s.toString());
    }

    @Test
    void kafkaPropertiesRefuseSecretsOnTheCommandLineAndReservedKeys() {
        assertEquals(
                Map.entry("linger.ms", "5"), KafkaClientProperties.parseOption("linger.ms=5", "o"));
        assertEquals(
                "${env:PW}",
                KafkaClientProperties.parseOption("ssl.key.password=${env:PW}", "o").getValue());
        IllegalArgumentException secret =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> KafkaClientProperties.parseOption("ssl.key.password=hunter2", "o"));
        assertFalse(secret.getMessage().contains("hunter2"), secret.getMessage());
        IllegalArgumentException reserved =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                KafkaClientProperties.NONE.withAll(
                                        Map.of("transactional.id", "x"), Map.of(), "o"));
        assertTrue(reserved.getMessage().contains("--kafka.transactional-id-prefix"));
        KafkaClientProperties p =
                KafkaClientProperties.NONE.withAll(
                        Map.of("sasl.jaas.config", "x password=\"pw\";", "acks", "all"),
                        Map.of(),
                        "o");
        assertEquals("{acks=all, sasl.jaas.config=***}", p.toString());
    }

    @Test
    void aBadRedisUrlIsNamedWithItsPasswordMasked() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> RedisSettings.of("http://ops:pw-123@redis").validate("--redis"));
        assertTrue(e.getMessage().startsWith("--redis"), e.getMessage());
        assertFalse(e.getMessage().contains("pw-123"), e.getMessage());
        IllegalArgumentException truststore =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> RedisClients.socketFactory(Path.of("/nonexistent/ca.pem"), null));
        assertTrue(truststore.getMessage().startsWith("redis.truststore"), truststore.getMessage());
    }
}
