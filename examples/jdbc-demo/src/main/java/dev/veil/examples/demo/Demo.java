package dev.veil.examples.demo;

import dev.veil.key.local.LocalKeysetGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo itself: a fresh development master key, a YAML configuration, a {@code patients} table, rows written
 * through Veil, and the same rows read back through Veil and through plain pgjdbc.
 */
public final class Demo {

    /** Demo-owned tables: the data and Veil's wrapped data keys (named apart from a real key table). */
    static final String TABLE = "patients";
    static final String KEY_TABLE = "veil_demo_data_keys";

    static final String CONFIG = """
            # Veil configuration written by the jdbc-demo.
            # The master key is a CLEARTEXT local keyset: for development only, never for real data.
            master-key: local-keyset:%s
            key-table: %s
            tables:
              patients:
                ssn: {}
                email: { blind-index: { name: email_bidx, normalize: [trim, lowercase] } }
                heart_rate: { type: int }
                birth_date: { type: local-date }
            """;

    static final List<String> ENCRYPTED = List.of("ssn", "email", "heart_rate", "birth_date");

    static final String REFUSED_SQL = "SELECT * FROM patients WHERE ssn = ?";

    /** Answered through the blind index email_bidx; the value is normalized (trim, lowercase) like the index. */
    static final String SEARCH_SQL = "SELECT name FROM patients WHERE email = ?";
    static final String SEARCH_VALUE = "  ADA@Example.COM ";

    /** Sample rows (fictitious people and numbers). */
    record Patient(String name, String ssn, String email, int heartRate, LocalDate birthDate) {
    }

    static final List<Patient> PATIENTS = List.of(
            new Patient("Ada Lovelace", "123-45-6789", "ada@example.com", 72, LocalDate.of(1815, 12, 10)),
            new Patient("Alan Turing", "987-65-4321", "alan@example.org", 64, LocalDate.of(1912, 6, 23)),
            new Patient("Grace Hopper", "555-01-2345", "grace@example.net", 80, LocalDate.of(1906, 12, 9)));

    private final DemoDatabase database;
    private final Path directory;
    private boolean created;

    /**
     * @param database where to create the tables; it must not have {@value #TABLE} or {@value #KEY_TABLE} yet
     * @param directory an empty directory for the master key and the configuration
     */
    public Demo(DemoDatabase database, Path directory) {
        this.database = database;
        this.directory = directory;
    }

    /** Runs the demo; the tables it created stay until {@link #dropTables()}. */
    public DemoReport run() throws SQLException, IOException, GeneralSecurityException {
        // 1. A fresh local master key and the YAML that tells Veil which columns to encrypt.
        Path masterKey = directory.resolve("master-keyset.json");
        LocalKeysetGenerator.generate(masterKey);
        Path config = directory.resolve("veil.yml");
        String configText = CONFIG.formatted(masterKey, KEY_TABLE);
        Files.writeString(config, configText, StandardCharsets.UTF_8);

        // 2. The table, created over a plain connection like any migration would.
        createTable();

        // 3. The application's only change: jdbc:postgresql:// becomes jdbc:veil:postgresql://.
        String veilUrl = VeilUrls.veil(database.url(), config);
        List<Map<String, String>> application;
        DemoReport.Search search;
        DemoReport.Refusal refusal;
        int written = 0;
        try (Connection veil = DriverManager.getConnection(veilUrl, database.properties())) {
            try (PreparedStatement insert = veil.prepareStatement(
                    "INSERT INTO patients (name, ssn, email, heart_rate, birth_date) VALUES (?, ?, ?, ?, ?)")) {
                for (Patient p : PATIENTS) {
                    insert.setString(1, p.name());
                    insert.setString(2, p.ssn());
                    insert.setString(3, p.email());
                    insert.setInt(4, p.heartRate());
                    insert.setObject(5, p.birthDate());
                    written += insert.executeUpdate();
                }
            }
            application = selectAll(veil);
            search = search(veil);
            refusal = refused(veil);
        }

        // 4. What the database holds: the same rows, read without Veil.
        List<Map<String, String>> stored;
        try (Connection plain = plain()) {
            stored = selectAll(plain);
        }
        return new DemoReport(database.description(), VeilUrls.display(veilUrl), masterKey, config, configText,
                written, application, stored, ENCRYPTED, search, refusal);
    }

    /**
     * Drops the tables this demo created, if it created them; never a table that was there before.
     *
     * @return whether there was anything to drop
     */
    public boolean dropTables() throws SQLException {
        if (!created) {
            return false;
        }
        try (Connection plain = plain(); Statement st = plain.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + TABLE + ", " + KEY_TABLE);
        }
        created = false;
        return true;
    }

    private void createTable() throws SQLException {
        try (Connection plain = plain(); Statement st = plain.createStatement()) {
            List<String> existing = new ArrayList<>();
            for (String table : List.of(TABLE, KEY_TABLE)) {
                try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        existing.add(table);
                    }
                }
            }
            if (!existing.isEmpty()) {
                throw new IllegalStateException(database.description() + " already has " + String.join(" and ",
                        existing) + "; the demo only creates tables of its own. Drop them (DROP TABLE "
                        + String.join(", ", existing) + ") or point the demo at another database");
            }
            st.execute("CREATE TABLE patients (id serial PRIMARY KEY, name text, ssn text, email bytea, "
                    + "email_bidx bytea, heart_rate bytea, birth_date bytea)");
            st.execute("CREATE INDEX patients_email_bidx_idx ON patients (email_bidx)");
            created = true;
        }
    }

    private static List<Map<String, String>> selectAll(Connection c) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM patients ORDER BY id")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    // getObject: through Veil an Integer or a LocalDate; without it, bytea reads as "\x5601…"
                    Object value = rs.getObject(i);
                    row.put(md.getColumnLabel(i), value instanceof byte[] ? rs.getString(i) : String.valueOf(value));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Equality on an encrypted column with a blind index: Veil sends the index of the value, never the value. */
    private static DemoReport.Search search(Connection veil) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement ps = veil.prepareStatement(SEARCH_SQL)) {
            ps.setString(1, SEARCH_VALUE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return new DemoReport.Search(SEARCH_SQL, SEARCH_VALUE, found);
    }

    /** An equality test on an encrypted column without a blind index cannot be answered; Veil refuses it. */
    private static DemoReport.Refusal refused(Connection veil) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement(REFUSED_SQL)) {
            ps.setString(1, PATIENTS.get(0).ssn());
            ps.executeQuery().close();
            throw new IllegalStateException("Veil ran " + REFUSED_SQL + " instead of refusing it");
        } catch (SQLException e) {
            return new DemoReport.Refusal(REFUSED_SQL, e.getClass().getSimpleName(), e.getSQLState(), e.getMessage());
        }
    }

    private Connection plain() throws SQLException {
        return DriverManager.getConnection(database.url(), database.properties());
    }
}
