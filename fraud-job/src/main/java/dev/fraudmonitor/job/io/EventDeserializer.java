package dev.fraudmonitor.job.io;

import dev.fraudmonitor.engine.event.ScoringEvent;
import dev.fraudmonitor.engine.event.ScoringEvents;
import dev.fraudmonitor.job.config.JobConfig;
import dev.fraudmonitor.job.event.DecodeResult;
import dev.fraudmonitor.job.metrics.FraudMetrics;
import dev.fraudmonitor.job.types.WireTypes;
import dev.fraudmonitor.model.CheckoutEvent;
import dev.fraudmonitor.model.DeadLetter;
import dev.fraudmonitor.model.EventCodec;
import dev.fraudmonitor.model.InvalidEventException;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.RejectReason;
import java.time.Instant;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes and validates each Kafka record once, in the source, straight into the compact event.
 * Anything invalid becomes a redacted dead letter that names the reason and the source offset; it
 * never throws, so bad input can neither stop nor restart the job.
 */
public final class EventDeserializer implements KafkaRecordDeserializationSchema<DecodeResult> {
    private static final long serialVersionUID = 1L;

    private final int maxBytes;
    private final long maxFutureMillis;
    private final int maxPayloadChars;
    private final JobConfig config;
    private transient EventCodec codec;
    private transient FraudMetrics metrics;

    public EventDeserializer(JobConfig config) {
        this.maxBytes = config.get(JobConfig.EVENT_MAX_BYTES);
        this.maxFutureMillis = config.get(JobConfig.EVENT_MAX_FUTURE).toMillis();
        this.maxPayloadChars = config.get(JobConfig.DLQ_MAX_PAYLOAD);
        this.config = config;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codec = new EventCodec(maxBytes);
        metrics = FraudMetrics.get(config);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodeResult> out) {
        if (codec == null) {
            open(null);
        }
        byte[] value = record.value() == null ? new byte[0] : record.value();
        long ingest = record.timestamp() > 0 ? record.timestamp() : System.currentTimeMillis();
        try {
            CheckoutEvent event = codec.decode(value);
            long eventTime = event.occurredAt().toEpochMilli();
            if (eventTime > ingest + maxFutureMillis) {
                throw new InvalidEventException(
                        RejectReason.BAD_TIMESTAMP,
                        "occurredAt",
                        "occurredAt: "
                                + event.occurredAt()
                                + " is more than "
                                + maxFutureMillis / 1000
                                + " s ahead of the time the event reached Kafka ("
                                + Instant.ofEpochMilli(ingest)
                                + ")");
            }
            ScoringEvent e = ScoringEvents.from(event, ingest);
            out.collect(DecodeResult.valid(e));
        } catch (InvalidEventException e) {
            metrics.invalid(e.reason());
            DeadLetter dl =
                    DeadLetter.of(
                            e,
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            Instant.ofEpochMilli(ingest),
                            value,
                            maxPayloadChars);
            try {
                out.collect(DecodeResult.rejected(Json.mapper().writeValueAsBytes(dl)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
                throw new IllegalStateException("Cannot encode a dead letter", impossible);
            }
        }
    }

    @Override
    public TypeInformation<DecodeResult> getProducedType() {
        return WireTypes.DECODE_RESULT;
    }
}
