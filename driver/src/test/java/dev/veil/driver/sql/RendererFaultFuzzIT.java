package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.driver.fuzz.DifferentialFuzzer;
import dev.veil.driver.fuzz.FuzzDatabases;
import dev.veil.driver.fuzz.FuzzReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The differential fuzzer catches a deliberately wrong renderer: with {@link Renderer#faultForTests} set to swap two
 * recorded parameter positions, the same seeded run that is clean on the correct renderer reports a failure, with
 * its seed and the smallest failing statement. (A dropped parameter is refused by the renderer's own accounting before anything
 * is sent: {@code RendererFaultIT}.) Each run gets fresh databases, so no plan rendered before the fault is cached.
 */
class RendererFaultFuzzIT {

    private static final long SEED = 20261202;

    @AfterEach
    void clearFault() {
        Renderer.faultForTests = null;
    }

    @Test
    void theFuzzerReportsASwappedParameterWithItsSeed() throws Exception {
        FuzzReport broken;
        try (FuzzDatabases databases = FuzzDatabases.create(RendererFaultFuzzIT.class)) {
            DifferentialFuzzer fuzzer = DifferentialFuzzer.of(databases).maxFailures(1).shrinkBudget(60);
            // one clean statement first: the seed rows' INSERT (run again before every episode) is planned by the
            // correct renderer and stays cached; every statement the fuzzer generates after it meets the fault
            assertThat(fuzzer.run(SEED, 1).failures()).isEmpty();
            Renderer.faultForTests = Renderer.Fault.SWAP_PARAMETERS;
            broken = fuzzer.run(SEED, 2_000);
        } finally {
            Renderer.faultForTests = null;
        }
        broken.failures().forEach(System.out::println);
        assertThat(broken.failures()).as("the wrong renderer is caught").hasSize(1);
        FuzzReport.Failure f = broken.failures().get(0);
        assertThat(f.seed()).isEqualTo(SEED);
        assertThat(f.toString()).contains("-Dveil.fuzz.seed=" + SEED);

        try (FuzzDatabases databases = FuzzDatabases.create(RendererFaultFuzzIT.class)) {
            FuzzReport clean = DifferentialFuzzer.of(databases).run(SEED, f.index() + 1);
            assertThat(clean.failures()).as("the correct renderer, same seed and statements").isEmpty();
        }
    }
}
