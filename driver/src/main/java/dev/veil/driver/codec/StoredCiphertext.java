package dev.veil.driver.codec;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * What an encrypted column stores, as JDBC moves it: the one reader and writer of the bytes-or-text choice. A
 * {@link ColumnCipher.Storage#BINARY} column ({@code bytea}) holds a {@code byte[]} envelope, read with
 * {@code getBytes} and bound with {@code setBytes}; a {@link ColumnCipher.Storage#TEXT} column ({@code text},
 * {@code varchar}) holds a {@code String} envelope, read with {@code getString} and bound with {@code setString}.
 * A SQL NULL is bound typed for its column ({@code BINARY} or {@code VARCHAR}).
 *
 * <p>The stored value itself stays a plain {@code byte[]} or {@code String} (as {@link ColumnCipher} returns and
 * takes it), not a wrapper object: a wrapper would be one more allocation per value read or bound, on the path
 * every encrypted value takes. Derived parameters (blind-index values, plaintext comparisons) have the same two
 * forms and are bound by {@link #bind} as well.
 */
public final class StoredCiphertext {

    private StoredCiphertext() {
    }

    /** A Tink ciphertext in the {@link Envelope} form {@code storage} holds: {@code byte[]} or {@code String}. */
    static Object seal(byte[] tinkCiphertext, ColumnCipher.Storage storage) {
        return storage == ColumnCipher.Storage.BINARY ? Envelope.binary(tinkCiphertext) : Envelope.text(tinkCiphertext);
    }

    /** The stored value of 1-based {@code column} of the current row of {@code row}; null for SQL NULL. */
    public static Object read(ResultSet row, int column, ColumnCipher.Storage storage) throws SQLException {
        return storage == ColumnCipher.Storage.BINARY ? row.getBytes(column) : row.getString(column);
    }

    /** Binds a stored value (not null): {@code setBytes} for a {@code byte[]}, {@code setString} for text. */
    public static void bind(PreparedStatement statement, int position, Object stored) throws SQLException {
        if (stored instanceof byte[]) {
            statement.setBytes(position, (byte[]) stored);
        } else {
            statement.setString(position, (String) stored);
        }
    }

    /** Binds a stored value that may be null; a SQL NULL is bound as {@code nullType}. */
    public static void bind(PreparedStatement statement, int position, Object stored, int nullType)
            throws SQLException {
        if (stored == null) {
            statement.setNull(position, nullType);
        } else {
            bind(statement, position, stored);
        }
    }

    /** Binds SQL NULL to a parameter of an encrypted column of this storage. */
    public static void bindNull(PreparedStatement statement, int position, ColumnCipher.Storage storage)
            throws SQLException {
        statement.setNull(position, sqlType(storage));
    }

    /** The JDBC type a column of this storage is bound as: {@link Types#BINARY} or {@link Types#VARCHAR}. */
    public static int sqlType(ColumnCipher.Storage storage) {
        return storage == ColumnCipher.Storage.BINARY ? Types.BINARY : Types.VARCHAR;
    }
}
