package dev.fraudmonitor.demo;

/** The simulator's clock: wall-clock time for real runs, a virtual clock for tests. */
public interface Ticker {
    /** Current time, epoch millis. */
    long millis();

    /** Blocks until {@link #millis()} is at least {@code epochMillis}. */
    void sleepUntil(long epochMillis) throws InterruptedException;

    /** The system clock; sleeps for real. */
    static Ticker system() {
        return new Ticker() {
            @Override
            public long millis() {
                return System.currentTimeMillis();
            }

            @Override
            public void sleepUntil(long epochMillis) throws InterruptedException {
                long d = epochMillis - System.currentTimeMillis();
                if (d > 0) {
                    Thread.sleep(d);
                }
            }
        };
    }

    /** A clock that starts at {@code startMillis} and jumps forward instead of sleeping. */
    static Ticker virtual(long startMillis) {
        return new Ticker() {
            private long now = startMillis;

            @Override
            public long millis() {
                return now;
            }

            @Override
            public void sleepUntil(long epochMillis) {
                now = Math.max(now, epochMillis);
            }
        };
    }
}
