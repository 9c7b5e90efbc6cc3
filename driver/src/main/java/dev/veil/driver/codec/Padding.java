package dev.veil.driver.codec;

import java.util.Arrays;
import java.util.Locale;

/**
 * Length hiding for one column (YAML {@code pad:}): the typed plaintext is padded with zero bytes inside the AEAD
 * plaintext, so the stored ciphertext's length reveals only which length bucket the value falls in.
 *
 * <p>The padded form ({@code docs/design.md} §2, "Padded form") is
 * {@code [0x80 | type tag] [payload length, 4 bytes big-endian] [payload] [zero bytes]}: the length is explicit, so
 * nothing is ever guessed by stripping zeros, and the flag bit tells it from the unpadded {@code [tag][payload]},
 * which keeps decrypting. Whichever form a value was written in, {@link TypedValues#decode} reads it, so a column can
 * switch padding on or off at any time.
 *
 * <p>Two rules: round the padded plaintext up to a <b>multiple</b> of N bytes ({@code pad: 16}), or to the next
 * <b>power of two</b> from {@code min} up to {@code max} ({@code pad: { buckets: power-of-two, max: 4096 }}). A value
 * whose padded plaintext would exceed {@code max} is refused ({@link OverMax#REFUSE}, the default: the length is never
 * leaked silently) or rounded up to a multiple of {@code max} ({@link OverMax#ROUND_UP}). Immutable; the factories
 * validate.
 */
public final class Padding {

    /** The flag bit of the type-tag byte that marks the padded form. */
    public static final int PADDED_FLAG = 0x80;
    /** Tag byte + 4-byte payload length: what the padded form adds before any padding bytes. */
    public static final int HEADER = 5;
    /** The largest multiple or maximum accepted (1 GiB, PostgreSQL's largest field). */
    public static final int LARGEST = 1 << 30;
    /** The smallest bucket of power-of-two padding unless {@code min} says otherwise. */
    public static final int DEFAULT_MIN = 16;

    /** No padding: values are stored in the unpadded form. */
    public static final Padding NONE = new Padding(Rule.NONE, 0, 0, 0, OverMax.REFUSE);

    /** What happens to a value longer than the largest bucket. */
    public enum OverMax {
        /** Refused with SQLState 22001 naming the column (the default). */
        REFUSE("refuse"),
        /** Rounded up to a multiple of the maximum: the length then shows to within the maximum. */
        ROUND_UP("round-up");

        private final String configName;

        OverMax(String configName) {
            this.configName = configName;
        }

        /** The YAML spelling. */
        public String configName() {
            return configName;
        }

        /** By YAML spelling; null when unknown. */
        public static OverMax ofConfigName(String name) {
            for (OverMax o : values()) {
                if (o.configName.equals(name == null ? null : name.trim().toLowerCase(Locale.ROOT))) {
                    return o;
                }
            }
            return null;
        }
    }

    private enum Rule { NONE, MULTIPLE, POWER_OF_TWO }

    /** Thrown by {@link #apply} for a value longer than the maximum under {@link OverMax#REFUSE}. */
    public static final class TooLongException extends Exception {
        private static final long serialVersionUID = 1L;

        TooLongException(String message) {
            super(message, null, false, false);
        }
    }

    private final Rule rule;
    private final int multiple;
    private final int min;
    /** The largest bucket of power-of-two padding; 0 for no maximum. */
    private final int max;
    private final OverMax overMax;

    private Padding(Rule rule, int multiple, int min, int max, OverMax overMax) {
        this.rule = rule;
        this.multiple = multiple;
        this.min = min;
        this.max = max;
        this.overMax = overMax;
    }

    /**
     * Rounds the padded plaintext up to a multiple of {@code n} bytes ({@code pad: n}).
     *
     * @throws IllegalArgumentException unless 2 ≤ n ≤ 2^30; the message names the range
     */
    public static Padding multipleOf(int n) {
        if (n < 2 || n > LARGEST) {
            throw new IllegalArgumentException("pad must be a whole number of bytes from 2 to " + LARGEST + ", was "
                    + n + " (pad: 16 rounds every value up to a multiple of 16 bytes)");
        }
        return new Padding(Rule.MULTIPLE, n, 0, 0, OverMax.REFUSE);
    }

    /**
     * Rounds the padded plaintext up to the next power of two, at least {@code min}, at most {@code max}
     * ({@code pad: { buckets: power-of-two, min: 16, max: 4096 }}).
     *
     * @param max the largest bucket, a power of two ≥ min; 0 for no maximum (then {@code overMax} must be REFUSE)
     * @throws IllegalArgumentException when min or max is not a power of two in range, or max &lt; min
     */
    public static Padding powerOfTwo(int min, int max, OverMax overMax) {
        if (!powerOfTwoInRange(min)) {
            throw new IllegalArgumentException("pad min must be a power of two from 8 to " + LARGEST + ", was " + min);
        }
        if (max != 0 && !powerOfTwoInRange(max)) {
            throw new IllegalArgumentException("pad max must be a power of two from 8 to " + LARGEST + ", was " + max
                    + " (e.g. max: 4096)");
        }
        if (max != 0 && max < min) {
            throw new IllegalArgumentException("pad max (" + max + ") is smaller than pad min (" + min + ")");
        }
        if (overMax == null) {
            throw new IllegalArgumentException("pad over-max must be refuse or round-up");
        }
        if (max == 0 && overMax != OverMax.REFUSE) {
            throw new IllegalArgumentException("pad over-max: " + overMax.configName() + " needs a max (the size "
                    + "whose multiples longer values are rounded up to); add max: 4096 or drop over-max");
        }
        return new Padding(Rule.POWER_OF_TWO, 0, min, max, overMax);
    }

    private static boolean powerOfTwoInRange(int n) {
        return n >= 8 && n <= LARGEST && Integer.bitCount(n) == 1;
    }

    /** Whether values are padded at all. */
    public boolean enabled() {
        return rule != Rule.NONE;
    }

    /** The largest bucket (power-of-two padding), or 0 when there is none. */
    public int max() {
        return max;
    }

    /** What happens to a value longer than {@link #max()}. */
    public OverMax overMax() {
        return overMax;
    }

    /**
     * The length of the padded plaintext of a value whose unpadded typed plaintext ({@code [tag][payload]}) is
     * {@code typedLength} bytes; -1 when it is over the maximum and refused. For {@link #NONE}, {@code typedLength}.
     */
    public long paddedLength(long typedLength) {
        long l = typedLength - 1 + HEADER;
        switch (rule) {
            case NONE:
                return typedLength;
            case MULTIPLE:
                return roundUp(l, multiple);
            case POWER_OF_TWO: {
                long bucket = Math.max(min, Long.highestOneBit(Math.max(1, l - 1)) << 1);
                if (max == 0 || bucket <= max) {
                    return bucket;
                }
                return overMax == OverMax.REFUSE ? -1 : roundUp(l, max);
            }
            default:
                throw new AssertionError(rule);
        }
    }

    private static long roundUp(long l, int n) {
        return (l + n - 1) / n * n;
    }

    /**
     * The padded form of an unpadded typed plaintext {@code [tag][payload]}; {@code typed} itself when padding is
     * off. The input is zeroed when a new array is returned (it holds plaintext).
     *
     * @throws TooLongException when the value is longer than the maximum and {@link OverMax#REFUSE} applies; the
     *         message names the maximum, never the value or its length
     */
    public byte[] apply(byte[] typed) throws TooLongException {
        if (rule == Rule.NONE) {
            return typed;
        }
        long padded = paddedLength(typed.length);
        if (padded < 0 || padded > Integer.MAX_VALUE - 8) {
            Arrays.fill(typed, (byte) 0);
        }
        if (padded < 0) {
            throw new TooLongException("the value is longer than the largest padding bucket (pad max " + max
                    + " bytes, including " + HEADER + " bytes of header)");
        }
        if (padded > Integer.MAX_VALUE - 8) {
            throw new TooLongException("the padded value would exceed the largest array Java can hold");
        }
        int payload = typed.length - 1;
        byte[] out = new byte[(int) padded];
        out[0] = (byte) (typed[0] | PADDED_FLAG);
        out[1] = (byte) (payload >>> 24);
        out[2] = (byte) (payload >>> 16);
        out[3] = (byte) (payload >>> 8);
        out[4] = (byte) payload;
        System.arraycopy(typed, 1, out, HEADER, payload);
        Arrays.fill(typed, (byte) 0);
        return out;
    }

    /** As written in YAML ({@code 16}, {@code { buckets: power-of-two, min: 16, max: 4096 }}), for messages. */
    public String describe() {
        switch (rule) {
            case NONE:
                return "none";
            case MULTIPLE:
                return Integer.toString(multiple);
            default:
                return "{ buckets: power-of-two, min: " + min + (max == 0 ? "" : ", max: " + max
                        + (overMax == OverMax.REFUSE ? "" : ", over-max: " + overMax.configName())) + " }";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Padding p && p.rule == rule && p.multiple == multiple && p.min == min && p.max == max
                && p.overMax == overMax;
    }

    @Override
    public int hashCode() {
        return ((rule.hashCode() * 31 + multiple) * 31 + min) * 31 + max + overMax.hashCode();
    }

    @Override
    public String toString() {
        return "Padding[" + describe() + "]";
    }
}
