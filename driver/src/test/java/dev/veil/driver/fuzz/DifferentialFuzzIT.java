package dev.veil.driver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The differential fuzzer over Veil as shipped: {@value #DEFAULT_COUNT} seeded statements (every form Veil supports or
 * refuses, their compositions and malformed text) through Veil and through plain pgjdbc on a plaintext twin. Each must
 * give the same results and leave the same rows, or be refused before anything is sent; Veil's tables never hold a
 * plaintext. A failure prints the seed and the smallest failing statement. Longer or replayed:
 * {@code -Dveil.fuzz.count=N -Dveil.fuzz.seed=S}.
 */
class DifferentialFuzzIT {

    static final int DEFAULT_COUNT = 10_000;
    static final long SEED = Long.getLong("veil.fuzz.seed", 20_261_202L);
    static final int COUNT = Integer.getInteger("veil.fuzz.count", DEFAULT_COUNT);

    static FuzzDatabases databases;

    @BeforeAll
    static void setUp() throws Exception {
        databases = FuzzDatabases.create(DifferentialFuzzIT.class);
    }

    @AfterAll
    static void tearDown() {
        if (databases != null) {
            databases.close();
        }
    }

    @Test
    void veilGivesWhatThePlaintextTwinGivesOrRefusesBeforeSending() throws Exception {
        long t0 = System.nanoTime();
        FuzzReport report = DifferentialFuzzer.of(databases).run(SEED, COUNT);
        System.out.println(report.summary());
        System.out.printf("differential fuzzer: %d statements in %d ms%n", report.statements(),
                (System.nanoTime() - t0) / 1_000_000);
        report.failures().forEach(System.out::println);
        assertThat(report.failures()).as("failures (seed %d), smallest statements printed above", SEED).isEmpty();
        assertThat(report.statements()).isEqualTo(COUNT);
        assertThat(report.count("SAME")).as("statements that round-tripped").isGreaterThan(COUNT / 3);
        assertThat(report.count("REFUSED")).as("statements Veil refused").isPositive();
    }
}
