package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.codec.ColumnCipher.Storage;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.sql.RowFilter;
import dev.veil.driver.sql.Target;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The result wrappers over an in-memory result (the JDK's CachedRowSet holding real ciphertexts under a fixed
 * keyset; no database): decrypt once per row, labels resolved once, conversions, the gate and hidden columns.
 */
class VeilResultSetTest {

    private final AtomicInteger decryptions = new AtomicInteger();
    private final Target ssn = JdbcTestSupport.target("patients", "ssn", ValueType.STRING, Storage.BINARY,
            decryptions);
    private final Target visits = JdbcTestSupport.target("patients", "visits", ValueType.INT, Storage.TEXT,
            decryptions);

    private JdbcTestSupport.ReadOnly rows() throws SQLException {
        return new JdbcTestSupport.ReadOnly(JdbcTestSupport.rows(new String[] {"id", "ssn", "visits"},
                new Object[] {1, ssn.encrypt("123-45-6789"), visits.encrypt(7)},
                new Object[] {2, null, null}));
    }

    @Test
    void eachEncryptedValueIsDecryptedOncePerRowWhateverTheGetter() throws SQLException {
        JdbcTestSupport.ReadOnly raw = rows();
        VeilResultSet rs = new VeilResultSet(null, raw, new Target[] {null, ssn, visits}, null);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(2)).isEqualTo("123-45-6789");
        assertThat(rs.getObject("ssn")).isEqualTo("123-45-6789");
        assertThat(rs.getNString(2)).isEqualTo("123-45-6789");
        assertThat(rs.wasNull()).isFalse();
        assertThat(rs.getInt(3)).isEqualTo(7);
        assertThat(rs.getLong("visits")).isEqualTo(7L);
        assertThat(rs.getBigDecimal(3)).isEqualTo(new BigDecimal(7));
        assertThat(rs.getString(3)).isEqualTo("7");
        assertThat(decryptions).as("two encrypted values in the row, each decrypted once").hasValue(2);
        assertThat(rs.getInt(1)).as("a plain column forwards").isEqualTo(1);

        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(2)).isNull(); // (CachedRowSet's getBytes leaves wasNull unset: not asked here)
        assertThat(rs.getInt(3)).isZero();
        assertThat(rs.wasNull()).as("the driver's wasNull after a NULL read").isTrue();
        assertThat(decryptions).as("SQL NULL costs no decryption").hasValue(2);
        assertThat(rs.next()).isFalse();
    }

    @Test
    void eachLabelIsResolvedOncePerResult() throws SQLException {
        JdbcTestSupport.ReadOnly raw = rows();
        VeilResultSet rs = new VeilResultSet(null, raw, new Target[] {null, ssn, visits}, null);
        while (rs.next()) {
            rs.getInt("id");
            rs.getString("ssn");
            rs.getString("ssn");
            rs.getInt("ID");
        }
        assertThat(raw.findColumnCalls).as("id, ssn and ID: each asked of the driver once").hasValue(3);
        assertThat(rs.findColumn("visits")).isEqualTo(3);
    }

    @Test
    void aValueThatDoesNotConvertIsRefusedNamingTheColumnNotTheValue() throws SQLException {
        VeilResultSet rs = new VeilResultSet(null, rows(), new Target[] {null, ssn, visits}, null);
        rs.next();
        SQLException e = catchThrowableOfType(SQLException.class, () -> rs.getInt(2));
        assertThat(e.getSQLState()).isEqualTo("22018");
        assertThat((Throwable) e).hasMessageContaining("patients.ssn").hasMessageNotContaining("123-45");
        SQLException ref = catchThrowableOfType(SQLException.class, () -> rs.getRef(2));
        assertThat((Throwable) ref).hasMessageContaining("Ref").hasMessageContaining("patients.ssn");
    }

    @Test
    void updatableAndBrokenResultsAreRefusedBeforeTheFirstRow() throws SQLException {
        ResultSet updatable = JdbcTestSupport.rows(new String[] {"ssn"}, new Object[] {ssn.encrypt("x")});
        SQLException e = catchThrowableOfType(SQLException.class,
                () -> new VeilResultSet(null, updatable, new Target[] {ssn}, null).next());
        assertThat(e.getSQLState()).isEqualTo("VE010");
        SQLException broken = catchThrowableOfType(SQLException.class, () -> new VeilResultSet(null, rows(),
                new Target[0], new SQLException("the result's columns moved")).next());
        assertThat(broken.getSQLState()).isEqualTo("VE012");
        assertThat(decryptions).hasValue(0);
    }

    @Test
    void hiddenColumnsAreOutOfReachByIndexLabelAndMetadataButTheResultStaysScrollable() throws SQLException {
        ResultSet raw = new JdbcTestSupport.ReadOnly(JdbcTestSupport.rows(new String[] {"id", "ssn", "veil_key"},
                new Object[] {1, ssn.encrypt("123-45-6789"), 1}));
        VeilResultSet rs = new FilteredResultSet(null, raw, new Target[] {null, ssn, EncryptedValues.HIDDEN}, 2,
                new RowFilter[0], null);
        assertThat(rs.getMetaData().getColumnCount()).isEqualTo(2);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("ssn")).isEqualTo("123-45-6789");
        SQLException byLabel = catchThrowableOfType(SQLException.class, () -> rs.getInt("veil_key"));
        assertThat(byLabel.getSQLState()).isEqualTo("42703");
        SQLException byIndex = catchThrowableOfType(SQLException.class, () -> rs.getInt(3));
        assertThat(byIndex.getSQLState()).isEqualTo("42703");
        assertThat((Throwable) byIndex).hasMessageContaining("out of range: 3, number of columns: 2");
        assertThat(rs.first()).as("row keys only, no row filter: scrollable").isTrue();
        assertThat(rs.getString(2)).isEqualTo("123-45-6789");
    }
}
