package dev.veil.benchmarks;

import com.google.crypto.tink.Aead;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.KeyException;
import dev.veil.key.KeyScope;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One value's encryption, layer by layer, without JDBC: Tink's AEAD of the table key as the key ring hands it out
 * ({@code tinkAead}), the key ring's lookup plus that AEAD ({@code ringLookupAndAead}: the cache, the usage
 * budget), and Veil's {@link ColumnCipher#encrypt} ({@code columnCipher}: conversion, encoding, the lookup, the
 * AEAD, zeroing the plaintext, the envelope). The differences are what each layer adds per written value.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ValueCipherBenchmark {

    private static final String SSN = "123-45-6789";

    private BenchmarkDatabase db;
    private Connection connection;
    private VeilRuntime runtime;
    private ColumnCipher cipher;
    private KeyScope scope;
    private Aead aead;
    private dev.veil.key.KeyHandle<Aead> handle;
    private byte[] plain;
    private byte[] aad;

    @Setup(Level.Trial)
    public void setUp() throws SQLException, KeyException {
        db = BenchmarkDatabase.open(OrmSchema.TABLES_YAML);
        OrmSchema.create(db);
        connection = db.veil(); // creates the runtime and the key table
        runtime = db.veilRuntime();
        EncryptedColumn ssn = runtime.config().columns().stream().filter(c -> c.name().equals("ssn")).findFirst()
                .orElseThrow();
        cipher = runtime.cipher(ssn);
        scope = cipher.scope();
        aead = runtime.keys().aead(scope);
        handle = runtime.keys().aeadHandle(scope);
        byte[] s = SSN.getBytes(StandardCharsets.UTF_8);
        plain = new byte[1 + s.length];
        plain[0] = 1;
        System.arraycopy(s, 0, plain, 1, s.length);
        aad = ("veil/1:" + ssn.boundName()).getBytes(StandardCharsets.UTF_8);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        connection.close();
        db.close();
    }

    @Benchmark
    public byte[] tinkAead() throws GeneralSecurityException {
        return aead.encrypt(plain, aad);
    }

    @Benchmark
    public byte[] ringLookupAndAead() throws GeneralSecurityException, KeyException {
        return runtime.keys().aead(scope).encrypt(plain, aad);
    }

    @Benchmark
    public byte[] handleAndAead() throws GeneralSecurityException, KeyException {
        return handle.get().encrypt(plain, aad);
    }

    @Benchmark
    public Object columnCipher() throws SQLException {
        return cipher.encrypt(SSN, ColumnCipher.Storage.BINARY);
    }
}
