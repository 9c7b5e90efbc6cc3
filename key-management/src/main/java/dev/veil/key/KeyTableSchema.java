package dev.veil.key;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The key table's DDL: creates it when missing and adds the columns of later Veil versions to a table created by
 * an earlier one. Checked once per {@link DataKeyTable} (the first connection it opens).
 */
final class KeyTableSchema {

    private static final String SQLSTATE_UNIQUE_VIOLATION = "23505";
    private static final String SQLSTATE_DUPLICATE_TABLE = "42P07";
    private static final String SQLSTATE_DUPLICATE_OBJECT = "42710";
    private static final String SQLSTATE_INSUFFICIENT_PRIVILEGE = "42501";
    private static final System.Logger LOG = System.getLogger(KeyRing.class.getName());

    /**
     * Columns added after the first release, in order, with their definitions: {@link #upgrade} adds the missing
     * ones to tables created by an earlier Veil.
     */
    private static final List<String[]> ADDED_COLUMNS = List.of(
            new String[] {"encryptions_reserved", "bigint NOT NULL DEFAULT 0"},
            new String[] {"rotation_phase", "text"},
            new String[] {"rotation_version", "bigint"},
            new String[] {"rotation_from_version", "bigint"},
            new String[] {"rotation_changed_at", "timestamptz"});
    /** Only index-key rotation uses these: a ring works without them. */
    private static final List<String> ROTATION_COLUMNS = List.of("rotation_phase", "rotation_version",
            "rotation_from_version", "rotation_changed_at");

    private final String table;
    private volatile boolean exists;
    /** Null while the table has the rotation columns, else the ALTER that would add them. */
    private volatile String missingRotationColumns;

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
                + "  rotation_phase        text,         -- index-key rotation in progress: search-both … retire-old\n"
                + "  rotation_version      bigint,       -- the version being rolled in\n"
                + "  rotation_from_version bigint,       -- the version being rolled out\n"
                + "  rotation_changed_at   timestamptz,  -- when rotation_phase was last set\n"
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

    /** Whether the table has the rotation columns (checked by {@link #ensureExists} first). */
    boolean hasRotationColumns() {
        return missingRotationColumns == null;
    }

    /** Why index-key rotation cannot be recorded in this table, and the fix; null when it can. */
    String rotationColumnsMissing() {
        String alter = missingRotationColumns;
        return alter == null ? null : "key table " + table + " lacks the index-key rotation columns ("
                + String.join(", ", ROTATION_COLUMNS) + ") and this user cannot add them; have its owner run: " + alter;
    }

    /**
     * Tables created by an earlier Veil lack some of {@link #ADDED_COLUMNS} ({@code encryptions_reserved}, the
     * rotation columns): add them, only when missing, so a table created by a DBA with every column needs no ALTER
     * privilege. Existing AES-GCM primaries start counting at 0; existing rows have no rotation recorded. A user
     * who may not ALTER a table lacking only the rotation columns still gets a working ring (a warning says what
     * to run); only index-key rotation then refuses.
     */
    private void upgrade(Connection c) throws SQLException {
        List<String> present = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname FROM pg_catalog.pg_attribute"
                + " WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
        }
        List<String> missing = new ArrayList<>();
        StringBuilder alter = new StringBuilder("ALTER TABLE ").append(table);
        for (String[] column : ADDED_COLUMNS) {
            if (!present.contains(column[0])) {
                alter.append(missing.isEmpty() ? " " : ", ").append("ADD COLUMN IF NOT EXISTS ").append(column[0])
                        .append(' ').append(column[1]);
                missing.add(column[0]);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute(alter.toString());
        } catch (SQLException e) {
            if (SQLSTATE_INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) && ROTATION_COLUMNS.containsAll(missing)) {
                missingRotationColumns = alter.toString();
                LOG.log(System.Logger.Level.WARNING, () -> rotationColumnsMissing() + " (data keys work without"
                        + " them; index-key rotation refuses until then)");
                return;
            }
            throw new SQLException("lacks the columns " + String.join(", ", missing) + " of this Veil version and"
                    + " cannot add them (" + e.getMessage() + "); have its owner run: " + alter, e.getSQLState(), e);
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
