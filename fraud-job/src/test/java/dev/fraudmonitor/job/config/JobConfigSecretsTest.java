package dev.fraudmonitor.job.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka client properties and Redis credentials: where they come from, and never printed. */
class JobConfigSecretsTest {
    @TempDir Path dir;

    @Test
    void kafkaPropertiesFromFileWithSecretsFromEnvAndFilesAreMaskedInTheDescription()
            throws Exception {
        Path secret = dir.resolve("kafka-password");
        Files.writeString(secret, "file-s3cret\n");
        Path props = dir.resolve("kafka.properties");
        Files.writeString(
                props,
                "security.protocol=SASL_SSL\n"
                        + "sasl.mechanism=SCRAM-SHA-512\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"fraud\" password=\"${file:"
                        + secret
                        + "}\";\n"
                        + "ssl.truststore.location=/etc/kafka/truststore.p12\n"
                        + "ssl.truststore.password=${env:TRUST_PW}\n");
        JobConfig c =
                JobConfig.fromArgs(
                        new String[] {
                            "--kafka.property", "linger.ms=5",
                            "--redis.url", "redis://ops:url-s3cret@redis:6379"
                        },
                        Map.of(
                                "FRAUD_KAFKA_PROPERTIES_FILE", props.toString(),
                                "TRUST_PW", "env-s3cret",
                                "FRAUD_REDIS_PASSWORD", "redis-s3cret"));
        Map<String, String> kafka = c.kafkaProperties().asMap();
        assertEquals("SASL_SSL", kafka.get("security.protocol"));
        assertEquals("5", kafka.get("linger.ms"));
        assertTrue(kafka.get("sasl.jaas.config").contains("password=\"file-s3cret\";"));
        assertEquals("env-s3cret", kafka.get("ssl.truststore.password"));
        assertEquals("redis-s3cret", c.redis().password());

        String described = c.describe() + c.kafkaProperties() + c.redis();
        for (String s : new String[] {"file-s3cret", "env-s3cret", "redis-s3cret", "url-s3cret"}) {
            assertFalse(described.contains(s), s + " printed in:\n" + described);
        }
        assertTrue(described.contains("kafka.property security.protocol = SASL_SSL"), described);
        assertTrue(described.contains("kafka.property sasl.jaas.config = ***"), described);
        assertTrue(described.contains("redis.password = ***  (FRAUD_REDIS_PASSWORD)"), described);
    }

    @Test
    void secretsAreRefusedOnTheCommandLineWithWhereToPutThem() {
        ConfigException redis =
                assertThrows(
                        ConfigException.class,
                        () ->
                                JobConfig.fromArgs(
                                        new String[] {"--redis.password", "cli-s3cret"}, Map.of()));
        assertFalse(redis.getMessage().contains("cli-s3cret"), redis.getMessage());
        assertTrue(redis.getMessage().contains("FRAUD_REDIS_PASSWORD"), redis.getMessage());

        ConfigException kafka =
                assertThrows(
                        ConfigException.class,
                        () ->
                                JobConfig.fromArgs(
                                        new String[] {
                                            "--kafka.property",
                                            "sasl.jaas.config=x required password=\"cli-s3cret\";"
                                        },
                                        Map.of()));
        assertFalse(kafka.getMessage().contains("cli-s3cret"), kafka.getMessage());
        assertTrue(kafka.getMessage().contains("FRAUD_KAFKA_PROPERTIES_FILE"), kafka.getMessage());
    }

    @Test
    void badValuesNameTheOptionWithoutEchoingASecret() {
        ConfigException url =
                assertThrows(
                        ConfigException.class,
                        () ->
                                JobConfig.fromArgs(
                                        new String[] {"--redis.url", "http://ops:url-s3cret@redis"},
                                        Map.of()));
        assertTrue(url.getMessage().startsWith("redis.url"), url.getMessage());
        assertFalse(url.getMessage().contains("url-s3cret"), url.getMessage());

        ConfigException notAUrl =
                assertThrows(
                        ConfigException.class,
                        () ->
                                JobConfig.fromArgs(
                                        new String[0],
                                        Map.of("FRAUD_REDIS_URL", "redis://ops:s3 cret@redis")));
        assertTrue(notAUrl.getMessage().startsWith("redis.url"), notAUrl.getMessage());
        assertFalse(notAUrl.getMessage().contains("cret"), notAUrl.getMessage());

        ConfigException reserved =
                assertThrows(
                        ConfigException.class,
                        () ->
                                JobConfig.fromArgs(
                                        new String[] {
                                            "--kafka.property", "isolation.level=read_uncommitted"
                                        },
                                        Map.of()));
        assertTrue(reserved.getMessage().contains("isolation.level"), reserved.getMessage());

        ConfigException missingEnv =
                assertThrows(
                        ConfigException.class,
                        () ->
                                JobConfig.fromArgs(
                                        new String[] {
                                            "--kafka.property",
                                            "ssl.key.password=${env:NOT_SET_ANYWHERE}"
                                        },
                                        Map.of()));
        assertTrue(missingEnv.getMessage().contains("NOT_SET_ANYWHERE"), missingEnv.getMessage());
    }

    @Test
    void redisPasswordFromAFileAndTlsTruststore() throws Exception {
        Path pw = dir.resolve("redis-password");
        Files.writeString(pw, "file-pw\n");
        JobConfig c =
                JobConfig.fromArgs(
                        new String[] {
                            "--redis.url", "rediss://redis:6380",
                            "--redis.user", "fraud-job",
                            "--redis.password-file", pw.toString(),
                            "--redis.truststore", "/etc/redis/ca.pem"
                        },
                        Map.of());
        assertEquals("fraud-job", c.redis().user());
        assertEquals("file-pw", c.redis().password());
        assertEquals("/etc/redis/ca.pem", c.redis().truststore());
        assertTrue(c.redis().tls());
        assertFalse(c.describe().contains("file-pw"));

        ConfigException plainWithTruststore =
                assertThrows(
                        ConfigException.class,
                        () ->
                                JobConfig.fromArgs(
                                        new String[] {
                                            "--redis.url", "redis://redis:6379",
                                            "--redis.truststore", "/etc/redis/ca.pem"
                                        },
                                        Map.of()));
        assertTrue(plainWithTruststore.getMessage().contains("rediss://"));
    }

    @Test
    void maxParallelismIsExplicitAndBoundsParallelism() {
        assertEquals(128, JobConfig.of(Map.of()).get(JobConfig.MAX_PARALLELISM));
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> JobConfig.of(Map.of("parallelism", "64", "max-parallelism", "32")));
        assertTrue(e.getMessage().startsWith("parallelism"), e.getMessage());
    }
}
