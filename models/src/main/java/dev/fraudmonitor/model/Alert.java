package dev.fraudmonitor.model;

import java.time.Instant;
import java.util.List;

/**
 * What the job tells customer care (topic {@code fraud.alerts}): which session/order, what to do
 * and why. {@code alertId} is derived from the trigger, so a replay yields the same id and
 * consumers can deduplicate.
 *
 * @param orderId null unless an order is involved
 * @param score 0–100
 * @param supersedes alertId of an earlier alert for the same session this one replaces; may be null
 * @param change what changed compared with the superseded alert, in words; may be null
 * @param cardBin may be null; never a full card number
 * @param cardLast4 may be null
 * @param caseId the incident this alert belongs to: alerts of sessions linked through an account,
 *     device, card or shipping address within the entity horizon share it; null from a job before
 *     cases (consumers then link alerts themselves)
 */
public record Alert(
        String alertId,
        Instant createdAt,
        String sessionId,
        String accountId,
        String orderId,
        Action action,
        int score,
        long ruleSetVersion,
        List<Reason> reasons,
        String supersedes,
        String change,
        String cardBin,
        String cardLast4,
        String caseId) {
    public Alert {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
