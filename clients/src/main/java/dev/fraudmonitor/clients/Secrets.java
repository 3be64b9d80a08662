package dev.fraudmonitor.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where secrets come from (environment variables and files) and how they are kept out of logs and
 * error messages. Every printed configuration goes through {@link #maskValue} or {@link #maskUrl}.
 */
public final class Secrets {
    public static final String MASK = "***";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(env|file):([^}]+)}");
    private static final Pattern URL_USERINFO = Pattern.compile("//[^/@?#]*@");

    private Secrets() {}

    /**
     * Whether a Kafka client property (or any dotted key) holds a secret: JAAS configurations (they
     * carry passwords), passwords, keys and tokens.
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("jaas")
                || k.contains("token")
                || k.contains("credential")
                || k.endsWith(".key")
                || k.contains("keystore.key")
                || k.contains("private")
                || k.contains("user.info");
    }

    /** The value as it may be printed: masked when the key holds a secret. */
    public static String maskValue(String key, String value) {
        if (isSecretKey(key)) {
            return MASK;
        }
        return maskUrl(value);
    }

    /** A URL with any user and password replaced by {@value #MASK}. */
    public static String maskUrl(String text) {
        return text == null ? null : URL_USERINFO.matcher(text).replaceAll("//" + MASK + "@");
    }

    /**
     * Replaces {@code ${env:NAME}} with the environment variable and {@code ${file:PATH}} with the
     * file's content (one trailing newline dropped), so a properties file can name its secrets
     * instead of holding them. A missing variable or unreadable file fails with a message that
     * names {@code what} and the placeholder, never a value.
     */
    public static String resolvePlaceholders(String value, Map<String, String> env, String what) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(2).trim();
            String replacement;
            if (m.group(1).equals("env")) {
                replacement = env.get(name);
                if (replacement == null) {
                    throw new IllegalArgumentException(
                            what
                                    + ": environment variable "
                                    + name
                                    + " is not set (named by ${env:"
                                    + name
                                    + "}); set it or remove the placeholder");
                }
            } else {
                replacement = readSecretFile(Path.of(name), what);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * A secret kept in a file (a mounted Kubernetes Secret, say): its content without the trailing
     * newline editors add.
     */
    public static String readSecretFile(Path file, String what) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            if (s.endsWith("\r\n")) {
                return s.substring(0, s.length() - 2);
            }
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    what
                            + ": cannot read secret file "
                            + file
                            + " ("
                            + e.getClass().getSimpleName()
                            + "); check the path and that this process may read it");
        }
    }

    /**
     * A secret from, in order: the environment variable {@code envName}, or the file named by the
     * environment variable {@code envName + "_FILE"}; null when neither is set.
     */
    public static String fromEnvOrFile(Map<String, String> env, String envName) {
        String direct = env.get(envName);
        if (direct != null && !direct.isEmpty()) {
            return direct;
        }
        String file = env.get(envName + "_FILE");
        if (file != null && !file.isBlank()) {
            return readSecretFile(Path.of(file.trim()), envName + "_FILE");
        }
        return null;
    }
}
