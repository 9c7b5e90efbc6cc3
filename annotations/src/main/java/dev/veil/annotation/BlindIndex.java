package dev.veil.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Adds a blind index to an {@link Encrypted} field: a keyed hash of the (normalized) value kept in a companion
 * column, so {@code WHERE field = ?}, {@code IN}, unique constraints and derived queries such as
 * {@code findByEmail} keep working. The application never mentions the companion column.
 *
 * <pre>{@code
 * @Encrypted @BlindIndex(normalize = {"trim", "lowercase"})
 * String email;                    // companion column email_bidx (bytea)
 *
 * @Encrypted @BlindIndex(slow = "argon2id", bits = 32)
 * String ssn;                      // low-entropy value: slow hash, short index
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface BlindIndex {

    /** The companion column; empty for {@code <column>_bidx}. */
    String name() default "";

    /** Index length in bits; 0 for the default, long enough that equality is exact. */
    int bits() default 0;

    /** Normalizers applied in order on write and on query: {@code lowercase}, {@code trim}, {@code nfkc}, {@code digits-only}, or a custom one's name. */
    String[] normalize() default {};

    /** {@code argon2id} for low-entropy values (SSN, birth date); empty for the fast keyed hash. */
    String slow() default "";

    /** A join domain shared by columns whose indexes must compare equal ({@code a.email = b.email}); empty for none. */
    String domain() default "";

    /**
     * A tuned cost for {@code slow = "argon2id"} (YAML {@code argon2id-cost}); the default is the production cost.
     * Giving one without {@code slow = "argon2id"} is an error.
     */
    Argon2idCost argon2idCost() default @Argon2idCost;
}
