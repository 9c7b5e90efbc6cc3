package dev.veil.driver.sql;

import dev.veil.driver.error.VeilSqlState;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Where the key of the row an encrypted value belongs to comes from. On the write path: per key column, a parameter
 * of the statement (its original 1-based index) or a constant written in the SQL text; or a reason the key cannot be
 * known (a server-generated key, an UPDATE that does not pin the row). On the read path: per key column, the hidden
 * trailing result column Veil appended for it.
 */
final class RowKeySource {

    private final RowBinding binding;
    /** Write: the parameter of each key column (0 for a constant). */
    private final int[] parameters;
    private final Object[] constants;
    /** Read: the 0-based index of each key column among the hidden trailing columns. */
    private final int[] hidden;
    /** Why the key is not known (construct and fix), or null. */
    private final String problem;

    private RowKeySource(RowBinding binding, int[] parameters, Object[] constants, int[] hidden, String problem) {
        this.binding = binding;
        this.parameters = parameters;
        this.constants = constants;
        this.hidden = hidden;
        this.problem = problem;
    }

    /** A write whose key parts are parameters ({@code parameters[i] > 0}) or {@code constants[i]}. */
    static RowKeySource write(RowBinding binding, int[] parameters, Object[] constants) {
        return new RowKeySource(binding, parameters, constants, null, null);
    }

    /** A write whose row key Veil cannot know; {@code problem} says why and what to do. */
    static RowKeySource unknown(RowBinding binding, String problem) {
        return new RowKeySource(binding, null, null, null, problem);
    }

    /** A read: the key columns are hidden trailing columns {@code hidden}. */
    static RowKeySource read(RowBinding binding, int[] hidden) {
        return new RowKeySource(binding, null, null, hidden, null);
    }

    public RowBinding binding() {
        return binding;
    }

    /** Why the row key is not known, or null when it is. */
    String problem() {
        return problem;
    }

    /** Whether every key part is written in the SQL text (so a literal value can be encrypted when rendered). */
    boolean constant() {
        if (parameters == null) {
            return false;
        }
        for (int p : parameters) {
            if (p > 0) {
                return false;
            }
        }
        return true;
    }

    /** The parameters (original 1-based indexes) whose values this key needs; empty for none. */
    int[] parameters() {
        if (parameters == null) {
            return new int[0];
        }
        return java.util.Arrays.stream(parameters).filter(p -> p > 0).toArray();
    }

    /** The key of a write, from the kept parameter values (original positions; null when none are kept). */
    byte[] encodeWrite(Object[] kept, String column) throws SQLException {
        Object[] values = new Object[parameters.length];
        for (int i = 0; i < values.length; i++) {
            int p = parameters[i];
            values[i] = p == 0 ? constants[i] : kept != null && p <= kept.length ? kept[p - 1] : null;
        }
        return binding.encode(values, column);
    }

    /** The key of the current row of a result whose hidden columns start after 1-based column {@code visible}. */
    byte[] encodeRead(ResultSet row, int visible, String column) throws SQLException {
        Object[] values = new Object[hidden.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.getObject(visible + 1 + hidden[i]);
        }
        return binding.encode(values, column);
    }

    boolean isRead() {
        return hidden != null;
    }

    static SQLException notBound(String column) {
        return VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("row binding: Veil has no row key for " + column
                + " in this statement, so it neither encrypts nor decrypts it");
    }

    @Override
    public String toString() {
        return "RowKeySource[" + binding.keyNames() + (problem != null ? ", unknown" : hidden != null ? ", read"
                : ", write") + "]";
    }
}
