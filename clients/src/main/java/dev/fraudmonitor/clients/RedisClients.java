package dev.fraudmonitor.clients;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** Builds Redis clients that survive a Redis restart. */
public final class RedisClients {
    private RedisClients() {}

    /** As {@link #create(RedisSettings, Duration)} with the credentials in the URL only. */
    public static RedisClient create(String url, Duration timeout) {
        return create(RedisSettings.of(url), timeout);
    }

    /**
     * A pooled client with explicit timeouts, a bounded wait for a connection, and validation of
     * pooled connections: without these, a Redis restart leaves broken connections in the pool and
     * callers hang. A user or password in {@code settings} wins over one in the URL; {@code
     * rediss://} connects with TLS and verifies the server's certificate and host name.
     */
    public static RedisClient create(RedisSettings settings, Duration timeout) {
        settings.validate("redis.url");
        URI uri = URI.create(settings.url().trim());
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        DefaultJedisClientConfig.Builder config =
                DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(millis)
                        .socketTimeoutMillis(millis)
                        .ssl(settings.tls());
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = colon > 0 ? decode(userInfo.substring(0, colon)) : null;
                password = decode(userInfo.substring(colon + 1));
            } else {
                password = decode(userInfo);
            }
        }
        if (settings.user() != null) {
            user = settings.user();
        }
        if (settings.password() != null) {
            password = settings.password();
        }
        if (user != null) {
            config.user(user);
        }
        if (password != null) {
            config.password(password);
        }
        if (settings.tls()) {
            SSLParameters params = new SSLParameters();
            // Jedis checks no host name by default: a certificate for any host would be accepted.
            params.setEndpointIdentificationAlgorithm("HTTPS");
            config.sslParameters(params);
            if (settings.truststore() != null) {
                config.sslSocketFactory(
                        socketFactory(
                                Path.of(settings.truststore()), settings.truststorePassword()));
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

    /**
     * A TLS socket factory trusting exactly the CA certificates in {@code file}: PEM (.pem, .crt)
     * or a PKCS12/JKS truststore.
     */
    static SSLSocketFactory socketFactory(Path file, String password) {
        try {
            KeyStore trust;
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".pem") || name.endsWith(".crt") || name.endsWith(".cer")) {
                trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                try (InputStream in = Files.newInputStream(file)) {
                    int i = 0;
                    for (Certificate c :
                            CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trust.setCertificateEntry("ca-" + i++, c);
                    }
                }
            } else {
                String type = name.endsWith(".jks") ? "JKS" : "PKCS12";
                trust = KeyStore.getInstance(type);
                try (InputStream in = Files.newInputStream(file)) {
                    trust.load(in, password == null ? null : password.toCharArray());
                }
            }
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "redis.truststore: cannot load "
                            + file
                            + " as a PEM certificate or PKCS12/JKS truststore ("
                            + e.getClass().getSimpleName()
                            + "); check the file and its password (FRAUD_REDIS_TRUSTSTORE_PASSWORD)");
        }
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(
                s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
