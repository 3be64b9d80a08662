package dev.fraudmonitor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.core.RedisServerBuilder;

/**
 * A Redis server for tests: the external server named by env {@code REDIS_URL} (redis://host:port;
 * never started or stopped here) or else a real {@code redis-server} binary (from {@code
 * com.github.codemonstur:embedded-redis}) on a free loopback port, without persistence.
 *
 * <p>Plain class with {@link #start()} / {@link #close()}; {@link RedisExtension} wraps it for
 * JUnit 5. Tests share one server safely by prefixing their keys with {@link #newKeyPrefix()}.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
    public static final String REDIS_URL_ENV = "REDIS_URL";

    private final String host;
    private final int port;
    private final boolean external;
    private final RedisServer server; // null when external
    private final Path workDir; // null when external
    private final Duration startupTime;
    private final List<RedisClient> clients = new CopyOnWriteArrayList<>();
    private boolean closed;

    private EmbeddedRedis(
            String host,
            int port,
            boolean external,
            RedisServer server,
            Path workDir,
            Duration startupTime) {
        this.host = host;
        this.port = port;
        this.external = external;
        this.server = server;
        this.workDir = workDir;
        this.startupTime = startupTime;
    }

    /** Uses {@code REDIS_URL} if set, otherwise starts a redis-server on a free loopback port. */
    public static EmbeddedRedis start() {
        String url = System.getenv(REDIS_URL_ENV);
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url.trim());
            int port = uri.getPort() > 0 ? uri.getPort() : 6379;
            LOG.info("Using external Redis at {}:{} (REDIS_URL)", uri.getHost(), port);
            return new EmbeddedRedis(uri.getHost(), port, true, null, null, Duration.ZERO);
        }
        return startEmbedded(null, null);
    }

    /**
     * Always starts an embedded redis-server (never the external one) that requires {@code
     * password} for the default user; with {@code tls}, it serves TLS only, on {@link #port()},
     * with that certificate. Clients must log in: {@link #client()} does not.
     */
    public static EmbeddedRedis startSecured(String password, TestCertificates tls) {
        return startEmbedded(password, tls);
    }

    private static EmbeddedRedis startEmbedded(String password, TestCertificates tls) {
        long t0 = System.nanoTime();
        Path workDir = TempDirs.create("embedded-redis-");
        try {
            int port = freeLoopbackPort();
            RedisServerBuilder builder =
                    RedisServer.newRedisServer()
                            // binary extracted into our own dir so close() can delete it
                            .executableProvider(
                                    ExecutableProvider.newJarResourceProvider(workDir.toFile()))
                            .bind("127.0.0.1")
                            .port(port)
                            .setting("save \"\"")
                            .setting("appendonly no")
                            .setting("dir " + workDir.toAbsolutePath());
            if (password != null) {
                builder.setting("requirepass " + password);
            }
            if (tls != null) {
                builder.setting("tls-port " + port)
                        .setting("tls-cert-file " + tls.certificatePem())
                        .setting("tls-key-file " + tls.privateKeyPem())
                        .setting("tls-ca-cert-file " + tls.certificatePem())
                        .setting("tls-auth-clients no");
            }
            // buildCommandArgs() writes the config file to a temp file: [binary, conf, --port, N]
            List<String> args = builder.buildCommandArgs();
            Path conf = Path.of(args.get(1));
            Files.move(conf, workDir.resolve(conf.getFileName()));
            args.set(1, workDir.resolve(conf.getFileName()).toString());
            if (tls != null) {
                // TLS only: the plain port (given after the config file) is switched off
                args.set(args.indexOf("--port") + 1, "0");
            }
            RedisServer server = new RedisServer(port, args, false, null, null);
            server.start();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            LOG.info(
                    "Embedded redis-server started on 127.0.0.1:{} in {} ms",
                    port,
                    took.toMillis());
            return new EmbeddedRedis("127.0.0.1", port, false, server, workDir, took);
        } catch (IOException e) {
            TempDirs.deleteQuietly(workDir);
            throw new UncheckedIOException("cannot start embedded redis-server", e);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** {@code redis://host:port}. */
    public String url() {
        return "redis://" + host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean isExternal() {
        return external;
    }

    /** Directory holding the extracted binary and config (null when external); deleted on close. */
    public Path workDirectory() {
        return workDir;
    }

    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Kills the embedded server (for outage tests); the port stays reserved for {@link
     * #startServer()}.
     */
    public void stopServer() {
        requireEmbedded("stopServer");
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the embedded server again on the same port (empty: there is no persistence). */
    public void startServer() {
        requireEmbedded("startServer");
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart redis-server on port " + port, e);
        }
    }

    public boolean isServerRunning() {
        return external || server.isActive();
    }

    private void requireEmbedded(String what) {
        if (external) {
            throw new UnsupportedOperationException(
                    what + " is not supported on the external Redis at " + url());
        }
    }

    /**
     * A new pooled client (jedis 8 {@link RedisClient}; {@code JedisPooled} no longer exists in
     * jedis 8) with 2 s timeouts. The caller may close it; any left open are closed by {@link
     * #close()}.
     */
    public RedisClient client() {
        RedisClient c =
                RedisClient.builder()
                        .hostAndPort(host, port)
                        .clientConfig(
                                DefaultJedisClientConfig.builder()
                                        .connectionTimeoutMillis(2000)
                                        .socketTimeoutMillis(2000)
                                        .build())
                        .build();
        clients.add(c);
        return c;
    }

    /** A key prefix unique to the caller, e.g. {@code t-1a2b3c4d:}. */
    public String newKeyPrefix() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RedisClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("closing redis client", e);
            }
        }
        clients.clear();
        if (!external) {
            try {
                server.stop();
            } catch (IOException e) {
                LOG.warn("redis-server did not stop cleanly", e);
            } finally {
                TempDirs.deleteQuietly(workDir);
            }
        }
    }
}
