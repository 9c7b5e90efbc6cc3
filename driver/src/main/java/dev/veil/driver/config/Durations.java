package dev.veil.driver.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Veil's one duration grammar, for YAML, JDBC properties and Spring properties alike: an ISO-8601 duration
 * ({@code PT5M}, {@code PT0.25S}, {@code P1D}; case-insensitive) or a whole number with one unit ({@code 250ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}). A bare number is refused: it has no unit.
 */
public final class Durations {

    /** The accepted forms, for messages. */
    public static final String FORMS = "an ISO-8601 duration (PT5M, PT1H, PT0.25S) or a whole number with a unit "
            + "(250ms, 30s, 5m, 1h, 1d)";

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * The duration {@code text} names.
     *
     * @throws IllegalArgumentException naming the text and {@link #FORMS} when it is not one
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.matches("[+-]?\\d+")) {
            throw new IllegalArgumentException("the duration " + s + " has no unit; write " + FORMS);
        }
        Matcher m = SHORT.matcher(s);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a duration; write " + FORMS);
        }
    }
}
