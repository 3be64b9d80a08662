package dev.fraudmonitor.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes the JVM's threads allocated since a point: what a run leaves for the garbage collector,
 * whose young collections stop every thread (benchmarks/RESULTS.md). Unlike a rate, it does not
 * depend on how fast the machine is at the moment, so two versions of the job compare by it in one
 * run. It counts every thread of the JVM, the broker's too (every run reads the same topic from
 * it), and misses what threads that ended before the reading allocated.
 */
final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> atStart;

    private Allocations(Map<Long, Long> atStart) {
        this.atStart = atStart;
    }

    static Allocations start() {
        return new Allocations(now());
    }

    /**
     * Allocated since {@link #start} by the threads alive now; a thread started since counts whole.
     */
    long bytes() {
        long total = 0;
        for (Map.Entry<Long, Long> t : now().entrySet()) {
            total += t.getValue() - atStart.getOrDefault(t.getKey(), 0L);
        }
        return total;
    }

    private static Map<Long, Long> now() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> out = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            // -1: the thread ended between the two calls.
            if (bytes[i] >= 0) {
                out.put(ids[i], bytes[i]);
            }
        }
        return out;
    }

    /** Kibibytes per event, for the tables. */
    static String perEvent(long bytes, long events) {
        return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0 / events);
    }
}
