package dev.fraudmonitor.console.cases;

import java.time.Instant;
import java.util.List;

/** What the pages show, read from the database; every text here is rendered escaped. */
public final class Views {
    private Views() {}

    /** One line of the queue. */
    public record QueueRow(
            String caseId,
            String action,
            int score,
            String status,
            String assignee,
            Instant lastAlertAt,
            int alertCount,
            String accounts,
            String headline,
            String alertIds) {}

    public record ReasonView(String ruleId, String text, String observed, String threshold) {}

    public record AlertView(
            String alertId,
            Instant createdAt,
            String sessionId,
            String accountId,
            String orderId,
            String action,
            int score,
            String cardBin,
            String cardLast4,
            String deviceId,
            String userAgent,
            String change,
            List<ReasonView> reasons) {}

    /**
     * The hold on an order as Redis has it now; {@code status} is NONE when Redis has no record.
     */
    public record HoldView(
            String orderId, String status, String releasedBy, String releasedAt, String error) {}

    public record AuditEntry(
            Instant at, String actor, String action, String detail, String reason) {}

    public record CaseView(
            String caseId,
            String status,
            String action,
            int score,
            String assignee,
            Instant createdAt,
            Instant closedAt,
            String mergedInto,
            List<AlertView> alerts,
            List<HoldView> holds,
            List<AuditEntry> audit) {}

    public record DeadLetterRow(
            long id,
            Instant at,
            String endpoint,
            String event,
            String idempotencyKey,
            String caseId,
            int attempts,
            String lastError) {}
}
