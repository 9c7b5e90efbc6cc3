package dev.veil.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A blind index over several columns of an entity's table (e.g. {@code last_name} + {@code birth_date}), used
 * when a WHERE clause has an equality on every part.
 *
 * <pre>{@code
 * @Entity
 * @CompoundBlindIndex(name = "name_dob_bidx", columns = {"last_name", "birth_date"}, normalize = "lowercase")
 * class Patient { … }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(CompoundBlindIndex.List.class)
public @interface CompoundBlindIndex {

    /** The companion column holding the index. */
    String name();

    /** The column names (physical names), in order; at least two. */
    String[] columns();

    /** Index length in bits; 0 for the default (exact). */
    int bits() default 0;

    /** Normalizers applied to every part. */
    String[] normalize() default {};

    /** {@code argon2id} for low-entropy combinations; empty for the fast keyed hash. */
    String slow() default "";

    /** A join domain shared by indexes that must compare equal across tables (YAML {@code domain}); empty for none. */
    String domain() default "";

    /** A tuned cost for {@code slow = "argon2id"} (YAML {@code argon2id-cost}); the default is the production cost. */
    Argon2idCost argon2idCost() default @Argon2idCost;

    /** Holds repeated {@link CompoundBlindIndex} declarations. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        CompoundBlindIndex[] value();
    }
}
