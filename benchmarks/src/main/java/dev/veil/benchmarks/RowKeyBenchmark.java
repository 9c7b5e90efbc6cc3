package dev.veil.benchmarks;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.codec.RowKey;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.UUID;
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
 * Row binding per value, without the database: encrypting and decrypting one 11-character value through
 * {@link ColumnCipher} unbound ({@code veil/1} associated data) and bound to a row key ({@code veil/2}: the key's
 * typed encoding appended), and the key encoding alone, for a {@code bigint} and a {@code uuid} key. One AES-256-GCM
 * key, as one table's values share.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class RowKeyBenchmark {

    @Param({"none", "bigint", "uuid"})
    public String key;

    private static final int MESSAGES = 1_024;
    private static final String[] NAMES = {"id"};

    private ColumnCipher cipher;
    private RowKey.Kind[] kinds;
    private final Object[][] keyValues = new Object[MESSAGES][];
    private final Object[] stored = new Object[MESSAGES];
    private ColumnCipher.Reader reader;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException, SQLException {
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
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
        cipher = new ColumnCipher("patients.ssn", "patients.ssn", null, ring, false);
        reader = cipher.reader();
        kinds = key.equals("uuid") ? new RowKey.Kind[] {RowKey.Kind.UUID} : new RowKey.Kind[] {RowKey.Kind.INTEGER};
        for (int i = 0; i < MESSAGES; i++) {
            keyValues[i] = new Object[] {key.equals("uuid") ? UUID.randomUUID() : (Object) (1_000_000L + i)};
            stored[i] = cipher.encrypt(value(i), ColumnCipher.Storage.BINARY, rowKey(i));
        }
    }

    private static String value(int i) {
        return String.format("%03d-%02d-%04d", 100 + i % 900, i % 100, i);
    }

    private byte[] rowKey(int i) throws SQLException {
        return key.equals("none") ? null : RowKey.encode(kinds, keyValues[i], "patients.ssn", NAMES);
    }

    private int next() {
        return counter++ & (MESSAGES - 1);
    }

    /** The key's canonical encoding alone (what each bound value adds before the AEAD). */
    @Benchmark
    public byte[] encodeKey() throws SQLException {
        return rowKey(next());
    }

    /** What a write pays per value: the key's encoding (when bound), then AES-GCM with the associated data. */
    @Benchmark
    public Object encrypt() throws SQLException {
        int i = next();
        return cipher.encrypt("123-45-6789", ColumnCipher.Storage.BINARY, rowKey(i));
    }

    /** What a read pays per value. */
    @Benchmark
    public Object decrypt() throws SQLException {
        int i = next();
        byte[] k = rowKey(i);
        return k == null ? reader.decrypt(stored[i]) : reader.decrypt(stored[i], k, false, "id");
    }
}
