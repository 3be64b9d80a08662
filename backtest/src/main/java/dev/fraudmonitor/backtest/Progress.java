package dev.fraudmonitor.backtest;

import java.io.PrintStream;

/**
 * One updating line on stderr: done %, events/s, ETA. It appears only once a run has taken a few
 * seconds, so short runs and tests print nothing but the report.
 */
public final class Progress {
    private static final long SHOW_AFTER_NANOS = 2_000_000_000L;
    private static final long EVERY_NANOS = 500_000_000L;

    private final EventSource source;
    private final PrintStream out;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long last;
    private boolean shown;

    Progress(EventSource source, PrintStream out, boolean enabled) {
        this.source = source;
        this.out = out;
        this.enabled = enabled;
    }

    /** Called every few thousand events. */
    void update(long events) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - start < SHOW_AFTER_NANOS || now - last < EVERY_NANOS) {
            return;
        }
        last = now;
        shown = true;
        double seconds = (now - start) / 1e9;
        long total = source.total();
        double fraction = total > 0 ? Math.min(1.0, (double) source.done() / total) : 0;
        StringBuilder line = new StringBuilder("\r");
        if (total > 0) {
            line.append(String.format("%5.1f%%  ", fraction * 100));
        }
        line.append(String.format("%,d events  %,.0f events/s", events, events / seconds));
        if (fraction > 0.001) {
            long eta = Math.round(seconds * (1 - fraction) / fraction);
            line.append(String.format("  ETA %d:%02d", eta / 60, eta % 60));
        }
        line.append("   ");
        out.print(line);
        out.flush();
    }

    /** Ends the line, if one was shown. */
    void finish() {
        if (shown) {
            out.println();
        }
    }
}
