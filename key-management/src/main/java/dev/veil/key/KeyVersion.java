package dev.veil.key;

/**
 * One key inside a scope's keyset, as listed by {@link KeyAdministration}.
 *
 * @param id Tink key id (unsigned); for encryption keys it travels in each ciphertext's 5-byte prefix
 * @param state whether the key may still decrypt (or compute the index)
 * @param primary whether new values use it; exactly one version is primary
 * @param type key type, e.g. {@code XAesGcmKey}, {@code AesGcmKey}, {@code HmacPrfKey}
 */
public record KeyVersion(long id, State state, boolean primary, String type) {

    public enum State {
        ENABLED,
        /** kept in the keyset but unusable until enabled again */
        DISABLED
    }
}
