package dev.fraudmonitor.clients;

import java.net.URI;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** Builds Redis clients that survive a Redis restart. */
public final class RedisClients {
    private RedisClients() {}

    /**
     * A pooled client with explicit timeouts, a bounded wait for a connection, and validation of
     * pooled connections: without these, a Redis restart leaves broken connections in the pool and
     * callers hang.
     */
    public static RedisClient create(String url, Duration timeout) {
        URI uri = URI.create(url);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        DefaultJedisClientConfig.Builder config =
                DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(millis)
                        .socketTimeoutMillis(millis)
                        .ssl("rediss".equals(uri.getScheme()));
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                if (colon > 0) {
                    config.user(userInfo.substring(0, colon));
                }
                config.password(userInfo.substring(colon + 1));
            } else {
                config.password(userInfo);
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(8);
        pool.setMaxIdle(8);
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(Duration.ofMillis(millis));
        pool.setTestOnBorrow(true);
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(10));
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        return RedisClient.builder()
                .hostAndPort(uri.getHost(), port)
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }
}
