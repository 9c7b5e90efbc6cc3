package dev.veil.driver.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

/**
 * One hash of the shape (schema, table, columns with their types, in order) of every table with one of the given
 * names, from the catalog: Veil compares it once a minute so that a table created, altered or renamed around Veil
 * (psql, a migration on a plain connection) resets what it learned from the catalog within that minute.
 */
public final class SchemaFingerprint {

    private static final String QUERY = "SELECT md5(coalesce(string_agg(n.nspname || '.' || c.relname || '.' "
            + "|| a.attname || ':' || a.atttypid || ':' || a.atttypmod, ',' ORDER BY n.nspname, c.relname, a.attnum), "
            + "'')) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
            + "WHERE c.relname = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped";

    private SchemaFingerprint() {
    }

    /** The fingerprint of the tables named {@code names} (in any schema). */
    public static String of(Connection connection, Collection<String> names) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(QUERY)) {
            Array array = connection.createArrayOf("text", names.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            } finally {
                array.free();
            }
        }
    }
}
