package dev.fraudmonitor.job.event;

/** A decision ready for its sinks: the record key and its JSON (an Alert or a Hold). */
public class Output {
    public String key;
    public byte[] json;

    /** When the triggering event reached Kafka, for latency figures. */
    public long ingestTime;

    public Output() {}

    public Output(String key, byte[] json, long ingestTime) {
        this.key = key;
        this.json = json;
        this.ingestTime = ingestTime;
    }
}
