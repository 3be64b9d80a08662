package dev.fraudmonitor.console.auth;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * bcrypt hashes for the users file; the strength is kept in each hash, so it can be raised later.
 */
public final class Passwords {
    /**
     * About a quarter of a second per check on a server core: slow for guessing, fine for a login.
     */
    public static final int DEFAULT_STRENGTH = 12;

    private Passwords() {}

    public static String hash(CharSequence password, int strength) {
        return new BCryptPasswordEncoder(strength).encode(password);
    }

    public static boolean matches(CharSequence password, String hash) {
        return new BCryptPasswordEncoder().matches(password, hash);
    }

    /** The strength (log2 rounds) written in a bcrypt hash such as {@code $2a$12$...}. */
    static int strengthOf(String hash) {
        String[] parts = hash.split("\\$");
        return parts.length > 2 ? Integer.parseInt(parts[2]) : DEFAULT_STRENGTH;
    }
}
