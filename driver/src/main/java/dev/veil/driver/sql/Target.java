package dev.veil.driver.sql;

import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.codec.Projection;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * An encrypted column as a statement reaches it: its cipher and how it stores ciphertext, and — when its table binds
 * values to rows — where the row's key comes from at this place of the statement.
 */
public final class Target {

    /**
     * Stands for a plain (not encrypted) parameter whose value Veil keeps because a compound blind index is
     * derived from it, or because it is a row key an encrypted value is bound to; {@link #column()} is null.
     */
    public static final Target PLAIN = new Target(null, null, null);
    private final EncryptedColumn column;
    private final ColumnCipher cipher;
    private final ColumnCipher.Storage storage;
    /** The table's row binding, or null when its values are not bound to rows. */
    private final RowBinding binding;
    /** Where this place's row key comes from; null when unbound or not yet known. */
    private final RowKeySource rowKey;
    /** During analysis only: the relation (by identity) a value read from this column comes from. */
    private final Object origin;
    /** A result column: what is computed from the decrypted value (null: the value itself). */
    private final Projection projection;
    /** A parameter: the value written is computed from the bound one (null: the bound value itself). */
    private final ComputedValue computed;

    public Target(EncryptedColumn column, ColumnCipher cipher, ColumnCipher.Storage storage) {
        this(column, cipher, storage, null, null, null, null, null);
    }

    private Target(EncryptedColumn column, ColumnCipher cipher, ColumnCipher.Storage storage, RowBinding binding,
            RowKeySource rowKey, Object origin, Projection projection, ComputedValue computed) {
        this.column = column;
        this.cipher = cipher;
        this.storage = storage;
        this.binding = binding;
        this.rowKey = rowKey;
        this.origin = origin;
        this.projection = projection;
        this.computed = computed;
    }

    /** A result column's projection evaluated after decryption, or null when the column's value is returned. */
    public Projection projection() {
        return projection;
    }

    /** This result column, returning {@code p} of its decrypted value. */
    Target projecting(Projection p) {
        return new Target(column, cipher, storage, binding, rowKey, origin, p, computed);
    }

    /** This parameter target, encrypting the value {@code c} computes from the bound one. */
    Target computing(ComputedValue c) {
        return new Target(column, cipher, storage, binding, rowKey, origin, projection, c);
    }

    /** Whether this is {@link #PLAIN}: not an encrypted column. */
    public boolean isPlain() {
        return column == null;
    }

    public EncryptedColumn column() {
        return column;
    }

    public ColumnCipher cipher() {
        return cipher;
    }

    public ColumnCipher.Storage storage() {
        return storage;
    }

    /** The table's row binding, or null when its values are not bound to rows. */
    public RowBinding rowBinding() {
        return binding;
    }

    /** Where the row key comes from here; null when the table is not bound. */
    public RowKeySource rowKey() {
        return rowKey;
    }

    /** Whether a write through this target must wait until the row's key parameters are bound. */
    public boolean defersToExecution() {
        return binding != null;
    }

    Target bound(RowBinding b) {
        return new Target(column, cipher, storage, b, rowKey, origin, projection, computed);
    }

    Target from(Object relation) {
        return new Target(column, cipher, storage, binding, rowKey, relation, projection, computed);
    }

    Object origin() {
        return origin;
    }

    /**
     * For a result matched by label ({@code getGeneratedKeys()}): this row-bound target reading its key columns at
     * the 1-based positions {@code byLabel} gives them; unchanged when one is missing (reading then fails).
     */
    public Target readingKeysAt(java.util.Map<String, Integer> byLabel) {
        int[] at = new int[binding.size()];
        for (int k = 0; k < at.length; k++) {
            Integer p = byLabel.get(binding.key(k));
            if (p == null) {
                return this;
            }
            at[k] = p - 1;
        }
        return keyedBy(RowKeySource.read(binding, at));
    }

    Target keyedBy(RowKeySource source) {
        return new Target(column, cipher, storage, binding, source, null, projection, computed);
    }

    /** Encrypts a bound value (not null) into the stored form: {@code byte[]} or {@code String}. */
    public Object encrypt(Object value) throws SQLException {
        return encrypt(value, null);
    }

    /**
     * As {@link #encrypt(Object)}; for a row-bound column, bound to the row whose key parameters hold
     * {@code keptParameters} (by original position; null when the key is constant).
     */
    public Object encrypt(Object value, Object[] keptParameters) throws SQLException {
        if (computed != null) {
            value = computed.applyTo(value, column.qualified());
            if (value == null) {
                return null;
            }
        }
        if (binding == null) {
            return cipher.encrypt(value, storage);
        }
        if (rowKey == null || rowKey.problem() != null || rowKey.isRead()) {
            throw RowKeySource.notBound(column.qualified());
        }
        return cipher.encrypt(value, storage, rowKey.encodeWrite(keptParameters, column.qualified()));
    }

    public Object decrypt(Object stored) throws SQLException {
        if (binding != null) {
            throw RowKeySource.notBound(column.qualified());
        }
        return cipher.decrypt(stored);
    }

    /**
     * Decrypts a value of the current row of {@code row} with {@code reader}; a row-bound column reads the row's key
     * from the hidden columns after 1-based column {@code visible}.
     */
    public Object decrypt(ColumnCipher.Reader reader, Object stored, ResultSet row, int visible) throws SQLException {
        if (binding == null) {
            return reader.decrypt(stored);
        }
        return decrypt(reader, stored, rowKeyOf(row, visible));
    }

    /** The encoded key of the current row of {@code row}, for this row-bound target (see {@link #decrypt}). */
    public byte[] rowKeyOf(ResultSet row, int visible) throws SQLException {
        if (rowKey == null || !rowKey.isRead()) {
            throw RowKeySource.notBound(column.qualified());
        }
        return rowKey.encodeRead(row, visible, column.qualified());
    }

    /** Decrypts a value of a row-bound column whose row's key encodes to {@code key} ({@link #rowKeyOf}). */
    public Object decrypt(ColumnCipher.Reader reader, Object stored, byte[] key) throws SQLException {
        return reader.decrypt(stored, key, binding.acceptUnbound(), binding.keyNames());
    }

    /**
     * A reader that keeps the column's key for the life of one result, starting with the key one of the result's
     * other {@code siblings} already looked up when it is the same; see {@code ColumnCipher.reader(Reader[])}.
     */
    public ColumnCipher.Reader reader(ColumnCipher.Reader[] siblings) {
        return cipher.reader(siblings);
    }

    /** Same key and associated data: a ciphertext of one is valid in the other. */
    public boolean sameBinding(Target other) {
        return other != null && column.boundName().equals(other.column.boundName());
    }

    @Override
    public String toString() {
        return column == null ? "Target[plain]" : "Target[" + column.qualified() + ", " + storage
                + (binding == null ? "" : ", row-bound") + (projection == null ? "" : ", " + projection)
                + (computed == null ? "" : ", computed") + "]";
    }
}
