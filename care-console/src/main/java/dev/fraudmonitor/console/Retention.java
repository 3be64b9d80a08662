package dev.fraudmonitor.console;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what the privacy policy says we no longer keep: closed cases with their alerts and
 * webhook payloads after the case retention; labels and the audit trail after the dispute period,
 * which is longer because they are the evidence for a dispute.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final Database db;
    private final Duration closedCases;
    private final Duration disputePeriod;
    private final Clock clock;

    public Retention(Database db, Duration closedCases, Duration disputePeriod, Clock clock) {
        this.db = db;
        this.closedCases = closedCases;
        this.disputePeriod = disputePeriod;
        this.clock = clock;
    }

    /** Runs one purge; returns the number of cases deleted. */
    public int purge() {
        Instant now = clock.instant();
        Timestamp caseCutoff = Timestamp.from(now.minus(closedCases));
        Timestamp disputeCutoff = Timestamp.from(now.minus(disputePeriod));
        int cases =
                db.tx(
                        c -> {
                            String closed =
                                    "select case_id from cases where status <> 'OPEN' and closed_at < ?";
                            exec(
                                    c,
                                    "delete from webhook_outbox where case_id in (" + closed + ")",
                                    caseCutoff);
                            exec(
                                    c,
                                    "delete from alerts where case_id in (" + closed + ")",
                                    caseCutoff);
                            exec(
                                    c,
                                    "update cases set merged_into = null where merged_into in ("
                                            + closed
                                            + ")",
                                    caseCutoff);
                            int n =
                                    exec(
                                            c,
                                            "delete from cases where status <> 'OPEN' and closed_at < ?",
                                            caseCutoff);
                            exec(c, "delete from hold_records where record_at < ?", caseCutoff);
                            // their publication records go with them (on delete cascade)
                            exec(c, "delete from labels where at < ?", disputeCutoff);
                            exec(c, "delete from audit where at < ?", disputeCutoff);
                            return n;
                        });
        if (cases > 0) {
            LOG.info("Purged {} closed case(s) older than {}", cases, closedCases);
        }
        return cases;
    }

    private static int exec(java.sql.Connection c, String sql, Timestamp cutoff) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, cutoff);
            return s.executeUpdate();
        }
    }
}
