package dev.veil.driver.jdbc;

import java.util.Arrays;

/**
 * The decrypted values of a result's current row, so that each value is decrypted at most once per row: an
 * application (or ORM) reading a column twice, or through two getters, pays for one decryption. Holds the decoded
 * value (the type that was written); each getter converts from it, as it would from a fresh decryption. Cleared by
 * every cursor move and by {@code close()}, so it never holds more than one row's plaintext, and never a value of
 * another row. Not thread-safe (a ResultSet is not).
 */
final class DecryptedRow {

    private final Object[] values;
    /**
     * Which of the first 64 slots hold a value (bit i: index i); {@link #clear} nulls only those, so a cursor move
     * over a wide result costs a store per value kept rather than one per column. Slots from index 64 on, which
     * this mask does not cover, are tracked by {@link #high}.
     */
    private long filled;
    /** Whether a slot from index 64 on holds a value: {@link #clear} then clears them all. */
    private boolean high;

    /** @param columns how many columns the result has (index i holds column i+1) */
    DecryptedRow(int columns) {
        this.values = new Object[columns];
    }

    /**
     * The decrypted value of {@code column} kept for the current row, or null when none is kept (SQL NULL is never
     * kept: reading it again costs no decryption). Mutable values are copied, so a caller changing what it was
     * given cannot change what the next getter returns.
     */
    Object get(int column) {
        Object v = values[column - 1];
        return v == null ? null : fresh(v);
    }

    /** Keeps {@code value} (not null) for {@code column} until the cursor moves; returns what a caller may hand out. */
    Object put(int column, Object value) {
        int slot = column - 1;
        values[slot] = value;
        if (slot < Long.SIZE) {
            filled |= 1L << slot;
        } else {
            high = true;
        }
        return fresh(value);
    }

    /** Forgets the row: after a cursor move, {@code refreshRow()} or {@code close()}. */
    void clear() {
        for (long m = filled; m != 0; m &= m - 1) {
            values[Long.numberOfTrailingZeros(m)] = null;
        }
        filled = 0;
        if (high) {
            Arrays.fill(values, Long.SIZE, values.length, null);
            high = false;
        }
    }

    /**
     * {@code value} itself when it is immutable; a copy of a {@code byte[]} or of a {@code java.sql} date, time or
     * timestamp (the mutable types a decrypted value can have), as pgjdbc returns a new one from every getter.
     */
    private static Object fresh(Object value) {
        if (value instanceof byte[]) {
            return ((byte[]) value).clone();
        }
        if (value instanceof java.util.Date) {
            return copyOf((java.util.Date) value);
        }
        return value;
    }

    private static Object copyOf(java.util.Date d) {
        if (d instanceof java.sql.Timestamp) {
            java.sql.Timestamp t = new java.sql.Timestamp(d.getTime());
            t.setNanos(((java.sql.Timestamp) d).getNanos());
            return t;
        }
        if (d instanceof java.sql.Date) {
            return new java.sql.Date(d.getTime());
        }
        if (d instanceof java.sql.Time) {
            return new java.sql.Time(d.getTime());
        }
        return d.clone();
    }
}
