package dev.fraudmonitor.clients;

import java.io.Serializable;
import java.util.Locale;

/** The Redis keys the job, fraudctl and the care console share; see docs/ARCHITECTURE.md. */
public record RedisKeys(String prefix) implements Serializable {
    public String rules() {
        return prefix + "rules";
    }

    /** A block or allow list; {@code kind} is the list kind's lower-case name ({@code ip}). */
    public String list(boolean block, String kind) {
        return prefix + "list:" + (block ? "block:" : "allow:") + kind.toLowerCase(Locale.ROOT);
    }

    public String listsVersion() {
        return prefix + "lists:version";
    }

    public String hold(String orderId) {
        return prefix + "hold:" + orderId;
    }

    public String holdsReleased() {
        return prefix + "holds:released";
    }
}
