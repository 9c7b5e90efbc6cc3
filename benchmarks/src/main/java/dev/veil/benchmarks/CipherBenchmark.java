package dev.veil.benchmarks;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cipher choice in isolation: encrypt and decrypt one 32-byte value with associated data, with Tink's
 * X-AES-GCM (what Veil's data keys use: a key derived per message, 192-bit random nonces) and with plain
 * AES-256-GCM (96-bit random nonces, so at most about 2^32 messages per key).
 *
 * <p>{@code keys} is how many keys are used in turn: 1 is the best case (the JDK keeps the last AES key schedule
 * of a cipher object and skips re-expanding it for the same key, and Tink shares one cipher object per thread);
 * 3 is what Veil does for a row with three encrypted columns (one data key per column), which defeats that reuse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class CipherBenchmark {

    @Param({"XAES_256_GCM_192_BIT_NONCE", "AES256_GCM"})
    public String parameters;

    @Param({"1", "3"})
    public int keys;

    /** Distinct ciphertexts decrypted in turn: each has its own salt and nonce, as stored values do. */
    private static final int MESSAGES = 1_024; // a power of two: next() masks

    private final byte[] value = new byte[32];
    private final byte[] associatedData = "veil/1:public.patients.ssn".getBytes(StandardCharsets.UTF_8);
    /** Message i uses key {@code i % keys}, so consecutive operations alternate keys as a row's columns do. */
    private final Aead[] aeadOf = new Aead[MESSAGES];
    private final byte[][] ciphertextOf = new byte[MESSAGES][];
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        AeadConfig.register();
        new SecureRandom().nextBytes(value);
        Aead[] aeads = new Aead[keys];
        for (int k = 0; k < keys; k++) {
            aeads[k] = KeysetHandle.generateNew(parameters(parameters))
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        }
        for (int i = 0; i < MESSAGES; i++) {
            aeadOf[i] = aeads[i % keys];
            ciphertextOf[i] = aeadOf[i].encrypt(value, associatedData);
        }
    }

    private int next() {
        return counter++ & (MESSAGES - 1);
    }

    private static Parameters parameters(String name) {
        switch (name) {
            case "XAES_256_GCM_192_BIT_NONCE":
                return PredefinedAeadParameters.XAES_256_GCM_192_BIT_NONCE;
            case "AES256_GCM":
                return PredefinedAeadParameters.AES256_GCM;
            default:
                throw new IllegalArgumentException("unknown AEAD parameters " + name);
        }
    }

    /** What a write pays per encrypted value (W1, W4). */
    @Benchmark
    public byte[] encrypt32Bytes() throws GeneralSecurityException {
        return aeadOf[next()].encrypt(value, associatedData);
    }

    /** What a read pays per encrypted value (W2, W3). */
    @Benchmark
    public byte[] decrypt32Bytes() throws GeneralSecurityException {
        int i = next();
        return aeadOf[i].decrypt(ciphertextOf[i], associatedData);
    }

    @Benchmark
    public byte[] encryptDecrypt32Bytes() throws GeneralSecurityException {
        Aead aead = aeadOf[next()];
        return aead.decrypt(aead.encrypt(value, associatedData), associatedData);
    }
}
