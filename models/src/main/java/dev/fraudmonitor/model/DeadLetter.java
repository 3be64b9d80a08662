package dev.fraudmonitor.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A rejected input record on {@code checkout.events.dlq}: enough to find the original (topic,
 * partition, offset) and to see what was wrong, without ever carrying a card number or an unbounded
 * payload.
 *
 * @param reason a {@link RejectReason} name
 * @param payload the record as text, PAN-masked and possibly truncated
 * @param payloadTruncated true if {@code payload} is shorter than the original
 * @param payloadBytes size of the original record in bytes
 */
public record DeadLetter(
        String reason,
        String message,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        Instant receivedAt,
        String payload,
        boolean payloadTruncated,
        int payloadBytes) {

    /**
     * Builds the dead letter for a rejected record.
     *
     * @param raw the record value as received; null is treated as empty
     * @param maxPayloadBytes maximum number of characters of payload kept (after masking)
     */
    public static DeadLetter of(
            InvalidEventException e,
            String topic,
            int partition,
            long offset,
            Instant receivedAt,
            byte[] raw,
            int maxPayloadBytes) {
        if (maxPayloadBytes < 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be >= 0: " + maxPayloadBytes);
        }
        byte[] bytes = raw == null ? new byte[0] : raw;
        // Decode only what can survive truncation, plus a margin so a card number straddling the
        // cut is still seen whole by the masker. A char is at least one byte, and a digit run
        // with separators is at most 37 chars.
        long window = 4L * maxPayloadBytes + 64;
        int decodeLen = (int) Math.min(bytes.length, window);
        String text = new String(bytes, 0, decodeLen, StandardCharsets.UTF_8);
        String masked = PanGuard.mask(text);
        boolean truncated = decodeLen < bytes.length;
        if (masked.length() > maxPayloadBytes) {
            int cut = maxPayloadBytes;
            if (cut > 0 && Character.isHighSurrogate(masked.charAt(cut - 1))) {
                cut--;
            }
            masked = masked.substring(0, cut);
            truncated = true;
        }
        return new DeadLetter(
                e.reason().name(),
                e.getMessage(),
                topic,
                partition,
                offset,
                receivedAt,
                masked,
                truncated,
                bytes.length);
    }
}
