package dev.fraudmonitor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** start()/close() of the plain classes leave no threads, processes or directories behind. */
class InfraLifecycleITCase {

    @Test
    void kafkaCloseLeavesNoThreadsOrDirectories() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            dir = kafka.baseDirectory();
            assertTrue(Files.isDirectory(dir));
            String topic = "lifecycle";
            kafka.createTopic(topic, 1);
            kafka.send(topic, "k", new byte[] {1});
            assertEquals(1, kafka.readAll(topic, true, 1, Duration.ofSeconds(20)).size());
        }
        assertFalse(Files.exists(dir), "broker directory not deleted: " + dir);
        @SuppressWarnings("unchecked")
        Set<String>[] leaked = new Set[1];
        try {
            JobRunner.waitUntil(
                    () -> {
                        leaked[0] =
                                Thread.getAllStackTraces().keySet().stream()
                                        .filter(t -> t.isAlive() && !before.contains(t))
                                        .filter(t -> !isJvmWideSingleton(t))
                                        .map(Thread::getName)
                                        .collect(Collectors.toSet());
                        return leaked[0].isEmpty();
                    },
                    Duration.ofSeconds(10),
                    "broker threads to end");
        } catch (AssertionError e) {
            throw new AssertionError("threads left after EmbeddedKafka.close(): " + leaked[0], e);
        }
    }

    /**
     * The broker registers Yammer meters in the JVM-global default registry, whose two daemon
     * "metrics-meter-tick-thread-N" threads start on first use and live until the JVM exits (shut
     * down the registry and the next broker in this JVM breaks). They are shared, not per broker.
     */
    private static boolean isJvmWideSingleton(Thread t) {
        return t.isDaemon() && t.getName().startsWith("metrics-meter-tick-thread-");
    }

    @Test
    void redisCloseStopsServerAndDeletesDirectory() {
        EmbeddedRedis redis = EmbeddedRedis.start();
        Assumptions.assumeFalse(redis.isExternal(), "external Redis (REDIS_URL)");
        Path dir = redis.workDirectory();
        try {
            assertEquals("PONG", redis.client().ping());
            assertTrue(redis.isServerRunning());
        } finally {
            redis.close();
        }
        assertFalse(redis.isServerRunning());
        assertFalse(Files.exists(dir), "redis directory not deleted: " + dir);
    }
}
