package dev.fraudmonitor.job.operators;

/**
 * Cleanup timers are rounded up to the minute: a key's timer, moved on each time it fires while the
 * key is still in use, then fires at most once a minute, and keys expiring together fire together.
 */
final class Timers {
    static final long GRANULARITY_MILLIS = 60_000;

    private Timers() {}

    static long roundUp(long t) {
        long r = t % GRANULARITY_MILLIS;
        return r == 0 ? t : t + (GRANULARITY_MILLIS - r);
    }
}
