package dev.fraudmonitor.job.operators;

/**
 * Expiry runs on whole minutes of event time: a key's timer, moved on each time it fires while the
 * key is still in use, then fires at most once a minute, keys expiring together fire together, and
 * the sweep on heap backends runs once per minute the watermark crosses.
 */
final class Timers {
    static final long GRANULARITY_MILLIS = 60_000;

    private Timers() {}

    static long roundUp(long t) {
        long r = t % GRANULARITY_MILLIS;
        return r == 0 ? t : t + (GRANULARITY_MILLIS - r);
    }

    /** The minute {@code t} falls in; {@code t} is an event time, never negative. */
    static long roundDown(long t) {
        return t - t % GRANULARITY_MILLIS;
    }
}
