package dev.veil.key;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The key table: one row per scope holding its wrapped keyset ({@link KeysetEnvelope}). Every method opens
 * its own short connection from the {@link ConnectionFactory}, in auto-commit mode unless the caller passes
 * a connection for a transaction of its own ({@link KeyAdministration}).
 */
final class DataKeyTable {

    /**
     * A row; {@code rotation} is null unless an index-key rotation is recorded on it ({@link IndexRotations}).
     */
    record Row(KeyScope scope, String masterKeyId, byte[] envelope, long primaryVersion, long revision,
            Instant createdAt, Instant updatedAt, RotationRecord rotation) { }

    /**
     * The rotation columns as stored: {@code phase} is {@link IndexRotation.Phase#configName()}, kept as text so
     * that a phase this Veil does not know fails only whoever reads the rotation, not the ring.
     */
    record RotationRecord(String phase, long version, long fromVersion, Instant changedAt) { }

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final ConnectionFactory connections;
    private final String table;
    private final KeyTableSchema schema;

    DataKeyTable(ConnectionFactory connections, String table) {
        this.connections = connections;
        this.table = table;
        this.schema = new KeyTableSchema(table);
    }

    String name() {
        return table;
    }

    /** The {@code CREATE TABLE IF NOT EXISTS} statement, for DBAs who create the table themselves. */
    String createSql() {
        return schema.createSql();
    }

    Connection open() throws KeyException {
        try {
            Connection c = connections.open();
            try {
                schema.ensureExists(c);
                return c;
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("cannot open a connection to the key table", null, e);
        }
    }

    Optional<Row> read(KeyScope scope) throws KeyException {
        try (Connection c = open()) {
            c.setAutoCommit(true);
            return read(c, scope, false);
        } catch (SQLException e) {
            throw failure("cannot read the data key", scope, e);
        }
    }

    Optional<Row> read(Connection c, KeyScope scope, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(select() + " WHERE table_name = ? AND key_name = ? AND purpose = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, scope.table());
            ps.setString(2, scope.name());
            ps.setString(3, purpose(scope.purpose()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    List<Row> readAll(Connection c, boolean forUpdate) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(select() + " ORDER BY table_name, key_name, purpose"
                + (forUpdate ? " FOR UPDATE" : ""));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(row(rs));
            }
        }
        return rows;
    }

    /**
     * {@code INSERT … ON CONFLICT DO NOTHING}: the new row's {@code created_at}, or empty when another ring or
     * process stored the scope first.
     */
    Optional<Instant> insertIfAbsent(KeyScope scope, String masterKeyId, byte[] envelope, long primaryVersion)
            throws KeyException {
        try (Connection c = open()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                    + " (table_name, key_name, purpose, master_key_id, wrapped_keyset, format, primary_version)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, key_name, purpose) DO NOTHING"
                    + " RETURNING created_at")) {
                ps.setString(1, scope.table());
                ps.setString(2, scope.name());
                ps.setString(3, purpose(scope.purpose()));
                ps.setString(4, masterKeyId);
                ps.setBytes(5, envelope);
                ps.setInt(6, KeysetEnvelope.FORMAT);
                ps.setLong(7, primaryVersion);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw failure("cannot store the new data key", scope, e);
        }
    }

    /**
     * Optimistic update: only when the row still has {@code old.revision()}. When the primary version changes,
     * {@code encryptions_reserved} restarts at {@code reservedIfNewPrimary}; otherwise it is kept.
     */
    boolean update(Connection c, Row old, String masterKeyId, byte[] envelope, long primaryVersion,
            long reservedIfNewPrimary) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                + " SET master_key_id = ?, wrapped_keyset = ?, format = ?, primary_version = ?,"
                + " encryptions_reserved = CASE WHEN primary_version = ? THEN encryptions_reserved ELSE ? END,"
                + " revision = revision + 1, updated_at = now()"
                + " WHERE table_name = ? AND key_name = ? AND purpose = ? AND revision = ?")) {
            ps.setString(1, masterKeyId);
            ps.setBytes(2, envelope);
            ps.setInt(3, KeysetEnvelope.FORMAT);
            ps.setLong(4, primaryVersion);
            ps.setLong(5, primaryVersion);
            ps.setLong(6, reservedIfNewPrimary);
            ps.setString(7, old.scope().table());
            ps.setString(8, old.scope().name());
            ps.setString(9, purpose(old.scope().purpose()));
            ps.setLong(10, old.revision());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Like {@link #update}, and sets the rotation record to {@code next} (phase, versions, {@code rotation_changed_at
     * = now()}), or clears it when {@code next} is null. {@code next.changedAt()} is ignored.
     *
     * @return the database time of the change ({@code updated_at}), empty when the row no longer has
     *     {@code old.revision()}
     */
    Optional<Instant> updateRotation(Connection c, Row old, String masterKeyId, byte[] envelope, long primaryVersion,
            RotationRecord next) throws KeyException, SQLException {
        requireRotationColumns();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                + " SET master_key_id = ?, wrapped_keyset = ?, format = ?, primary_version = ?,"
                + " encryptions_reserved = CASE WHEN primary_version = ? THEN encryptions_reserved ELSE 0 END,"
                + " rotation_phase = ?, rotation_version = ?, rotation_from_version = ?,"
                + " rotation_changed_at = CASE WHEN ?::text IS NULL THEN NULL ELSE now() END,"
                + " revision = revision + 1, updated_at = now()"
                + " WHERE table_name = ? AND key_name = ? AND purpose = ? AND revision = ? RETURNING updated_at")) {
            ps.setString(1, masterKeyId);
            ps.setBytes(2, envelope);
            ps.setInt(3, KeysetEnvelope.FORMAT);
            ps.setLong(4, primaryVersion);
            ps.setLong(5, primaryVersion);
            ps.setString(6, next == null ? null : next.phase());
            ps.setObject(7, next == null ? null : next.version(), java.sql.Types.BIGINT);
            ps.setObject(8, next == null ? null : next.fromVersion(), java.sql.Types.BIGINT);
            ps.setString(9, next == null ? null : next.phase());
            ps.setString(10, old.scope().table());
            ps.setString(11, old.scope().name());
            ps.setString(12, purpose(old.scope().purpose()));
            ps.setLong(13, old.revision());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        }
    }

    /** Refuses when the table lacks the rotation columns (after {@link #open()} checked it). */
    void requireRotationColumns() throws KeyException {
        if (!schema.hasRotationColumns()) {
            throw new KeyException(schema.rotationColumnsMissing());
        }
    }

    /** Rows with a rotation recorded, in scope order; auto-commit. None without the rotation columns. */
    List<Row> readRotating() throws KeyException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = open()) {
            if (!schema.hasRotationColumns()) {
                return rows;
            }
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement(select()
                    + " WHERE rotation_phase IS NOT NULL ORDER BY table_name, key_name, purpose");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw failure("cannot read the index-key rotations", null, e);
        }
        return rows;
    }

    /** The database's clock ({@code statement_timestamp()}): the clock of {@code updated_at} and of the rotation. */
    Instant now() throws KeyException {
        try (Connection c = open()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT statement_timestamp()");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        } catch (SQLException e) {
            throw failure("cannot read the database's clock", null, e);
        }
    }

    /** Work inside one key-table transaction. */
    interface Work<T> {
        T run(Connection c) throws KeyException, SQLException;
    }

    /**
     * Runs {@code work} in one transaction on a connection of its own: committed when it returns, rolled back when
     * it throws. SQL failures become {@link #failure(String, KeyScope, SQLException) failure(what, scope, …)}.
     */
    <T> T inTransaction(String what, KeyScope scope, Work<T> work) throws KeyException {
        try (Connection c = open()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (KeyException | SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure(what, scope, e);
        }
    }

    /** The outcome of one reservation attempt. */
    record Reservation(boolean granted, long primaryVersion, long reserved) { }

    /**
     * Reserves {@code block} encryptions under {@code version}, in one auto-commit statement: granted only while
     * {@code version} is still the primary and the total stays within {@code limit}. Row locks serialise
     * concurrent reservers (PostgreSQL re-checks the condition on the latest row), so the granted total for a
     * version never exceeds {@code limit}. When refused, reports the row's current primary and total.
     */
    Reservation reserve(KeyScope scope, long version, long block, long limit) throws KeyException {
        try (Connection c = open()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET encryptions_reserved = encryptions_reserved + ?"
                    + " WHERE table_name = ? AND key_name = ? AND purpose = ? AND primary_version = ?"
                    + " AND encryptions_reserved <= ? - ? RETURNING encryptions_reserved")) {
                ps.setLong(1, block);
                ps.setString(2, scope.table());
                ps.setString(3, scope.name());
                ps.setString(4, purpose(scope.purpose()));
                ps.setLong(5, version);
                ps.setLong(6, limit);
                ps.setLong(7, block);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new Reservation(true, version, rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT primary_version, encryptions_reserved FROM " + table
                    + " WHERE table_name = ? AND key_name = ? AND purpose = ?")) {
                ps.setString(1, scope.table());
                ps.setString(2, scope.name());
                ps.setString(3, purpose(scope.purpose()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new KeyException("data key for " + scope + " disappeared from " + table
                                + " while reserving encryptions; check who deletes rows");
                    }
                    return new Reservation(false, rs.getLong(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw failure("cannot reserve encryptions", scope, e);
        }
    }

    private String select() {
        return "SELECT table_name, key_name, purpose, master_key_id, wrapped_keyset, primary_version, revision,"
                + " created_at, updated_at, " + (schema.hasRotationColumns()
                        ? "rotation_phase, rotation_version, rotation_from_version, rotation_changed_at"
                        : "NULL::text, NULL::bigint, NULL::bigint, NULL::timestamptz")
                + " FROM " + table;
    }

    private static Row row(ResultSet rs) throws SQLException {
        KeyScope scope = new KeyScope(rs.getString(1), rs.getString(2),
                KeyPurpose.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)));
        String phase = rs.getString(10);
        Long version = rs.getObject(11, Long.class);
        Long from = rs.getObject(12, Long.class);
        java.sql.Timestamp changed = rs.getTimestamp(13);
        RotationRecord rotation = phase == null ? null : new RotationRecord(phase, version == null ? -1 : version,
                from == null ? -1 : from, changed == null ? null : changed.toInstant());
        return new Row(scope, rs.getString(4), rs.getBytes(5), rs.getLong(6), rs.getLong(7),
                rs.getTimestamp(8).toInstant(), rs.getTimestamp(9).toInstant(), rotation);
    }

    static String purpose(KeyPurpose p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Connection trouble and lock contention (serialization failure, deadlock, lock timeout) are retryable
     * ({@link KeyUnavailableException}); a privilege the connection's user lacks ({@code 42501}) is a refusal
     * ({@link KeyAccessDeniedException}); anything else is not retryable.
     */
    KeyException failure(String what, KeyScope scope, SQLException e) {
        String state = e.getSQLState();
        String message = "key table " + table + ": " + what + (scope == null ? "" : " for " + scope)
                + " (SQLState " + state + ": " + e.getMessage() + ")";
        if (EncryptionBudgets.contention(e) != null) {
            return new KeyUnavailableException(message + "; lost a race for a key-table lock, retry", e);
        }
        if (e instanceof SQLTransientException || (state != null && state.startsWith("08"))
                || (state != null && (state.startsWith("53") || state.startsWith("57")))) {
            return new KeyUnavailableException(message + "; retry when the database is reachable", e);
        }
        if (INSUFFICIENT_PRIVILEGE.equals(state)) {
            return new KeyAccessDeniedException(message + "; the connection's user lacks a privilege on " + table
                    + " (a ring needs SELECT, INSERT and UPDATE on it)", e);
        }
        return new KeyException(message + "; check that the connection's user may create, read and insert into "
                + table, e);
    }
}
