package dev.veil.admin.job;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The text of a database error without the values in it. PostgreSQL's detail lines quote values ("Key (email)=(…)
 * already exists", "Failing row contains (…)") and pgjdbc's batch errors quote the statement with its parameters
 * substituted, so only the server's primary message, the constraint, table and column names are kept.
 */
public final class SafeMessages {

    private SafeMessages() {
    }

    public static String of(SQLException e) {
        SQLException root = e instanceof BatchUpdateException && e.getNextException() != null
                ? e.getNextException() : e;
        if (root instanceof PSQLException && ((PSQLException) root).getServerErrorMessage() != null) {
            ServerErrorMessage m = ((PSQLException) root).getServerErrorMessage();
            StringBuilder b = new StringBuilder(String.valueOf(m.getMessage()));
            if (m.getConstraint() != null) {
                b.append(" (constraint ").append(m.getConstraint()).append(')');
            } else if (m.getTable() != null) {
                b.append(" (table ").append(m.getTable())
                        .append(m.getColumn() == null ? "" : ", column " + m.getColumn())
                        .append(')');
            }
            return b.toString();
        }
        if (e instanceof BatchUpdateException) {
            return "a batch of writes failed (SQLState " + root.getSQLState() + ")";
        }
        return root.getMessage();
    }
}
