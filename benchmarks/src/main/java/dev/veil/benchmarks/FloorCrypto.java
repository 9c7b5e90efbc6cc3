package dev.veil.benchmarks;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.benchmarks.PatientsSchema.Patient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The crypto floor of the ORM-shape comparison: what any client-side scheme with Veil's algorithms costs, done with
 * Tink directly and nothing else — one AES-256-GCM keyset (Tink output prefix, as Veil's table keys) and one
 * HMAC-SHA256 PRF keyset (as Veil's index keys), both in memory. Values are encoded and enveloped exactly as Veil
 * stores them (a type tag then UTF-8 or a big-endian int; {@code 'V' 0x01} before the Tink ciphertext), so the
 * {@code floor} side's rows have the twin's sizes byte for byte; the associated data has the length of Veil's
 * ({@code "veil/1:" || table.column}).
 *
 * <p>There is no key table, no key cache, no usage budget, no plan, no metadata and no fail-closed check here: the
 * difference between this side and Veil is what Veil adds to the cryptography itself. A benchmark fixture, not a
 * format: never use it to store data.
 */
final class FloorCrypto {

    /** Veil's type tags ({@code TypedValues}): a string, a 4-byte int. */
    private static final byte STRING = 1;
    private static final byte INT = 5;
    private static final byte[] SSN = aad("ssn");
    private static final byte[] EMAIL = aad("email");
    private static final byte[] HEART_RATE = aad("heart_rate");
    private static final byte[] INDEX_DOMAIN = "veil/bidx:orm_floor.email\0".getBytes(StandardCharsets.UTF_8);

    private final Aead aead;
    private final PrfSet prf;

    FloorCrypto() {
        try {
            AeadConfig.register();
            PrfConfig.register();
            this.aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
            this.prf = KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF)
                    .getPrimitive(RegistryConfiguration.get(), PrfSet.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink keysets for the floor side", e);
        }
    }

    private static byte[] aad(String column) {
        return ("veil/1:" + OrmSchema.FLOOR + "." + column).getBytes(StandardCharsets.UTF_8);
    }

    /** The stored form of a patient: ciphertexts of ssn, e-mail and heart rate, and the e-mail's index value. */
    OrmSchema.Stored seal(Patient p) {
        return new OrmSchema.Stored(p.name(), sealString(p.ssn(), SSN), sealString(p.email(), EMAIL),
                seal(ByteBuffer.allocate(5).put(INT).putInt(p.heartRate()).array(), HEART_RATE), index(p.email()));
    }

    /** The 32-byte index value of an e-mail (HMAC-SHA256 over a domain and the UTF-8 value). */
    byte[] index(String email) {
        byte[] v = email.getBytes(StandardCharsets.UTF_8);
        byte[] message = Arrays.copyOf(INDEX_DOMAIN, INDEX_DOMAIN.length + v.length);
        System.arraycopy(v, 0, message, INDEX_DOMAIN.length, v.length);
        try {
            return prf.computePrimary(message, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC", e);
        }
    }

    String ssn(byte[] stored) {
        return string(stored, SSN);
    }

    String email(byte[] stored) {
        return string(stored, EMAIL);
    }

    Integer heartRate(byte[] stored) {
        byte[] plain = open(stored, HEART_RATE);
        return plain[0] == INT ? ByteBuffer.wrap(plain, 1, 4).getInt() : null;
    }

    private byte[] sealString(String value, byte[] aad) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        byte[] plain = new byte[1 + s.length];
        plain[0] = STRING;
        System.arraycopy(s, 0, plain, 1, s.length);
        return seal(plain, aad);
    }

    private byte[] seal(byte[] plain, byte[] aad) {
        try {
            byte[] ct = aead.encrypt(plain, aad);
            byte[] out = new byte[2 + ct.length];
            out[0] = 'V';
            out[1] = 1;
            System.arraycopy(ct, 0, out, 2, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM", e);
        }
    }

    private String string(byte[] stored, byte[] aad) {
        byte[] plain = open(stored, aad);
        return new String(plain, 1, plain.length - 1, StandardCharsets.UTF_8);
    }

    private byte[] open(byte[] stored, byte[] aad) {
        try {
            return aead.decrypt(Arrays.copyOfRange(stored, 2, stored.length), aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the floor side read a value it did not write", e);
        }
    }
}
