package dev.fraudmonitor.model;

import java.time.Instant;
import java.util.List;

/**
 * An order the checkout system must not ship until a rep or analyst releases it (topic {@code
 * fraud.holds} and the Redis hold record). The release fields record who let it go and why, for
 * audit and for rule precision.
 *
 * @param releasedBy null while held
 * @param releaseReason null while held
 * @param releasedAt null while held
 * @param caseId the incident of the alert that placed the hold (see {@link Alert#caseId()})
 */
public record Hold(
        String orderId,
        String sessionId,
        String accountId,
        String alertId,
        HoldStatus status,
        int score,
        List<Reason> reasons,
        Instant createdAt,
        String releasedBy,
        String releaseReason,
        Instant releasedAt,
        String caseId) {
    public Hold {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
