package dev.fraudmonitor.console.cases;

import dev.fraudmonitor.model.PanGuard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Appends to the audit trail: who, when (the database's clock), what, why. Never updates. */
public final class Audit {
    private Audit() {}

    public static void append(
            Connection c, String actor, String caseId, String action, String detail, String reason)
            throws SQLException {
        try (PreparedStatement ins =
                c.prepareStatement(
                        "insert into audit (actor, case_id, action, detail, reason) values (?, ?, ?, ?, ?)")) {
            ins.setString(1, actor);
            ins.setString(2, caseId);
            ins.setString(3, action);
            ins.setString(4, PanGuard.mask(detail));
            ins.setString(5, PanGuard.mask(reason));
            ins.executeUpdate();
        }
    }
}
