package dev.fraudmonitor.job.event;

import dev.fraudmonitor.engine.event.ScoringEvent;

/**
 * What the source emits for one Kafka record: either a valid event or a dead letter (JSON, already
 * redacted), never both.
 */
public class DecodeResult {
    public ScoringEvent event;
    public byte[] deadLetter;

    public DecodeResult() {}

    public static DecodeResult valid(ScoringEvent e) {
        DecodeResult d = new DecodeResult();
        d.event = e;
        return d;
    }

    public static DecodeResult rejected(byte[] deadLetterJson) {
        DecodeResult d = new DecodeResult();
        d.deadLetter = deadLetterJson;
        return d;
    }
}
