package dev.fraudmonitor.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

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
        String masked = maskedPayload(text);
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

    /**
     * The payload with every card number masked, as it reads once decoded: a JSON payload is parsed
     * and written again with its strings, field names and numbers masked, so a card number written
     * with JSON escapes ({@code \u0034111...}) is masked too; anything else (not JSON, or cut
     * short) is masked as text after its escaped digits and separators are decoded.
     */
    static String maskedPayload(String text) {
        try {
            JsonNode root = Json.mapper().readTree(text);
            if (root != null && root.isContainerNode()) {
                return Json.mapper().writeValueAsString(masked(root));
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the text form
        }
        return PanGuard.mask(unescapeDigits(text));
    }

    private static JsonNode masked(JsonNode node) {
        if (node.isTextual()) {
            String m = PanGuard.mask(node.textValue());
            return m == node.textValue() ? node : TextNode.valueOf(m);
        }
        if (node.isIntegralNumber()
                && node.canConvertToLong()
                && PanGuard.isPanNumber(node.longValue())) {
            return TextNode.valueOf(PanGuard.mask(Long.toString(node.longValue())));
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                out.set(PanGuard.mask(f.getKey()), masked(f.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(v -> out.add(masked(v)));
            return out;
        }
        return node;
    }

    /** {@code \u0034} and {@code \t} back to {@code 4} and a tab: only digits and separators. */
    static String unescapeDigits(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 5 < n && text.charAt(i + 1) == 'u') {
                try {
                    char d = (char) Integer.parseInt(text.substring(i + 2, i + 6), 16);
                    if ((d >= '0' && d <= '9') || " -._\t".indexOf(d) >= 0) {
                        out.append(d);
                        i += 5;
                        continue;
                    }
                } catch (NumberFormatException notHex) {
                    // not an escape: keep the text as it is
                }
            } else if (c == '\\' && i + 1 < n && text.charAt(i + 1) == 't') {
                out.append('\t');
                i++;
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }
}
