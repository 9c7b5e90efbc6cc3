package dev.veil.benchmarks;

import dev.veil.benchmarks.PatientsSchema.Patient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The blind-index benchmark schema: {@link PatientsSchema}'s two tables, each searchable by {@code email}.
 * {@value PatientsSchema#PLAIN_TABLE} has a btree index on the {@code text} column; in
 * {@value PatientsSchema#VEIL_TABLE} {@code email} is encrypted, Veil keeps a blind index of it in the
 * {@code bytea} companion column {@value #INDEX_COLUMN}, and the btree index is on that column. Both variants run
 * the same SQL text ({@code … WHERE email = ?}); Veil rewrites it to {@code WHERE email_bidx = ?}.
 */
final class BlindIndexSchema {

    static final String INDEX_COLUMN = "email_bidx";

    /** The Veil YAML {@code tables:} body with a default (HMAC-SHA256, 256-bit) blind index on {@code email}. */
    static final String FAST_INDEX_YAML = tablesYaml(INDEX_COLUMN);

    private BlindIndexSchema() {
    }

    /** The {@code tables:} body with {@code blindIndex} (a YAML name or mapping) on {@code email}. */
    static String tablesYaml(String blindIndex) {
        return "  " + PatientsSchema.VEIL_TABLE + ":\n"
                + "    ssn: {}\n"
                + "    email: { blind-index: " + blindIndex + " }\n"
                + "    heart_rate: { type: int }\n";
    }

    static String selectByEmailSql(String table) {
        return "SELECT id, name, ssn, email, heart_rate FROM " + table + " WHERE email = ?";
    }

    /** One lookup with a prepared {@link #selectByEmailSql}: bind, execute, read all five columns of the row. */
    static void selectByEmail(PreparedStatement selectByEmail, String email, org.openjdk.jmh.infra.Blackhole bh)
            throws SQLException {
        selectByEmail.setString(1, email);
        try (ResultSet rs = selectByEmail.executeQuery()) {
            rs.next();
            PatientsSchema.read(rs, bh);
        }
    }

    /** Drops and creates both tables, their email indexes and Veil's key table. */
    static void create(BenchmarkDatabase db) throws SQLException {
        String plain = PatientsSchema.PLAIN_TABLE;
        String veil = PatientsSchema.VEIL_TABLE;
        db.execute("DROP TABLE IF EXISTS " + plain + ", " + veil + ", " + PatientsSchema.KEY_TABLE,
                "CREATE TABLE " + plain + " (id bigserial PRIMARY KEY, name text, ssn text, email text, "
                        + "heart_rate int)",
                "CREATE INDEX " + plain + "_email_idx ON " + plain + " (email)",
                "CREATE TABLE " + veil + " (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, "
                        + "heart_rate bytea, " + INDEX_COLUMN + " bytea)",
                "CREATE INDEX " + veil + "_" + INDEX_COLUMN + "_idx ON " + veil + " (" + INDEX_COLUMN + ")");
    }

    /**
     * Pads {@value PatientsSchema#VEIL_TABLE} (already holding rows written through Veil) to {@code rows} rows with
     * copies of those rows, each with a random 32-byte index value: real ciphertexts and an index of the same size
     * as a fully seeded table's, without paying a slow (Argon2id) index computation per row. The copies are never
     * looked up. Then analyses the table.
     */
    static void padVeilTable(BenchmarkDatabase db, int rows) throws SQLException {
        String veil = PatientsSchema.VEIL_TABLE;
        db.execute("INSERT INTO " + veil + " (name, ssn, email, heart_rate, " + INDEX_COLUMN + ") "
                        + "SELECT p.name, p.ssn, p.email, p.heart_rate, "
                        + "decode(md5(random()::text) || md5(random()::text), 'hex') "
                        + "FROM generate_series(1, " + rows + " - (SELECT count(*) FROM " + veil + ")) g "
                        + "JOIN " + veil + " p ON p.id = 1 + g % (SELECT count(*) FROM " + veil + ")",
                "ANALYZE " + veil);
    }

    /**
     * Fails fast when the search does not do what it claims: {@code patient}'s e-mail finds exactly its row through
     * {@code connection}; the server plans the lookup as an index scan (on {@value #INDEX_COLUMN} for the Veil
     * table); and every Veil row has an index value.
     */
    static void verify(BenchmarkDatabase db, Connection connection, String table, Patient patient)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(selectByEmailSql(table))) {
            ps.setString(1, patient.email());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !patient.ssn().equals(rs.getString(3))
                        || !patient.email().equals(rs.getString(4)) || rs.next()) {
                    throw new IllegalStateException(table + ": searching " + patient.name()
                            + "'s e-mail does not return exactly that row");
                }
            }
        }
        boolean veil = table.equals(PatientsSchema.VEIL_TABLE);
        String probe = veil ? INDEX_COLUMN + " = '\\x" + "00".repeat(32) + "'::bytea" : "email = 'nobody@example.com'";
        try (Connection plain = db.plain(); Statement st = plain.createStatement()) {
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN SELECT * FROM " + table + " WHERE " + probe)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            if (!plan.toString().contains("Index")) {
                throw new IllegalStateException(table + ": the search is not planned as an index scan:\n" + plan);
            }
            if (veil) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + " WHERE " + INDEX_COLUMN
                        + " IS NULL")) {
                    rs.next();
                    if (rs.getLong(1) != 0) {
                        throw new IllegalStateException(table + ": " + rs.getLong(1) + " rows have no index value");
                    }
                }
            }
        }
    }
}
