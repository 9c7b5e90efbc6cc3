package dev.veil.driver.codec;

import dev.veil.driver.error.VeilSqlState;
import java.sql.SQLException;
import java.sql.Types;

/**
 * A select-list expression over one encrypted column that Veil evaluates after decryption, because PostgreSQL cannot
 * evaluate it on ciphertext: a cast to a text type or to the column's own type ({@code ssn::text},
 * {@code heart_rate::int}), {@code COALESCE(col, 'literal' | ?)} and {@code CASE WHEN col IS NULL THEN … ELSE col
 * END}. The statement sent selects the ciphertext column under the label PostgreSQL would give the expression; the
 * result computes the value from the decrypted one exactly as PostgreSQL would, and reports the type PostgreSQL
 * reports for it. Only forms whose result does not depend on server settings (DateStyle, extra_float_digits,
 * bytea_output, lc_collate) are built; see the README's table.
 */
public final class Projection {

    /** The SQL type of a projection's result, as pgjdbc reports it. */
    public enum Result {
        TEXT("text", Types.VARCHAR, String.class),
        VARCHAR("varchar", Types.VARCHAR, String.class),
        INT2("int2", Types.SMALLINT, Integer.class),
        INT4("int4", Types.INTEGER, Integer.class),
        INT8("int8", Types.BIGINT, Long.class),
        BOOL("bool", Types.BIT, Boolean.class),
        FLOAT4("float4", Types.REAL, Float.class),
        FLOAT8("float8", Types.DOUBLE, Double.class),
        NUMERIC("numeric", Types.NUMERIC, java.math.BigDecimal.class),
        DATE("date", Types.DATE, java.sql.Date.class),
        TIMESTAMP("timestamp", Types.TIMESTAMP, java.sql.Timestamp.class),
        TIMESTAMPTZ("timestamptz", Types.TIMESTAMP, java.sql.Timestamp.class),
        UUID("uuid", Types.OTHER, java.util.UUID.class);

        private final String typeName;
        private final int sqlType;
        private final Class<?> javaType;

        Result(String typeName, int sqlType, Class<?> javaType) {
            this.typeName = typeName;
            this.sqlType = sqlType;
            this.javaType = javaType;
        }

        public String typeName() {
            return typeName;
        }

        public int sqlType() {
            return sqlType;
        }

        public String className() {
            return javaType.getName();
        }

        boolean isText() {
            return this == TEXT || this == VARCHAR;
        }
    }

    private final Result result;
    private final String construct;
    /** The value for a SQL NULL: a constant of the result's type (null: stays NULL). */
    private final Object fallback;
    /** The original 1-based parameter giving the value for a SQL NULL; 0 for none. */
    private final int fallbackParameter;

    private Projection(Result result, String construct, Object fallback, int fallbackParameter) {
        this.result = result;
        this.construct = construct;
        this.fallback = fallback;
        this.fallbackParameter = fallbackParameter;
    }

    /** A cast of the column to {@code result} (a text type, or the column's own type). */
    public static Projection cast(Result result) {
        return new Projection(result, "a cast to " + result.typeName, null, 0);
    }

    /** {@code COALESCE(col, constant)} or its {@code CASE} form; {@code constant} is of the result's type. */
    public static Projection orConstant(Result result, Object constant, String construct) {
        return new Projection(result, construct, constant, 0);
    }

    /** {@code COALESCE(col, ?)} or its {@code CASE} form, the parameter bound as a string (a text result). */
    public static Projection orParameter(int parameter, String construct) {
        return new Projection(Result.TEXT, construct, null, parameter);
    }

    public Result result() {
        return result;
    }

    /** The original 1-based parameter whose value stands for a SQL NULL; 0 for none. */
    public int parameter() {
        return fallbackParameter;
    }

    /** Whether the result needs the statement's kept parameter values ({@link #apply}). */
    public boolean readsParameters() {
        return fallbackParameter > 0;
    }

    /**
     * The projection's value for one row.
     *
     * @param decrypted the column's decrypted value, null for SQL NULL
     * @param parameters the statement's kept parameter values by original position (null when none are kept)
     * @param column the column's qualified name, for messages
     */
    public Object apply(Object decrypted, Object[] parameters, String column) throws SQLException {
        if (decrypted == null) {
            if (fallbackParameter == 0) {
                return fallback;
            }
            Object p = parameters == null || fallbackParameter > parameters.length ? null
                    : parameters[fallbackParameter - 1];
            if (p == null || p instanceof String) {
                return p;
            }
            throw VeilSqlState.CONVERSION.exception(construct + " over encrypted column " + column + " needs a "
                    + "string parameter (PostgreSQL cannot match text with another type there); bind it with "
                    + "setString");
        }
        if (result == Result.INT2 || result == Result.INT4 || result == Result.INT8) {
            Object v = integral(decrypted);
            if (v != null) {
                return v;
            }
        } else if (!result.isText()) {
            return decrypted; // a cast to the column's own type: the value itself, as a plain read returns it
        } else if (decrypted instanceof String) {
            return decrypted;
        } else if (decrypted instanceof Integer || decrypted instanceof Long || decrypted instanceof Short) {
            return decrypted.toString(); // int2out/int4out/int8out: plain decimal digits, '-' for negatives
        } else if (decrypted instanceof Boolean) {
            return ((Boolean) decrypted) ? "true" : "false"; // bool → text
        }
        throw VeilSqlState.CONVERSION.exception("encrypted column " + column + " holds a value Veil cannot turn into "
                + result.typeName + " exactly as PostgreSQL would; read the column itself and convert it in the "
                + "application");
    }

    private Object integral(Object v) {
        if (!(v instanceof Integer || v instanceof Long || v instanceof Short)) {
            return null;
        }
        long n = ((Number) v).longValue();
        switch (result) {
            case INT2:
            case INT4:
                return (int) n == n ? (Object) (int) n : null;
            case INT8:
                return n;
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        // the fallback may be a constant of the statement text: never shown
        return "Projection[" + construct + " → " + result.typeName + "]";
    }
}
