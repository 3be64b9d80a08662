package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    private static final Instant NOW = Instant.parse("2026-01-31T12:00:01.5Z");
    private static final InvalidEventException MISSING =
            new InvalidEventException(
                    RejectReason.MISSING_FIELD,
                    "sessionId",
                    "sessionId: required field is missing");

    @Test
    void carriesReasonSourceAndMaskedPayload() {
        byte[] raw =
                "{\"eventId\":\"e\",\"note\":\"4111 1111 1111 1111\"}"
                        .getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.of(MISSING, "checkout.events", 3, 42L, NOW, raw, 1000);
        assertEquals("MISSING_FIELD", d.reason());
        assertEquals("sessionId: required field is missing", d.message());
        assertEquals("checkout.events", d.sourceTopic());
        assertEquals(3, d.sourcePartition());
        assertEquals(42L, d.sourceOffset());
        assertEquals(NOW, d.receivedAt());
        assertEquals("{\"eventId\":\"e\",\"note\":\"4111 11** **** 1111\"}", d.payload());
        assertFalse(d.payloadTruncated());
        assertEquals(raw.length, d.payloadBytes());
    }

    @Test
    void truncatesAfterMaskingSoACutPanIsStillMasked() {
        String text = "xxxxxxxxx 4111111111111111 yyy";
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.of(MISSING, "t", 0, 0, NOW, raw, 20);
        assertEquals("xxxxxxxxx 411111****", d.payload());
        assertTrue(d.payloadTruncated());
        assertEquals(30, d.payloadBytes());
    }

    @Test
    void decodesOnlyAWindowOfHugePayloadsButCountsAllBytes() {
        byte[] raw = ("4111111111111111 " + "z".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.of(MISSING, "t", 0, 0, NOW, raw, 10);
        assertEquals("411111****", d.payload());
        assertTrue(d.payloadTruncated());
        assertEquals(raw.length, d.payloadBytes());
    }

    @Test
    void replacesMalformedUtf8() {
        byte[] raw = {'{', (byte) 0xC3, '}', (byte) 0xFF};
        DeadLetter d = DeadLetter.of(MISSING, "t", 0, 0, NOW, raw, 100);
        assertEquals("{\uFFFD}\uFFFD", d.payload());
        assertFalse(d.payloadTruncated());
        assertEquals(4, d.payloadBytes());
    }

    @Test
    void doesNotSplitSurrogatePairs() {
        byte[] raw = "ab\uD83D\uDE00cd".getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.of(MISSING, "t", 0, 0, NOW, raw, 3);
        assertEquals("ab", d.payload());
        assertTrue(d.payloadTruncated());
    }

    @Test
    void nullPayloadIsEmpty() {
        DeadLetter d = DeadLetter.of(MISSING, "t", 0, 0, NOW, null, 100);
        assertEquals("", d.payload());
        assertEquals(0, d.payloadBytes());
        assertThrows(
                IllegalArgumentException.class,
                () -> DeadLetter.of(MISSING, "t", 0, 0, NOW, new byte[0], -1));
    }

    @Test
    void fromCodecRejectHasNoPanAnywhere() throws Exception {
        byte[] raw =
                "{\"eventId\":\"e\",\"pan\":\"5500000000000004\"}".getBytes(StandardCharsets.UTF_8);
        InvalidEventException e =
                assertThrows(InvalidEventException.class, () -> new EventCodec().decode(raw));
        DeadLetter d = DeadLetter.of(e, "checkout.events", 1, 7, NOW, raw, 4096);
        assertEquals("PAN_DETECTED", d.reason());
        String json = Json.mapper().writeValueAsString(d);
        assertFalse(PanGuard.containsPan(json), json);
        assertTrue(json.contains("550000******0004"), json);
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        DeadLetter d =
                DeadLetter.of(
                        MISSING,
                        "checkout.events",
                        2,
                        99L,
                        NOW,
                        "{\"x\":1}".getBytes(StandardCharsets.UTF_8),
                        100);
        String json = Json.mapper().writeValueAsString(d);
        assertTrue(json.contains("\"receivedAt\":\"2026-01-31T12:00:01.500Z\""), json);
        assertEquals(d, Json.mapper().readValue(json, DeadLetter.class));
    }

    @Test
    void aCardNumberWrittenWithJsonEscapesIsMaskedInThePayload() {
        // \\u0034 is "4": the raw bytes hold no digit run, the decoded text does.
        byte[] raw =
                "{\"eventId\":\"e\",\"note\":\"\\u0034111111111111111\"}"
                        .getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.of(MISSING, "checkout.events", 0, 1L, NOW, raw, 1000);
        assertEquals("{\"eventId\":\"e\",\"note\":\"411111******1111\"}", d.payload());
        assertFalse(PanGuard.containsPan(DeadLetter.unescapeDigits(d.payload())));
    }

    @Test
    void escapedDigitsAreMaskedInAPayloadThatIsNotJson() {
        byte[] raw = "not json \\u0034111111111111111".getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.of(MISSING, "checkout.events", 0, 1L, NOW, raw, 1000);
        assertEquals("not json 411111******1111", d.payload());
    }
}
