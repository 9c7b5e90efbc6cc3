package dev.veil.driver.fuzz;

import dev.veil.driver.jdbc.VeilConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The differential fuzzer's engine: seeded statements through Veil and through plain pgjdbc on a plaintext twin,
 * in episodes that start from the seed rows; each statement judged by {@link Sides}, the table contents and the
 * stored ciphertext checked after each episode; every failure shrunk by {@link Shrinker} and returned with its seed.
 *
 * <p>The Veil side is pluggable ({@link VeilSide}): a test can put a deliberately broken layer between the
 * application and Veil, or give Veil a broken runtime, and show that the fuzzer reports it.
 */
public final class DifferentialFuzzer {

    /** Makes the connection the fuzzer talks to as the application, given the pgjdbc connection underneath. */
    @FunctionalInterface
    public interface VeilSide {
        Connection open(Connection delegate) throws SQLException;
    }

    private final FuzzDatabases databases;
    private final VeilSide side;
    private int episode = 100;
    private int maxFailures = 3;
    private int shrinkBudget = 250;

    public DifferentialFuzzer(FuzzDatabases databases, VeilSide side) {
        this.databases = databases;
        this.side = side;
    }

    /** Veil as shipped: a {@link VeilConnection} over the pgjdbc connection, with the databases' runtime. */
    public static DifferentialFuzzer of(FuzzDatabases databases) throws SQLException {
        var runtime = databases.runtime();
        return new DifferentialFuzzer(databases, delegate -> new VeilConnection(delegate, runtime));
    }

    /** Statements per episode (the tables are reset to the seed rows before each). */
    public DifferentialFuzzer episode(int statements) {
        this.episode = statements;
        return this;
    }

    /** Stop after this many failures (each is shrunk, which costs replays). */
    public DifferentialFuzzer maxFailures(int n) {
        this.maxFailures = n;
        return this;
    }

    public DifferentialFuzzer shrinkBudget(int replays) {
        this.shrinkBudget = replays;
        return this;
    }

    /** Runs {@code count} statements generated from {@code seed}; returns what it found. */
    public FuzzReport run(long seed, int count) throws SQLException {
        SentStatements sent = new SentStatements();
        try (Connection raw = databases.plain(); Connection twin = databases.twin();
                Connection veil = side.open(sent.wrap(databases.plain()))) {
            Sides sides = new Sides(veil, twin, raw, sent);
            Shrinker shrinker = new Shrinker(sides, shrinkBudget);
            StatementGenerator generator = new StatementGenerator(seed);
            FuzzReport report = new FuzzReport(seed);
            int index = 0;
            while (index < count && report.failures().size() < maxFailures) {
                sides.reset();
                int first = index;
                List<FuzzStatement> done = new ArrayList<>();
                boolean failed = false;
                for (int i = 0; i < episode && index < count; i++, index++) {
                    FuzzStatement s = generator.next();
                    Sides.Verdict v = sides.check(s);
                    if (v.problem() != null && v.problem().standing()) {
                        index++;
                        break; // an earlier statement left the database wrong: found below, as at an episode's end
                    }
                    report.record(s, v);
                    if (v.problem() != null) {
                        report.add(failure(shrinker, seed, index, done, s, v.problem()));
                        failed = true;
                        index++;
                        break;
                    }
                    done.add(s);
                }
                if (!failed) {
                    Sides.Problem p = sides.contents();
                    if (p != null) {
                        report.add(localize(sides, shrinker, seed, first, done, p));
                    }
                }
            }
            report.timings(sides.nanos, sent.catalogReads(), sides.slowest);
            return report;
        }
    }

    private static FuzzReport.Failure failure(Shrinker shrinker, long seed, int index, List<FuzzStatement> before,
            FuzzStatement s, Sides.Problem p) throws SQLException {
        Shrinker.Case c = shrinker.shrink(before, s, p.category());
        Sides.Problem last = shrinker.replay(c.prefix(), c.statement());
        return new FuzzReport.Failure(seed, index, p.category(), last != null ? last.detail() : p.detail(), s,
                c.prefix(), c.statement());
    }

    /** The episode's contents differ at its end: replay it, checking after every write, to find the statement. */
    private static FuzzReport.Failure localize(Sides sides, Shrinker shrinker, long seed, int first,
            List<FuzzStatement> episode, Sides.Problem atEnd) throws SQLException {
        sides.reset();
        for (int k = 0; k < episode.size(); k++) {
            FuzzStatement s = episode.get(k);
            Sides.Verdict v = sides.check(s);
            Sides.Problem p = v.problem() != null ? v.problem() : s.writes() ? sides.contents() : null;
            if (p != null) {
                return failure(shrinker, seed, first + k, episode.subList(0, k), s, p);
            }
        }
        FuzzStatement last = episode.get(episode.size() - 1);
        return new FuzzReport.Failure(seed, first + episode.size() - 1, atEnd.category(), "not reproduced on replay: "
                + atEnd.detail(), last, List.of(), last);
    }
}
