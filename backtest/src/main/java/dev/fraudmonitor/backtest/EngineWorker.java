package dev.fraudmonitor.backtest;

import dev.fraudmonitor.engine.InMemoryEngine;
import dev.fraudmonitor.engine.event.ScoringEvent;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs one engine on a thread of its own, fed batches of decoded events in input order. The
 * candidate and the baseline each get one, so on two cores they run side by side while the main
 * thread reads and decodes; each engine still sees every event in the same order, as in one thread.
 * Events are shared between the engines: the steps only read them.
 */
final class EngineWorker implements AutoCloseable {
    private static final ScoringEvent[] END = new ScoringEvent[0];

    private final InMemoryEngine engine;
    private final BlockingQueue<ScoringEvent[]> queue = new ArrayBlockingQueue<>(16);
    private final Thread thread;
    private volatile Throwable failure;

    EngineWorker(String name, InMemoryEngine engine) {
        this.engine = engine;
        this.thread = new Thread(this::loop, "backtest-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (true) {
                ScoringEvent[] batch = queue.take();
                if (batch == END) {
                    return;
                }
                for (ScoringEvent e : batch) {
                    if (e == null) {
                        break;
                    }
                    engine.accept(e);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Hands a batch over (null-terminated when not full); waits while the engine is behind. */
    void submit(ScoringEvent[] batch) {
        try {
            while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                rethrowFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing events to the engine", e);
        }
        rethrowFailure();
    }

    /** Waits until the engine has taken every event submitted. */
    void finish() {
        submit(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        }
        rethrowFailure();
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t != null) {
            throw new IllegalStateException("the engine failed on an event: " + t, t);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
