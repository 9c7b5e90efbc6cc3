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
    private boolean empty = true;

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
        values[column - 1] = value;
        empty = false;
        return fresh(value);
    }

    /** Forgets the row: after a cursor move, {@code refreshRow()} or {@code close()}. */
    void clear() {
        if (!empty) {
            Arrays.fill(values, null);
            empty = true;
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
