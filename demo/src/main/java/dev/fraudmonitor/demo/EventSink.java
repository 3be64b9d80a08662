package dev.fraudmonitor.demo;

import dev.fraudmonitor.model.CheckoutEvent;

/** Where the simulator writes events. Called from the simulator thread only. */
public interface EventSink extends AutoCloseable {
    void send(CheckoutEvent event);

    /** Makes everything sent so far durable/visible. */
    default void flush() {}

    @Override
    default void close() {}
}
