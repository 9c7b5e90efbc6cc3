package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.schema.BlindIndexSpec;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.sql.Catalog;
import dev.veil.driver.sql.SqlAnalyzer;
import dev.veil.driver.sql.StatementPlan;
import dev.veil.driver.sql.Target;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The post-filter of a truncated blind index over an in-memory result (the plan from the real analyser, real
 * ciphertexts under a fixed keyset in the JDK's CachedRowSet; no database): false positives are dropped after
 * decryption, the hidden column stays hidden, and the result reads forward only.
 */
class FilteredResultSetTest {

    private static final VeilConfig CONFIG = VeilConfig.builder()
            .masterKey("local-keyset:/nonexistent/keyset.json")
            .encrypt("patients", "ssn", ValueType.STRING)
            .blindIndex(new BlindIndexSpec("patients", List.of("ssn"), null, 16, List.of(), null, null, null,
                    "test"))
            .build();

    private static final Catalog CATALOG = name -> "patients".equals(name.name())
            ? new Catalog.TableInfo(List.of("id", "ssn", "ssn_bidx"), List.of("int4", "bytea", "bytea"))
            : null;

    @Test
    void rowsWhoseValueDiffersAfterDecryptionAreDroppedAndTheResultReadsForwardOnly() throws SQLException {
        StatementPlan plan = new SqlAnalyzer(CONFIG, JdbcTestSupport::cipher)
                .plan("SELECT id FROM patients WHERE ssn = ?", CATALOG);
        plan.checkAllowed();
        assertThat(plan.result().filters()).as("a 16-bit index is post-filtered").hasSize(1);
        assertThat(plan.result().hidden()).isEqualTo(1);
        Target ssn = plan.result().filters()[0].target();

        // what the server returns for the index match: the candidates, each with the compared column hidden
        ResultSet raw = new JdbcTestSupport.ReadOnly(JdbcTestSupport.rows(new String[] {"id", "veil_filter_1"},
                new Object[] {1, ssn.encrypt("123-45-6789")},
                new Object[] {2, ssn.encrypt("999-99-9999")}, // a false positive of the truncated index
                new Object[] {3, ssn.encrypt("123-45-6789")}));
        ResultSet rs = ResultSets.wrap(null, raw, plan.result(), new Object[] {"123-45-6789"});
        assertThat(rs).isInstanceOf(FilteredResultSet.class);
        assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);

        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt("id")).isEqualTo(1);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).as("row 2 dropped after decryption").isEqualTo(3);
        SQLException hidden = catchThrowableOfType(SQLException.class, () -> rs.getBytes(2));
        assertThat(hidden.getSQLState()).isEqualTo("42703");
        SQLException scroll = catchThrowableOfType(SQLException.class, rs::previous);
        assertThat(scroll.getSQLState()).isEqualTo("VE010");
        assertThat(rs.next()).isFalse();
    }
}
