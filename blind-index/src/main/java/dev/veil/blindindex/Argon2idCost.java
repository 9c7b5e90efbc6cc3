package dev.veil.blindindex;

/**
 * The cost of the Argon2id slow mode (RFC 9106): memory in KiB, passes over memory, lanes.
 * Every index value written and every value queried costs one Argon2id evaluation with these parameters.
 *
 * @param memoryKiB   memory per evaluation in KiB ({@code m}); at least {@code 8 × parallelism}
 * @param iterations  passes over memory ({@code t})
 * @param parallelism lanes ({@code p}); Bouncy Castle computes the lanes on the calling thread, so more lanes
 *                    cost time rather than buying it
 */
public record Argon2idCost(int memoryKiB, int iterations, int parallelism) {

    /** Largest accepted memory: 4 GiB. */
    public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    /** Largest accepted iteration count. */
    public static final int MAX_ITERATIONS = 1000;
    /** Largest accepted lane count. */
    public static final int MAX_PARALLELISM = 64;

    /**
     * The production default, OWASP's Argon2id minimum: {@code m = 19456 KiB (19 MiB), t = 2, p = 1}; a few tens
     * of milliseconds per value on a server core.
     */
    public static final Argon2idCost PRODUCTION = new Argon2idCost(19_456, 2, 1);

    /**
     * {@code m = 64 KiB, t = 1, p = 1}: <b>for test suites only</b>. It keeps the construction (and so the test's
     * known answers) but offers next to no resistance to brute force by someone holding the index key.
     */
    public static final Argon2idCost INSECURE_FOR_TESTS = new Argon2idCost(64, 1, 1);

    public Argon2idCost {
        String problem = problem(memoryKiB, iterations, parallelism);
        if (problem != null) {
            throw new IllegalArgumentException("argon2id " + problem);
        }
    }

    /** Whether this is weaker than {@link #PRODUCTION} in memory or passes. */
    public boolean belowProduction() {
        return memoryKiB < PRODUCTION.memoryKiB || (long) memoryKiB * iterations < (long) PRODUCTION.memoryKiB * PRODUCTION.iterations;
    }

    /** {@code argon2id(m=19456 KiB, t=2, p=1)}. */
    @Override
    public String toString() {
        return "argon2id(m=" + memoryKiB + " KiB, t=" + iterations + ", p=" + parallelism + ")"
                + (belowProduction() ? " [below production cost]" : "");
    }

    /** The first invalid parameter with its allowed range, or {@code null}. */
    static String problem(int memoryKiB, int iterations, int parallelism) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            return "parallelism " + parallelism + " is out of range 1.." + MAX_PARALLELISM;
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            return "iterations " + iterations + " is out of range 1.." + MAX_ITERATIONS;
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            return "memory " + memoryKiB + " KiB is out of range " + 8 * parallelism + ".." + MAX_MEMORY_KIB
                    + " KiB (at least 8 KiB per lane; parallelism " + parallelism + ")";
        }
        return null;
    }
}
