package dev.veil.driver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The differential fuzzer over Veil as shipped: {@value #DEFAULT_COUNT} seeded statements (every form Veil supports or
 * refuses, their compositions and malformed text) through Veil and through plain pgjdbc on a plaintext twin. Each must
 * give the same results and leave the same rows, or be refused before anything is sent; Veil's tables never hold a
 * plaintext. A failure prints the seed and the smallest failing statement.
 *
 * <p>The statements are split over {@code veil.fuzz.workers} (default 2) independent workers, each with its own pair
 * of databases and seed {@code seed + k}; a failure names its worker's seed. Longer or replayed:
 * {@code -Dveil.fuzz.count=N -Dveil.fuzz.seed=S} (with {@code -Dveil.fuzz.workers=1} to replay one worker's seed).
 */
class DifferentialFuzzIT {

    static final int DEFAULT_COUNT = 10_000;
    static final long SEED = Long.getLong("veil.fuzz.seed", 20_261_202L);
    static final int COUNT = Integer.getInteger("veil.fuzz.count", DEFAULT_COUNT);
    static final int WORKERS = Integer.getInteger("veil.fuzz.workers", 2);

    static final List<FuzzDatabases> databases = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        for (int k = 0; k < WORKERS; k++) {
            databases.add(FuzzDatabases.create(DifferentialFuzzIT.class));
        }
    }

    @AfterAll
    static void tearDown() {
        databases.forEach(FuzzDatabases::close);
    }

    @Test
    void veilGivesWhatThePlaintextTwinGivesOrRefusesBeforeSending() throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<FuzzReport>> runs = new ArrayList<>();
        for (int k = 0; k < WORKERS; k++) {
            FuzzDatabases db = databases.get(k);
            long seed = SEED + k;
            int count = COUNT / WORKERS + (k < COUNT % WORKERS ? 1 : 0);
            runs.add(pool.submit(() -> DifferentialFuzzer.of(db).run(seed, count)));
        }
        List<FuzzReport> reports = new ArrayList<>();
        for (Future<FuzzReport> run : runs) {
            reports.add(run.get());
        }
        pool.shutdown();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        int statements = 0;
        int same = 0;
        int refused = 0;
        List<FuzzReport.Failure> failures = new ArrayList<>();
        for (FuzzReport r : reports) {
            System.out.println(r.summary());
            r.failures().forEach(System.out::println);
            statements += r.statements();
            same += r.count("SAME");
            refused += r.count("REFUSED");
            failures.addAll(r.failures());
        }
        System.out.printf("differential fuzzer: %d statements on %d workers in %d ms%n", statements, WORKERS, ms);
        assertThat(failures).as("failures (seeds from %d), smallest statements printed above", SEED).isEmpty();
        assertThat(statements).isEqualTo(COUNT);
        assertThat(same).as("statements that round-tripped").isGreaterThan(COUNT / 3);
        assertThat(refused).as("statements Veil refused").isPositive();
    }
}
