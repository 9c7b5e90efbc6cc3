package dev.veil.driver.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * A prepared statement Veil let pass (it touches no encrypted column as far as Veil can see): its results and
 * generated keys go through {@link GuardedResultSet}. Everything else forwards.
 */
final class GuardedPreparedStatement extends DelegatingPreparedStatement {

    GuardedPreparedStatement(DelegatingConnection connection, PreparedStatement delegate) {
        super(connection, delegate);
    }

    @Override
    protected ResultSet wrapResultSet(ResultSet raw) {
        return raw == null ? null : new GuardedResultSet(this, raw);
    }
}
