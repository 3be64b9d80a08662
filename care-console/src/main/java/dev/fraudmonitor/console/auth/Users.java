package dev.fraudmonitor.console.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The users file: one {@code name role bcrypt-hash} per line, {@code #} starts a comment. It is
 * read again whenever it changes, so an admin adds or removes a user without a restart.
 *
 * <p>Checking an unknown name costs one bcrypt check against a dummy hash of the same strength as
 * the real ones, so the answer and its timing do not tell whether the name exists.
 */
public final class Users {
    /** A user who may log in. */
    public record User(String name, Role role, String hash) {}

    private final Path file;
    private FileTime loadedAt;
    private Map<String, User> users = Map.of();
    private String dummyHash;

    public Users(Path file) {
        this.file = file;
        reloadIfChanged();
    }

    /** The user if the name exists and the password matches; empty otherwise, in equal time. */
    public Optional<User> authenticate(String name, String password) {
        reloadIfChanged();
        User user;
        String dummy;
        synchronized (this) {
            user = name == null ? null : users.get(name);
            dummy = dummyHash;
        }
        String pw = password == null ? "" : password;
        boolean ok = Passwords.matches(pw, user == null ? dummy : user.hash());
        return user != null && ok ? Optional.of(user) : Optional.empty();
    }

    public synchronized Optional<User> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(loadedAt)) {
                return;
            }
            Map<String, User> read = new HashMap<>();
            int strength = Passwords.DEFAULT_STRENGTH;
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split("\\s+");
                if (f.length != 3 || !f[2].startsWith("$2")) {
                    throw new IllegalArgumentException(
                            file
                                    + " line "
                                    + lineNo
                                    + ": expected 'name role bcrypt-hash' (make the hash with"
                                    + " `scripts/console.sh hash-password`)");
                }
                read.put(f[0], new User(f[0], Role.parse(f[1]), f[2]));
                strength = Passwords.strengthOf(f[2]);
            }
            users = Map.copyOf(read);
            dummyHash = Passwords.hash("not a password of anyone", strength);
            loadedAt = modified;
        } catch (IOException e) {
            if (loadedAt == null) {
                throw new UncheckedIOException(
                        "cannot read the users file "
                                + file.toAbsolutePath()
                                + " (set --users or CONSOLE_USERS_FILE)",
                        e);
            }
            // Keep the users read last time while the file is being replaced.
        }
    }
}
