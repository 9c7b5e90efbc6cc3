package dev.veil.key;

import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

/**
 * The Tink key type of newly generated encryption keysets (and of new versions added by
 * {@link KeyAdministration#addVersion(KeyScope)}). Existing keys keep their type.
 */
public enum EncryptionTemplate {

    /**
     * X-AES-256-GCM with 192-bit random nonces and Tink's 5-byte output prefix (version byte + 4-byte key id):
     * one key can encrypt far beyond AES-GCM's ~2^32-message random-nonce limit, so nothing is counted or
     * rolled, but every message derives a fresh AES key (≈ 1.4 µs more per value on JDK 17, see
     * {@code benchmarks/README.md}).
     */
    XAES_256_GCM(PredefinedAeadParameters.XAES_256_GCM_192_BIT_NONCE),

    /**
     * AES-256-GCM with 96-bit random nonces and Tink prefix (33 bytes of overhead). The default. A random-nonce
     * key must stay well below 2^32 messages, so the ring reserves every encryption in the key table and rolls
     * the key to a new version at {@link KeyRingBuilder#maxEncryptionsPerKeyVersion} (see
     * {@code docs/key-management.md}, "Bounded AES-GCM keys").
     */
    AES256_GCM(PredefinedAeadParameters.AES256_GCM);

    private final Parameters parameters;

    EncryptionTemplate(Parameters parameters) {
        this.parameters = parameters;
    }

    Parameters parameters() {
        return parameters;
    }
}
