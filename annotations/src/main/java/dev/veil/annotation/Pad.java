package dev.veil.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Length hiding for an {@link Encrypted} column, the same as YAML {@code pad:}: values are padded inside the
 * encrypted plaintext, so the stored ciphertext's length reveals only a bucket. Used only as
 * {@link Encrypted#pad()}:
 *
 * <pre>{@code
 * @Encrypted(pad = @Pad(16)) String notes;                                          // pad: 16
 * @Encrypted(pad = @Pad(buckets = Pad.Buckets.POWER_OF_TWO, max = 4096)) String bio; // pad: { buckets: power-of-two, max: 4096 }
 * }</pre>
 *
 * The default {@code @Pad} pads nothing. Padding a column whose Java type has a fixed width ({@code int},
 * {@code UUID}, dates…) is refused: its values all have the same length already.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Pad {

    /** Rounds each value up to a multiple of this many bytes (YAML {@code pad: 16}); 0 when buckets are used. */
    int value() default 0;

    /** Bucket sizes (YAML {@code buckets:}); {@link Buckets#NONE} with {@link #value()}. */
    Buckets buckets() default Buckets.NONE;

    /** The smallest bucket, a power of two (YAML {@code min:}); buckets only. */
    int min() default 16;

    /** The largest bucket, a power of two (YAML {@code max:}); 0 for none; buckets only. */
    int max() default 0;

    /** What happens to a value longer than {@link #max()} (YAML {@code over-max:}). */
    OverMax overMax() default OverMax.REFUSE;

    /** Bucket sizes. */
    enum Buckets {
        /** No buckets: {@link #value()} gives a multiple, or nothing is padded. */
        NONE,
        /** Powers of two from {@link #min()} to {@link #max()}. */
        POWER_OF_TWO
    }

    /** What happens to a value longer than the largest bucket. */
    enum OverMax {
        /** Refused with an SQLException naming the column (SQLState 22001). */
        REFUSE,
        /** Rounded up to a multiple of {@link #max()}. */
        ROUND_UP
    }
}
