package dev.fraudmonitor.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRecordTest {
    @Test
    void readsTheAlertContractAndTheLinkingKeysTheJobMayAddLater() throws Exception {
        String json =
                "{\"alertId\":\"a1\",\"createdAt\":\"2026-01-31T12:00:00Z\",\"sessionId\":\"s1\","
                        + "\"accountId\":\"acc\",\"action\":\"HOLD\",\"score\":87,\"ruleSetVersion\":3,"
                        + "\"reasons\":[{\"ruleId\":\"r1\",\"ruleVersion\":2,\"text\":\"7 failed logins\","
                        + "\"observed\":\"7\",\"threshold\":\"5\"},{\"ruleId\":\"r1\",\"text\":\"again\"}],"
                        + "\"caseId\":\"job-7\",\"deviceId\":\"d1\",\"cardHash\":\"ch\","
                        + "\"shippingAddressHash\":\"sh\",\"somethingNew\":{\"x\":1}}";
        AlertRecord a = AlertRecord.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals("job-7", a.jobCaseId());
        assertEquals("d1", a.deviceId());
        assertEquals("ch", a.cardHash());
        assertEquals("sh", a.shippingAddressHash());
        assertEquals(List.of("r1"), a.ruleIds());
        assertNull(a.orderId());
        assertEquals(87, a.score());
    }

    @Test
    void masksACardNumberThatSlippedIntoText() throws Exception {
        String json =
                "{\"alertId\":\"a2\",\"sessionId\":\"s\",\"action\":\"REVIEW\",\"score\":1,"
                        + "\"reasons\":[{\"ruleId\":\"r\",\"text\":\"card 4111111111111111 declined\"}],"
                        + "\"userAgent\":\"Mozilla 4111 1111 1111 1111\"}";
        AlertRecord a = AlertRecord.parse(json.getBytes(StandardCharsets.UTF_8));
        assertFalse(a.reasonsJson().contains("4111111111111111"), a.reasonsJson());
        assertFalse(a.userAgent().contains("4111 1111 1111 1111"), a.userAgent());
    }

    @Test
    void refusesARecordACaseCannotBeMadeOf() {
        assertThrows(
                IOException.class,
                () -> AlertRecord.parse("{\"action\":\"HOLD\"}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(
                IOException.class,
                () ->
                        AlertRecord.parse(
                                "{\"alertId\":\"x\",\"action\":\"MAYBE\"}"
                                        .getBytes(StandardCharsets.UTF_8)));
        assertThrows(
                IOException.class,
                () -> AlertRecord.parse("not json".getBytes(StandardCharsets.UTF_8)));
    }
}
