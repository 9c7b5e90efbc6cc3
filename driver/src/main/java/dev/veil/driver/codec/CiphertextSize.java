package dev.veil.driver.codec;

/**
 * How long stored ciphertext gets (docs/design.md, "Column envelope"): what a column's declared length must hold.
 * One rule for the driver's schema check and the Spring starter's validation.
 */
public final class CiphertextSize {

    /** The length assumed for strings and bytes, whose values have no fixed width. */
    public static final int ASSUMED_STRING_BYTES = 64;

    private CiphertextSize() {
    }

    /** Characters of the text envelope ({@code veil1:} + base64) of an n-byte value's ciphertext. */
    public static int textLength(int n) {
        return 6 + (4 * (n + 46) + 2) / 3;
    }

    /**
     * Whether every value of a declared type encodes to the same length (so padding hides nothing): every type but
     * strings, bytes and decimals.
     */
    public static boolean fixedWidth(ValueType type) {
        return type != ValueType.STRING && type != ValueType.BYTES && type != ValueType.DECIMAL;
    }

    /**
     * The longest stored value of a declared type under a column's padding, in bytes past the type tag (as
     * {@link #widest(ValueType)}): with a maximum that refuses longer values, exactly what the largest bucket holds;
     * otherwise the padded length of the widest (or assumed) value.
     */
    public static int widest(ValueType type, Padding padding) {
        if (!padding.enabled()) {
            return widest(type);
        }
        if (padding.max() > 0 && padding.overMax() == Padding.OverMax.REFUSE) {
            return padding.max() - 1;
        }
        return (int) Math.min(Integer.MAX_VALUE, padding.paddedLength(1 + widest(type)) - 1);
    }

    /** The longest encoded value of a declared type, in bytes; strings, bytes and undeclared types assume 64. */
    public static int widest(ValueType type) {
        if (type == null) {
            return ASSUMED_STRING_BYTES;
        }
        return switch (type) {
            case BOOLEAN -> 1;
            case SHORT -> 2;
            case INT, FLOAT -> 4;
            case LONG, DOUBLE -> 8;
            case UUID, LOCAL_DATE, LOCAL_TIME, SQL_DATE, SQL_TIME -> 16;
            case LOCAL_DATE_TIME, OFFSET_DATE_TIME, INSTANT, SQL_TIMESTAMP -> 24;
            case DECIMAL -> 40;
            default -> ASSUMED_STRING_BYTES;
        };
    }
}
