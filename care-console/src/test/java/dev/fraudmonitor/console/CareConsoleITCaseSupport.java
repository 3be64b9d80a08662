package dev.fraudmonitor.console;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/** Database look-ups the integration tests share. */
final class CareConsoleITCaseSupport {
    private CareConsoleITCaseSupport() {}

    static String caseOf(CareConsole console, String alertId) {
        String[] found = new String[1];
        ConsoleEnv.await(
                "alert " + alertId + " stored",
                Duration.ofSeconds(20),
                () -> (found[0] = caseOrNull(console, alertId)) != null);
        return found[0];
    }

    static String caseOrNull(CareConsole console, String alertId) {
        return console.database()
                .tx(
                        c -> {
                            try (PreparedStatement q =
                                    c.prepareStatement(
                                            "select case_id from alerts where alert_id = ?")) {
                                q.setString(1, alertId);
                                try (ResultSet rs = q.executeQuery()) {
                                    return rs.next() ? rs.getString(1) : null;
                                }
                            }
                        });
    }
}
