package dev.veil.driver.jdbc;

import dev.veil.driver.sql.StatementPlan;
import dev.veil.driver.sql.Target;
import java.sql.SQLException;

/**
 * Row binding in a prepared statement: an encrypted value bound to its row's key cannot be encrypted when it is set,
 * since the key may be bound after it. This keeps the values of the row-key parameters and the row-bound values
 * until execution ({@code execute*} or {@code addBatch}), when each pending value is encrypted under the key bound
 * at that moment. Values stay set across executions, as JDBC parameters do, and are re-encrypted each time.
 * Not thread-safe (a statement is not).
 */
final class RowKeyParameters {

    /** Binds the ciphertext of one pending value. */
    @FunctionalInterface
    interface Sink {
        void bind(int parameterIndex, Object stored) throws SQLException;
    }

    private final boolean[] isKey;
    /** Key parameter values by original position. */
    private final Object[] kept;
    /** Row-bound values waiting for execution, by original position, with their targets. */
    private final Object[] pending;
    private final Target[] pendingTargets;

    private RowKeyParameters(int[] keys, int size) {
        this.isKey = new boolean[size];
        for (int k : keys) {
            isKey[k - 1] = true;
        }
        this.kept = new Object[size];
        this.pending = new Object[size];
        this.pendingTargets = new Target[size];
    }

    /** For a plan with row-bound parameters, else null (the fast path). */
    static RowKeyParameters of(StatementPlan plan) {
        int[] keys = plan.rowKeyParameters();
        if (keys.length == 0) {
            return null;
        }
        return new RowKeyParameters(keys, Math.max(keys[keys.length - 1], plan.parameterSlots()));
    }

    /**
     * Records a bound value: a key parameter's value is kept (and still sent: returns false); a row-bound encrypted
     * value is held for execution (returns true: send nothing now). A NULL is never encrypted, so it is sent at once.
     */
    boolean keep(int parameterIndex, Target t, Object value) {
        int i = parameterIndex - 1;
        if (i >= kept.length) {
            return false;
        }
        if (isKey[i]) {
            kept[i] = value;
        }
        if (t.isPlain() || !t.defersToExecution()) {
            return false;
        }
        pending[i] = value;
        pendingTargets[i] = value == null ? null : t;
        return value != null;
    }

    /** Encrypts every pending value under the row key bound now and hands it to {@code sink}. */
    void encryptPending(Sink sink) throws SQLException {
        for (int i = 0; i < pending.length; i++) {
            Target t = pendingTargets[i];
            if (t != null) {
                sink.bind(i + 1, t.encrypt(pending[i], kept));
            }
        }
    }

    void clear() {
        java.util.Arrays.fill(kept, null);
        java.util.Arrays.fill(pending, null);
        java.util.Arrays.fill(pendingTargets, null);
    }

    @Override
    public String toString() {
        return "RowKeyParameters[" + kept.length + "]"; // never the values
    }
}
