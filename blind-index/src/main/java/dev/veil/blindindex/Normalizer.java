package dev.veil.blindindex;

/**
 * Turns a text value into the form that is indexed, identically on write and on query, so values that should
 * match compare equal in the index ({@code " Alice@Example.COM"} and {@code "alice@example.com"} under
 * {@code [trim, lowercase]}). Normalizers apply to {@link String} values only; other types pass through.
 *
 * <p>Custom normalizers are found by {@link NormalizerRegistry#standard()} through {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/dev.veil.blindindex.Normalizer}. It needs a public
 * no-argument constructor, must be a pure function of its input (no locale, clock or configuration lookups),
 * thread-safe, and must never change behaviour once indexes exist: a different output for the same input makes
 * every stored index of that column unreachable until it is rebuilt.
 */
public interface Normalizer {

    /**
     * The name used in configuration ({@code normalize: [my-name]}): lower-case letters, digits and {@code -},
     * starting with a letter; never one of the built-in names.
     */
    String name();

    /** The normalized form; never {@code null} for a non-null input. Must not log or keep the value. */
    String normalize(String value);
}
