package dev.fraudmonitor.backtest;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.event.ScoringEvents;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.EventCodec;
import dev.fraudmonitor.model.InvalidEventException;
import dev.fraudmonitor.model.RejectReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Decodes records as the job's source does: {@link EventCodec} enforces the contract, and an event
 * dated further ahead of its Kafka timestamp than the job's {@code event.max-future} (default 1 h)
 * is rejected as BAD_TIMESTAMP. A rejected record is counted by reason, like the job's dead
 * letters, and skipped; it never stops the run.
 */
final class Decoder {
    /** The job's default {@code event.max-future}. */
    static final Duration MAX_FUTURE = Duration.ofHours(1);

    private final EventCodec codec = new EventCodec();
    private final long maxFutureMillis = MAX_FUTURE.toMillis();
    private final Map<RejectReason, Long> invalid = new EnumMap<>(RejectReason.class);

    /** The event to score, or null when the record is invalid (then counted). */
    ScoringEvent decode(byte[] value, long timestamp) {
        try {
            CheckoutEvent event = codec.decode(value);
            long eventTime = event.occurredAt().toEpochMilli();
            if (timestamp > 0 && eventTime > timestamp + maxFutureMillis) {
                invalid.merge(RejectReason.BAD_TIMESTAMP, 1L, Long::sum);
                return null;
            }
            // A file has no Kafka timestamp; the event time stands in for the ingest time, which
            // no rule reads (it only measures latency in the job).
            return ScoringEvents.from(event, timestamp > 0 ? timestamp : eventTime);
        } catch (InvalidEventException e) {
            invalid.merge(e.reason(), 1L, Long::sum);
            return null;
        }
    }

    Map<RejectReason, Long> invalid() {
        return invalid;
    }
}
