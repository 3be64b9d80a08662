package dev.fraudmonitor.job.operators;

/**
 * Cleanup timers are rounded up so a busy key registers one timer per minute, not one per event.
 */
final class Timers {
    static final long GRANULARITY_MILLIS = 60_000;

    private Timers() {}

    static long roundUp(long t) {
        long r = t % GRANULARITY_MILLIS;
        return r == 0 ? t : t + (GRANULARITY_MILLIS - r);
    }
}
