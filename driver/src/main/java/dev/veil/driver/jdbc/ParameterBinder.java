package dev.veil.driver.jdbc;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.codec.StoredCiphertext;
import dev.veil.driver.sql.ParameterMap;
import dev.veil.driver.sql.SearchedArrays;
import dev.veil.driver.sql.StatementPlan;
import dev.veil.driver.sql.Target;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Binds the application's parameters of one prepared statement to the driver's statement, as its plan says. Built
 * once per statement from the plan; what it keeps between a setter and the execution is owned here:
 * <ul>
 *   <li><b>positions</b>: when Veil rewrote the statement for blind indexes, original parameter {@code i} is sent at
 *       {@link #position(int)} (0: not sent at all, a compared encrypted value whose index alone is sent);
 *   <li><b>buffering</b>: the values derived parameters are computed from (a blind index, a compound index's parts,
 *       a row filter's comparison), kept by original position;
 *   <li><b>derived values</b>: computed and bound just before each execution ({@link #beforeExecute()}), under the
 *       index keys of that moment;
 *   <li><b>row keys</b> (row binding): a row-bound value is encrypted at execution, once its row's key parameters
 *       are bound ({@link RowKeyParameters}).
 * </ul>
 * A parameter the plan does not handle ({@link #forwards}) never comes here: the statement forwards it to the
 * driver at {@link #position(int)}, which is the fast path. Not thread-safe (a statement is not).
 */
final class ParameterBinder {

    private final StatementPlan plan;
    private final PreparedStatement driver;
    /** Where parameters go when Veil rewrote the statement; null when they keep their places. */
    private final ParameterMap map;
    /** Values kept for derived values (original positions); null when none are. */
    private final Object[] buffer;
    /** Row binding: the row-key parameters and the values waiting for them; null when the plan has none. */
    private final RowKeyParameters rowKeys;
    /** Binds a row-bound value once encrypted; one per statement (not per execution), only with row keys. */
    private final RowKeyParameters.Sink sendEncrypted;

    ParameterBinder(StatementPlan plan, PreparedStatement driver) {
        this.plan = plan;
        this.driver = driver;
        this.map = plan.parameterMap();
        this.buffer = map == null ? null : map.newBuffer();
        this.rowKeys = RowKeyParameters.of(plan);
        this.sendEncrypted = rowKeys == null ? null : this::sendStored;
    }

    /** Whether original parameter {@code i} goes to the driver as the application set it (at {@link #position}). */
    boolean forwards(int i) {
        return plan.parameter(i) == null;
    }

    /** The position original parameter {@code i} is sent at (0: not sent). */
    int position(int i) {
        return map == null ? i : map.position(i);
    }

    /**
     * Binds a value of a parameter Veil handles: keeps it when a derived value is computed from it, then sends a
     * plain value as is, an encrypted column's value as its stored ciphertext (a typed NULL for null), and a
     * compared encrypted value not at all (only its index is sent).
     */
    void bind(int i, Object value) throws SQLException {
        if (map != null && map.arrayParameter(i)) {
            value = SearchedArrays.elements(value, i); // col = ANY(?): kept as its elements
        }
        Target t = plan.parameter(i);
        if (keep(i, t, value)) {
            return; // a row-bound value: encrypted at execution, once its row's key is bound
        }
        int position = position(i);
        if (position == 0) {
            return;
        }
        if (t.isPlain()) {
            if (value == null) {
                driver.setNull(position, Types.NULL);
            } else {
                driver.setObject(position, value);
            }
        } else if (value == null) {
            StoredCiphertext.bindNull(driver, position, t.storage());
        } else {
            StoredCiphertext.bind(driver, position, t.encrypt(value));
        }
    }

    /** As {@link #bind} with {@code x} first converted to {@code targetSqlType}, as {@code setObject} asks. */
    void bind(int i, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        bind(i, JdbcTypes.convert(x, targetSqlType, scaleOrLength, plan.parameter(i)));
    }

    /**
     * {@code setNull} of a parameter Veil handles: kept as null; a plain one that is sent gets the application's
     * type (and type name, when given), an encrypted column's the type of its storage.
     */
    void bindNull(int i, int sqlType, String typeName) throws SQLException {
        Target t = plan.parameter(i);
        int position = position(i);
        if (!t.isPlain() || position == 0) {
            bind(i, null);
            return;
        }
        keep(i, t, null);
        if (typeName == null) {
            driver.setNull(position, sqlType);
        } else {
            driver.setNull(position, sqlType, typeName);
        }
    }

    /**
     * {@code setArray} of a parameter Veil handles. An array cannot be bound to an encrypted column or a parameter
     * a derived value is computed from — except the searched array of {@code col = ANY(?)} / {@code <> ALL(?)}:
     * when the plan marks parameter {@code i} as an array one, its elements are kept (the first step of
     * {@link #bind}, so {@code setObject} with a Java array takes the same way) and their blind-index values are
     * derived per element in {@link #beforeExecute()}, which binds them as one {@code bytea[]} parameter.
     */
    void bindArray(int i, Array x) throws SQLException {
        if (map != null && map.arrayParameter(i)) {
            bind(i, x);
            return;
        }
        throw unsupported(i, "Array");
    }

    /** The refusal of a value type that cannot be bound to a parameter Veil handles. */
    SQLException unsupported(int i, String kind) {
        Target t = plan.parameter(i);
        return VeilSqlState.CONVERSION.exception("a " + kind + " cannot be bound to "
                + (t.isPlain() ? "parameter " + i + ", which feeds a blind index"
                        : "encrypted column " + t.column().qualified()) + "; bind a supported value type");
    }

    /** Keeps a value for derived values and row keys; true when it waits for execution (row-bound, not null). */
    private boolean keep(int i, Target t, Object value) {
        if (buffer != null && map.buffered(i)) {
            buffer[i - 1] = value;
        }
        return rowKeys != null && rowKeys.keep(i, t, value);
    }

    /**
     * Before each execution ({@code execute*}, {@code addBatch}): refuses a construct the current key versions make
     * inexact, encrypts the row-bound values under the row keys bound now, and computes and binds the derived
     * values from the kept ones.
     */
    void beforeExecute() throws SQLException {
        plan.checkKeyVersions();
        if (rowKeys != null) {
            rowKeys.encryptPending(sendEncrypted);
        }
        if (map == null) {
            return;
        }
        if (buffer != null && plan.result().readsParameters()) {
            for (int p : plan.result().projectionParameters()) {
                ParameterMap.requireSet(buffer, p); // kept for COALESCE(col, ?), never sent: pgjdbc cannot check it
            }
        }
        Object[] values = map.derivedValues(buffer);
        for (int k = 0; k < values.length; k++) {
            if (values[k] instanceof byte[][]) {
                driver.setObject(map.derivedPosition(k), values[k]); // bytea[]: an array parameter's index values
            } else {
                StoredCiphertext.bind(driver, map.derivedPosition(k), values[k], map.derivedSqlType(k));
            }
        }
    }

    /** Binds the ciphertext (not null) of original parameter {@code i}. */
    private void sendStored(int i, Object stored) throws SQLException {
        int position = position(i);
        if (position != 0) {
            StoredCiphertext.bind(driver, position, stored);
        }
    }

    /** The kept values a post-filtered result compares with (a copy: parameters may change); null when none. */
    Object[] filterValues() {
        return buffer == null || plan.result().filters().length == 0 && !plan.result().readsParameters() ? null
                : buffer.clone();
    }

    /** {@code clearParameters}: forgets every kept value (the caller clears the driver's). */
    void clear() {
        ParameterMap.clear(buffer);
        if (rowKeys != null) {
            rowKeys.clear();
        }
    }

    @Override
    public String toString() {
        return "ParameterBinder[" + map + "]"; // never the values
    }
}
