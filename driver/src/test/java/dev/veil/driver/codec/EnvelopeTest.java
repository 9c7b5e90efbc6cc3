package dev.veil.driver.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The recogniser agrees with what {@link ColumnCipher} writes, in every form a result can carry it. */
class EnvelopeTest {

    @BeforeAll
    static void keys() throws Exception {
        ColumnCipherTest.keys();
    }

    @Test
    void recognisesWhatTheCipherWritesIncludingTheShortestValue() throws SQLException {
        ColumnCipher c = ColumnCipherTest.cipher("patients.ssn", null);
        for (Object v : new Object[] {"", "123-45-6789", "x".repeat(500), 7, new byte[0]}) {
            byte[] binary = (byte[]) c.encrypt(v, ColumnCipher.Storage.BINARY);
            String text = (String) c.encrypt(v, ColumnCipher.Storage.TEXT);
            assertThat(Envelope.isBinary(binary)).isTrue();
            assertThat(Envelope.isBinary(binary, binary.length)).isTrue();
            assertThat(Envelope.isText(text)).isTrue();
            assertThat(Envelope.startsLikeText(text.substring(0, Envelope.MIN_TEXT))).isTrue();
            // a bytea read with getString: hex output, and escape output
            assertThat(Envelope.isText("\\x" + HexFormat.of().formatHex(binary))).isTrue();
            assertThat(Envelope.isText(escaped(binary))).isTrue();
        }
    }

    @Test
    void theShortestCiphertextIsAtTheMinimumLengths() throws SQLException {
        byte[] tink = HexFormat.of().parseHex(ColumnCipherTest.KNOWN_CIPHERTEXT);
        assertThat(tink.length).isGreaterThanOrEqualTo(Envelope.MIN_TINK_CIPHERTEXT);
        String b64 = Base64.getEncoder().withoutPadding().encodeToString(new byte[Envelope.MIN_TINK_CIPHERTEXT]);
        assertThat(Envelope.TEXT_PREFIX.length() + b64.length()).isEqualTo(Envelope.MIN_TEXT);
    }

    @Test
    void rejectsLookAlikes() {
        assertThat(Envelope.isText(null)).isFalse();
        assertThat(Envelope.isText("veil1:hello")).isFalse();
        assertThat(Envelope.isText("veil1:" + "A".repeat(60))).isFalse(); // first byte 0x00, not Tink's prefix
        assertThat(Envelope.isText("veil1:AQ" + "x".repeat(40) + "!")).isFalse();
        assertThat(Envelope.isText("veil1:AQ" + "x".repeat(41))).isFalse(); // no base64 has length 1 mod 4
        assertThat(Envelope.isText("veil2:AQ" + "x".repeat(50))).isFalse();
        assertThat(Envelope.isText("\\x560102" + "00".repeat(40))).isFalse();
        assertThat(Envelope.isText("\\x560101" + "00".repeat(10))).isFalse();
        byte[] b = new byte[Envelope.MIN_BINARY - 1];
        b[0] = 'V';
        b[1] = 1;
        b[2] = 1;
        assertThat(Envelope.isBinary(b)).isFalse();
        assertThat(Envelope.isBinary(java.util.Arrays.copyOf(b, Envelope.MIN_BINARY))).isTrue();
        b = java.util.Arrays.copyOf(b, 100);
        b[2] = 0; // Tink's LEGACY/CRUNCHY prefix, which Veil's keysets never use
        assertThat(Envelope.isBinary(b)).isFalse();
    }

    @Test
    void randomBytesWithoutTheHeaderNeverMatch() {
        Random random = new Random(1);
        int matches = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[35 + random.nextInt(30)];
            random.nextBytes(b);
            if (Envelope.isBinary(b)) {
                matches++;
            }
        }
        assertThat(matches).isLessThanOrEqualTo(1); // 2^-24 each: expected 0.006
    }

    private static String escaped(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            int v = x & 0xff;
            if (v == '\\') {
                s.append("\\\\");
            } else if (v >= 32 && v < 127) {
                s.append((char) v);
            } else {
                s.append(String.format("\\%03o", v));
            }
        }
        return s.toString();
    }
}
