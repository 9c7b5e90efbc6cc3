package dev.veil.key;

/** What a data key is for. Keys of different purposes are never the same key. */
public enum KeyPurpose {
    /** AEAD keyset that encrypts the values of one column. */
    ENCRYPTION,
    /** PRF keyset that computes the blind index of one column or compound index. */
    BLIND_INDEX
}
