package dev.fraudmonitor.clients;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.model.HoldStatus;
import dev.fraudmonitor.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.RedisClient;

/**
 * Releases a hold: the one implementation that {@code fraudctl holds release} and the care console
 * both call. The Redis record checkout reads becomes RELEASED (who, why, when) by compare-and-set,
 * so two reps releasing at once cannot both succeed; then the release record goes to the holds
 * topic, keyed by order id, for fulfilment and for the audit trail.
 */
public final class HoldReleaser {
    /** Release only the record that was read, and count the release with it. */
    static final String RELEASE_IF_UNCHANGED =
            "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end "
                    + "redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') "
                    + "redis.call('INCR', KEYS[2]) return 1";

    /** What a release did. */
    public enum Status {
        /** This call released the hold and, when a producer was given, sent the release record. */
        RELEASED,
        /**
         * The hold was already released (by {@link Outcome#releasedBy()} at {@link
         * Outcome#releasedAt()}); with a producer, its release record was sent again, since the
         * earlier release may not have reached Kafka and a reader keyed by order id takes it twice
         * harmlessly.
         */
        ALREADY_RELEASED,
        /** No hold record for the order: never held, or older than the retention. */
        NOT_FOUND
    }

    /** The outcome of one release; {@code record} is the release record as stored in Redis. */
    public record Outcome(Status status, String releasedBy, String releasedAt, String record) {}

    /** The release is in Redis but its record did not reach Kafka; releasing again re-sends it. */
    public static final class KafkaUnreachableException extends IOException {
        public KafkaUnreachableException(String topic, Throwable cause) {
            super(
                    "Released in Redis, but the release record did not reach Kafka topic "
                            + topic
                            + ": "
                            + cause
                            + ". Release again once Kafka is reachable: Redis already says RELEASED,"
                            + " and the release record is sent again.",
                    cause);
        }
    }

    private final RedisClient redis;
    private final RedisKeys keys;
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Clock clock;

    /**
     * @param producer sends release records to {@code topic}; null to change Redis only
     */
    public HoldReleaser(
            RedisClient redis,
            RedisKeys keys,
            Producer<byte[], byte[]> producer,
            String topic,
            Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    /**
     * Releases the hold on {@code orderId}, recording {@code by} and {@code why}.
     *
     * @throws KafkaUnreachableException when Redis was changed but the record was not sent
     */
    public Outcome release(String orderId, String by, String why) throws IOException {
        if (by == null || by.isBlank() || why == null || why.isBlank()) {
            throw new IllegalArgumentException("a release records who and why");
        }
        String key = keys.hold(orderId);
        while (true) {
            String json = redis.get(key);
            if (json == null) {
                return new Outcome(Status.NOT_FOUND, null, null, null);
            }
            ObjectNode hold = (ObjectNode) Json.mapper().readTree(json);
            if (HoldStatus.RELEASED.name().equals(hold.path("status").asText())) {
                send(orderId, json);
                return new Outcome(
                        Status.ALREADY_RELEASED,
                        hold.path("releasedBy").asText(),
                        hold.path("releasedAt").asText(),
                        json);
            }
            String releasedAt = clock.instant().toString();
            hold.put("status", HoldStatus.RELEASED.name());
            hold.put("releasedBy", by);
            hold.put("releaseReason", why);
            hold.put("releasedAt", releasedAt);
            String released = Json.mapper().writeValueAsString(hold);
            Object swapped =
                    redis.eval(
                            RELEASE_IF_UNCHANGED,
                            List.of(key, keys.holdsReleased()),
                            List.of(json, released));
            if (Long.valueOf(1).equals(swapped)) {
                send(orderId, released);
                return new Outcome(Status.RELEASED, by, releasedAt, released);
            }
            // Another rep or the job changed the record since it was read: read it again.
        }
    }

    private void send(String orderId, String record) throws KafkaUnreachableException {
        if (producer == null) {
            return;
        }
        try {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    orderId.getBytes(StandardCharsets.UTF_8),
                                    record.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnreachableException(topic, e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachableException(topic, e);
        }
    }
}
