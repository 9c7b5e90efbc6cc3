package dev.veil.blindindex;

import java.text.Normalizer.Form;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The built-in {@link Normalizer}s. Their behaviour is fixed forever: changing it would orphan stored indexes
 * (a new behaviour gets a new name).
 */
public final class StandardNormalizer implements Normalizer {

    /** {@code lowercase}: {@link String#toLowerCase(Locale)} with {@link Locale#ROOT} — no Turkish dotless-i surprises, no full case folding ({@code ß} stays {@code ß}). */
    public static final Normalizer LOWERCASE = new StandardNormalizer("lowercase", v -> v.toLowerCase(Locale.ROOT));

    /** {@code trim}: {@link String#strip()}, removing leading and trailing {@link Character#isWhitespace(int) white space}. */
    public static final Normalizer TRIM = new StandardNormalizer("trim", String::strip);

    /** {@code nfkc}: Unicode NFKC ({@link Form#NFKC}) — {@code "ﬁ"} → {@code "fi"}, {@code "１２３"} → {@code "123"}, accents composed. */
    public static final Normalizer NFKC = new StandardNormalizer("nfkc", v -> java.text.Normalizer.normalize(v, Form.NFKC));

    /**
     * {@code digits-only}: keeps decimal digits ({@link Character#isDigit(int)}), each mapped to its ASCII digit, so
     * {@code "123-45-6789"}, {@code "123 45 6789"} and {@code "１２３４５６７８９"} all become {@code "123456789"}.
     */
    public static final Normalizer DIGITS_ONLY = new StandardNormalizer("digits-only", StandardNormalizer::digitsOnly);

    /** Every built-in, in documentation order. */
    public static final List<Normalizer> ALL = List.of(LOWERCASE, TRIM, NFKC, DIGITS_ONLY);

    private final String name;
    private final UnaryOperator<String> function;

    private StandardNormalizer(String name, UnaryOperator<String> function) {
        this.name = name;
        this.function = function;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String normalize(String value) {
        return function.apply(value);
    }

    @Override
    public String toString() {
        return name;
    }

    private static String digitsOnly(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(cp -> {
            if (Character.isDigit(cp)) {
                out.append((char) ('0' + Character.digit(cp, 10)));
            }
        });
        return out.toString();
    }
}
