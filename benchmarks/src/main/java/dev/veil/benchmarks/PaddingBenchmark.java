package dev.veil.benchmarks;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.codec.Padding;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
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
 * What length hiding ({@code pad:}) costs per value: one string value through {@link ColumnCipher} — conversion,
 * typed encoding, padding, AES-256-GCM (Tink, one key as with a table's data key), the {@code bytea} envelope — and
 * back, without a database. {@link CipherBenchmark} measures the bare AEAD; this one measures what the driver does per
 * encrypted value, with {@code pad} = {@code none}, {@code 16} ({@code pad: 16}) or {@code pow2}
 * ({@code pad: { buckets: power-of-two, max: 4096 }}), on values of {@code bytes} UTF-8 bytes.
 * {@code PaddingSizes} (a main class) reports the stored sizes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class PaddingBenchmark {

    @Param({"none", "16", "pow2"})
    public String pad;

    @Param({"11", "100", "1000"})
    public int bytes;

    private static final int MESSAGES = 256; // a power of two: next() masks

    private ColumnCipher cipher;
    private final String[] values = new String[MESSAGES];
    private final byte[][] stored = new byte[MESSAGES][];
    private int counter;

    /** The padding a {@code pad} parameter names. */
    static Padding padding(String pad) {
        switch (pad) {
            case "none":
                return Padding.NONE;
            case "16":
                return Padding.multipleOf(16);
            case "pow2":
                return Padding.powerOfTwo(Padding.DEFAULT_MIN, 4096, Padding.OverMax.REFUSE);
            default:
                throw new IllegalArgumentException("unknown pad " + pad);
        }
    }

    /** A column cipher over one fresh AES-256-GCM key, as {@code VeilRuntime} makes one per configured column. */
    static ColumnCipher cipher(Padding padding) throws GeneralSecurityException {
        AeadConfig.register();
        Aead aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
        KeyRing ring = new KeyRing() {
            @Override
            public Aead aead(KeyScope scope) {
                return aead;
            }

            @Override
            public PrfSet prf(KeyScope scope) {
                throw new UnsupportedOperationException("no blind indexes here");
            }

            @Override
            public void close() {
            }
        };
        return new ColumnCipher("patients.notes", "patients.notes", null, ring, false, ColumnCipher.Events.NONE,
                padding);
    }

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException, SQLException {
        cipher = cipher(padding(pad));
        for (int i = 0; i < MESSAGES; i++) {
            // distinct values of exactly `bytes` ASCII bytes
            String prefix = Integer.toString(i);
            values[i] = prefix + "x".repeat(Math.max(0, bytes - prefix.length()));
            stored[i] = (byte[]) cipher.encrypt(values[i], ColumnCipher.Storage.BINARY);
        }
    }

    private int next() {
        return counter++ & (MESSAGES - 1);
    }

    /** What a write pays per encrypted value. */
    @Benchmark
    public Object encrypt() throws SQLException {
        return cipher.encrypt(values[next()], ColumnCipher.Storage.BINARY);
    }

    /** What a read pays per encrypted value. */
    @Benchmark
    public Object decrypt() throws SQLException {
        return cipher.decrypt(stored[next()]);
    }
}
