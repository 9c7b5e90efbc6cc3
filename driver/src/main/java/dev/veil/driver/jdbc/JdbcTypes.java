package dev.veil.driver.jdbc;

import dev.veil.driver.codec.Conversions;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.sql.Target;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.Types;

/** {@code setObject(i, x, targetSqlType)} for an encrypted column: converts x as the target type asks. */
final class JdbcTypes {

    private JdbcTypes() {
    }

    static int vendorCode(SQLType type) {
        Integer code = type == null ? null : type.getVendorTypeNumber();
        return code == null ? Types.OTHER : code;
    }

    /**
     * The value to encrypt. A column with a declared type converts on its own; otherwise the JDBC type decides
     * (as the server would have cast it), and an unknown type keeps the value as it is.
     */
    static Object convert(Object x, int sqlType, int scaleOrLength, Target t) throws SQLException {
        if (x == null) {
            return null;
        }
        Class<?> cls = javaClass(sqlType);
        try {
            if (cls != null && (t.isPlain() || t.column().type() == null) && !cls.isInstance(x) && !(temporal(cls) && temporal(x.getClass()))) {
                x = Conversions.to(x, cls);
            }
            if (scaleOrLength >= 0 && x instanceof BigDecimal && (sqlType == Types.NUMERIC || sqlType == Types.DECIMAL)) {
                x = ((BigDecimal) x).setScale(scaleOrLength, RoundingMode.HALF_UP);
            }
            return x;
        } catch (Conversions.ConversionException e) {
            throw VeilSqlState.CONVERSION.exception("cannot bind to " + (t.isPlain() ? "a parameter feeding a blind "
                    + "index" : "encrypted column " + t.column().qualified()) + ": "
                    + e.getMessage());
        }
    }

    /** A temporal value keeps its own Java type under a temporal JDBC type, so getObject returns what was bound. */
    private static boolean temporal(Class<?> c) {
        return java.time.temporal.Temporal.class.isAssignableFrom(c) || java.util.Date.class.isAssignableFrom(c);
    }

    private static Class<?> javaClass(int sqlType) {
        switch (sqlType) {
            case Types.CHAR: case Types.VARCHAR: case Types.LONGVARCHAR: case Types.NCHAR: case Types.NVARCHAR:
            case Types.LONGNVARCHAR: case Types.CLOB: case Types.NCLOB:
                return String.class;
            case Types.BINARY: case Types.VARBINARY: case Types.LONGVARBINARY: case Types.BLOB:
                return byte[].class;
            case Types.BIT: case Types.BOOLEAN:
                return Boolean.class;
            case Types.TINYINT: case Types.SMALLINT:
                return Short.class;
            case Types.INTEGER:
                return Integer.class;
            case Types.BIGINT:
                return Long.class;
            case Types.REAL:
                return Float.class;
            case Types.FLOAT: case Types.DOUBLE:
                return Double.class;
            case Types.NUMERIC: case Types.DECIMAL:
                return BigDecimal.class;
            case Types.DATE:
                return java.time.LocalDate.class;
            case Types.TIME:
                return java.time.LocalTime.class;
            case Types.TIMESTAMP:
                return java.time.LocalDateTime.class;
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return java.time.OffsetDateTime.class;
            default:
                return null;
        }
    }
}
