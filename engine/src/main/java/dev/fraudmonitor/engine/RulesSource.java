package dev.fraudmonitor.engine;

/**
 * Where a step gets the rules in force. The job's Redis-backed provider implements it (hot reload,
 * last good set during an outage); tests, the backtest and the benchmarks pass a fixed snapshot.
 */
@FunctionalInterface
public interface RulesSource {
    /** The snapshot in force now; never null. */
    RulesSnapshot current();

    /** A source that never changes. */
    static RulesSource fixed(RulesSnapshot snapshot) {
        return () -> snapshot;
    }
}
