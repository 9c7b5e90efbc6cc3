package dev.veil.benchmarks;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The benchmark schema: two tables with the same columns. {@value #PLAIN_TABLE} keeps {@code ssn} and
 * {@code email} as {@code text} and {@code heart_rate} as {@code int}; in {@value #VEIL_TABLE} those three are
 * encrypted by Veil and stored as {@code bytea}. Both variants use the same SQL texts, the same rows and the same
 * getters; only the table name and the connection differ.
 */
final class PatientsSchema {

    static final String PLAIN_TABLE = "plain_patients";
    static final String VEIL_TABLE = "patients";
    static final String KEY_TABLE = "veil_bench_data_keys";

    /** Rows present before every iteration: ids 1..SEED_ROWS. W2 and W3 read them; W1 and W4 add after them. */
    static final int SEED_ROWS = 10_000;

    /** The {@code tables:} section of the Veil YAML. */
    static final String VEIL_TABLES_YAML = "  " + VEIL_TABLE + ":\n"
            + "    ssn: {}\n"
            + "    email: {}\n"
            + "    heart_rate: { type: int }\n";

    private static final String COLUMNS = "id, name, ssn, email, heart_rate";

    private PatientsSchema() {
    }

    /** One patient as the application binds it. */
    record Patient(String name, String ssn, String email, int heartRate) {

        /** {@code count} distinct, deterministic patients of realistic sizes. */
        static Patient[] pool(int count) {
            Patient[] p = new Patient[count];
            for (int i = 0; i < count; i++) {
                p[i] = new Patient("Patient " + i, String.format("%03d-%02d-%04d", 100 + i % 900, i % 100, i),
                        "patient" + i + "@example.com", 50 + i % 70);
            }
            return p;
        }
    }

    static String insertSql(String table) {
        return "INSERT INTO " + table + " (name, ssn, email, heart_rate) VALUES (?, ?, ?, ?)";
    }

    static String selectByIdSql(String table) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
    }

    static String selectUpToIdSql(String table) {
        return "SELECT " + COLUMNS + " FROM " + table + " WHERE id <= ?";
    }

    /** Drops and creates both tables and Veil's key table (the master key is new on every run). */
    static void create(BenchmarkDatabase db) throws SQLException {
        db.execute("DROP TABLE IF EXISTS " + PLAIN_TABLE + ", " + VEIL_TABLE + ", " + KEY_TABLE,
                "CREATE TABLE " + PLAIN_TABLE + " (id bigserial PRIMARY KEY, name text, ssn text, email text, "
                        + "heart_rate int)",
                "CREATE TABLE " + VEIL_TABLE + " (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, "
                        + "heart_rate bytea)");
    }

    /**
     * Inserts {@link #SEED_ROWS} rows through {@code connection} (so Veil encrypts them), then analyses the table
     * on a plain connection (Veil refuses maintenance statements that name an encrypted table).
     */
    static void seed(BenchmarkDatabase db, Connection connection, String table) throws SQLException {
        seed(db, connection, table, SEED_ROWS);
    }

    /** Like {@link #seed(BenchmarkDatabase, Connection, String)} with the first {@code rows} patients of the pool. */
    static void seed(BenchmarkDatabase db, Connection connection, String table, int rows) throws SQLException {
        seed(connection, insertSql(table), rows, PatientsSchema::bind);
        db.execute("ANALYZE " + table);
    }

    /** Binds one patient to an INSERT. */
    interface RowBinder {
        void bind(PreparedStatement ps, Patient p) throws SQLException;
    }

    /** Inserts the first {@code rows} patients of the pool through {@code sql}, in batches of 1,000. */
    static void seed(Connection connection, String sql, int rows, RowBinder binder) throws SQLException {
        Patient[] pool = Patient.pool(rows);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < pool.length; i++) {
                binder.bind(ps, pool[i]);
                ps.addBatch();
                if ((i + 1) % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** Removes what W1/W4 wrote after the seed rows, so every iteration starts from the same table. */
    static void removeWrites(BenchmarkDatabase db, String table) throws SQLException {
        db.execute("DELETE FROM " + table + " WHERE id > " + SEED_ROWS, "VACUUM " + table);
    }

    static void bind(PreparedStatement ps, Patient p) throws SQLException {
        ps.setString(1, p.name());
        ps.setString(2, p.ssn());
        ps.setString(3, p.email());
        ps.setInt(4, p.heartRate());
    }

    /** Reads every column of the current row as an application would: getObject for numbers, getString for text. */
    static void read(ResultSet rs, Blackhole bh) throws SQLException {
        bh.consume(rs.getObject(1));
        bh.consume(rs.getString(2));
        bh.consume(rs.getString(3));
        bh.consume(rs.getString(4));
        bh.consume(rs.getObject(5));
    }

    /**
     * Fails fast when a variant does not do what it claims: the seed rows read back as written through
     * {@code connection}, and — for the Veil table — the database holds no plaintext.
     */
    static void verify(BenchmarkDatabase db, Connection connection, String table) throws SQLException {
        Patient expected = Patient.pool(SEED_ROWS)[41];
        try (PreparedStatement ps = connection.prepareStatement(selectByIdSql(table))) {
            ps.setLong(1, 42);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !Objects.equals(rs.getString(3), expected.ssn())
                        || !Objects.equals(rs.getString(4), expected.email())
                        || !Objects.equals(rs.getObject(5), expected.heartRate())) {
                    throw new IllegalStateException(table + " row 42 does not read back as written");
                }
            }
        }
        if (table.equals(VEIL_TABLE)) {
            try (Connection plain = db.plain(); Statement st = plain.createStatement();
                    ResultSet rs = st.executeQuery("SELECT ssn FROM " + VEIL_TABLE + " WHERE id = 42")) {
                rs.next();
                byte[] stored = rs.getBytes(1);
                if (stored == null || stored[0] != 'V'
                        || new String(stored, StandardCharsets.ISO_8859_1).contains(expected.ssn())) {
                    throw new IllegalStateException(VEIL_TABLE + ".ssn is not stored as Veil ciphertext");
                }
            }
        }
    }
}
