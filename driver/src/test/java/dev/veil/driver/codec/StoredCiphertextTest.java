package dev.veil.driver.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLException;
import java.sql.Types;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The envelope's writer and reader agree in both stored forms, and refuse what they must (no database). */
class StoredCiphertextTest {

    private static final byte[] TINK = HexFormat.of().parseHex(ColumnCipherTest.KNOWN_CIPHERTEXT);

    @Test
    void eachStorageSealsItsFormAndOpensBackToTheSameCiphertext() throws SQLException {
        Object binary = StoredCiphertext.seal(TINK, ColumnCipher.Storage.BINARY);
        Object text = StoredCiphertext.seal(TINK, ColumnCipher.Storage.TEXT);
        assertThat(binary).isInstanceOf(byte[].class);
        assertThat(text).isInstanceOf(String.class);
        assertThat(Envelope.isBinary((byte[]) binary)).isTrue();
        assertThat(Envelope.isText((String) text)).isTrue();
        assertThat((byte[]) binary).startsWith('V', 1);
        assertThat((String) text).isEqualTo("veil1:" + Base64.getEncoder().withoutPadding().encodeToString(TINK));
        assertThat(Envelope.open(binary, "t.c")).isEqualTo(TINK);
        assertThat(Envelope.open(text, "t.c")).isEqualTo(TINK);
    }

    @Test
    void aValueThatIsNoEnvelopeOpensToNullForTheLegacyRule() throws SQLException {
        assertThat(Envelope.open("123-45-6789", "t.c")).isNull();
        assertThat(Envelope.open(new byte[] {1, 2, 3}, "t.c")).isNull();
        assertThat(Envelope.open(new byte[] {'V'}, "t.c")).isNull();
    }

    @Test
    void anotherFormatVersionOrDamagedBase64IsRefusedNamingTheColumnOnly() {
        SQLException binary = catchThrowableOfType(SQLException.class,
                () -> Envelope.open(new byte[] {'V', 2, 1, 0}, "patients.ssn"));
        assertThat(binary.getSQLState()).isEqualTo("VE004");
        assertThat((Throwable) binary).hasMessageContaining("patients.ssn").hasMessageContaining("version 2");
        SQLException text = catchThrowableOfType(SQLException.class, () -> Envelope.open("veil2:AQID", "t.c"));
        assertThat(text.getSQLState()).isEqualTo("VE004");
        SQLException damaged = catchThrowableOfType(SQLException.class, () -> Envelope.open("veil1:A*B", "t.c"));
        assertThat(damaged.getSQLState()).isEqualTo("VE001");
        assertThat((Throwable) damaged).hasMessageNotContaining("A*B");
    }

    @Test
    void aNullIsBoundAsItsStoragesType() {
        assertThat(StoredCiphertext.sqlType(ColumnCipher.Storage.BINARY)).isEqualTo(Types.BINARY);
        assertThat(StoredCiphertext.sqlType(ColumnCipher.Storage.TEXT)).isEqualTo(Types.VARCHAR);
    }
}
