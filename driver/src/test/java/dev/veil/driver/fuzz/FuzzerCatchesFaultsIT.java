package dev.veil.driver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.driver.jdbc.VeilConnection;
import java.util.function.UnaryOperator;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fuzzer catches a driver that is silently wrong: with a deliberately broken layer between the application and
 * Veil (two parameters bound to each other's places; decrypted values altered), a short run reports a failure with its
 * seed, statement number and a shrunk statement no larger than the one generated.
 */
class FuzzerCatchesFaultsIT {

    static FuzzDatabases databases;

    @BeforeAll
    static void setUp() throws Exception {
        databases = FuzzDatabases.create(FuzzerCatchesFaultsIT.class);
    }

    @AfterAll
    static void tearDown() {
        if (databases != null) {
            databases.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"swapped parameters", "altered decrypted values"})
    void aBrokenDriverIsReportedWithItsSeedAndASmallerStatement(String fault) throws Exception {
        UnaryOperator<Connection> broken = fault.startsWith("swapped") ? Faults::swappingFirstTwoStringParameters
                : Faults::alteringDecryptedAddresses;
        VeilRuntime runtime = databases.runtime();
        DifferentialFuzzer fuzzer = new DifferentialFuzzer(databases,
                delegate -> broken.apply(new VeilConnection(delegate, runtime))).maxFailures(1).shrinkBudget(120);
        long seed = 42;
        FuzzReport report = fuzzer.run(seed, 3_000);
        report.failures().forEach(System.out::println);
        assertThat(report.failures()).as("failures found with %s", fault).hasSize(1);
        FuzzReport.Failure f = report.failures().get(0);
        assertThat(f.seed()).isEqualTo(seed);
        assertThat(f.toString()).contains("seed 42").contains("-Dveil.fuzz.seed=42")
                .contains("-Dveil.fuzz.count=" + (f.index() + 1));
        assertThat(f.smallest().size()).isLessThanOrEqualTo(f.original().size());
        assertThat(f.category()).isIn(Sides.Category.RESULTS_DIFFER, Sides.Category.CONTENTS_DIFFER,
                Sides.Category.ONE_SIDE_FAILED, Sides.Category.STATES_DIFFER);
        // the same fuzzer without the fault finds nothing in the statements up to the failure
        FuzzReport clean = DifferentialFuzzer.of(databases).run(seed, f.index() + 1);
        assertThat(clean.failures()).isEmpty();
    }
}
