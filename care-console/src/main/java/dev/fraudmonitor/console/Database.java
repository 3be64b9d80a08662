package dev.fraudmonitor.console;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The PostgreSQL pool, migrated on start, and transactions around plain JDBC. */
public final class Database implements AutoCloseable {
    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws Exception;
    }

    /** The database could not be reached or refused the work; nothing of it was stored. */
    public static final class UnavailableException extends RuntimeException {
        public UnavailableException(Throwable cause) {
            super(
                    "The database is unavailable, so nothing was saved: "
                            + cause.getMessage()
                            + ". Try again in a minute; if it persists, tell the on-call engineer.",
                    cause);
        }
    }

    private final HikariDataSource pool;

    public Database(String jdbcUrl, String user, String password) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(8);
        c.setPoolName("care-console");
        c.setAutoCommit(false);
        // Fail fast while PostgreSQL is down: a rep gets an error in seconds, not a hung page.
        c.setConnectionTimeout(3_000);
        c.setValidationTimeout(1_000);
        // Start even if PostgreSQL is not up yet; migration below then says what is wrong.
        c.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(c);
        Flyway.configure().dataSource(pool).load().migrate();
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T tx(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // The connection is broken; the transaction is lost with it.
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new UnavailableException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
