package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.testing.VeilFixture;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every supported value type round-trips with its Java type; NULL stays NULL; what the database holds is never
 * plaintext; and stored values that were moved, truncated, altered or written around Veil are refused on read.
 */
class TamperIT {

    /** One supported type: its column (declared with that type), how to bind it, and a literal that writes it. */
    record Kind(String type, String sqlType, String nativeType, Object value, Binder binder, String literal) {
        String column() {
            return "c_" + type.replace('-', '_');
        }

        @Override
        public String toString() {
            return type;
        }
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps, int i, Object v) throws SQLException;
    }

    static final OffsetDateTime ODT = OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 789_000_000, ZoneOffset.ofHours(2));

    static final List<Kind> KINDS = List.of(
            new Kind("string", "text", "text", "héllo wörld 🔒", (ps, i, v) -> ps.setString(i, (String) v),
                    "'héllo wörld 🔒'"),
            new Kind("bytes", "bytea", "bytea", new byte[] {0, 1, 2, (byte) 0xff, 'V', 1},
                    (ps, i, v) -> ps.setBytes(i, (byte[]) v), null),
            new Kind("boolean", "bytea", "boolean", true, (ps, i, v) -> ps.setBoolean(i, (Boolean) v), "true"),
            new Kind("short", "bytea", "smallint", (short) 12345, (ps, i, v) -> ps.setShort(i, (Short) v), "12345"),
            new Kind("int", "text", "integer", 1234567, (ps, i, v) -> ps.setInt(i, (Integer) v), "1234567"),
            new Kind("long", "bytea", "bigint", 9_000_000_123L, (ps, i, v) -> ps.setLong(i, (Long) v), "9000000123"),
            new Kind("float", "bytea", "real", 1.5f, (ps, i, v) -> ps.setFloat(i, (Float) v), "1.5"),
            new Kind("double", "bytea", "double precision", 2.125, (ps, i, v) -> ps.setDouble(i, (Double) v),
                    "2.125"),
            new Kind("decimal", "text", "numeric", new BigDecimal("1.50"),
                    (ps, i, v) -> ps.setBigDecimal(i, (BigDecimal) v), "1.50"),
            new Kind("uuid", "bytea", "uuid", UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"),
                    (ps, i, v) -> ps.setObject(i, v), "'0f8fad5b-d9cb-469f-a165-70867728950e'"),
            new Kind("local-date", "text", "date", LocalDate.of(2024, 2, 29), (ps, i, v) -> ps.setObject(i, v),
                    "DATE '2024-02-29'"),
            new Kind("local-time", "bytea", "time", LocalTime.of(12, 34, 56, 789_000_000),
                    (ps, i, v) -> ps.setObject(i, v), "'12:34:56.789'"),
            new Kind("local-date-time", "bytea", "timestamp", LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789_000_000),
                    (ps, i, v) -> ps.setObject(i, v), "TIMESTAMP '2024-02-29 12:34:56.789'"),
            new Kind("offset-date-time", "bytea", "timestamptz", ODT, (ps, i, v) -> ps.setObject(i, v),
                    "'2024-02-29T12:34:56.789+02:00'"),
            new Kind("instant", "bytea", "timestamptz", Instant.parse("2024-02-29T10:34:56.789Z"),
                    (ps, i, v) -> ps.setObject(i, v), "'2024-02-29T10:34:56.789Z'"),
            new Kind("sql-date", "bytea", "date", java.sql.Date.valueOf("2024-02-29"),
                    (ps, i, v) -> ps.setDate(i, (java.sql.Date) v), "DATE '2024-02-29'"),
            new Kind("sql-time", "bytea", "time", java.sql.Time.valueOf("12:34:56"),
                    (ps, i, v) -> ps.setTime(i, (java.sql.Time) v), "TIME '12:34:56'"),
            new Kind("sql-timestamp", "bytea", "timestamp", java.sql.Timestamp.valueOf("2024-02-29 12:34:56.789"),
                    (ps, i, v) -> ps.setTimestamp(i, (java.sql.Timestamp) v), "TIMESTAMP '2024-02-29 12:34:56.789'"));

    static VeilFixture fx;
    static Connection veil;
    static Connection raw;
    static final AtomicInteger IDS = new AtomicInteger(1000);
    /** Messages of every exception Veil raised here: none may contain a plaintext value. */
    static final List<String> MESSAGES = new ArrayList<>();

    @BeforeAll
    static void setUp() throws SQLException {
        StringBuilder yaml = new StringBuilder("  typed:\n");
        StringBuilder ddl = new StringBuilder("CREATE TABLE typed (id int PRIMARY KEY");
        StringBuilder twin = new StringBuilder("CREATE TABLE twin (id int PRIMARY KEY");
        for (Kind k : KINDS) {
            yaml.append("    ").append(k.column()).append(": { type: ").append(k.type()).append(" }\n");
            ddl.append(", ").append(k.column()).append(' ').append(k.sqlType());
            twin.append(", ").append(k.column()).append(' ').append(k.nativeType());
        }
        yaml.append("  patients:\n    ssn: {}\n    email: {}\n    note: {}\n    heart_rate: { type: int }\n");
        fx = VeilFixture.create(TamperIT.class, yaml.toString());
        fx.plainExecute(ddl + ")", twin + ")",
                "CREATE TABLE patients (id int PRIMARY KEY, ssn text, email bytea, note bytea, heart_rate text)");
        veil = fx.veil();
        raw = fx.plain();
    }

    @AfterAll
    static void tearDown() throws SQLException {
        veil.close();
        raw.close();
        fx.close();
    }

    static Stream<Kind> kinds() {
        return KINDS.stream();
    }

    private static Object read(Connection c, String sql, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getObject(1);
            }
        }
    }

    private static void assertSameValue(Object actual, Object expected) {
        assertThat(actual).isNotNull();
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        if (expected instanceof byte[]) {
            assertThat((byte[]) actual).containsExactly((byte[]) expected);
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // round trips

    @ParameterizedTest(name = "{0} through PreparedStatement")
    @MethodSource("kinds")
    void preparedStatementRoundTripKeepsJavaTypeAndValue(Kind k) throws SQLException {
        int id = IDS.incrementAndGet();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO typed (id, " + k.column() + ") VALUES (?, ?)")) {
            ps.setInt(1, id);
            k.binder().bind(ps, 2, k.value());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertSameValue(read(veil, "SELECT " + k.column() + " FROM typed WHERE id = ?", id), k.value());
        assertStoredIsCiphertext(k, id);
        // also bound through setObject
        int id2 = IDS.incrementAndGet();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO typed (id, " + k.column() + ") VALUES (?, ?)")) {
            ps.setInt(1, id2);
            ps.setObject(2, k.value());
            ps.executeUpdate();
        }
        assertSameValue(read(veil, "SELECT " + k.column() + " FROM typed WHERE id = ?", id2), k.value());
    }

    @ParameterizedTest(name = "{0} through a Statement literal")
    @MethodSource("kinds")
    void statementLiteralRoundTripKeepsDeclaredType(Kind k) throws SQLException {
        if (k.literal() == null) {
            return; // bytes have no portable literal form; covered through PreparedStatement
        }
        int id = IDS.incrementAndGet();
        try (Statement st = veil.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO typed (id, " + k.column() + ") VALUES (" + id + ", "
                    + k.literal() + ")")).isEqualTo(1);
            try (ResultSet rs = st.executeQuery("SELECT " + k.column() + " FROM typed WHERE id = " + id)) {
                assertThat(rs.next()).isTrue();
                Object v = rs.getObject(1);
                if (k.value() instanceof OffsetDateTime) {
                    assertThat(v).isInstanceOf(OffsetDateTime.class);
                    assertThat(((OffsetDateTime) v).isEqual(ODT)).isTrue();
                } else {
                    assertSameValue(v, k.value());
                }
            }
        }
        assertStoredIsCiphertext(k, id);
    }

    @ParameterizedTest(name = "{0}: NULL stays SQL NULL")
    @MethodSource("kinds")
    void nullStaysSqlNull(Kind k) throws SQLException {
        int a = IDS.incrementAndGet();
        int b = IDS.incrementAndGet();
        int c = IDS.incrementAndGet();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO typed (id, " + k.column() + ") VALUES (?, ?)")) {
            ps.setInt(1, a);
            ps.setNull(2, Types.OTHER);
            ps.executeUpdate();
            ps.setInt(1, b);
            ps.setObject(2, null);
            ps.executeUpdate();
        }
        try (Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO typed (id, " + k.column() + ") VALUES (" + c + ", NULL)");
        }
        for (int id : new int[] {a, b, c}) {
            try (PreparedStatement ps = veil.prepareStatement("SELECT " + k.column() + " FROM typed WHERE id = ?")) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1)).isNull();
                    assertThat(rs.wasNull()).isTrue();
                    assertThat(rs.getString(1)).isNull();
                }
            }
            try (PreparedStatement ps = raw.prepareStatement("SELECT " + k.column() + " IS NULL FROM typed WHERE id = ?")) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("stored as SQL NULL").isTrue();
                }
            }
        }
    }

    /**
     * Typed getters convert like pgjdbc does on a column of the native type: same value, or both fail. getObject is
     * left out on purpose (Veil returns the written Java type, pgjdbc the column type's default).
     */
    private static void compareGetters(Kind k, boolean strict) throws SQLException {
        int id = IDS.incrementAndGet();
        for (Connection c : new Connection[] {veil, raw}) {
            String table = c == veil ? "typed" : "twin";
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, " + k.column()
                    + ") VALUES (?, ?)")) {
                ps.setInt(1, id);
                if (c == raw && k.value() instanceof Instant) {
                    // pgjdbc cannot bind an Instant; the same moment as an OffsetDateTime
                    ps.setObject(2, OffsetDateTime.ofInstant((Instant) k.value(), ZoneOffset.UTC));
                } else {
                    k.binder().bind(ps, 2, k.value());
                }
                ps.executeUpdate();
            }
        }
        List<String> veilOut = getters(veil, "typed", k, id, false);
        List<String> pgOut = getters(raw, "twin", k, id, true);
        if (strict) {
            assertThat(veilOut).as("Veil vs pgjdbc on %s", k.nativeType()).isEqualTo(pgOut);
            return;
        }
        // the known differences (see the disabled tests below) are left out here
        boolean numeric = k.value() instanceof Number;
        boolean time = k.nativeType().equals("time");
        for (int i = 0; i < veilOut.size(); i++) {
            String getter = veilOut.get(i).substring(0, veilOut.get(i).indexOf(':'));
            boolean known = (getter.equals("boolean") && numeric) || (getter.equals("double") && !numeric)
                    || ((getter.equals("int") || getter.equals("long")) && k.value() instanceof Boolean)
                    || (getter.equals("timestamp") && time);
            if (!known) {
                assertThat(veilOut.get(i)).as("Veil vs pgjdbc on %s", k.nativeType()).isEqualTo(pgOut.get(i));
            }
        }
    }

    @ParameterizedTest(name = "{0}: typed getters convert like pgjdbc")
    @MethodSource("kinds")
    void typedGettersConvertLikePgjdbc(Kind k) throws SQLException {
        compareGetters(k, false);
    }

    /**
     * Every typed getter answers as pgjdbc does on a column of the native type (same value, or an error where pgjdbc
     * errors): getDouble on a non-number is 22018, getBoolean accepts only 1/0, getInt on a boolean errors, and
     * getTimestamp on a time is that time on 1970-01-01.
     */
    @ParameterizedTest(name = "{0}: every typed getter as pgjdbc")
    @MethodSource("kinds")
    void typedGettersMatchPgjdbcEverywhere(Kind k) throws SQLException {
        compareGetters(k, true);
    }

    @Test
    void getDoubleOnNonNumericValueRaisesConversionError() throws SQLException {
        int id = IDS.incrementAndGet();
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO typed (id, c_uuid) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setObject(2, UUID.randomUUID());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = veil.prepareStatement("SELECT c_uuid FROM typed WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                SQLException e = catchThrowableOfType(SQLException.class, () -> rs.getDouble(1));
                assertThat((Object) e).isInstanceOf(SQLDataException.class);
                assertThat(e.getSQLState()).isEqualTo("22018");
                e = catchThrowableOfType(SQLException.class, () -> rs.getFloat(1));
                assertThat(e.getSQLState()).isEqualTo("22018");
            }
        }
    }

    private static List<String> getters(Connection c, String table, Kind k, int id, boolean pgjdbc)
            throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + k.column() + " FROM " + table + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                out.add("int:" + attempt(() -> rs.getInt(1), pgjdbc));
                out.add("long:" + attempt(() -> rs.getLong(1), pgjdbc));
                out.add("double:" + attempt(() -> rs.getDouble(1), pgjdbc));
                out.add("decimal:" + attempt(() -> rs.getBigDecimal(1), pgjdbc));
                out.add("boolean:" + attempt(() -> rs.getBoolean(1), pgjdbc));
                out.add("date:" + attempt(() -> rs.getDate(1), pgjdbc));
                out.add("timestamp:" + attempt(() -> rs.getTimestamp(1), pgjdbc));
            }
        }
        return out;
    }

    interface Getter {
        Object get() throws SQLException;
    }

    /** The value as text, "error" for an SQLException; a RuntimeException escaping Veil is its own outcome. */
    private static String attempt(Getter g, boolean pgjdbc) {
        try {
            Object v = g.get();
            return v instanceof byte[] ? Arrays.toString((byte[]) v) : String.valueOf(v);
        } catch (SQLException e) {
            return "error";
        } catch (RuntimeException e) {
            return pgjdbc ? "error" : "unchecked " + e.getClass().getSimpleName();
        }
    }

    private static void assertStoredIsCiphertext(Kind k, int id) throws SQLException {
        try (PreparedStatement ps = raw.prepareStatement("SELECT " + k.column() + " FROM typed WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (k.sqlType().equals("bytea")) {
                    byte[] b = rs.getBytes(1);
                    assertThat(b[0]).isEqualTo((byte) 'V');
                    assertThat(b.length).isGreaterThan(28);
                } else {
                    String s = rs.getString(1);
                    assertThat(s).startsWith("veil1:");
                    assertThat(s).doesNotContain(String.valueOf(k.value()));
                }
            }
        }
    }

    @Test
    void rawReadsShowNoPlaintext() throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, ssn, email, note, heart_rate) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            ps.setInt(1, 1);
            ps.setString(2, "123-45-6789");
            ps.setString(3, "ada@example.com");
            ps.setString(4, "ada@example.com");
            ps.setInt(5, 72);
            ps.executeUpdate();
        }
        try (Statement st = raw.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssn, encode(email, 'escape'), encode(note, 'escape'), "
                        + "heart_rate, typed::text FROM patients, typed")) {
            while (rs.next()) {
                for (int i = 1; i <= 5; i++) {
                    String s = rs.getString(i);
                    assertThat(s).doesNotContain("123-45-6789").doesNotContain("ada@example").doesNotContain("72")
                            .doesNotContain("héllo").doesNotContain("0f8fad5b").doesNotContain("1234567")
                            .doesNotContain("2024-02-29");
                }
            }
        }
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT ssn, email, note, "
                + "heart_rate FROM patients WHERE id = 1")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("123-45-6789");
            assertThat(rs.getObject(2)).isEqualTo("ada@example.com");
            assertThat(rs.getObject(4)).isEqualTo(72);
        }
        // two encryptions of one value differ (randomized)
        try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery("SELECT email = note FROM patients "
                + "WHERE id = 1")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isFalse();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // tampering

    private static void insertPatient(int id, String ssn, String email) throws SQLException {
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, ssn, email, note) VALUES "
                + "(?, ?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, ssn);
            ps.setString(3, email);
            ps.setString(4, email);
            ps.executeUpdate();
        }
    }

    private static SQLException readFails(String column, int id) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> read(veil, "SELECT " + column
                + " FROM patients WHERE id = ?", id));
        assertThat((Object) e).as("reading %s of row %s must fail", column, id).isNotNull();
        synchronized (MESSAGES) {
            MESSAGES.add(e.getMessage());
        }
        return e;
    }

    @Test
    void ciphertextMovedToAnotherColumnIsRejected() throws SQLException {
        insertPatient(10, "111-22-3333", "mover@example.com");
        insertPatient(11, "444-55-6666", "other@example.com");
        // email's ciphertext into another row's note (another column, same storage)
        try (Statement st = raw.createStatement()) {
            st.executeUpdate("UPDATE patients SET note = (SELECT email FROM patients WHERE id = 10) WHERE id = 11");
            st.executeUpdate("UPDATE patients SET note = email WHERE id = 10");
        }
        for (int id : new int[] {10, 11}) {
            SQLException e = readFails("note", id);
            assertThat(e.getSQLState()).isEqualTo("VE001");
            assertThat(e.getMessage()).contains("patients.note");
        }
        // the untouched column still reads
        assertThat(read(veil, "SELECT email FROM patients WHERE id = ?", 11)).isEqualTo("other@example.com");
    }

    @Test
    void textCiphertextMovedToAnotherTableColumnIsRejected() throws SQLException {
        insertPatient(12, "777-88-9999", null);
        int id = IDS.incrementAndGet();
        try (Statement st = raw.createStatement()) {
            st.executeUpdate("INSERT INTO typed (id, c_string) SELECT " + id + ", ssn FROM patients WHERE id = 12");
        }
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> read(veil, "SELECT c_string FROM typed WHERE id = ?", id));
        assertThat(e.getSQLState()).isEqualTo("VE001");
        MESSAGES.add(e.getMessage());
    }

    /**
     * Documents a limit of the format: the associated data binds a ciphertext to its column, not to its row, so a
     * value copied between rows of one column still decrypts (use a row-binding design if that matters).
     */
    @Test
    void ciphertextCopiedBetweenRowsOfOneColumnStillDecrypts() throws SQLException {
        insertPatient(13, "121-21-2121", "row13@example.com");
        insertPatient(14, "141-41-4141", "row14@example.com");
        try (Statement st = raw.createStatement()) {
            st.executeUpdate("UPDATE patients SET ssn = (SELECT ssn FROM patients WHERE id = 13) WHERE id = 14");
        }
        assertThat(read(veil, "SELECT ssn FROM patients WHERE id = ?", 14)).isEqualTo("121-21-2121");
    }

    @Test
    void truncatedOrBitFlippedCiphertextIsRejected() throws SQLException {
        insertPatient(20, "200-00-0000", "t20@example.com");
        insertPatient(21, "210-00-0000", "t21@example.com");
        insertPatient(22, "220-00-0000", "t22@example.com");
        try (Statement st = raw.createStatement()) {
            // bytea: drop the last 4 bytes of the tag / flip one bit in the middle
            st.executeUpdate("UPDATE patients SET email = substring(email from 1 for length(email) - 4) WHERE id = 20");
            st.executeUpdate("UPDATE patients SET email = set_bit(email, 8 * (length(email) / 2), "
                    + "1 - get_bit(email, 8 * (length(email) / 2))) WHERE id = 21");
            // text: drop the tail / change one base64 character
            st.executeUpdate("UPDATE patients SET ssn = left(ssn, length(ssn) - 6) WHERE id = 20");
            st.executeUpdate("UPDATE patients SET ssn = overlay(ssn placing (CASE WHEN substr(ssn, 20, 1) = 'A' "
                    + "THEN 'B' ELSE 'A' END) from 20 for 1) WHERE id = 21");
            st.executeUpdate("UPDATE patients SET ssn = ssn || '!!' WHERE id = 22");
        }
        for (String column : new String[] {"email", "ssn"}) {
            for (int id : new int[] {20, 21}) {
                SQLException e = readFails(column, id);
                assertThat(e.getSQLState()).as("%s row %s: %s", column, id, e.getMessage()).isEqualTo("VE001");
                assertThat(e.getMessage()).contains("patients." + column);
            }
        }
        assertThat(readFails("ssn", 22).getSQLState()).isEqualTo("VE001");
        assertThat(read(veil, "SELECT email FROM patients WHERE id = ?", 22)).isEqualTo("t22@example.com");
    }

    @Test
    void plaintextWrittenAroundVeilIsRejectedUnlessLegacyPlaintextIsAllowed() throws SQLException {
        try (Statement st = raw.createStatement()) {
            st.executeUpdate("INSERT INTO patients (id, ssn, email, heart_rate) VALUES (30, '300-00-0000', "
                    + "convert_to('legacy@example.com', 'UTF8'), '42')");
        }
        for (String column : new String[] {"ssn", "email", "heart_rate"}) {
            SQLException e = readFails(column, 30);
            assertThat(e.getSQLState()).isEqualTo("VE004");
            assertThat(e.getMessage()).contains("patients." + column);
        }
        try (Connection legacy = java.sql.DriverManager.getConnection(fx.veilUrl() + "&veil.allow-legacy-plaintext=true",
                fx.properties())) {
            assertThat(read(legacy, "SELECT ssn FROM patients WHERE id = ?", 30)).isEqualTo("300-00-0000");
            assertThat(read(legacy, "SELECT heart_rate FROM patients WHERE id = ?", 30)).isEqualTo(42);
            Object email = read(legacy, "SELECT email FROM patients WHERE id = ?", 30);
            assertThat(email).isInstanceOf(byte[].class);
            assertThat(new String((byte[]) email, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("legacy@example.com");
            // Veil ciphertext still decrypts on that connection
            insertPatient(31, "310-00-0000", "new@example.com");
            assertThat(read(legacy, "SELECT ssn FROM patients WHERE id = ?", 31)).isEqualTo("310-00-0000");
        }
    }

    @Test
    void getterThatCannotConvertRaisesConversionError() throws SQLException {
        insertPatient(40, "abc", "not-a-number@example.com");
        try (PreparedStatement ps = veil.prepareStatement("SELECT ssn, email FROM patients WHERE id = ?")) {
            ps.setInt(1, 40);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int col = 1; col <= 2; col++) {
                    final int c = col;
                    SQLException e = catchThrowableOfType(SQLException.class, () -> rs.getInt(c));
                    assertThat((Object) e).isInstanceOf(SQLDataException.class);
                    assertThat(e.getSQLState()).isEqualTo("22018");
                    MESSAGES.add(e.getMessage());
                    e = catchThrowableOfType(SQLException.class, () -> rs.getDate(c));
                    assertThat(e.getSQLState()).isEqualTo("22018");
                    MESSAGES.add(e.getMessage());
                }
            }
        }
        // and binding a value that cannot convert to the declared type
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO patients (id, heart_rate) VALUES (?, ?)")) {
            ps.setInt(1, 41);
            SQLException e = catchThrowableOfType(SQLException.class, () -> ps.setString(2, "seventy-two"));
            assertThat(e.getSQLState()).isEqualTo("22018");
            MESSAGES.add(e.getMessage());
        }
    }

    @AfterAll
    static void noMessageContainsAPlaintextValue() {
        for (String m : MESSAGES) {
            assertThat(m).doesNotContain("abc").doesNotContain("not-a-number").doesNotContain("seventy-two")
                    .doesNotContain("legacy@example").doesNotContain("300-00-0000").doesNotContain("42")
                    .doesNotContain("mover@example").doesNotContain("t20@").doesNotContain("200-00-0000");
        }
        assertThat(Objects.requireNonNull(MESSAGES)).isNotEmpty();
    }
}
