package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.VeilDriver;
import dev.veil.driver.runtime.VeilListener;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A result decrypts each value at most once per row ({@link DecryptedRow}): a second read of a column, through the
 * same or another getter, costs no decryption and returns what a fresh decryption would; a cursor move forgets the
 * row. Decryptions are counted through a {@link VeilListener}.
 */
class DecryptOnceIT {

    static VeilFixture fx;
    static final List<String> DECRYPTED = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(DecryptOnceIT.class, "  readings:\n    secret: {}\n    pin: { type: int }\n"
                + "    photo: { type: bytes }\n    taken: { type: sql-timestamp }\n");
        fx.plainExecute("CREATE TABLE readings (id int PRIMARY KEY, note text, secret bytea, pin bytea, photo bytea, "
                + "taken bytea)");
        VeilDriver.instance().runtime(fx.veilUrl(), fx.properties()).addListener(new VeilListener() {
            @Override
            public void decrypted(String column) {
                DECRYPTED.add(column);
            }
        });
        try (Connection c = fx.veil(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO readings (id, note, secret, pin, photo, taken) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int id = 1; id <= 3; id++) {
                ps.setInt(1, id);
                ps.setString(2, id == 2 ? null : "note " + id);
                ps.setString(3, id == 3 ? null : "secret " + id);
                ps.setInt(4, 1000 + id);
                ps.setBytes(5, new byte[] {(byte) id, 2, 3});
                Timestamp t = Timestamp.valueOf("2026-01-0" + id + " 10:00:00");
                t.setNanos(123_456_789);
                ps.setTimestamp(6, t);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    @BeforeEach
    void forget() {
        DECRYPTED.clear();
    }

    private static ResultSet row(Statement st, int id) throws SQLException {
        ResultSet rs = st.executeQuery("SELECT id, note, secret, pin, photo, taken FROM readings WHERE id = " + id);
        assertThat(rs.next()).isTrue();
        return rs;
    }

    @Test
    void readingAColumnTwiceDecryptsItOnce() throws SQLException {
        try (Connection c = fx.veil(); Statement st = c.createStatement(); ResultSet rs = row(st, 1)) {
            assertThat(rs.getString(3)).isEqualTo("secret 1");
            assertThat(rs.getString(3)).isEqualTo("secret 1");
            assertThat(rs.getString("secret")).isEqualTo("secret 1");
            assertThat(DECRYPTED).containsExactly("readings.secret");
        }
    }

    @Test
    void differentGettersOnOneColumnDecryptOnceAndConvertAsAFreshDecryption() throws SQLException {
        try (Connection c = fx.veil(); Statement st = c.createStatement(); ResultSet rs = row(st, 1)) {
            assertThat(rs.getObject(4)).isEqualTo(1001);
            assertThat(rs.getInt(4)).isEqualTo(1001);
            assertThat(rs.getLong(4)).isEqualTo(1001L);
            assertThat(rs.getString(4)).isEqualTo("1001");
            assertThat(rs.getObject(4, Long.class)).isEqualTo(1001L);
            assertThat(rs.getBigDecimal(4)).isEqualByComparingTo("1001");
            assertThat(rs.getBytes(5)).containsExactly(1, 2, 3);
            assertThat(rs.getObject(5)).isEqualTo(new byte[] {1, 2, 3});
            assertThat(rs.getTimestamp(6)).isEqualTo(Timestamp.valueOf("2026-01-01 10:00:00.123456789"));
            assertThat(rs.getObject(6, java.time.LocalDateTime.class))
                    .isEqualTo(java.time.LocalDateTime.parse("2026-01-01T10:00:00.123456789"));
            assertThatThrownBy(() -> rs.getObject(4, java.util.UUID.class)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("readings.pin");
            assertThat(DECRYPTED).containsExactly("readings.pin", "readings.photo", "readings.taken");
        }
    }

    @Test
    void aChangedValueFromOneGetterDoesNotChangeTheNext() throws SQLException {
        try (Connection c = fx.veil(); Statement st = c.createStatement(); ResultSet rs = row(st, 1)) {
            byte[] first = rs.getBytes(5);
            first[0] = 99;
            assertThat(rs.getBytes(5)).containsExactly(1, 2, 3);
            ((byte[]) rs.getObject(5))[1] = 99;
            assertThat(rs.getBytes("photo")).containsExactly(1, 2, 3);
            Timestamp t = rs.getTimestamp(6);
            t.setTime(0);
            assertThat(rs.getTimestamp(6)).isEqualTo(Timestamp.valueOf("2026-01-01 10:00:00.123456789"));
            ((Timestamp) rs.getObject(6)).setNanos(0);
            assertThat(rs.getTimestamp(6).getNanos()).isEqualTo(123_456_789);
            assertThat(DECRYPTED).containsExactly("readings.photo", "readings.taken");
        }
    }

    @Test
    void theNextRowIsDecryptedAfresh() throws SQLException {
        try (Connection c = fx.veil(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, secret, pin FROM readings WHERE id <= 2 ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 1");
            assertThat(rs.getInt(3)).isEqualTo(1001);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 2");
            assertThat(rs.getString(2)).isEqualTo("secret 2");
            assertThat(rs.getInt(3)).isEqualTo(1002);
            assertThat(rs.next()).isFalse();
            assertThat(DECRYPTED).containsExactly("readings.secret", "readings.pin", "readings.secret",
                    "readings.pin");
        }
    }

    @Test
    void everyCursorMoveForgetsTheRow() throws SQLException {
        try (Connection c = fx.veil(); Statement st = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,
                ResultSet.CONCUR_READ_ONLY);
                ResultSet rs = st.executeQuery("SELECT id, secret FROM readings WHERE id <= 2 ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 1");
            assertThat(rs.last()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 2");
            assertThat(rs.previous()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 1");
            assertThat(rs.absolute(2)).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 2");
            assertThat(rs.relative(-1)).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 1");
            assertThat(rs.first()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 1");
            rs.afterLast();
            assertThat(rs.previous()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 2");
            rs.beforeFirst();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEqualTo("secret 1");
            assertThat(DECRYPTED).hasSize(8);
        }
    }

    @Test
    void nullIsNullOnEveryReadAndWasNullFollowsTheLastGetter() throws SQLException {
        try (Connection c = fx.veil(); Statement st = c.createStatement(); ResultSet rs = row(st, 3)) {
            assertThat(rs.getString(3)).isNull();
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getObject(3)).isNull();
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getInt(4)).isEqualTo(1003);
            assertThat(rs.wasNull()).isFalse();
            assertThat(rs.getString(3)).isNull();
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getInt(4)).isEqualTo(1003); // kept: answered without reading the driver's row
            assertThat(rs.wasNull()).isFalse();
            assertThat(DECRYPTED).containsExactly("readings.pin");
        }
        try (Connection c = fx.veil(); Statement st = c.createStatement(); ResultSet rs = row(st, 2)) {
            assertThat(rs.getString(3)).isEqualTo("secret 2");
            assertThat(rs.getString(2)).isNull(); // plain column
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getString(3)).isEqualTo("secret 2");
            assertThat(rs.wasNull()).isFalse();
        }
    }

    @Test
    void refreshRowIsNotSupportedOnAReadOnlyResultAndUpdatableResultsAreRefused() throws SQLException {
        try (Connection c = fx.veil(); Statement st = c.createStatement(); ResultSet rs = row(st, 1)) {
            assertThat(rs.getString(3)).isEqualTo("secret 1");
            assertThatThrownBy(rs::refreshRow).isInstanceOf(SQLException.class);
            assertThat(rs.getString(3)).isEqualTo("secret 1");
        }
        try (Connection c = fx.veil();
                Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE)) {
            ResultSet rs = st.executeQuery("SELECT id, secret FROM readings");
            assertThatThrownBy(rs::next).isInstanceOf(java.sql.SQLFeatureNotSupportedException.class);
            rs.close();
        }
    }
}
