package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.testing.VeilFixture;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Length hiding ({@code pad:}) through the driver on the real PostgreSQL: every type round-trips through padded
 * columns, the stored lengths (read raw) are equal within a bucket, values written before padding was switched on
 * keep decrypting (and padded ones after it is switched off), and a value past the maximum is refused before
 * anything is sent.
 */
class PaddingIT {

    /** The padded configuration; {@link #UNPADDED} is the same tables without any {@code pad:}. */
    static final String PADDED = "  padded:\n"
            + "    anything: { pad: 16 }\n"
            + "    anything_text: { pad: { buckets: power-of-two, max: 4096 } }\n"
            + "    body: { type: string, pad: 16 }\n"
            + "    body_text: { type: string, pad: 16 }\n"
            + "    bio: { type: string, pad: { buckets: power-of-two, max: 256 } }\n"
            + "    scan: { type: bytes, pad: { buckets: power-of-two, min: 64, max: 128, over-max: round-up } }\n"
            + "    amount: { type: decimal, pad: 16 }\n"
            + "  narrow:\n"
            + "    code: { pad: { buckets: power-of-two, max: 4096 } }\n";

    static final String UNPADDED = PADDED.replaceAll(",? ?pad: (\\{[^}]*}|\\d+)", "")
            .replace("{ }", "{}").replace("{  }", "{}");

    static VeilFixture fx;
    /** Through Veil with {@link #PADDED}. */
    static Connection padded;
    /** Through Veil with {@link #UNPADDED} (same master key, same key table). */
    static Connection unpadded;
    static Connection raw;
    static final AtomicInteger IDS = new AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(PaddingIT.class, PADDED);
        fx.plainExecute("CREATE TABLE padded (id int PRIMARY KEY, anything bytea, anything_text text, body bytea, "
                        + "body_text text, bio bytea, scan bytea, amount text)",
                "CREATE TABLE narrow (id int PRIMARY KEY, code varchar(200))");
        padded = fx.veil();
        Path other = fx.configFile().resolveSibling("unpadded.yml");
        Files.writeString(other, "master-key: local-keyset:" + fx.masterKeyFile() + "\ntables:\n" + UNPADDED,
                StandardCharsets.UTF_8);
        String url = fx.database().veilUrl();
        unpadded = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "veil.config=" + other,
                fx.properties());
        raw = fx.plain();
    }

    @AfterAll
    static void tearDown() throws SQLException {
        padded.close();
        unpadded.close();
        raw.close();
        fx.close();
    }

    @Test
    void theUnpaddedConfigurationIsThePaddedOneWithoutPad() {
        assertThat(UNPADDED).doesNotContain("pad:").contains("anything: {}", "bio: { type: string }",
                "scan: { type: bytes }", "code: {}");
    }

    static Stream<TamperIT.Kind> kinds() {
        return TamperIT.KINDS.stream();
    }

    @ParameterizedTest(name = "{0} through padded untyped columns")
    @MethodSource("kinds")
    void everyTypeRoundTripsThroughPaddedColumns(TamperIT.Kind k) throws SQLException {
        int id = IDS.incrementAndGet();
        try (PreparedStatement ps = padded.prepareStatement(
                "INSERT INTO padded (id, anything, anything_text) VALUES (?, ?, ?)")) {
            ps.setInt(1, id);
            k.binder().bind(ps, 2, k.value());
            k.binder().bind(ps, 3, k.value());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        for (String column : List.of("anything", "anything_text")) {
            assertSame(read(padded, column, id), k.value());
            assertSame(read(unpadded, column, id), k.value()); // reading needs no padding setting
        }
        assertThat((rawLength("anything", id) - 35) % 16).as("padded bytea: a multiple of 16, + 35").isZero();
    }

    @ParameterizedTest(name = "{0} literal into a padded column")
    @MethodSource("kinds")
    void literalsArePaddedToo(TamperIT.Kind k) throws SQLException {
        if (k.literal() == null) {
            return; // bytes have no portable literal form
        }
        int id = IDS.incrementAndGet();
        int twin = IDS.incrementAndGet();
        try (Statement st = padded.createStatement(); Statement st2 = unpadded.createStatement()) {
            st.executeUpdate("INSERT INTO padded (id, anything) VALUES (" + id + ", " + k.literal() + ")");
            st2.executeUpdate("INSERT INTO padded (id, anything) VALUES (" + twin + ", " + k.literal() + ")");
        }
        Object back = read(padded, "anything", id);
        assertSame(back, read(padded, "anything", twin)); // the literal's own type, padded or not
        assertThat((rawLength("anything", id) - 35) % 16).isZero();
    }

    @Test
    void declaredStringBytesAndDecimalColumnsRoundTripPadded() throws SQLException {
        int id = IDS.incrementAndGet();
        byte[] scan = new byte[] {0, 0, 1, 0, 0};
        try (PreparedStatement ps = padded.prepareStatement(
                "INSERT INTO padded (id, body, body_text, bio, scan, amount) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, "héllo 🔒");
            ps.setString(3, "");
            ps.setString(4, "x".repeat(251));
            ps.setBytes(5, scan);
            ps.setBigDecimal(6, new BigDecimal("-1234.500"));
            ps.executeUpdate();
        }
        assertThat(read(padded, "body", id)).isEqualTo("héllo 🔒");
        assertThat(read(padded, "body_text", id)).isEqualTo("");
        assertThat(read(padded, "bio", id)).isEqualTo("x".repeat(251));
        assertThat((byte[]) read(padded, "scan", id)).containsExactly(scan);
        assertThat(read(padded, "amount", id)).isEqualTo(new BigDecimal("-1234.500"));
        assertThat(rawLength("bio", id)).as("the largest bucket, full").isEqualTo(256 + 35);
        assertThat(rawLength("scan", id)).as("the smallest bucket (min 64)").isEqualTo(64 + 35);
    }

    @Test
    void storedLengthsAreEqualWithinABucketReadRaw() throws SQLException {
        Set<Integer> binary16 = new LinkedHashSet<>();
        Set<Integer> text16 = new LinkedHashSet<>();
        Set<Integer> bucket64 = new LinkedHashSet<>();
        Set<Integer> unpaddedLengths = new LinkedHashSet<>();
        List<Integer> ids = new ArrayList<>();
        for (int n = 0; n <= 11; n++) {
            int id = insert(padded, "body", "b".repeat(n));
            binary16.add(rawLength("body", id));
            text16.add(rawLength("body_text", insert(padded, "body_text", "t".repeat(n))));
            unpaddedLengths.add(rawLength("body", insert(unpadded, "body", "u".repeat(n))));
            ids.add(id);
        }
        for (int n = 28; n <= 59; n++) {
            bucket64.add(rawLength("bio", insert(padded, "bio", "é".repeat(n / 2) + "e".repeat(n % 2))));
        }
        assertThat(binary16).containsExactly(16 + 35);
        assertThat(text16).containsExactly(6 + (4 * (16 + 33) + 2) / 3);
        assertThat(bucket64).containsExactly(64 + 35);
        assertThat(unpaddedLengths).as("without pad, each length shows").hasSize(12);
        assertThat(rawLength("body", insert(padded, "body", "b".repeat(12)))).isEqualTo(32 + 35);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(read(padded, "body", ids.get(i))).isEqualTo("b".repeat(i));
        }
    }

    @Test
    void aComputedValueIsPaddedLikeTheValueItStandsFor() throws SQLException {
        Set<Integer> lengths = new LinkedHashSet<>();
        List<Integer> ids = new ArrayList<>();
        for (String sql : List.of("INSERT INTO padded (id, body) VALUES (?, ? || '-x')",
                "INSERT INTO padded (id, body) VALUES (?, CAST(? AS text))",
                "INSERT INTO padded (id, body) SELECT ?, ?::varchar")) {
            int id = IDS.incrementAndGet();
            try (PreparedStatement ps = padded.prepareStatement(sql)) {
                ps.setInt(1, id);
                ps.setString(2, "abc");
                ps.executeUpdate();
            }
            lengths.add(rawLength("body", id));
            ids.add(id);
        }
        assertThat(lengths).containsExactly(16 + 35);
        assertThat(read(padded, "body", ids.get(0))).isEqualTo("abc-x");
        assertThat(read(padded, "body", ids.get(2))).isEqualTo("abc");
    }

    @Test
    void oldUnpaddedValuesStillDecryptAfterPaddingIsSwitchedOnAndBack() throws SQLException {
        int old = insert(unpadded, "body", "written before pad");
        int oldBytes = IDS.incrementAndGet();
        try (PreparedStatement ps = unpadded.prepareStatement("INSERT INTO padded (id, scan) VALUES (?, ?)")) {
            ps.setInt(1, oldBytes);
            ps.setBytes(2, new byte[] {7, 0, 0});
            ps.executeUpdate();
        }
        assertThat(rawLength("body", old)).isEqualTo(18 + 36);
        int fresh = insert(padded, "body", "written with pad");
        assertThat(rawLength("body", fresh)).isEqualTo(32 + 35);

        assertThat(read(padded, "body", old)).isEqualTo("written before pad");
        assertThat((byte[]) read(padded, "scan", oldBytes)).containsExactly(7, 0, 0);
        assertThat(read(unpadded, "body", fresh)).as("padding switched off again").isEqualTo("written with pad");
        try (PreparedStatement ps = padded.prepareStatement("SELECT body FROM padded WHERE id IN (?, ?) ORDER BY id")) {
            ps.setInt(1, old);
            ps.setInt(2, fresh);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("written before pad");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("written with pad");
            }
        }
    }

    @Test
    void aValuePastTheMaximumIsRefusedBeforeAnythingIsSent() throws SQLException {
        int id = IDS.incrementAndGet();
        String tooLong = "canary-" + "z".repeat(250);
        try (PreparedStatement ps = padded.prepareStatement("INSERT INTO padded (id, bio) VALUES (?, ?)")) {
            ps.setInt(1, id);
            SQLDataException e = catchThrowableOfType(() -> ps.setString(2, tooLong), SQLDataException.class);
            assertThat(e.getSQLState()).isEqualTo("22001");
            assertThat(e.getMessage()).contains("padded.bio", "pad max 256", "over-max: round-up")
                    .doesNotContain("canary");
        }
        try (Statement st = padded.createStatement()) {
            SQLException e = catchThrowableOfType(() -> st.executeUpdate("INSERT INTO padded (id, bio) VALUES ("
                    + id + ", '" + tooLong + "')"), SQLException.class);
            assertThat(e.getSQLState()).isEqualTo("22001");
            assertThat(e.getMessage()).contains("padded.bio").doesNotContain("canary");
        }
        assertThat(count("SELECT count(*) FROM padded WHERE id = " + id)).isZero();
        // round-up instead: a multiple of max
        int id2 = IDS.incrementAndGet();
        try (PreparedStatement ps = padded.prepareStatement("INSERT INTO padded (id, scan) VALUES (?, ?)")) {
            ps.setInt(1, id2);
            ps.setBytes(2, new byte[200]);
            ps.executeUpdate();
        }
        assertThat(rawLength("scan", id2)).isEqualTo(256 + 35);
        assertThat((byte[]) read(padded, "scan", id2)).hasSize(200).containsOnly(0);
        assertThat(padded.isValid(1)).isTrue();
    }

    @Test
    void aVarcharTooShortForTheLargestBucketIsRefusedWithTheLengthItNeeds() throws SQLException {
        try (PreparedStatement ps = unpadded.prepareStatement("INSERT INTO narrow (id, code) VALUES (?, ?)")) {
            ps.setInt(1, IDS.incrementAndGet());
            ps.setString(2, "A-1");
            ps.executeUpdate(); // varchar(200) holds an unpadded short value
        }
        SQLException e = catchThrowableOfType(() -> {
            try (PreparedStatement ps = padded.prepareStatement("INSERT INTO narrow (id, code) VALUES (?, ?)")) {
                ps.setInt(1, IDS.incrementAndGet());
                ps.setString(2, "A-2");
                ps.executeUpdate();
            }
        }, SQLException.class);
        assertThat(e.getSQLState()).isEqualTo("VE012");
        assertThat(e.getMessage()).contains("narrow.code", "varchar(200)", "varchar(" + (6 + (4 * (4095 + 46) + 2) / 3)
                + ")");
    }

    private static int insert(Connection c, String column, Object value) throws SQLException {
        int id = IDS.incrementAndGet();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO padded (id, " + column + ") VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setObject(2, value);
            ps.executeUpdate();
        }
        return id;
    }

    private static Object read(Connection c, String column, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM padded WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getObject(1);
            }
        }
    }

    /** What the database holds: octets of the bytea, characters of the text envelope. */
    private static int rawLength(String column, int id) throws SQLException {
        try (PreparedStatement ps = raw.prepareStatement("SELECT length(" + column + ") FROM padded WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getInt(1);
            }
        }
    }

    private static long count(String sql) throws SQLException {
        try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertSame(Object actual, Object expected) {
        assertThat(actual).isNotNull();
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        if (expected instanceof byte[]) {
            assertThat((byte[]) actual).containsExactly((byte[]) expected);
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }
}
