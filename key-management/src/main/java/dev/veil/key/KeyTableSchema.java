package dev.veil.key;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The key table's DDL: creates it when missing and adds the columns of later Veil versions to a table created by
 * an earlier one. Checked once per {@link DataKeyTable} (the first connection it opens).
 */
final class KeyTableSchema {

    private static final String SQLSTATE_UNIQUE_VIOLATION = "23505";
    private static final String SQLSTATE_DUPLICATE_TABLE = "42P07";
    private static final String SQLSTATE_DUPLICATE_OBJECT = "42710";

    private final String table;
    private volatile boolean exists;

    KeyTableSchema(String table) {
        this.table = table;
    }

    String createSql() {
        return "CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "  table_name      text        NOT NULL,\n"
                + "  key_name        text        NOT NULL,\n"
                + "  purpose         text        NOT NULL CHECK (purpose IN ('encryption', 'blind_index')),\n"
                + "  master_key_id   text        NOT NULL,\n"
                + "  wrapped_keyset  bytea       NOT NULL,\n"
                + "  format          smallint    NOT NULL,\n"
                + "  primary_version bigint      NOT NULL,\n"
                + "  revision        bigint      NOT NULL DEFAULT 1,\n"
                + "  encryptions_reserved bigint NOT NULL DEFAULT 0,  -- under primary_version; reset when it changes\n"
                + "  created_at      timestamptz NOT NULL DEFAULT now(),\n"
                + "  updated_at      timestamptz NOT NULL DEFAULT now(),\n"
                + "  PRIMARY KEY (table_name, key_name, purpose)\n"
                + ")";
    }

    /**
     * Creates the table when missing. Concurrent {@code CREATE TABLE IF NOT EXISTS} can fail with
     * unique_violation on pg_type or duplicate_object, so creators serialise on a transaction-scoped advisory
     * lock named after the table, and a loser that still sees one of those errors re-checks instead of failing.
     */
    void ensureExists(Connection c) throws SQLException {
        if (exists) {
            return;
        }
        boolean autoCommit = c.getAutoCommit();
        try {
            c.setAutoCommit(true);
            if (!present(c)) {
                c.setAutoCommit(false);
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))");
                        Statement st = c.createStatement()) {
                    lock.setString(1, "veil key table " + table);
                    lock.execute();
                    st.execute(createSql());
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    String state = e.getSQLState();
                    boolean raced = SQLSTATE_UNIQUE_VIOLATION.equals(state) || SQLSTATE_DUPLICATE_TABLE.equals(state)
                            || SQLSTATE_DUPLICATE_OBJECT.equals(state);
                    c.setAutoCommit(true);
                    if (!raced || !present(c)) {
                        throw e;
                    }
                }
            }
            c.setAutoCommit(true);
            upgrade(c);
            exists = true;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Tables created by an earlier Veil lack {@code encryptions_reserved}: add it (only when missing, so a table
     * created by a DBA with the column needs no ALTER privilege). Existing AES-GCM primaries start counting at 0.
     */
    private void upgrade(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_catalog.pg_attribute"
                + " WHERE attrelid = to_regclass(?) AND attname = 'encryptions_reserved' AND NOT attisdropped")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + table
                    + " ADD COLUMN IF NOT EXISTS encryptions_reserved bigint NOT NULL DEFAULT 0");
        }
    }

    private boolean present(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
