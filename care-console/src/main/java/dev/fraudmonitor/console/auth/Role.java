package dev.fraudmonitor.console.auth;

import java.util.Locale;

/** What a user may do: reps act on cases, analysts read and annotate, admins also see delivery. */
public enum Role {
    REP,
    ANALYST,
    ADMIN;

    public boolean mayAct() {
        return this == REP || this == ADMIN;
    }

    public boolean maySeeDeliveries() {
        return this == ANALYST || this == ADMIN;
    }

    static Role parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown role '" + s + "': use rep, analyst or admin");
        }
    }
}
