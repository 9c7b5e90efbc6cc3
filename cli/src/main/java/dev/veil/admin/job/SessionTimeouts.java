package dev.veil.admin.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A job connection's {@code lock_timeout} and {@code statement_timeout}, set once for its session instead of
 * {@code SET LOCAL} in every batch (a round trip per batch). Set in autocommit, so no later rollback undoes them;
 * closing gives the session back its previous values, read in the same round trip that set the job's, so a pooled
 * connection leaves the job as it came. A connection whose values cannot be restored is aborted rather than
 * returned to a pool with the job's timeouts.
 */
final class SessionTimeouts implements AutoCloseable {

    private static final Executor NOW = Runnable::run;

    private final Connection c;
    private final String lockBefore;
    private final String statementBefore;

    private SessionTimeouts(Connection c, String lockBefore, String statementBefore) {
        this.c = c;
        this.lockBefore = lockBefore;
        this.statementBefore = statementBefore;
    }

    /** Sets both timeouts for the session of {@code c} (which it leaves in autocommit mode). */
    static SessionTimeouts set(Connection c, Duration lock, Duration statement) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('lock_timeout'),"
                + " current_setting('statement_timeout'), set_config('lock_timeout', ?, false),"
                + " set_config('statement_timeout', ?, false)")) {
            ps.setString(1, lock.toMillis() + "ms");
            ps.setString(2, statement.toMillis() + "ms");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new SessionTimeouts(c, rs.getString(1), rs.getString(2));
            }
        }
    }

    /** Ends any open transaction and restores the session's previous timeouts. */
    @Override
    public void close() throws SQLException {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('lock_timeout', ?, false),"
                    + " set_config('statement_timeout', ?, false)")) {
                ps.setString(1, lockBefore);
                ps.setString(2, statementBefore);
                ps.executeQuery().close();
            }
        } catch (SQLException | RuntimeException e) {
            try {
                c.abort(NOW);
            } catch (SQLException | RuntimeException a) {
                e.addSuppressed(a);
            }
            throw e;
        }
    }
}
