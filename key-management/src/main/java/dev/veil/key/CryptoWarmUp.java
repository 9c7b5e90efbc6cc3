package dev.veil.key;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import java.security.GeneralSecurityException;

/**
 * Loads and initialises, ahead of need, what the first encryption, decryption and blind-index computation of a JVM
 * would otherwise load on the application's thread: Tink's key managers and registry, the JCE provider's AES-GCM
 * and HMAC-SHA256 (provider verification, key schedule code), on throwaway keys that never leave this method.
 * Purely an optimisation of the first operation: the results are discarded, nothing is cached, and calling it
 * twice or never changes no behaviour.
 */
public final class CryptoWarmUp {

    private CryptoWarmUp() {
    }

    /** Runs the warm-up on the calling thread; a failure is left for the real operation to report. */
    public static void run() {
        try {
            DataKeyStore.ensureRegistered();
            Aead aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, RegistryConfiguration.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
            byte[] probe = new byte[16];
            aead.decrypt(aead.encrypt(probe, probe), probe);
            PrfSet prf = KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF, RegistryConfiguration.get())
                    .getPrimitive(RegistryConfiguration.get(), PrfSet.class);
            prf.computePrimary(probe, 32);
        } catch (GeneralSecurityException | RuntimeException e) {
            // the first real use reports whatever is wrong, with its context
        }
    }
}
