package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The values an array parameter of {@code col = ANY(?)} is kept as. */
class SearchedArraysTest {

    @Test
    void objectAndPrimitiveArraysAreKeptAsTheirElements() throws SQLException {
        assertThat(SearchedArrays.elements(new String[] {"a", null}, 1)).containsExactly("a", null);
        assertThat(SearchedArrays.elements(new int[] {1, 2}, 1)).containsExactly(1, 2);
        assertThat(SearchedArrays.elements(new Object[0], 1)).isEmpty();
        assertThat(SearchedArrays.elements(null, 1)).isNull();
        assertThat(SearchedArrays.elements(new byte[][] {{1}, null}, 1)).hasSize(2);
    }

    @Test
    void aScalarOrANestedArrayIsRefusedNamingTheParameterNeverTheValue() {
        for (Object v : new Object[] {"secret", new byte[] {1}, new String[][] {{"secret"}}, java.util.List.of("x")}) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> SearchedArrays.elements(v, 3));
            assertThat(e.getSQLState()).isEqualTo("22018");
            assertThat(e.getMessage()).contains("parameter 3", "= ANY(?)").doesNotContain("secret");
        }
    }
}
