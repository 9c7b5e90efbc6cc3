package dev.veil.driver.codec;

import java.util.Locale;

/**
 * The Java type of an encrypted value. Its tag travels inside the ciphertext, so {@code getObject} returns the type
 * that was written. Tags are part of the stored format: never renumber.
 */
public enum ValueType {
    STRING(1, "string", String.class),
    BYTES(2, "bytes", byte[].class),
    BOOLEAN(3, "boolean", Boolean.class),
    SHORT(4, "short", Short.class),
    INT(5, "int", Integer.class),
    LONG(6, "long", Long.class),
    FLOAT(7, "float", Float.class),
    DOUBLE(8, "double", Double.class),
    DECIMAL(9, "decimal", java.math.BigDecimal.class),
    UUID(10, "uuid", java.util.UUID.class),
    LOCAL_DATE(11, "local-date", java.time.LocalDate.class),
    LOCAL_TIME(12, "local-time", java.time.LocalTime.class),
    LOCAL_DATE_TIME(13, "local-date-time", java.time.LocalDateTime.class),
    OFFSET_DATE_TIME(14, "offset-date-time", java.time.OffsetDateTime.class),
    INSTANT(15, "instant", java.time.Instant.class),
    SQL_DATE(16, "sql-date", java.sql.Date.class),
    SQL_TIME(17, "sql-time", java.sql.Time.class),
    SQL_TIMESTAMP(18, "sql-timestamp", java.sql.Timestamp.class);

    private static final ValueType[] BY_TAG = new ValueType[32];

    static {
        for (ValueType t : values()) {
            BY_TAG[t.tag] = t;
        }
    }

    private final int tag;
    private final String configName;
    private final Class<?> javaType;

    ValueType(int tag, String configName, Class<?> javaType) {
        this.tag = tag;
        this.configName = configName;
        this.javaType = javaType;
    }

    public int tag() {
        return tag;
    }

    /** The name used in YAML ({@code type: int}). */
    public String configName() {
        return configName;
    }

    public Class<?> javaType() {
        return javaType;
    }

    /** @return the type for a stored tag, or null when the tag is unknown */
    public static ValueType ofTag(int tag) {
        return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
    }

    /**
     * Parses a configuration name: the canonical names above plus common aliases
     * ({@code text}, {@code varchar}, {@code integer}, {@code bigint}, {@code date}, {@code timestamp}, …).
     *
     * @return the type, or null when the name is unknown
     */
    public static ValueType ofConfigName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ValueType t : values()) {
            if (t.configName.equals(n)) {
                return t;
            }
        }
        switch (n) {
            case "text": case "varchar": case "str": return STRING;
            case "bytea": case "binary": case "byte[]": return BYTES;
            case "bool": return BOOLEAN;
            case "smallint": case "int2": return SHORT;
            case "integer": case "int4": return INT;
            case "bigint": case "int8": return LONG;
            case "real": case "float4": return FLOAT;
            case "float8": case "double-precision": return DOUBLE;
            case "numeric": case "bigdecimal": return DECIMAL;
            case "date": return LOCAL_DATE;
            case "time": return LOCAL_TIME;
            case "timestamp": return LOCAL_DATE_TIME;
            case "timestamptz": return OFFSET_DATE_TIME;
            default: return null;
        }
    }

    /** Every accepted configuration name, for error messages. */
    public static String configNames() {
        StringBuilder sb = new StringBuilder();
        for (ValueType t : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t.configName);
        }
        return sb.toString();
    }
}
