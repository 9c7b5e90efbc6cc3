package dev.veil.key;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens a connection to the database that holds the wrapped data keys. The key ring uses it for short,
 * auto-committed transactions of its own, never inside the application's transaction.
 */
@FunctionalInterface
public interface ConnectionFactory {
    Connection open() throws SQLException;
}
