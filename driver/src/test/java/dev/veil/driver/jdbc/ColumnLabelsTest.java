package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Label resolution over an in-memory result (the JDK's CachedRowSet): once per label, the driver's rules kept. */
class ColumnLabelsTest {

    @Test
    void aLabelIsAskedOfTheDriverOnceThenAnsweredFromMemory() throws SQLException {
        JdbcTestSupport.ReadOnly raw = new JdbcTestSupport.ReadOnly(JdbcTestSupport.rows(
                new String[] {"id", "name", "id"}, new Object[] {1, "a", 2}));
        ColumnLabels labels = new ColumnLabels(raw, Integer.MAX_VALUE);
        assertThat(labels.index("name")).isEqualTo(2);
        assertThat(labels.index("name")).isEqualTo(2);
        assertThat(labels.index("id")).as("the driver's rule: the first of duplicate labels").isEqualTo(1);
        assertThat(labels.index("id")).isEqualTo(1);
        assertThat(raw.findColumnCalls).hasValue(2);
    }

    @Test
    void aHiddenColumnsLabelIsUnknownAsTheDriverWouldSay() throws SQLException {
        JdbcTestSupport.ReadOnly raw = new JdbcTestSupport.ReadOnly(JdbcTestSupport.rows(
                new String[] {"id", "veil_filter_1"}, new Object[] {1, "x"}));
        ColumnLabels labels = new ColumnLabels(raw, 1);
        assertThat(labels.index("id")).isEqualTo(1);
        SQLException e = catchThrowableOfType(SQLException.class, () -> labels.index("veil_filter_1"));
        assertThat(e.getSQLState()).isEqualTo("42703");
        assertThat((Throwable) e).hasMessageContaining("veil_filter_1");
        SQLException again = catchThrowableOfType(SQLException.class, () -> labels.index("veil_filter_1"));
        assertThat((Throwable) again).as("a refusal is never remembered as an answer").isNotNull();
    }
}
