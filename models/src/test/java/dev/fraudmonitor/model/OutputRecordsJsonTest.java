package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Alerts and holds are read by other systems; they must survive the shared mapper unchanged. */
class OutputRecordsJsonTest {
    private static final Instant T = Instant.parse("2026-01-31T12:00:00Z");
    private static final List<Reason> REASONS =
            List.of(
                    new Reason(
                            "brute-force",
                            3,
                            "7 failed logins for this account in 10 minutes; limit 5",
                            "7",
                            "5"),
                    new Reason("geo-mismatch", 1, "billing DE, card US", "US", "DE"));

    @Test
    void alertRoundTrips() throws Exception {
        Alert a =
                new Alert(
                        "al-1",
                        T,
                        "s-1",
                        "a-1",
                        "o-1",
                        Action.HOLD,
                        87,
                        12L,
                        REASONS,
                        "al-0",
                        "score 60 -> 87",
                        "411111",
                        "1111",
                        null);
        String json = Json.mapper().writeValueAsString(a);
        assertTrue(json.contains("\"createdAt\":\"2026-01-31T12:00:00Z\""), json);
        assertTrue(json.contains("\"action\":\"HOLD\""), json);
        assertEquals(a, Json.mapper().readValue(json, Alert.class));
    }

    @Test
    void alertOmitsNullsAndToleratesUnknownFields() throws Exception {
        Alert a =
                new Alert(
                        "al-2",
                        T,
                        "s-1",
                        null,
                        null,
                        Action.REVIEW,
                        40,
                        12L,
                        REASONS,
                        null,
                        null,
                        null,
                        null,
                        null);
        String json = Json.mapper().writeValueAsString(a);
        assertFalse(json.contains("null"), json);
        assertFalse(json.contains("orderId"), json);
        String withExtra = json.substring(0, json.length() - 1) + ",\"futureField\":{\"x\":1}}";
        assertEquals(a, Json.mapper().readValue(withExtra, Alert.class));
    }

    @Test
    void reasonsAreCopiedAndNeverNull() {
        List<Reason> mutable = new ArrayList<>(REASONS);
        Alert a =
                new Alert(
                        "al-3",
                        T,
                        "s",
                        null,
                        null,
                        Action.REVIEW,
                        1,
                        1L,
                        mutable,
                        null,
                        null,
                        null,
                        null,
                        null);
        mutable.clear();
        assertEquals(2, a.reasons().size());
        assertThrows(UnsupportedOperationException.class, () -> a.reasons().clear());
        Hold h =
                new Hold("o", "s", null, "al", HoldStatus.HELD, 1, null, T, null, null, null, null);
        assertEquals(List.of(), h.reasons());
    }

    @Test
    void heldHoldRoundTrips() throws Exception {
        Hold h =
                new Hold(
                        "o-1",
                        "s-1",
                        "a-1",
                        "al-1",
                        HoldStatus.HELD,
                        87,
                        REASONS,
                        T,
                        null,
                        null,
                        null,
                        null);
        String json = Json.mapper().writeValueAsString(h);
        assertFalse(json.contains("releasedBy"), json);
        assertEquals(h, Json.mapper().readValue(json, Hold.class));
    }

    @Test
    void releasedHoldRoundTrips() throws Exception {
        Hold h =
                new Hold(
                        "o-1",
                        "s-1",
                        null,
                        "al-1",
                        HoldStatus.RELEASED,
                        87,
                        REASONS,
                        T,
                        "rep-42",
                        "customer verified by phone",
                        Instant.parse("2026-01-31T12:30:00.250Z"),
                        null);
        String json = Json.mapper().writeValueAsString(h);
        assertTrue(json.contains("\"status\":\"RELEASED\""), json);
        assertTrue(json.contains("\"releasedAt\":\"2026-01-31T12:30:00.250Z\""), json);
        assertEquals(h, Json.mapper().readValue(json, Hold.class));
    }
}
