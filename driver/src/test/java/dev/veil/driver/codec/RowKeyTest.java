package dev.veil.driver.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The row key's canonical encoding and the {@code veil/2} associated data, against the format in design.md §3. */
class RowKeyTest {

    static final RowKey.Kind[] INT = {RowKey.Kind.INTEGER};
    static final String[] ID = {"id"};

    @BeforeAll
    static void keys() throws Exception {
        ColumnCipherTest.keys();
    }

    private static byte[] encode(RowKey.Kind[] kinds, Object... values) throws SQLException {
        return RowKey.encode(kinds, values, "patients.diagnosis", kinds.length == 1 ? ID : new String[] {"a", "b"});
    }

    @Test
    void encodingIsTypedLengthPrefixedAndAsDocumented() throws SQLException {
        assertThat(HexFormat.of().formatHex(encode(INT, 42L))).isEqualTo("01" + "01" + "00000008" + "000000000000002a");
        UUID u = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
        assertThat(HexFormat.of().formatHex(encode(new RowKey.Kind[] {RowKey.Kind.UUID}, u)))
                .isEqualTo("01" + "02" + "00000010" + "0f8fad5bd9cb469fa16570867728950e");
        assertThat(HexFormat.of().formatHex(encode(new RowKey.Kind[] {RowKey.Kind.TEXT}, "é")))
                .isEqualTo("01" + "03" + "00000002" + "c3a9");
    }

    @Test
    void theSameKeyEncodesAlikeWhateverJavaTypeItArrivesAs() throws SQLException {
        byte[] expected = encode(INT, 7L);
        for (Object v : new Object[] {7, (short) 7, (byte) 7, "7", new BigDecimal("7"), java.math.BigInteger.valueOf(7)}) {
            assertThat(encode(INT, v)).as(v.getClass().getSimpleName()).isEqualTo(expected);
        }
        UUID u = UUID.randomUUID();
        assertThat(encode(new RowKey.Kind[] {RowKey.Kind.UUID}, u.toString().toUpperCase()))
                .isEqualTo(encode(new RowKey.Kind[] {RowKey.Kind.UUID}, u));
    }

    @Test
    void compositeKeysAreUnambiguous() throws SQLException {
        RowKey.Kind[] two = {RowKey.Kind.TEXT, RowKey.Kind.TEXT};
        assertThat(encode(two, "ab", "c")).isNotEqualTo(encode(two, "a", "bc"));
        assertThat(encode(two, "", "x")).isNotEqualTo(encode(two, "x", ""));
        assertThat(encode(new RowKey.Kind[] {RowKey.Kind.TEXT}, "1")).isNotEqualTo(encode(INT, 1L));
    }

    @Test
    void valuesThatDoNotConvertExactlyAreRefusedWithoutShowingThem() {
        for (Object v : new Object[] {"7.0", " 7", 7.5d, new BigDecimal("7.5"), "99999999999999999999"}) {
            assertThatThrownBy(() -> encode(INT, v)).as(String.valueOf(v)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22018"))
                    .hasMessageContaining("key column id").hasMessageContaining("patients.diagnosis")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(String.valueOf(v).trim()));
        }
        assertThatThrownBy(() -> encode(new RowKey.Kind[] {RowKey.Kind.UUID}, "{0f8fad5b-d9cb-469f-a165-70867728950e}"))
                .isInstanceOf(SQLException.class).hasMessageNotContaining("0f8fad5b");
        assertThatThrownBy(() -> encode(new RowKey.Kind[] {RowKey.Kind.TEXT}, 5)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> encode(INT, (Object) null)).isInstanceOf(SQLException.class)
                .hasMessageContaining("NULL");
    }

    @Test
    void kindsFollowTheCatalogType() {
        assertThat(RowKey.Kind.of("int8")).isEqualTo(RowKey.Kind.INTEGER);
        assertThat(RowKey.Kind.of("int4")).isEqualTo(RowKey.Kind.INTEGER);
        assertThat(RowKey.Kind.of("uuid")).isEqualTo(RowKey.Kind.UUID);
        assertThat(RowKey.Kind.of("varchar")).isEqualTo(RowKey.Kind.TEXT);
        for (String refused : new String[] {"numeric", "bpchar", "timestamptz", "date", "citext", "bytea", "float8"}) {
            assertThat(RowKey.Kind.of(refused)).as(refused).isNull();
        }
    }

    @Test
    void aBoundValueCarriesTheDocumentedAssociatedDataAndDecryptsOnlyInItsRow() throws Exception {
        ColumnCipher c = ColumnCipherTest.cipher("patients.diagnosis", null);
        byte[] key42 = encode(INT, 42L);
        byte[] stored = (byte[]) c.encrypt("flu", ColumnCipher.Storage.BINARY, key42);
        byte[] tink = Arrays.copyOfRange(stored, 2, stored.length);
        byte[] prefix = "veil/2:patients.diagnosis\0".getBytes(StandardCharsets.UTF_8);
        byte[] aad = Arrays.copyOf(prefix, prefix.length + key42.length);
        System.arraycopy(key42, 0, aad, prefix.length, key42.length);
        assertThat(ColumnCipherTest.aead.decrypt(tink, aad)).as("the associated data as design.md §3 writes it")
                .containsExactly(1, 'f', 'l', 'u');
        assertThat(c.decrypt(stored, key42, false, "id")).isEqualTo("flu");
        assertThatThrownBy(() -> c.decrypt(stored, encode(INT, 43L), false, "id"))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE001"))
                .hasMessageContaining("patients.diagnosis (row binding on id)").hasMessageNotContaining("43")
                .hasMessageNotContaining("flu");
        assertThatThrownBy(() -> c.decrypt(stored)).as("a bound value read as unbound")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE001"));
        assertThatThrownBy(() -> ColumnCipherTest.cipher("patients.note", null).decrypt(stored, key42, true, "id"))
                .as("bound to its column as well")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE001"));
    }

    @Test
    void anUnboundValueIsReadOnlyInTheAdoptionWindow() throws SQLException {
        ColumnCipher c = ColumnCipherTest.cipher("patients.diagnosis", null);
        Object unbound = c.encrypt("old", ColumnCipher.Storage.TEXT);
        assertThat(c.decrypt(unbound, encode(INT, 1L), true, "id")).isEqualTo("old");
        assertThatThrownBy(() -> c.decrypt(unbound, encode(INT, 1L), false, "id"))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE001"))
                .hasMessageContaining("accept-unbound-values");
    }
}
