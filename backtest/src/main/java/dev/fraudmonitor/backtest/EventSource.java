package dev.fraudmonitor.backtest;

/** A bounded input: a time range of a Kafka topic or a JSON-lines file. */
public interface EventSource extends AutoCloseable {
    /** Sends every record of the input to {@code sink}, in the order the job would see them. */
    void forEach(RecordSink sink);

    /** Work done so far, in the unit of {@link #total()}; for the progress line. */
    long done();

    /** Work in all (bytes of a file, records of a Kafka range); 0 when unknown. */
    long total();

    /** What is read, for the report: a file name or topic and range, never credentials. */
    String describe();

    /** How records are ordered, and why, for the report. */
    String order();

    @Override
    default void close() {}
}
