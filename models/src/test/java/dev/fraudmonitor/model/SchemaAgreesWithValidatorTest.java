package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published JSON Schema and {@link EventCodec} must accept and reject the same records, or the
 * checkout team tests against one contract and the job enforces another.
 *
 * <p>Each sample under {@code contract-samples/invalid} is named {@code <RejectReason>__what.json};
 * the codec must reject it for that reason. Exceptions, kept out of the shared corpus because a
 * schema cannot express them: the size limit (TOO_LARGE) and the raw-card-number scan
 * (PAN_DETECTED); both are covered in {@link EventCodecTest}. Records that are not JSON at all are
 * in the corpus; the schema side "rejects" them by failing to parse.
 */
class SchemaAgreesWithValidatorTest {
    private static final Path SAMPLES = Paths.get("src/test/resources/contract-samples");
    private static final EventCodec CODEC = new EventCodec();
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in =
                SchemaAgreesWithValidatorTest.class.getResourceAsStream(
                        "/schema/checkout-event-v1.schema.json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            schema =
                    SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                            .getSchema(text, InputFormat.JSON);
        }
    }

    static Stream<Path> valid() throws IOException {
        return list("valid");
    }

    static Stream<Path> invalid() throws IOException {
        return list("invalid");
    }

    private static Stream<Path> list(String dir) throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES.resolve(dir))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    /** Schema errors, or a single pseudo-error if the text is not JSON at all. */
    private static List<String> schemaErrors(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            List<Error> errors =
                    schema.validate(
                            text,
                            InputFormat.JSON,
                            ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
            return errors.stream().map(Error::toString).toList();
        } catch (RuntimeException notJson) {
            return List.of("not parseable: " + notJson.getClass().getSimpleName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validSampleAcceptedByBoth(Path sample) throws IOException {
        byte[] bytes = Files.readAllBytes(sample);
        try {
            CODEC.decode(bytes);
        } catch (InvalidEventException e) {
            fail("codec rejected " + sample.getFileName() + ": " + e.getMessage());
        }
        assertEquals(List.of(), schemaErrors(bytes), "schema rejected " + sample.getFileName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidSampleRejectedByBothForTheNamedReason(Path sample) throws IOException {
        byte[] bytes = Files.readAllBytes(sample);
        String name = sample.getFileName().toString();
        RejectReason expected = RejectReason.valueOf(name.substring(0, name.indexOf("__")));
        try {
            CheckoutEvent e = CODEC.decode(bytes);
            fail("codec accepted " + name + " as " + e);
        } catch (InvalidEventException e) {
            assertEquals(expected, e.reason(), name + ": " + e.getMessage());
        }
        assertFalse(schemaErrors(bytes).isEmpty(), "schema accepted " + name);
    }

    @Test
    void corpusCoversEveryTypeAndEveryCorpusReason() throws IOException {
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (Path p : valid().toList()) {
            try {
                types.add(CODEC.decode(Files.readAllBytes(p)).type());
            } catch (InvalidEventException e) {
                // reported by validSampleAcceptedByBoth
            }
        }
        assertEquals(EnumSet.allOf(EventType.class), types);
        Set<String> reasons =
                invalid()
                        .map(p -> p.getFileName().toString())
                        .map(n -> n.substring(0, n.indexOf("__")))
                        .collect(Collectors.toSet());
        Set<String> expected =
                EnumSet.complementOf(EnumSet.of(RejectReason.TOO_LARGE, RejectReason.PAN_DETECTED))
                        .stream()
                        .map(Enum::name)
                        .collect(Collectors.toSet());
        assertEquals(expected, reasons);
    }

    @Test
    void schemaIsStrictEnoughToCatchAnObviousMistake() {
        // Guards against a schema that accepts everything (e.g. a broken $ref or if/then).
        String login =
                "{\"eventId\":\"e\",\"type\":\"LOGIN\",\"occurredAt\":\"2026-01-31T12:00:00Z\","
                        + "\"sessionId\":\"s\",\"ip\":\"10.0.0.1\",\"data\":{\"outcome\":\"ok\","
                        + "\"usernameHash\":\"u\"}}";
        assertTrue(
                schemaErrors(login.getBytes(StandardCharsets.UTF_8)).stream()
                        .anyMatch(m -> m.contains("outcome")));
        assertTrue(
                schemaErrors(
                                login.replace("\"ok\"", "\"SUCCESS\"")
                                        .getBytes(StandardCharsets.UTF_8))
                        .isEmpty());
    }
}
