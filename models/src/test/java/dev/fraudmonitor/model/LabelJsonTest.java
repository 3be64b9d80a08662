package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Labels leave the console for analysts' tools: the record and its published schema must agree. */
class LabelJsonTest {
    private static final Label LABEL =
            new Label(
                    "lb-1",
                    "case-1",
                    "al-1",
                    Verdict.LEGITIMATE,
                    "rep.anna",
                    Instant.parse("2026-01-31T12:00:00Z"),
                    "customer confirmed the order by phone",
                    List.of("geo-mismatch"));

    @Test
    void labelRoundTripsThroughTheSharedMapper() throws Exception {
        String json = Json.mapper().writeValueAsString(LABEL);
        assertTrue(json.contains("\"verdict\":\"LEGITIMATE\""), json);
        assertTrue(json.contains("\"at\":\"2026-01-31T12:00:00Z\""), json);
        assertEquals(LABEL, Json.mapper().readValue(json, Label.class));
    }

    @Test
    void schemaAcceptsWhatTheRecordWritesAndRejectsAnUnknownVerdict() throws Exception {
        Schema schema = schema();
        String json = Json.mapper().writeValueAsString(LABEL);
        assertTrue(schema.validate(json, InputFormat.JSON).isEmpty(), json);
        String bad = json.replace("LEGITIMATE", "MAYBE");
        assertFalse(schema.validate(bad, InputFormat.JSON).isEmpty(), bad);
        String missing = json.replace("\"by\":\"rep.anna\",", "");
        assertFalse(schema.validate(missing, InputFormat.JSON).isEmpty(), missing);
    }

    private static Schema schema() throws Exception {
        try (InputStream in =
                LabelJsonTest.class.getResourceAsStream("/schema/label-v1.schema.json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(text, InputFormat.JSON);
        }
    }
}
