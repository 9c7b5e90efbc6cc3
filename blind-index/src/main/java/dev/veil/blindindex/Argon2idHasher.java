package dev.veil.blindindex;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id version 0x13 (RFC 9106) through Bouncy Castle's lightweight API; no JCA provider involved. */
final class Argon2idHasher {

    private Argon2idHasher() {
    }

    /**
     * @param secret the Argon2 secret input {@code K} (may be empty)
     * @param ad     the associated data {@code X} (may be empty)
     */
    static byte[] hash(byte[] password, byte[] salt, byte[] secret, byte[] ad, Argon2idCost cost, int outputBytes) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withSecret(secret)
                .withAdditional(ad)
                .withMemoryAsKB(cost.memoryKiB())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[outputBytes];
        generator.generateBytes(password, out);
        parameters.clear();
        return out;
    }
}
