package dev.fraudmonitor.engine.rules;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.model.IpAddresses;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The block and allow lists at one version. Immutable. Email domains are compared lower-cased.
 *
 * <p>Allow lists: when any of an event's values (IP, card, device, email domain, account) is on an
 * allow list, no ACTIVE hit is emitted for that event except LIST (block-list) hits; state is still
 * updated and SHADOW hits are still emitted.
 */
public final class ListSnapshot {
    private static final ListSnapshot EMPTY = new ListSnapshot(0, Map.of(), Map.of());

    private final long version;
    private final Map<ListKind, Set<String>> block;
    private final Map<ListKind, Set<String>> allow;
    private final boolean anyAllow;

    public ListSnapshot(
            long version, Map<ListKind, Set<String>> block, Map<ListKind, Set<String>> allow) {
        this.version = version;
        this.block = copy(block);
        this.allow = copy(allow);
        boolean any = false;
        for (Set<String> s : this.allow.values()) any |= !s.isEmpty();
        this.anyAllow = any;
    }

    public static ListSnapshot empty() {
        return EMPTY;
    }

    private static Map<ListKind, Set<String>> copy(Map<ListKind, Set<String>> in) {
        Map<ListKind, Set<String>> out = new EnumMap<>(ListKind.class);
        if (in != null) {
            in.forEach(
                    (k, v) -> {
                        Set<String> s = new HashSet<>();
                        for (String x : v) {
                            if (x != null) s.add(canonical(k, x));
                        }
                        out.put(k, Collections.unmodifiableSet(s));
                    });
        }
        return Collections.unmodifiableMap(out);
    }

    public long version() {
        return version;
    }

    public boolean blocked(ListKind kind, String value) {
        return contains(block, kind, value);
    }

    public boolean allowed(ListKind kind, String value) {
        return contains(allow, kind, value);
    }

    /** Whether any of the event's values is on an allow list. */
    public boolean allowListed(ScoringEvent e) {
        if (!anyAllow) return false;
        for (ListKind k : ListKind.values()) {
            if (allowed(k, k.keyOf(e))) return true;
        }
        return false;
    }

    public Set<String> blockList(ListKind kind) {
        return block.getOrDefault(kind, Set.of());
    }

    public Set<String> allowList(ListKind kind) {
        return allow.getOrDefault(kind, Set.of());
    }

    private static boolean contains(Map<ListKind, Set<String>> m, ListKind kind, String value) {
        if (value == null) return false;
        Set<String> s = m.get(kind);
        if (s == null) return false;
        return s.contains(canonical(kind, value));
    }

    /** Email domains compare lower-cased, IPs in one text per address (as events carry them). */
    private static String canonical(ListKind kind, String value) {
        return switch (kind) {
            case EMAIL_DOMAIN -> value.toLowerCase(Locale.ROOT);
            case IP -> IpAddresses.normalize(value);
            default -> value;
        };
    }
}
