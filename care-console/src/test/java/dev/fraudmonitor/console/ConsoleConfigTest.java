package dev.fraudmonitor.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleConfigTest {
    @TempDir Path dir;

    @Test
    void argumentsWinOverTheEnvironmentWhichWinsOverDefaults() throws Exception {
        ConsoleConfig c =
                ConsoleConfig.parse(
                        List.of("--jdbc-url", "jdbc:postgresql://db/console", "--port=9000"),
                        Map.of(
                                "CONSOLE_PORT",
                                "8000",
                                "CONSOLE_KAFKA",
                                "k:9092",
                                "CONSOLE_WEBHOOKS",
                                "http://a, http://b"));
        assertEquals(9000, c.port());
        assertEquals("k:9092", c.kafka());
        assertEquals(List.of("http://a", "http://b"), c.genericWebhooks());
        assertEquals(Duration.ofHours(24), c.linkWindow());
        assertEquals(Duration.ofDays(540), c.disputePeriod());
    }

    @Test
    void thePasswordComesFromAFileOrTheEnvironmentNeverAnArgument() throws Exception {
        Path secret = dir.resolve("pw");
        Files.writeString(secret, "s3cret\n");
        assertEquals(
                "s3cret",
                ConsoleConfig.parse(
                                List.of("--jdbc-url", "x", "--db-password-file", secret.toString()),
                                Map.of())
                        .dbPassword());
        assertEquals(
                "env",
                ConsoleConfig.parse(
                                List.of("--jdbc-url", "x"), Map.of("CONSOLE_DB_PASSWORD", "env"))
                        .dbPassword());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        ConsoleConfig.parse(
                                List.of("--jdbc-url", "x", "--db-password", "p"), Map.of()));
    }

    @Test
    void errorsNameTheOptionAndWhatWasExpected() {
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ConsoleConfig.parse(List.of(), Map.of()));
        assertTrue(missing.getMessage().contains("--jdbc-url"), missing.getMessage());
        IllegalArgumentException bad =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ConsoleConfig.parse(
                                        List.of("--jdbc-url", "x", "--session-idle", "30 minutes"),
                                        Map.of()));
        assertTrue(
                bad.getMessage().contains("--session-idle") && bad.getMessage().contains("PT30M"),
                bad.getMessage());
    }
}
