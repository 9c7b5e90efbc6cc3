package dev.veil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

/** What tests read off a Tink ciphertext without decrypting it. */
public final class TinkCiphertexts {

    private TinkCiphertexts() {
    }

    /** The id of the key version that made {@code ciphertext}: Tink's output prefix is {@code 0x01} then the id. */
    public static long keyId(byte[] ciphertext) {
        assertThat(ciphertext[0]).as("Tink prefix").isEqualTo((byte) 1);
        return Integer.toUnsignedLong(ByteBuffer.wrap(ciphertext, 1, 4).getInt());
    }
}
