package dev.fraudmonitor.console.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} failed logins per window, counted both per client address and per user
 * name: the first stops one host guessing many names, the second many hosts guessing one name.
 */
public final class LoginLimiter {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** True when this address or name has used up its attempts; the caller then refuses. */
    public boolean blocked(String address, String name) {
        return count("ip:" + address) >= limit || count("user:" + name) >= limit;
    }

    public void failed(String address, String name) {
        add("ip:" + address);
        add("user:" + name);
    }

    public void succeeded(String address, String name) {
        failures.remove("ip:" + address);
        failures.remove("user:" + name);
    }

    public Duration window() {
        return window;
    }

    private int count(String key) {
        Deque<Instant> d = failures.get(key);
        if (d == null) {
            return 0;
        }
        synchronized (d) {
            Instant cutoff = clock.instant().minus(window);
            while (!d.isEmpty() && d.peekFirst().isBefore(cutoff)) {
                d.pollFirst();
            }
            return d.size();
        }
    }

    private void add(String key) {
        Deque<Instant> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(clock.instant());
        }
    }
}
