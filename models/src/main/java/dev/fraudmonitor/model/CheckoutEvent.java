package dev.fraudmonitor.model;

import java.time.Instant;

/**
 * One checkout event (contract v1), decoded once at the edge of the job into this compact record so
 * the rest of the pipeline never re-parses JSON. Produce and consume it with {@link EventCodec},
 * which enforces the contract; the constructor does not validate.
 *
 * @param eventId unique per event; producers may resend, consumers deduplicate on it
 * @param occurredAt event time
 * @param accountId logged-in customer; null for guests
 * @param ipCountry ISO 3166-1 alpha-2, resolved at the edge; may be null
 * @param userAgent may be null
 * @param deviceId producer-side device fingerprint hash; may be null
 * @param data type-specific part; its class matches {@code type}
 */
public record CheckoutEvent(
        String eventId,
        EventType type,
        Instant occurredAt,
        String sessionId,
        String accountId,
        String ip,
        String ipCountry,
        String userAgent,
        String deviceId,
        EventData data) {}
