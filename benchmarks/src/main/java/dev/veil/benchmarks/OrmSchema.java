package dev.veil.benchmarks;

import dev.veil.benchmarks.PatientsSchema.Patient;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The ORM-shape schema: three tables with the same columns, each searchable by e-mail, seeded with
 * {@code rows} patients (100,000 by default).
 *
 * <pre>
 * orm_plain    (id bigserial PRIMARY KEY, name text, ssn text,  email text,  heart_rate int)           index on email
 * orm_patients (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, heart_rate bytea,
 *               email_bidx bytea)                                                    through Veil, index on email_bidx
 * orm_twin     (the same columns and types as orm_patients)                         plain pgjdbc, index on email_bidx
 * orm_floor    (the same columns and types as orm_patients)          plain pgjdbc + Tink directly, index on email_bidx
 * </pre>
 *
 * {@code orm_twin} is the physical twin of Veil's table: after the seed it holds a byte-for-byte copy of
 * {@code orm_patients} (the ciphertexts and the 32-byte index values Veil wrote), and its writes bind ciphertexts
 * of the same sizes. {@code orm_floor} holds the same patients sealed by {@link FloorCrypto} (Tink's AES-256-GCM and
 * HMAC with nothing around them), values of the same sizes. What separates plain from the twin is the physical
 * layout (server storage and bytes on the wire); the twin from the floor, the cryptography itself; the floor from
 * Veil, what Veil adds around the cryptography.
 */
final class OrmSchema {

    static final String PLAIN = "orm_plain";
    static final String VEIL = "orm_patients";
    static final String TWIN = "orm_twin";
    /** The twin's layout, written and read with {@link FloorCrypto} (Tink alone): the crypto floor. */
    static final String FLOOR = "orm_floor";
    static final String INDEX_COLUMN = "email_bidx";
    static final int DEFAULT_ROWS = 100_000;
    /** Rows W3 reads ({@code WHERE id <= 10000}). */
    static final int W3_ROWS = 10_000;

    static final String TABLES_YAML = "  " + VEIL + ":\n"
            + "    ssn: {}\n"
            + "    email: { blind-index: " + INDEX_COLUMN + " }\n"
            + "    heart_rate: { type: int }\n";

    static final String COLUMNS = "id, name, ssn, email, heart_rate";

    private OrmSchema() {
    }

    /** Drops and creates the three tables, their e-mail indexes and Veil's key table. */
    static void create(BenchmarkDatabase db) throws SQLException {
        db.execute("DROP TABLE IF EXISTS " + PLAIN + ", " + VEIL + ", " + TWIN + ", " + FLOOR + ", "
                        + PatientsSchema.KEY_TABLE,
                "CREATE TABLE " + PLAIN + " (id bigserial PRIMARY KEY, name text, ssn text, email text, "
                        + "heart_rate int)",
                "CREATE INDEX " + PLAIN + "_email_idx ON " + PLAIN + " (email)",
                "CREATE TABLE " + VEIL + " (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, "
                        + "heart_rate bytea, " + INDEX_COLUMN + " bytea)",
                "CREATE INDEX " + VEIL + "_" + INDEX_COLUMN + "_idx ON " + VEIL + " (" + INDEX_COLUMN + ")",
                "CREATE TABLE " + TWIN + " (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, "
                        + "heart_rate bytea, " + INDEX_COLUMN + " bytea)",
                "CREATE INDEX " + TWIN + "_" + INDEX_COLUMN + "_idx ON " + TWIN + " (" + INDEX_COLUMN + ")",
                "CREATE TABLE " + FLOOR + " (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, "
                        + "heart_rate bytea, " + INDEX_COLUMN + " bytea)",
                "CREATE INDEX " + FLOOR + "_" + INDEX_COLUMN + "_idx ON " + FLOOR + " (" + INDEX_COLUMN + ")");
    }

    /** The twin's INSERT, on {@code table}: the four values and the index value, bound as stored. */
    static String storedInsertSql(String table) {
        return "INSERT INTO " + table + " (name, ssn, email, heart_rate, " + INDEX_COLUMN + ") VALUES (?, ?, ?, ?, ?)";
    }

    /** Binds a row's stored form to {@link #storedInsertSql}. */
    static void bindStored(PreparedStatement ps, Stored s) throws SQLException {
        ps.setString(1, s.name());
        ps.setBytes(2, s.ssn());
        ps.setBytes(3, s.email());
        ps.setBytes(4, s.heartRate());
        ps.setBytes(5, s.emailIndex());
    }

    /** Seeds the floor table with the first {@code rows} patients, sealed by {@code crypto}, and analyses it. */
    static void seedFloor(BenchmarkDatabase db, Connection plain, FloorCrypto crypto, int rows) throws SQLException {
        PatientsSchema.seed(plain, storedInsertSql(FLOOR), rows, (ps, p) -> bindStored(ps, crypto.seal(p)));
        db.execute("VACUUM ANALYZE " + FLOOR);
    }

    /**
     * Seeds {@code rows} patients into the plain table (pgjdbc) and the Veil table (through {@code veil}, so it holds
     * real ciphertext and index values), copies the Veil table into the twin, and vacuums and analyses all three.
     */
    static void seed(BenchmarkDatabase db, Connection plain, Connection veil, int rows) throws SQLException {
        PatientsSchema.seed(db, plain, PLAIN, rows);
        PatientsSchema.seed(db, veil, VEIL, rows);
        db.execute("INSERT INTO " + TWIN + " (id, name, ssn, email, heart_rate, " + INDEX_COLUMN + ") "
                        + "SELECT id, name, ssn, email, heart_rate, " + INDEX_COLUMN + " FROM " + VEIL + " ORDER BY id",
                "SELECT setval(pg_get_serial_sequence('" + TWIN + "', 'id'), " + rows + ")",
                "VACUUM ANALYZE " + PLAIN, "VACUUM ANALYZE " + VEIL, "VACUUM ANALYZE " + TWIN);
    }

    /** Fails fast unless the floor's index value of {@code patient}'s e-mail finds its row, decrypted right. */
    static void verifyFloor(Connection plain, FloorCrypto crypto, Patient patient) throws SQLException {
        try (PreparedStatement ps = plain.prepareStatement("SELECT ssn, email, heart_rate FROM " + FLOOR + " WHERE "
                + INDEX_COLUMN + " = ?")) {
            ps.setBytes(1, crypto.index(patient.email()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !patient.ssn().equals(crypto.ssn(rs.getBytes(1)))
                        || !patient.email().equals(crypto.email(rs.getBytes(2)))
                        || patient.heartRate() != crypto.heartRate(rs.getBytes(3)) || rs.next()) {
                    throw new IllegalStateException(FLOOR + ": " + patient.name() + "'s index value does not find "
                            + "exactly that row");
                }
            }
        }
    }

    /** Removes what W1/W4 wrote after the seed, and vacuums, so every round starts from the same tables. */
    static void removeWrites(BenchmarkDatabase db, int rows) throws SQLException {
        db.execute("DELETE FROM " + PLAIN + " WHERE id > " + rows, "DELETE FROM " + VEIL + " WHERE id > " + rows,
                "DELETE FROM " + TWIN + " WHERE id > " + rows, "DELETE FROM " + FLOOR + " WHERE id > " + rows,
                "VACUUM " + PLAIN, "VACUUM " + VEIL, "VACUUM " + TWIN, "VACUUM " + FLOOR);
    }

    /**
     * One line per table: average row width ({@code pg_column_size} of the row), average stored size of ssn, email
     * and heart_rate, heap and index sizes: the physical layout behind the twin ÷ plain ratios.
     */
    static String sizes(BenchmarkDatabase db) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.plain(); Statement st = c.createStatement()) {
            for (String t : new String[] {PLAIN, TWIN, FLOOR, VEIL}) {
                try (ResultSet rs = st.executeQuery("SELECT avg(pg_column_size(t.*)), avg(pg_column_size(ssn)), "
                        + "avg(pg_column_size(email)), avg(pg_column_size(heart_rate)), "
                        + "pg_relation_size('" + t + "'), pg_indexes_size('" + t + "') FROM " + t + " t")) {
                    rs.next();
                    out.append(String.format(java.util.Locale.ROOT, "%-12s row %.0f B (ssn %.0f, email %.0f, "
                            + "heart_rate %.0f), heap %,d kB, indexes %,d kB%n", t, rs.getDouble(1), rs.getDouble(2),
                            rs.getDouble(3), rs.getDouble(4), rs.getLong(5) / 1024, rs.getLong(6) / 1024));
                }
            }
        }
        return out.toString();
    }

    /** The stored values of Veil's row {@code id} (ciphertexts and index value), for the twin's writes and lookups. */
    record Stored(String name, byte[] ssn, byte[] email, byte[] heartRate, byte[] emailIndex) {
    }

    /** The stored form of rows {@code ids} of the Veil table, read on a plain connection. */
    static Stored[] stored(BenchmarkDatabase db, long[] ids) throws SQLException {
        Stored[] out = new Stored[ids.length];
        try (Connection c = db.plain(); PreparedStatement ps = c.prepareStatement("SELECT name, ssn, email, "
                + "heart_rate, " + INDEX_COLUMN + " FROM " + VEIL + " WHERE id = ?")) {
            for (int i = 0; i < ids.length; i++) {
                ps.setLong(1, ids[i]);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException(VEIL + " has no row " + ids[i]);
                    }
                    out[i] = new Stored(rs.getString(1), rs.getBytes(2), rs.getBytes(3), rs.getBytes(4),
                            rs.getBytes(5));
                }
            }
        }
        return out;
    }

    /**
     * Fails fast when a variant does not do what it claims: the e-mail of {@code patient} (row {@code id}) finds
     * exactly that row through Veil and the plain table, the twin's index value finds it in the twin, every lookup
     * is planned as an index scan, and the Veil table holds ciphertext, not the plaintext.
     */
    static void verify(BenchmarkDatabase db, Connection plain, Connection veil, Patient patient, Stored stored)
            throws SQLException {
        for (Connection c : new Connection[] {plain, veil}) {
            String table = c == plain ? PLAIN : VEIL;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                    + " WHERE email = ?")) {
                ps.setString(1, patient.email());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !patient.ssn().equals(rs.getString(3))
                            || !patient.email().equals(rs.getString(4))
                            || !Integer.valueOf(patient.heartRate()).equals(rs.getObject(5)) || rs.next()) {
                        throw new IllegalStateException(table + ": " + patient.name() + "'s e-mail does not find "
                                + "exactly that row");
                    }
                }
            }
        }
        try (PreparedStatement ps = plain.prepareStatement("SELECT count(*) FROM " + TWIN + " WHERE "
                + INDEX_COLUMN + " = ?")) {
            ps.setBytes(1, stored.emailIndex());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != 1) {
                    throw new IllegalStateException(TWIN + ": the index value of " + patient.name() + " finds "
                            + rs.getLong(1) + " rows");
                }
            }
        }
        if (stored.ssn()[0] != 'V' || new String(stored.ssn(), StandardCharsets.ISO_8859_1).contains(patient.ssn())
                || stored.emailIndex().length != 32) {
            throw new IllegalStateException(VEIL + " does not hold Veil ciphertext and 32-byte index values");
        }
        try (Statement st = plain.createStatement()) {
            for (String probe : new String[] {PLAIN + " WHERE email = 'nobody@example.com'",
                    VEIL + " WHERE " + INDEX_COLUMN + " = '\\x" + "00".repeat(32) + "'::bytea",
                    TWIN + " WHERE " + INDEX_COLUMN + " = '\\x" + "00".repeat(32) + "'::bytea"}) {
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = st.executeQuery("EXPLAIN SELECT * FROM " + probe)) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                if (!plan.toString().contains("Index")) {
                    throw new IllegalStateException(probe + " is not planned as an index scan:\n" + plan);
                }
            }
        }
    }
}
