package dev.veil.key;

import java.util.Objects;

/**
 * Names one data key: the table it belongs to (canonical, schema-qualified, lower-case unless quoted in
 * configuration, e.g. {@code public.patients}), the column or index name inside it, and its purpose.
 * A scope is also what the master key binds a wrapped data key to, so a wrapped key copied to another
 * scope does not unwrap.
 */
public record KeyScope(String table, String name, KeyPurpose purpose) {

    public KeyScope {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(purpose, "purpose");
        if (table.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("key scope needs a table and a name");
        }
    }

    /**
     * The name of a table-wide encryption key: Veil keeps one data key per table, shared by its encrypted columns
     * (associated data still binds each value to its column). A SQL column cannot be called {@code *} unquoted,
     * so the name never collides with a real column's.
     */
    public static final String TABLE_KEY = "*";

    /** The encryption scope of the table-wide data key of {@code table}: {@code (table, "*", ENCRYPTION)}. */
    public static KeyScope tableEncryption(String table) {
        return new KeyScope(table, TABLE_KEY, KeyPurpose.ENCRYPTION);
    }

    public static KeyScope encryption(String table, String column) {
        return new KeyScope(table, column, KeyPurpose.ENCRYPTION);
    }

    public static KeyScope blindIndex(String table, String index) {
        return new KeyScope(table, index, KeyPurpose.BLIND_INDEX);
    }

    /** {@code table.name/purpose}, for messages and logs; contains no key material. */
    @Override
    public String toString() {
        return table + "." + name + "/" + purpose.name().toLowerCase(java.util.Locale.ROOT);
    }
}
