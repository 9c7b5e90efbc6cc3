package dev.veil.key;

import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

/**
 * The Tink key type of newly generated encryption keysets (and of new versions added by
 * {@link KeyAdministration#addVersion(KeyScope)}). Existing keys keep their type.
 */
public enum EncryptionTemplate {

    /**
     * X-AES-256-GCM with 192-bit random nonces and Tink's 5-byte output prefix (version byte + 4-byte key id).
     * The default: one key can encrypt far beyond AES-GCM's ~2^32-message random-nonce limit.
     */
    XAES_256_GCM(PredefinedAeadParameters.XAES_256_GCM_192_BIT_NONCE),

    /**
     * Plain AES-256-GCM with 96-bit random nonces and Tink prefix. <b>For benchmarks and compatibility
     * only</b>: a key must not encrypt more than about 2^32 values, which a busy column can reach.
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
