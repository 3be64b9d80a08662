package dev.fraudmonitor.clients;

import java.io.Serializable;
import java.net.URI;
import java.util.Map;

/**
 * Where Redis is and how to log in: a {@code redis://} or {@code rediss://} (TLS) URL, and a user,
 * password and truststore that may come from the environment or files rather than the URL. {@link
 * #toString()} masks the password.
 *
 * @param url {@code redis[s]://[user[:password]@]host[:port][/db]}
 * @param user ACL user, or null for the URL's (or the default user)
 * @param password password, or null for the URL's (or none)
 * @param truststore CA certificate(s) to trust for {@code rediss://}: a PEM file, or a PKCS12/JKS
 *     truststore; null trusts the JVM's default CAs
 * @param truststorePassword password of a PKCS12/JKS truststore, or null
 */
public record RedisSettings(
        String url, String user, String password, String truststore, String truststorePassword)
        implements Serializable {

    public static final String ENV_URL = "FRAUD_REDIS_URL";
    public static final String ENV_USER = "FRAUD_REDIS_USER";
    public static final String ENV_PASSWORD = "FRAUD_REDIS_PASSWORD";
    public static final String ENV_TRUSTSTORE = "FRAUD_REDIS_TRUSTSTORE";
    public static final String ENV_TRUSTSTORE_PASSWORD = "FRAUD_REDIS_TRUSTSTORE_PASSWORD";

    public static RedisSettings of(String url) {
        return new RedisSettings(url, null, null, null, null);
    }

    /**
     * The URL with user, password and truststore from the environment: {@code FRAUD_REDIS_USER},
     * {@code FRAUD_REDIS_PASSWORD} (or the file named by {@code FRAUD_REDIS_PASSWORD_FILE}), {@code
     * FRAUD_REDIS_TRUSTSTORE} and {@code FRAUD_REDIS_TRUSTSTORE_PASSWORD} (or {@code _FILE}).
     */
    public static RedisSettings fromEnv(String url, Map<String, String> env) {
        return new RedisSettings(
                url,
                blankToNull(env.get(ENV_USER)),
                Secrets.fromEnvOrFile(env, ENV_PASSWORD),
                blankToNull(env.get(ENV_TRUSTSTORE)),
                Secrets.fromEnvOrFile(env, ENV_TRUSTSTORE_PASSWORD));
    }

    /**
     * Checks the URL; the message names {@code what} and shows the URL with its password masked.
     */
    public RedisSettings validate(String what) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    what
                            + ": expected a URL like redis://host:6379, got '"
                            + Secrets.maskUrl(url)
                            + "' (not a URL)");
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    what
                            + ": expected a URL like redis://host:6379 (or rediss:// for TLS), got '"
                            + Secrets.maskUrl(url)
                            + "' (scheme must be redis or rediss)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(
                    what
                            + ": expected a URL like redis://host:6379, got '"
                            + Secrets.maskUrl(url)
                            + "' (missing host)");
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1 && !path.substring(1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException(
                    what
                            + ": the path of '"
                            + Secrets.maskUrl(url)
                            + "' must be a database number like /0");
        }
        if (truststore != null && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    what
                            + ": a truststore is set but the URL is not rediss://; use rediss:// for"
                            + " TLS or drop the truststore");
        }
        return this;
    }

    public boolean tls() {
        return url.trim().startsWith("rediss:");
    }

    /** The URL as it may be printed, with where the credentials come from. */
    public String describe() {
        StringBuilder sb = new StringBuilder(Secrets.maskUrl(url));
        if (user != null) {
            sb.append(", user ").append(user);
        }
        if (password != null) {
            sb.append(", password ").append(Secrets.MASK);
        }
        if (truststore != null) {
            sb.append(", truststore ").append(truststore);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "RedisSettings[" + describe() + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
