package dev.veil.driver.sql;

import dev.veil.driver.EncryptedColumn;
import dev.veil.driver.codec.ColumnCipher;
import java.sql.SQLException;

/**
 * An encrypted column as a statement reaches it: its cipher and how it stores ciphertext.
 */
public final class Target {

    /**
     * Stands for a plain (not encrypted) parameter whose value Veil keeps because a compound blind index is
     * derived from it; {@link #column()} is null.
     */
    public static final Target PLAIN = new Target(null, null, null);
    private final EncryptedColumn column;
    private final ColumnCipher cipher;
    private final ColumnCipher.Storage storage;

    public Target(EncryptedColumn column, ColumnCipher cipher, ColumnCipher.Storage storage) {
        this.column = column;
        this.cipher = cipher;
        this.storage = storage;
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

    /** Encrypts a bound value (not null) into the stored form: {@code byte[]} or {@code String}. */
    public Object encrypt(Object value) throws SQLException {
        return cipher.encrypt(value, storage);
    }

    public Object decrypt(Object stored) throws SQLException {
        return cipher.decrypt(stored);
    }

    /** A reader that keeps the column's key for the life of one result; see {@link ColumnCipher#reader()}. */
    public ColumnCipher.Reader reader() {
        return cipher.reader();
    }

    /** Same key and associated data: a ciphertext of one is valid in the other. */
    public boolean sameBinding(Target other) {
        return other != null && column.boundName().equals(other.column.boundName());
    }

    @Override
    public String toString() {
        return column == null ? "Target[plain]" : "Target[" + column.qualified() + ", " + storage + "]";
    }
}
