package dev.fraudmonitor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

class EmbeddedRedisITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void setAndGet() {
        String prefix = REDIS.newKeyPrefix();
        assertTrue(prefix.matches("t-[0-9a-f]{8}:"), prefix);
        assertNotEquals(prefix, REDIS.newKeyPrefix());
        RedisClient client = REDIS.client();
        client.set(prefix + "greeting", "hello");
        assertEquals("hello", client.get(prefix + "greeting"));
        assertEquals("redis://" + REDIS.redis().host() + ":" + REDIS.redis().port(), REDIS.url());
    }

    @Test
    void outageAndRestartOnSamePort() {
        Assumptions.assumeFalse(
                REDIS.redis().isExternal(), "external Redis (REDIS_URL) is never stopped");
        EmbeddedRedis redis = REDIS.redis();
        int port = redis.port();
        String key = REDIS.newKeyPrefix() + "k";
        RedisClient before = REDIS.client();
        before.set(key, "v");

        redis.stopServer();
        try {
            assertThrows(JedisException.class, () -> before.get(key));
            assertThrows(JedisException.class, () -> REDIS.client().ping());
        } finally {
            redis.startServer();
        }

        assertEquals(port, redis.port());
        RedisClient after = REDIS.client();
        assertEquals("PONG", after.ping());
        // no persistence: the restarted server is empty
        assertEquals(null, after.get(key));
        after.set(key, "v2");
        assertEquals("v2", after.get(key));
    }

    @Test
    void externalServerCannotBeStopped() {
        Assumptions.assumeTrue(REDIS.redis().isExternal(), "only for REDIS_URL");
        assertThrows(UnsupportedOperationException.class, () -> REDIS.redis().stopServer());
    }
}
