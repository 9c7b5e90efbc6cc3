package dev.veil.driver.sql;

import dev.veil.driver.error.VeilSqlState;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * How the application's {@code ?} parameters map onto the statement Veil sends, when Veil rewrote it for blind
 * indexes: each original parameter goes to a new position or is not sent at all (a compared encrypted value: only
 * its index is sent), some are kept (buffered) because index values are derived from them, and derived
 * parameters carry index values computed just before execution (a compound index needs all its parts).
 */
public final class ParameterMap {

    /** A part of a derived value taken from original parameter {@code index} (1-based). */
    record ParamRef(int index) {
    }

    /**
     * One parameter Veil adds: its 1-based position in the sent statement, and which slot of which index values
     * it carries (an index value under one key version, or a plaintext comparison's text).
     */
    record Derived(int position, IndexValues values, int slot) {
    }

    /** Marks a buffered parameter the application has not set. */
    static final Object UNSET = new Object();

    private final int[] positions;
    private final boolean[] buffered;
    private final Derived[] derived;
    private final boolean anyBuffered;
    /** Per derived parameter, the first derived parameter filled from the same {@link IndexValues} (often itself). */
    private final int[] firstOfValues;
    /** Original parameters holding an array of searched values ({@code = ANY(?)}); null when none do. */
    private final boolean[] arrays;

    ParameterMap(int[] positions, boolean[] buffered, Derived[] derived) {
        this.positions = positions;
        this.buffered = buffered;
        this.derived = derived;
        this.firstOfValues = new int[derived.length];
        for (int k = 0; k < derived.length; k++) {
            int first = k;
            for (int j = 0; j < k; j++) {
                if (derived[j].values() == derived[k].values()) {
                    first = j;
                    break;
                }
            }
            firstOfValues[k] = first;
        }
        boolean[] arrayParameters = null;
        for (Derived d : derived) {
            if (d.values().array() && d.values().sources()[0] instanceof ParamRef) {
                arrayParameters = arrayParameters != null ? arrayParameters : new boolean[positions.length];
                int i = ((ParamRef) d.values().sources()[0]).index();
                if (i <= arrayParameters.length) {
                    arrayParameters[i - 1] = true;
                }
            }
        }
        this.arrays = arrayParameters;
        boolean any = false;
        for (boolean b : buffered) {
            any |= b;
        }
        this.anyBuffered = any;
    }

    /** The 1-based position original parameter {@code original} is sent at; 0 when it is not sent. */
    public int position(int original) {
        return original >= 1 && original <= positions.length ? positions[original - 1] : Integer.MAX_VALUE;
    }

    /** Whether the value of original parameter {@code original} must be kept for a derived index value. */
    public boolean buffered(int original) {
        return original >= 1 && original <= buffered.length && buffered[original - 1];
    }

    /**
     * Whether original parameter {@code original} holds an array of searched values ({@code col = ANY(?)}): the
     * prepared statement keeps it as its elements ({@link SearchedArrays#elements}).
     */
    public boolean arrayParameter(int original) {
        return arrays != null && original >= 1 && original <= arrays.length && arrays[original - 1];
    }

    /** A fresh buffer for the original parameters' values, all unset; null when nothing is buffered. */
    public Object[] newBuffer() {
        if (!anyBuffered) {
            return null;
        }
        Object[] b = new Object[positions.length];
        Arrays.fill(b, UNSET);
        return b;
    }

    /** Marks every value of a buffer unset (clearParameters). */
    public static void clear(Object[] buffer) {
        if (buffer != null) {
            Arrays.fill(buffer, UNSET);
        }
    }

    public int derivedCount() {
        return derived.length;
    }

    public int derivedPosition(int k) {
        return derived[k].position();
    }

    /**
     * Every derived parameter's value for one execution, from the buffered values: {@code byte[]} (an index value),
     * {@code byte[][]} (an array parameter's index values),
     * {@code String} (a plaintext comparison's text) or null (SQL NULL). The values of one searched value are
     * computed once, whatever the number of parameters they fill.
     */
    public Object[] derivedValues(Object[] buffer) throws SQLException {
        Object[] out = new Object[derived.length];
        Object[][] computed = derived.length == 1 ? null : new Object[derived.length][];
        for (int k = 0; k < derived.length; k++) {
            Derived d = derived[k];
            int first = firstOfValues[k];
            Object[] values = first < k ? computed[first] : d.values().compute(buffer);
            if (computed != null) {
                computed[k] = values;
            }
            out[k] = values[d.slot()];
        }
        return out;
    }

    /** The JDBC type of derived parameter {@code k}'s SQL NULL: {@code BINARY} for index values, else text. */
    public int derivedSqlType(int k) {
        if (derived[k].values().array()) {
            return java.sql.Types.ARRAY;
        }
        return IndexValues.isText(derived[k].slot()) ? java.sql.Types.VARCHAR : java.sql.Types.BINARY;
    }

    /** Whether every derived value comes from constants of the statement text (none from a parameter). */
    boolean derivedFromConstantsOnly(int k) {
        for (Object s : derived[k].values().sources()) {
            if (s instanceof ParamRef || s instanceof ComputedValue) {
                return false;
            }
        }
        return true;
    }

    /** Refuses an execution before the application set kept parameter {@code original} (as the server would). */
    public static void requireSet(Object[] buffer, int original) throws SQLException {
        resolve(new ParamRef(original), buffer);
    }

    static Object resolve(Object source, Object[] buffer) throws SQLException {
        if (source instanceof ComputedValue) {
            return ((ComputedValue) source).compute(buffer);
        }
        if (!(source instanceof ParamRef)) {
            return source;
        }
        int i = ((ParamRef) source).index();
        Object v = buffer == null || i > buffer.length ? UNSET : buffer[i - 1];
        if (v == UNSET) {
            throw VeilSqlState.PARAMETER_NOT_SET.exception("No value specified for parameter " + i + ".");
        }
        return v;
    }

    @Override
    public String toString() {
        return "ParameterMap" + Arrays.toString(positions) + " + " + derived.length + " derived";
    }
}
