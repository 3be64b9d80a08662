package dev.fraudmonitor.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.RedisClient;

/**
 * JUnit 5 wrapper around {@link EmbeddedRedis}: one server per test class (or the external one
 * named by {@code REDIS_URL}).
 *
 * <pre>{@code @RegisterExtension static final RedisExtension REDIS = new RedisExtension();}</pre>
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedRedis redis;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (redis == null) {
            redis = EmbeddedRedis.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    /** The running server handle; only valid between beforeAll and afterAll. */
    public EmbeddedRedis redis() {
        if (redis == null) {
            throw new IllegalStateException(
                    "Redis is not running: register RedisExtension as a static @RegisterExtension");
        }
        return redis;
    }

    public String url() {
        return redis().url();
    }

    public RedisClient client() {
        return redis().client();
    }

    public String newKeyPrefix() {
        return redis().newKeyPrefix();
    }
}
