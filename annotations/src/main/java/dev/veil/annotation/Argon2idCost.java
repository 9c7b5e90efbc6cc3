package dev.veil.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A tuned cost for a blind index's {@code slow = "argon2id"} mode, as YAML's
 * {@code argon2id-cost: { memory-kib, iterations, parallelism }}. Each part left at 0 keeps the production value
 * (19456 KiB, 2 iterations, 1 lane); lower values only for test suites.
 *
 * <pre>{@code
 * @Encrypted @BlindIndex(slow = "argon2id", argon2idCost = @Argon2idCost(memoryKib = 65536, iterations = 3))
 * String ssn;
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Argon2idCost {

    /** Memory per evaluation in KiB; 0 for the production 19456. */
    int memoryKib() default 0;

    /** Passes over memory; 0 for the production 2. */
    int iterations() default 0;

    /** Lanes; 0 for the production 1. */
    int parallelism() default 0;
}
