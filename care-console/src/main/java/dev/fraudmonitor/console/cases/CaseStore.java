package dev.fraudmonitor.console.cases;

import dev.fraudmonitor.console.AlertRecord;
import dev.fraudmonitor.model.Action;
import dev.fraudmonitor.model.CaseNotice;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Stores alerts into cases, inside the caller's transaction. Alerts of one incident join one case:
 * by the job's {@code caseId} when the alert carries one, otherwise with the open case of the most
 * recent alert that shares its session, account, order, card hash, device or shipping address hash
 * within the link window.
 */
public final class CaseStore {
    /** What storing one alert did. */
    public record Stored(boolean inserted, String caseId, boolean newCase, boolean escalated) {}

    private final Duration linkWindow;

    public CaseStore(Duration linkWindow) {
        this.linkWindow = linkWindow;
    }

    public Stored store(Connection c, AlertRecord a, String topic, int partition, long offset)
            throws SQLException {
        try (PreparedStatement seen =
                c.prepareStatement("select 1 from alerts where alert_id = ?")) {
            seen.setString(1, a.alertId());
            try (ResultSet rs = seen.executeQuery()) {
                if (rs.next()) {
                    return new Stored(false, null, false, false);
                }
            }
        }
        String caseId = null;
        String previousAction = null;
        if (a.jobCaseId() != null) {
            caseId = byJobCaseId(c, a.jobCaseId());
        } else {
            caseId = linked(c, a);
        }
        boolean newCase = caseId == null;
        if (newCase) {
            caseId = caseIdFor(a.alertId());
            try (PreparedStatement ins =
                    c.prepareStatement(
                            "insert into cases (case_id, job_case_id, created_at, last_alert_at,"
                                    + " action, score) values (?, ?, ?, ?, ?, ?)")) {
                ins.setString(1, caseId);
                ins.setString(2, a.jobCaseId());
                ins.setTimestamp(3, Timestamp.from(a.createdAt()));
                ins.setTimestamp(4, Timestamp.from(a.createdAt()));
                ins.setString(5, a.action());
                ins.setInt(6, a.score());
                ins.executeUpdate();
            }
        } else {
            try (PreparedStatement lock =
                    c.prepareStatement(
                            "select action, status from cases where case_id = ? for update")) {
                lock.setString(1, caseId);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    previousAction = rs.getString(1);
                    if (!"OPEN".equals(rs.getString(2))) {
                        Audit.append(
                                c,
                                "system",
                                caseId,
                                "REOPENED",
                                "new alert " + a.alertId() + " of the same incident",
                                null);
                    }
                }
            }
            try (PreparedStatement up =
                    c.prepareStatement(
                            "update cases set status = 'OPEN', closed_at = null,"
                                    + " action = case when action = 'HOLD' or ? = 'HOLD' then 'HOLD' else 'REVIEW' end,"
                                    + " score = greatest(score, ?), last_alert_at = greatest(last_alert_at, ?)"
                                    + " where case_id = ?")) {
                up.setString(1, a.action());
                up.setInt(2, a.score());
                up.setTimestamp(3, Timestamp.from(a.createdAt()));
                up.setString(4, caseId);
                up.executeUpdate();
            }
        }
        insertAlert(c, a, caseId, topic, partition, offset);
        Audit.append(
                c,
                "system",
                caseId,
                newCase ? "CASE_OPENED" : "ALERT_JOINED",
                "alert " + a.alertId() + " (" + a.action() + ", score " + a.score() + ")",
                null);
        CaseNotice notice =
                CaseNotice.of(
                        newCase ? null : Action.valueOf(previousAction),
                        Action.valueOf(a.action()));
        return new Stored(
                true, caseId, notice == CaseNotice.NEW_CASE, notice == CaseNotice.ESCALATION);
    }

    private String byJobCaseId(Connection c, String jobCaseId) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement(
                        "select case_id, merged_into from cases where job_case_id = ?")) {
            q.setString(1, jobCaseId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? follow(c, rs.getString(1)) : null;
            }
        }
    }

    private String linked(Connection c, AlertRecord a) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement(
                        "select a.case_id from alerts a join cases k on k.case_id = a.case_id"
                                + " where k.status = 'OPEN' and a.created_at between ? and ?"
                                + " and (a.session_id = ? or a.account_id = ? or a.order_id = ?"
                                + " or a.card_hash = ? or a.device_id = ? or a.shipping_address_hash = ?"
                                + " or a.alert_id = ?)"
                                + " order by a.created_at desc limit 1")) {
            q.setTimestamp(1, Timestamp.from(a.createdAt().minus(linkWindow)));
            q.setTimestamp(2, Timestamp.from(a.createdAt().plus(linkWindow)));
            q.setString(3, a.sessionId());
            q.setString(4, a.accountId());
            q.setString(5, a.orderId());
            q.setString(6, a.cardHash());
            q.setString(7, a.deviceId());
            q.setString(8, a.shippingAddressHash());
            q.setString(9, a.supersedes());
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The case a merged case now lives in. */
    static String follow(Connection c, String caseId) throws SQLException {
        String id = caseId;
        for (int i = 0; i < 32; i++) {
            try (PreparedStatement q =
                    c.prepareStatement("select merged_into from cases where case_id = ?")) {
                q.setString(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next() || rs.getString(1) == null) {
                        return id;
                    }
                    id = rs.getString(1);
                }
            }
        }
        return id;
    }

    private void insertAlert(
            Connection c, AlertRecord a, String caseId, String topic, int partition, long offset)
            throws SQLException {
        try (PreparedStatement ins =
                c.prepareStatement(
                        "insert into alerts (alert_id, case_id, created_at, session_id, account_id,"
                                + " order_id, action, score, rule_set_version, card_bin, card_last4,"
                                + " card_hash, device_id, shipping_address_hash, user_agent, job_case_id,"
                                + " supersedes, change_text, reasons, source_topic, source_partition,"
                                + " source_offset) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                + " ?, ?, ?, ?::jsonb, ?, ?, ?) on conflict (alert_id) do nothing")) {
            int i = 1;
            ins.setString(i++, a.alertId());
            ins.setString(i++, caseId);
            ins.setTimestamp(i++, Timestamp.from(a.createdAt()));
            ins.setString(i++, a.sessionId());
            ins.setString(i++, a.accountId());
            ins.setString(i++, a.orderId());
            ins.setString(i++, a.action());
            ins.setInt(i++, a.score());
            ins.setLong(i++, a.ruleSetVersion());
            ins.setString(i++, a.cardBin());
            ins.setString(i++, a.cardLast4());
            ins.setString(i++, a.cardHash());
            ins.setString(i++, a.deviceId());
            ins.setString(i++, a.shippingAddressHash());
            ins.setString(i++, a.userAgent());
            ins.setString(i++, a.jobCaseId());
            ins.setString(i++, a.supersedes());
            ins.setString(i++, a.change());
            ins.setString(i++, a.reasonsJson());
            ins.setString(i++, topic);
            ins.setInt(i++, partition);
            ins.setLong(i, offset);
            ins.executeUpdate();
        }
    }

    /** A short case id derived from the first alert, so a replay names the case the same way. */
    static String caseIdFor(String alertId) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(alertId.getBytes(StandardCharsets.UTF_8));
            return "C-" + HexFormat.of().formatHex(d, 0, 5).toUpperCase(java.util.Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
