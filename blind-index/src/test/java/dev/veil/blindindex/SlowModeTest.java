package dev.veil.blindindex;

import static dev.veil.blindindex.Expected.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.key.KeyException;

import java.util.Arrays;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class SlowModeTest {

    private static final byte[] KEY = FixedKeyRing.primaryKeyBytes(FixedKeyRing.KEYSET);

    private final FixedKeyRing ring = FixedKeyRing.standard();

    private static BlindIndexDefinition.Builder ssn() {
        return BlindIndexDefinition.builder().table("public.patients").column("ssn").normalize("digits-only");
    }

    @Test
    void argon2idHasher_rfc9106TestVector_matches() {
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        byte[] secret = filled(8, 0x03);
        byte[] ad = filled(12, 0x04);

        byte[] tag = Argon2idHasher.hash(password, salt, secret, ad, new Argon2idCost(32, 3, 4), 32);

        assertThat(hex(tag)).isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void index_slowMode_isArgon2idOfTheMessageKeyedByThePrfDerivedSecret() throws KeyException {
        BlindIndexer idx = BlindIndexer.of(ssn().argon2id(Argon2idCost.INSECURE_FOR_TESTS).bits(32).build(), ring);
        byte[] secretInput = Expected.message(0x03, 0x01, "ssn_bidx", 0).bytes();
        byte[] secret = Expected.hmacSha256(KEY, secretInput);
        byte[] salt = Arrays.copyOf(Expected.sha256(secretInput), 16);
        byte[] password = Expected.message(0x02, 0x01, "ssn_bidx", 1).text("123456789").bytes();

        byte[] index = idx.index("123-45-6789");

        byte[] expected = Expected.firstBits(bouncyCastleArgon2id(password, salt, secret, 64, 1, 1), 32);
        assertThat(index).isEqualTo(expected);
        assertThat(hex(index)).isEqualTo(KAT_SSN_32_BITS);
    }

    @Test
    void index_slowMode_isDeterministicAndNormalizes() throws KeyException {
        BlindIndexer idx = BlindIndexer.of(ssn().argon2id(Argon2idCost.INSECURE_FOR_TESTS).build(), ring);

        assertThat(idx.index("123-45-6789")).isEqualTo(idx.index("123 45 6789")).hasSize(32);
        assertThat(idx.index("123-45-6789")).isNotEqualTo(idx.index("123-45-6780"));
    }

    @Test
    void index_slowModeCost_isPartOfTheValue() throws KeyException {
        byte[] cheap = BlindIndexer.of(ssn().argon2id(Argon2idCost.INSECURE_FOR_TESTS).build(), ring).index("1");
        byte[] other = BlindIndexer.of(ssn().argon2id(128, 1, 1).build(), ring).index("1");
        byte[] production = BlindIndexer.of(ssn().argon2id().build(), ring).index("1");   // one run, ~tens of ms

        assertThat(cheap).isNotEqualTo(other).isNotEqualTo(production);
        assertThat(other).isNotEqualTo(production);
    }

    @Test
    void index_slowModeInJoinDomain_usesDomainLabelForSecretAndSalt() throws KeyException {
        BlindIndexDefinition def = ssn().domain("person_ssn").argon2id(Argon2idCost.INSECURE_FOR_TESTS).build();
        byte[] secretInput = Expected.message(0x03, 0x02, "person_ssn", 0).bytes();
        byte[] password = Expected.message(0x02, 0x02, "person_ssn", 1).text("1").bytes();

        byte[] index = BlindIndexer.of(def, ring).index("1");

        assertThat(index).isEqualTo(bouncyCastleArgon2id(password, Arrays.copyOf(Expected.sha256(secretInput), 16),
                Expected.hmacSha256(KEY, secretInput), 64, 1, 1));
    }

    private static byte[] bouncyCastleArgon2id(byte[] password, byte[] salt, byte[] secret, int m, int t, int p) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withSecret(secret).withMemoryAsKB(m).withIterations(t).withParallelism(p).build());
        byte[] out = new byte[32];
        g.generateBytes(password, out);
        return out;
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** public.patients.ssn_bidx [digits-only], argon2id m=64 t=1 p=1, 32 bits, "123-45-6789". */
    static final String KAT_SSN_32_BITS = "815cec0c";
}
