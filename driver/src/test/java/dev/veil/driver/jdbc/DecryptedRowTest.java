package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DecryptedRow} forgets every value it kept when the cursor moves — also in a result wider than the 64
 * columns its mask of filled slots covers — and hands out copies of mutable values.
 */
class DecryptedRowTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 63, 64, 65, 130})
    void clearForgetsEveryKeptValueWhateverTheWidth(int columns) {
        DecryptedRow row = new DecryptedRow(columns);
        for (int c = 1; c <= columns; c += 2) {
            row.put(c, "value " + c);
        }
        row.put(columns, "last");
        for (int c = 1; c <= columns; c += 2) {
            assertThat(row.get(c)).isEqualTo(c == columns ? "last" : "value " + c);
        }

        row.clear();

        for (int c = 1; c <= columns; c++) {
            assertThat(row.get(c)).as("column %d after clear", c).isNull();
        }
    }

    @Test
    void aRowKeptAfterAClearIsForgottenByTheNextClear() {
        DecryptedRow row = new DecryptedRow(70);
        row.put(3, "first row");
        row.put(66, "first row, column 66");
        row.clear();
        row.put(4, "second row");
        row.put(67, "second row, column 67");

        assertThat(row.get(3)).isNull();
        assertThat(row.get(66)).isNull();
        assertThat(row.get(4)).isEqualTo("second row");
        assertThat(row.get(67)).isEqualTo("second row, column 67");

        row.clear();
        assertThat(row.get(4)).isNull();
        assertThat(row.get(67)).isNull();
    }

    @Test
    void mutableValuesAreHandedOutAsCopies() {
        DecryptedRow row = new DecryptedRow(2);
        byte[] bytes = {1, 2, 3};
        byte[] handedOut = (byte[]) row.put(1, bytes);
        handedOut[0] = 9;
        ((byte[]) row.get(1))[1] = 9;

        assertThat((byte[]) row.get(1)).containsExactly(1, 2, 3);
    }
}
