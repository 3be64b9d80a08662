package dev.fraudmonitor.console.cases;

import dev.fraudmonitor.clients.HoldReleaser;
import dev.fraudmonitor.console.Database;
import dev.fraudmonitor.model.PanGuard;
import dev.fraudmonitor.model.Verdict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What reps do to a case. Each action is one database transaction that appends its audit row; a
 * failure rolls the whole action back, so the rep either sees it done or sees an error.
 */
public final class CaseActions {
    private final Database db;
    private final HoldReleaser releaser;
    private final Runnable changed;
    private final Runnable labelsStored;
    private final Clock clock;

    public CaseActions(
            Database db,
            HoldReleaser releaser,
            Runnable changed,
            Runnable labelsStored,
            Clock clock) {
        this.db = db;
        this.releaser = releaser;
        this.changed = changed;
        this.labelsStored = labelsStored;
        this.clock = clock;
    }

    public void assignToMe(String user, String caseId) {
        db.tx(
                c -> {
                    lockOpen(c, caseId);
                    try (PreparedStatement up =
                            c.prepareStatement("update cases set assignee = ? where case_id = ?")) {
                        up.setString(1, user);
                        up.setString(2, caseId);
                        up.executeUpdate();
                    }
                    Audit.append(c, user, caseId, "ASSIGNED", "assigned to " + user, null);
                    return null;
                });
        changed.run();
    }

    public void note(String user, String caseId, String text) {
        String t = required(text, "a note");
        db.tx(
                c -> {
                    exists(c, caseId);
                    Audit.append(c, user, caseId, "NOTE", null, t);
                    return null;
                });
        changed.run();
    }

    /**
     * Releases the hold on an order of this case through {@link HoldReleaser}, the one
     * implementation fraudctl uses too. The audit row is written in the same transaction, so if the
     * database is down the release is not attempted; if Redis or Kafka fails, the audit row is
     * rolled back and the rep sees why.
     */
    public HoldReleaser.Outcome releaseHold(
            String user, String caseId, String orderId, String why) {
        String reason = required(why, "a reason for the release");
        HoldReleaser.Outcome outcome =
                db.tx(
                        c -> {
                            exists(c, caseId);
                            try (PreparedStatement q =
                                    c.prepareStatement(
                                            "select 1 from alerts where case_id = ? and order_id = ?")) {
                                q.setString(1, caseId);
                                q.setString(2, orderId);
                                try (ResultSet rs = q.executeQuery()) {
                                    if (!rs.next()) {
                                        throw new ActionException(
                                                "Order "
                                                        + orderId
                                                        + " is not part of case "
                                                        + caseId
                                                        + ".");
                                    }
                                }
                            }
                            HoldReleaser.Outcome o = releaser.release(orderId, user, reason);
                            if (o.status() == HoldReleaser.Status.NOT_FOUND) {
                                throw new ActionException(
                                        "Redis has no hold record for order "
                                                + orderId
                                                + ": it was never held or is older than the hold"
                                                + " retention. Nothing was released.");
                            }
                            Audit.append(
                                    c,
                                    user,
                                    caseId,
                                    "HOLD_RELEASED",
                                    "order "
                                            + orderId
                                            + (o.status() == HoldReleaser.Status.ALREADY_RELEASED
                                                    ? " (already released by "
                                                            + o.releasedBy()
                                                            + ")"
                                                    : ""),
                                    reason);
                            return o;
                        });
        changed.run();
        return outcome;
    }

    /** Confirm fraud or mark legitimate: a label per alert, the case closed, labels to publish. */
    public int decide(String user, String caseId, Verdict verdict, String why) {
        String reason = required(why, "a reason for the decision");
        int labelled =
                db.tx(
                        c -> {
                            lockOpen(c, caseId);
                            Instant now = clock.instant();
                            int n = 0;
                            try (PreparedStatement q =
                                            c.prepareStatement(
                                                    "select alert_id, array(select distinct r->>'ruleId'"
                                                            + " from jsonb_array_elements(reasons) r"
                                                            + " where r->>'ruleId' is not null)"
                                                            + " from alerts where case_id = ?");
                                    PreparedStatement ins =
                                            c.prepareStatement(
                                                    "insert into labels (label_id, case_id, alert_id, verdict,"
                                                            + " labelled_by, at, reason, rule_ids)"
                                                            + " values (?, ?, ?, ?, ?, ?, ?, ?)")) {
                                q.setString(1, caseId);
                                try (ResultSet rs = q.executeQuery()) {
                                    while (rs.next()) {
                                        ins.setString(1, UUID.randomUUID().toString());
                                        ins.setString(2, caseId);
                                        ins.setString(3, rs.getString(1));
                                        ins.setString(4, verdict.name());
                                        ins.setString(5, user);
                                        ins.setTimestamp(6, Timestamp.from(now));
                                        ins.setString(7, reason);
                                        ins.setArray(8, rs.getArray(2));
                                        ins.addBatch();
                                        n++;
                                    }
                                }
                                ins.executeBatch();
                            }
                            String status =
                                    verdict == Verdict.FRAUD ? "CLOSED_FRAUD" : "CLOSED_LEGITIMATE";
                            try (PreparedStatement up =
                                    c.prepareStatement(
                                            "update cases set status = ?, closed_at = ? where case_id = ?")) {
                                up.setString(1, status);
                                up.setTimestamp(2, Timestamp.from(now));
                                up.setString(3, caseId);
                                up.executeUpdate();
                            }
                            Audit.append(
                                    c,
                                    user,
                                    caseId,
                                    verdict == Verdict.FRAUD
                                            ? "CONFIRMED_FRAUD"
                                            : "MARKED_LEGITIMATE",
                                    n + " alert(s) labelled " + verdict,
                                    reason);
                            return n;
                        });
        changed.run();
        labelsStored.run();
        return labelled;
    }

    /**
     * Moves every alert of {@code caseId} into {@code intoCaseId}; the emptied case stays as
     * MERGED.
     */
    public void merge(String user, String caseId, String intoCaseId, String why) {
        String reason = required(why, "a reason for the merge");
        String target = intoCaseId == null ? "" : intoCaseId.strip();
        if (target.equals(caseId)) {
            throw new ActionException("A case cannot be merged into itself.");
        }
        db.tx(
                c -> {
                    lockOpen(c, caseId);
                    lockOpen(c, target);
                    try (PreparedStatement up =
                            c.prepareStatement("update alerts set case_id = ? where case_id = ?")) {
                        up.setString(1, target);
                        up.setString(2, caseId);
                        up.executeUpdate();
                    }
                    try (PreparedStatement up =
                            c.prepareStatement(
                                    "update cases set status = 'MERGED', merged_into = ?, closed_at = now()"
                                            + " where case_id = ?")) {
                        up.setString(1, target);
                        up.setString(2, caseId);
                        up.executeUpdate();
                    }
                    recompute(c, target);
                    Audit.append(c, user, caseId, "MERGED", "merged into " + target, reason);
                    Audit.append(
                            c, user, target, "MERGED", "case " + caseId + " merged in", reason);
                    return null;
                });
        changed.run();
    }

    /** Moves the chosen alerts into a new case; returns its id. */
    public String split(String user, String caseId, List<String> alertIds, String why) {
        String reason = required(why, "a reason for the split");
        if (alertIds == null || alertIds.isEmpty()) {
            throw new ActionException(
                    "Tick the alerts that belong to another incident, then split.");
        }
        String newId =
                "C-"
                        + UUID.randomUUID()
                                .toString()
                                .substring(0, 10)
                                .toUpperCase(java.util.Locale.ROOT);
        db.tx(
                c -> {
                    lockOpen(c, caseId);
                    List<String> all = new ArrayList<>();
                    try (PreparedStatement q =
                            c.prepareStatement("select alert_id from alerts where case_id = ?")) {
                        q.setString(1, caseId);
                        try (ResultSet rs = q.executeQuery()) {
                            while (rs.next()) {
                                all.add(rs.getString(1));
                            }
                        }
                    }
                    if (!all.containsAll(alertIds)) {
                        throw new ActionException(
                                "Some of the chosen alerts are not in case " + caseId + ".");
                    }
                    if (alertIds.containsAll(all)) {
                        throw new ActionException(
                                "Leave at least one alert in the case; a split needs two parts.");
                    }
                    try (PreparedStatement ins =
                            c.prepareStatement(
                                    "insert into cases (case_id, created_at, last_alert_at, action, score,"
                                            + " assignee) select ?, now(), last_alert_at, action, score, assignee"
                                            + " from cases where case_id = ?")) {
                        ins.setString(1, newId);
                        ins.setString(2, caseId);
                        ins.executeUpdate();
                    }
                    try (PreparedStatement up =
                            c.prepareStatement(
                                    "update alerts set case_id = ? where case_id = ? and alert_id = any(?)")) {
                        up.setString(1, newId);
                        up.setString(2, caseId);
                        up.setArray(3, c.createArrayOf("text", alertIds.toArray()));
                        up.executeUpdate();
                    }
                    recompute(c, caseId);
                    recompute(c, newId);
                    Audit.append(
                            c,
                            user,
                            caseId,
                            "SPLIT",
                            String.join(", ", alertIds) + " moved to " + newId,
                            reason);
                    Audit.append(c, user, newId, "SPLIT", "split from " + caseId, reason);
                    return null;
                });
        changed.run();
        return newId;
    }

    private static void recompute(Connection c, String caseId) throws SQLException {
        try (PreparedStatement up =
                c.prepareStatement(
                        "update cases k set action = s.action, score = s.score, last_alert_at = s.last"
                                + " from (select case when bool_or(action = 'HOLD') then 'HOLD' else 'REVIEW' end action,"
                                + " max(score) score, max(created_at) last from alerts where case_id = ?) s"
                                + " where k.case_id = ?")) {
            up.setString(1, caseId);
            up.setString(2, caseId);
            up.executeUpdate();
        }
    }

    private static void exists(Connection c, String caseId) throws SQLException {
        status(c, caseId, false);
    }

    private static void lockOpen(Connection c, String caseId) throws SQLException {
        String status = status(c, caseId, true);
        if (!"OPEN".equals(status)) {
            throw new ActionException(
                    "Case " + caseId + " is " + status + "; only open cases can be changed.");
        }
    }

    private static String status(Connection c, String caseId, boolean lock) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement(
                        "select status from cases where case_id = ?"
                                + (lock ? " for update" : ""))) {
            q.setString(1, caseId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new ActionException("There is no case " + caseId + ".");
                }
                return rs.getString(1);
            }
        }
    }

    private static String required(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new ActionException("Please give " + what + ".");
        }
        String t = text.strip();
        if (t.length() > 2000) {
            t = t.substring(0, 2000);
        }
        return PanGuard.mask(t);
    }
}
