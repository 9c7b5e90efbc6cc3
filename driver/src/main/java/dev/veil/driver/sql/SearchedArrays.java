package dev.veil.driver.sql;

import dev.veil.driver.error.VeilSqlState;
import java.sql.Array;
import java.sql.SQLException;

/**
 * The values of an array parameter searched through a blind index ({@code col = ANY(?)}, {@code col <> ALL(?)},
 * {@link ArrayPredicate}): bound with {@code setArray} ({@code createArrayOf("text", …)}) or
 * {@code setObject(i, String[])}, kept as their elements, and sent as an array of index values — each element
 * under each enabled key version, a NULL element as a NULL index value. PostgreSQL's three-valued
 * {@code = ANY}/{@code <> ALL} over that array gives the original's result row for row: an empty array is false
 * (true for {@code <> ALL}) whatever the column, a NULL element makes a non-match unknown, a NULL array is unknown.
 */
public final class SearchedArrays {

    private SearchedArrays() {
    }

    /**
     * The elements of a value bound to an array parameter: an {@code Object[]}, a primitive array or a
     * {@link Array} (read now); null for SQL NULL. Refuses anything else, and nested (multi-dimensional) arrays,
     * whose elements PostgreSQL would compare flattened.
     */
    public static Object[] elements(Object value, int parameterIndex) throws SQLException {
        if (value == null) {
            return null;
        }
        Object v = value instanceof Array ? ((Array) value).getArray() : value;
        if (v == null) {
            return null;
        }
        if (!v.getClass().isArray() || v instanceof byte[]) {
            throw notAnArray(parameterIndex, "a " + v.getClass().getSimpleName());
        }
        int n = java.lang.reflect.Array.getLength(v);
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            out[i] = java.lang.reflect.Array.get(v, i);
            if (out[i] != null && out[i].getClass().isArray() && !(out[i] instanceof byte[])) {
                throw notAnArray(parameterIndex, "a multi-dimensional array");
            }
        }
        return out;
    }

    /** Every element's index values (two per element: one per searched key version), or null for a NULL array. */
    static byte[][] indexValues(IndexTarget index, Object kept) throws SQLException {
        if (kept == null) {
            return null;
        }
        if (!(kept instanceof Object[])) {
            throw notAnArray(-1, "a " + kept.getClass().getSimpleName());
        }
        Object[] elements = (Object[]) kept;
        byte[][] out = new byte[elements.length * IndexTarget.SEARCHED_VERSIONS][];
        for (int i = 0; i < elements.length; i++) {
            byte[][] versions = index.computeVersions(new Object[] {elements[i]});
            System.arraycopy(versions, 0, out, i * IndexTarget.SEARCHED_VERSIONS, IndexTarget.SEARCHED_VERSIONS);
        }
        return out;
    }

    private static SQLException notAnArray(int parameterIndex, String what) {
        return VeilSqlState.CONVERSION.exception((parameterIndex > 0 ? "parameter " + parameterIndex : "a parameter")
                + " is searched through a blind index with = ANY(?) / <> ALL(?) and needs a one-dimensional array "
                + "(setArray with createArrayOf, or setObject with an Object[]), not " + what);
    }
}
