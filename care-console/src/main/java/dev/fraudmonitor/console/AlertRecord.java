package dev.fraudmonitor.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudmonitor.model.Json;
import dev.fraudmonitor.model.PanGuard;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An alert as the console keeps it, read tolerantly from the JSON tree: fields the Alert record has
 * today, plus the linking keys ({@code caseId}, {@code cardHash}, {@code deviceId}, {@code
 * shippingAddressHash}, {@code userAgent}) the job may add later. Every text is masked with {@link
 * PanGuard} before it is stored, so no card number reaches the database even if one slipped into an
 * event.
 */
public record AlertRecord(
        String alertId,
        Instant createdAt,
        String sessionId,
        String accountId,
        String orderId,
        String action,
        int score,
        long ruleSetVersion,
        String reasonsJson,
        List<String> ruleIds,
        String supersedes,
        String change,
        String cardBin,
        String cardLast4,
        String cardHash,
        String deviceId,
        String shippingAddressHash,
        String userAgent,
        String jobCaseId) {

    /** Parses one record of the alerts topic; throws if it lacks what a case needs. */
    public static AlertRecord parse(byte[] value) throws IOException {
        JsonNode n = Json.mapper().readTree(value);
        String alertId = text(n, "alertId");
        if (alertId == null) {
            throw new IOException("alert without alertId");
        }
        String action = text(n, "action");
        if (!"HOLD".equals(action) && !"REVIEW".equals(action)) {
            throw new IOException("alert " + alertId + " has unknown action " + action);
        }
        String created = text(n, "createdAt");
        ArrayNode reasons = Json.mapper().createArrayNode();
        List<String> ruleIds = new ArrayList<>();
        for (JsonNode r : n.path("reasons")) {
            ObjectNode o = reasons.addObject();
            String ruleId = text(r, "ruleId");
            o.put("ruleId", ruleId);
            o.put("ruleVersion", r.path("ruleVersion").asInt());
            o.put("text", text(r, "text"));
            o.put("observed", text(r, "observed"));
            o.put("threshold", text(r, "threshold"));
            if (ruleId != null && !ruleIds.contains(ruleId)) {
                ruleIds.add(ruleId);
            }
        }
        return new AlertRecord(
                alertId,
                created == null ? Instant.now() : Instant.parse(created),
                text(n, "sessionId"),
                text(n, "accountId"),
                text(n, "orderId"),
                action,
                n.path("score").asInt(),
                n.path("ruleSetVersion").asLong(),
                Json.mapper().writeValueAsString(reasons),
                List.copyOf(ruleIds),
                text(n, "supersedes"),
                text(n, "change"),
                text(n, "cardBin"),
                text(n, "cardLast4"),
                text(n, "cardHash"),
                text(n, "deviceId"),
                text(n, "shippingAddressHash"),
                text(n, "userAgent"),
                text(n, "caseId"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.isTextual() ? v.asText() : v.toString();
        return PanGuard.mask(s.length() > 2000 ? s.substring(0, 2000) : s);
    }
}
