package dev.fraudmonitor.model;

import java.time.Instant;
import java.util.List;

/**
 * A rep's verdict on one alert (topic {@code fraud.labels}, key = alertId). A later label for the
 * same alert replaces an earlier one for precision and backtests; both stay on the topic as
 * evidence. {@code ruleIds} are the rules that fired in the alert, so a consumer can compute
 * per-rule precision without joining the alerts topic.
 *
 * @param labelId unique per decision; a consumer that sees it twice counts it once
 * @param by the rep's user name
 * @param reason the rep's words, with anything that looks like a card number masked
 */
public record Label(
        String labelId,
        String caseId,
        String alertId,
        Verdict verdict,
        String by,
        Instant at,
        String reason,
        List<String> ruleIds) {
    public Label {
        ruleIds = ruleIds == null ? List.of() : List.copyOf(ruleIds);
    }
}
