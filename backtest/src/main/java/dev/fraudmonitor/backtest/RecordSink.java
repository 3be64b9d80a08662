package dev.fraudmonitor.backtest;

/** Receives raw input records in the order the job would see them. */
@FunctionalInterface
public interface RecordSink {
    /**
     * @param value the record as it was written: contract JSON, or anything else (then counted as
     *     invalid)
     * @param timestamp the Kafka record timestamp in epoch millis, or {@code -1} when there is none
     *     (a file)
     */
    void accept(byte[] value, long timestamp);
}
