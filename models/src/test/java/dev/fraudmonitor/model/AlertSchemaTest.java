package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published alert schema accepts what the job writes, with and without a case id (alerts from a
 * job before cases stay valid), and rejects a BIN longer than the 6 digits alerts may show.
 */
class AlertSchemaTest {
    private static Schema schema;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in =
                AlertSchemaTest.class.getResourceAsStream("/schema/alert-v1.schema.json")) {
            schema =
                    SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                            .getSchema(
                                    new String(in.readAllBytes(), StandardCharsets.UTF_8),
                                    InputFormat.JSON);
        }
    }

    private static Alert alert(String cardBin, String caseId) {
        return new Alert(
                "al-1",
                Instant.parse("2026-03-02T10:00:00Z"),
                "s-1",
                "a-1",
                "o-1",
                Action.HOLD,
                82,
                3,
                List.of(new Reason("r", 1, "2 things; limit 1", "2", "1")),
                null,
                null,
                cardBin,
                "1111",
                caseId);
    }

    private static List<Error> errors(Alert a) throws Exception {
        return schema.validate(Json.mapper().writeValueAsString(a), InputFormat.JSON);
    }

    @Test
    void whatTheJobWritesIsValidWithOrWithoutACase() throws Exception {
        assertEquals(List.of(), errors(alert("411111", "case-1")));
        assertEquals(List.of(), errors(alert(null, null)));
        String withoutCaseField =
                Json.mapper()
                        .writeValueAsString(alert("411111", null))
                        .replace(",\"caseId\":null", "");
        assertEquals(List.of(), schema.validate(withoutCaseField, InputFormat.JSON));
        Alert back = Json.mapper().readValue(withoutCaseField, Alert.class);
        assertEquals(null, back.caseId());
    }

    @Test
    void anEightDigitBinIsRejected() throws Exception {
        assertFalse(errors(alert("41111111", "case-1")).isEmpty());
    }
}
