package dev.fraudmonitor.console.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fraudmonitor.console.AlertRecord;
import dev.fraudmonitor.model.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotifierTest {
    private final Notifier notifier =
            new Notifier(
                    null,
                    List.of(),
                    5,
                    Duration.ofSeconds(2),
                    "https://console.example/",
                    new SimpleMeterRegistry());

    @Test
    void backoffDoublesPerAttempt() {
        assertEquals(Duration.ofSeconds(2), notifier.delay(1));
        assertEquals(Duration.ofSeconds(4), notifier.delay(2));
        assertEquals(Duration.ofSeconds(16), notifier.delay(4));
    }

    @Test
    void slackTextEscapesMarkupFromEventsButKeepsItsOwnLink() throws Exception {
        AlertRecord a =
                AlertRecord.parse(
                        ("{\"alertId\":\"a1\",\"sessionId\":\"s\",\"action\":\"HOLD\",\"score\":90,"
                                        + "\"reasons\":[{\"ruleId\":\"r\",\"text\":\"<!channel> & <http://evil|click>\"}]}")
                                .getBytes(StandardCharsets.UTF_8));
        String text =
                Json.mapper()
                        .readTree(notifier.payload(Notifier.Format.SLACK, a, "C-1", "NEW_CASE"))
                        .get("text")
                        .asText();
        assertFalse(text.contains("<!channel>"), text);
        assertTrue(text.contains("&lt;!channel&gt; &amp; &lt;http://evil|click&gt;"), text);
        assertTrue(text.contains("<https://console.example/cases/C-1|Open the case>"), text);
        String generic = notifier.payload(Notifier.Format.GENERIC, a, "C-1", "ESCALATION");
        assertTrue(
                generic.contains("\"event\":\"ESCALATION\"")
                        && generic.contains("\"alertId\":\"a1\""),
                generic);
    }
}
