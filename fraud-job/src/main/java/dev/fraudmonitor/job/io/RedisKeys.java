package dev.fraudmonitor.job.io;

import dev.fraudmonitor.job.rules.ListKind;
import java.io.Serializable;
import java.util.Locale;

/** The Redis keys the job, the rules CLI and the holds CLI share; see docs/ARCHITECTURE.md. */
public record RedisKeys(String prefix) implements Serializable {
    public String rules() {
        return prefix + "rules";
    }

    public String list(boolean block, ListKind kind) {
        return prefix
                + "list:"
                + (block ? "block:" : "allow:")
                + kind.name().toLowerCase(Locale.ROOT);
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
