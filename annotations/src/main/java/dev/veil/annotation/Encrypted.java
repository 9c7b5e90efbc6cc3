package dev.veil.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a persistent field whose column Veil encrypts. The table comes from the class's
 * {@code jakarta.persistence.Table} (or the snake_case class name), the column from the field's
 * {@code jakarta.persistence.Column} (or the snake_case field name). The Java type of the field becomes the
 * column's declared value type.
 *
 * <pre>{@code
 * @Entity @Table(name = "patients")
 * class Patient {
 *     @Encrypted String ssn;
 *     @Encrypted Integer heartRate;     // column heart_rate
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface Encrypted {

    /**
     * The {@code table.column} this column's values were first encrypted under, when the table or column has since
     * been renamed; ciphertexts and the data key stay bound to that name. Empty for none.
     */
    String renamedFrom() default "";

    /**
     * Length hiding, as YAML {@code pad:} — {@code @Pad(16)} or
     * {@code @Pad(buckets = Pad.Buckets.POWER_OF_TWO, max = 4096)}; the default pads nothing.
     */
    Pad pad() default @Pad;
}
