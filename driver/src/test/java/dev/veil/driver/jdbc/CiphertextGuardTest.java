package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.codec.Envelope;
import dev.veil.driver.error.VeilSqlState;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;
import org.junit.jupiter.api.Test;

/**
 * {@link CiphertextGuard#object}: numbers, booleans and dates leave by the class checks in front of the LOB
 * checks, and an envelope in a {@code String}, {@code byte[]}, {@code Blob} or {@code Clob} is still refused.
 */
class CiphertextGuardTest {

    private static final CiphertextGuard.Source SOURCE = new CiphertextGuard.Source() {
        @Override
        public String describe(int index) {
            return "result column c" + index;
        }

        @Override
        public DelegatingConnection connection() {
            return null;
        }
    };

    private static byte[] envelope() {
        byte[] tink = new byte[40];
        tink[0] = 0x01; // Tink's output prefix
        Arrays.fill(tink, 1, tink.length, (byte) 0x5a);
        return Envelope.binary(tink);
    }

    @Test
    void valuesThatCannotHoldAnEnvelopeAreReturnedAsTheyAre() throws SQLException {
        for (Object v : new Object[] {42L, 7, (short) 3, 2.5d, 1.5f, new BigDecimal("12.30"), true,
                new Timestamp(0), new java.sql.Date(0), "short text", new byte[] {1, 2, 3}, null}) {
            assertThat(CiphertextGuard.object(SOURCE, 1, v)).isSameAs(v);
        }
    }

    @Test
    void anEnvelopeIsRefusedInEveryFormGetObjectCanReturn() throws Exception {
        byte[] binary = envelope();
        String text = Envelope.text(Arrays.copyOfRange(binary, 2, binary.length));
        for (Object v : new Object[] {binary, text, new SerialBlob(binary), new SerialClob(text.toCharArray())}) {
            assertThatThrownBy(() -> CiphertextGuard.object(SOURCE, 2, v))
                    .as(v.getClass().getSimpleName())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("result column c2")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState())
                            .isEqualTo(VeilSqlState.CIPHERTEXT_FROM_UNKNOWN_SOURCE.state()));
        }
    }
}
