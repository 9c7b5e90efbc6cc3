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
 * {@link OrmAlternation}'s workloads as JMH benchmarks, one trial per side and shape, for JMH's profilers
 * ({@code -prof gc}: bytes allocated per operation; {@code -prof stack}) and JFR (with
 * {@code -XX:+DebugNonSafepoints}, so samples land on the right inlined frame); W4B and W3B are the client paths
 * without the server ({@code w4BindBatch1k}, {@code w3ReadAgain10k}). The ratios come from
 * {@link OrmAlternation}, which interleaves the sides in one JVM; these trials run one after the other.
 * Each trial seeds its own {@link OrmFixture} (100,000 rows per table, ≈ 15 s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class OrmBenchmark {

    @Param({"plain", "twin", "floor", "veil"})
    public String side;

    @Param({"orm", "reuse"})
    public String shape;

    private OrmFixture fixture;
    private OrmSide on;
    private OrmSide.Shape how;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        fixture = OrmFixture.open(OrmSchema.DEFAULT_ROWS);
        on = fixture.side(OrmSide.Kind.valueOf(side.toUpperCase(Locale.ROOT)));
        how = OrmSide.Shape.valueOf(shape.toUpperCase(Locale.ROOT));
    }

    @Setup(Level.Iteration)
    public void startIteration() throws SQLException {
        fixture.removeWrites();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        fixture.close();
    }

    @Benchmark
    public int w1InsertRow() throws SQLException {
        return on.w1(how);
    }

    @Benchmark
    public void w2PointSelect(Blackhole bh) throws SQLException {
        on.w2(how, bh);
    }

    @Benchmark
    public int w3Select10kRows(Blackhole bh) throws SQLException {
        return on.w3(how, bh);
    }

    @Benchmark
    public int w4BatchInsert1k() throws SQLException {
        return on.w4(how);
    }

    /**
     * W4's client path alone ({@link OrmSide#bindBatch}): 1,000 rows bound and batched, the batch cleared instead of
     * executed — the drivers' and the cryptography's work without the server, for profiling Veil against the floor.
     */
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
