package dev.veil.benchmarks;

import java.sql.SQLException;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * W4's and W3's client paths without the server. W4 ({@link OrmSide#bindBatch}): 1,000 rows bound and added to a
 * batch that is then cleared, not executed — pgjdbc keeps a batch in memory until {@code executeBatch}, so this is the drivers'
 * work and the cryptography only, free of the server's and the network's noise. {@code plain} binds the plain
 * values, {@code floor} encrypts and indexes with Tink alone ({@link FloorCrypto}), {@code veil} goes through the
 * driver (which encrypts each value and computes the index value in {@code addBatch}). Veil − floor is what Veil
 * adds per written row, to within a few nanoseconds, where {@link OrmAlternation}'s W4 carries a commit's noise.
 * W3 ({@link OrmSide#readAgain}): W3's 10,000 rows fetched once, then read again from the first row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClientPathBenchmark {

    @Param({"plain", "floor", "veil"})
    public String side;

    @Param({"orm", "reuse"})
    public String shape;

    private OrmFixture fixture;
    private OrmSide on;
    private OrmSide.Shape how;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        fixture = OrmFixture.open(10_000);
        on = fixture.side(OrmSide.Kind.valueOf(side.toUpperCase(Locale.ROOT)));
        how = OrmSide.Shape.valueOf(shape.toUpperCase(Locale.ROOT));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        fixture.close();
    }

    @Benchmark
    public int w4BindBatch1k() throws SQLException {
        return on.bindBatch(how);
    }

    /** W3's client path alone ({@link OrmSide#readAgain}): 10,000 fetched rows read again; the shape is ignored. */
    @Benchmark
    public int w3ReadAgain10k(Blackhole bh) throws SQLException {
        return on.readAgain(bh);
    }
}
