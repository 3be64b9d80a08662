package dev.fraudmonitor.console.cases;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudmonitor.console.Database;
import dev.fraudmonitor.console.cases.Views.AlertView;
import dev.fraudmonitor.console.cases.Views.AuditEntry;
import dev.fraudmonitor.console.cases.Views.CaseView;
import dev.fraudmonitor.console.cases.Views.DeadLetterRow;
import dev.fraudmonitor.console.cases.Views.QueueRow;
import dev.fraudmonitor.console.cases.Views.ReasonView;
import dev.fraudmonitor.model.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads for the pages and the metrics. */
public final class CaseQueries {
    /** Queue filters; null means any. */
    public record Filter(String action, String status, String assignee) {}

    private final Database db;

    public CaseQueries(Database db) {
        this.db = db;
    }

    /** Highest action first, then score, then newest. */
    public List<QueueRow> queue(Filter f) {
        return db.tx(
                c -> {
                    try (PreparedStatement q =
                            c.prepareStatement(
                                    "select k.case_id, k.action, k.score, k.status, k.assignee,"
                                            + " k.last_alert_at, count(a.alert_id),"
                                            + " string_agg(distinct a.account_id, ' '),"
                                            + " (array_agg(a.reasons->0->>'text' order by a.score desc, a.created_at desc))[1],"
                                            + " string_agg(a.alert_id, ' ' order by a.created_at)"
                                            + " from cases k join alerts a on a.case_id = k.case_id"
                                            + " where (?::text is null or k.action = ?)"
                                            + " and (?::text is null or k.status = ?)"
                                            + " and (?::text is null or k.assignee = ?)"
                                            + " group by k.case_id"
                                            + " order by case k.action when 'HOLD' then 0 else 1 end,"
                                            + " k.score desc, k.last_alert_at desc limit 200")) {
                        q.setString(1, f.action());
                        q.setString(2, f.action());
                        q.setString(3, f.status());
                        q.setString(4, f.status());
                        q.setString(5, f.assignee());
                        q.setString(6, f.assignee());
                        List<QueueRow> rows = new ArrayList<>();
                        try (ResultSet rs = q.executeQuery()) {
                            while (rs.next()) {
                                rows.add(
                                        new QueueRow(
                                                rs.getString(1),
                                                rs.getString(2),
                                                rs.getInt(3),
                                                rs.getString(4),
                                                rs.getString(5),
                                                rs.getTimestamp(6).toInstant(),
                                                rs.getInt(7),
                                                rs.getString(8),
                                                rs.getString(9),
                                                rs.getString(10)));
                            }
                        }
                        return rows;
                    }
                });
    }

    /** The case without live hold states (the caller adds those from Redis). */
    public Optional<CaseView> find(String caseId) {
        return db.tx(
                c -> {
                    CaseView head;
                    try (PreparedStatement q =
                            c.prepareStatement(
                                    "select case_id, status, action, score, assignee, created_at,"
                                            + " closed_at, merged_into from cases where case_id = ?")) {
                        q.setString(1, caseId);
                        try (ResultSet rs = q.executeQuery()) {
                            if (!rs.next()) {
                                return Optional.empty();
                            }
                            head =
                                    new CaseView(
                                            rs.getString(1),
                                            rs.getString(2),
                                            rs.getString(3),
                                            rs.getInt(4),
                                            rs.getString(5),
                                            rs.getTimestamp(6).toInstant(),
                                            instant(rs.getTimestamp(7)),
                                            rs.getString(8),
                                            List.of(),
                                            List.of(),
                                            List.of());
                        }
                    }
                    return Optional.of(
                            new CaseView(
                                    head.caseId(),
                                    head.status(),
                                    head.action(),
                                    head.score(),
                                    head.assignee(),
                                    head.createdAt(),
                                    head.closedAt(),
                                    head.mergedInto(),
                                    alerts(c, caseId),
                                    List.of(),
                                    audit(c, caseId)));
                });
    }

    static List<AlertView> alerts(Connection c, String caseId) throws Exception {
        List<AlertView> out = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement(
                        "select alert_id, created_at, session_id, account_id, order_id, action, score,"
                                + " card_bin, card_last4, device_id, user_agent, change_text, reasons"
                                + " from alerts where case_id = ? order by created_at, alert_id")) {
            q.setString(1, caseId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    List<ReasonView> reasons = new ArrayList<>();
                    for (JsonNode r : Json.mapper().readTree(rs.getString(13))) {
                        reasons.add(
                                new ReasonView(
                                        r.path("ruleId").asText(""),
                                        r.path("text").asText(""),
                                        r.path("observed").asText(""),
                                        r.path("threshold").asText("")));
                    }
                    out.add(
                            new AlertView(
                                    rs.getString(1),
                                    rs.getTimestamp(2).toInstant(),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    rs.getString(6),
                                    rs.getInt(7),
                                    rs.getString(8),
                                    rs.getString(9),
                                    rs.getString(10),
                                    rs.getString(11),
                                    rs.getString(12),
                                    reasons));
                }
            }
        }
        return out;
    }

    private static List<AuditEntry> audit(Connection c, String caseId) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement(
                        "select at, actor, action, detail, reason from audit where case_id = ? order by id desc limit 200")) {
            q.setString(1, caseId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(
                            new AuditEntry(
                                    rs.getTimestamp(1).toInstant(),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5)));
                }
            }
        }
        return out;
    }

    public List<DeadLetterRow> deadLetters() {
        return db.tx(
                c -> {
                    List<DeadLetterRow> out = new ArrayList<>();
                    try (PreparedStatement q =
                                    c.prepareStatement(
                                            "select o.id, d.at, o.endpoint, o.event, o.idempotency_key, o.case_id,"
                                                    + " d.attempts, d.last_error from webhook_dead_letters d"
                                                    + " join webhook_outbox o on o.id = d.outbox_id order by d.at desc limit 500");
                            ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            out.add(
                                    new DeadLetterRow(
                                            rs.getLong(1),
                                            rs.getTimestamp(2).toInstant(),
                                            rs.getString(3),
                                            rs.getString(4),
                                            rs.getString(5),
                                            rs.getString(6),
                                            rs.getInt(7),
                                            rs.getString(8)));
                        }
                    }
                    return out;
                });
    }

    /**
     * Per rule: [fraud, labelled] over the latest label of each alert the rule fired in. Precision
     * is fraud ÷ labelled.
     */
    public Map<String, long[]> precision() {
        return db.tx(
                c -> {
                    Map<String, long[]> out = new LinkedHashMap<>();
                    try (PreparedStatement q =
                                    c.prepareStatement(
                                            "with latest as (select distinct on (alert_id) alert_id, verdict, rule_ids"
                                                    + " from labels order by alert_id, at desc, label_id desc)"
                                                    + " select r, count(*) filter (where verdict = 'FRAUD'), count(*)"
                                                    + " from latest, unnest(rule_ids) r group by r order by r");
                            ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                        }
                    }
                    return out;
                });
    }

    public long openCases() {
        return db.tx(
                c -> {
                    try (PreparedStatement q =
                                    c.prepareStatement(
                                            "select count(*) from cases where status = 'OPEN'");
                            ResultSet rs = q.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
