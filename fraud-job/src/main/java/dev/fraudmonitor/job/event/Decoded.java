package dev.fraudmonitor.job.event;

/**
 * What the source emits for one Kafka record: either a valid event or a dead letter (JSON, already
 * redacted), never both.
 */
public class Decoded {
    public ScoringEvent event;
    public byte[] deadLetter;

    public Decoded() {}

    public static Decoded valid(ScoringEvent e) {
        Decoded d = new Decoded();
        d.event = e;
        return d;
    }

    public static Decoded rejected(byte[] deadLetterJson) {
        Decoded d = new Decoded();
        d.deadLetter = deadLetterJson;
        return d;
    }
}
