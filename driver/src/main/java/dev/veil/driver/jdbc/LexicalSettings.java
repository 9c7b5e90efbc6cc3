package dev.veil.driver.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The settings of one connection that change how PostgreSQL reads a statement's text. pgjdbc tracks
 * {@code standard_conforming_strings} from the server's ParameterStatus messages, which the server sends whenever it
 * changes — through {@code SET}, {@code SET LOCAL}, {@code RESET}, {@code set_config(…)} or a role or database
 * default — so reading it before each plan sees the value the next statement will be read with. It is read from the
 * flag pgjdbc keeps for its own parsing ({@code BaseConnection.getStandardConformingStrings()}, a field read), not
 * from its parameter map (a case-insensitive {@code TreeMap} lookup on every {@code prepareStatement}); both are set
 * from the same message.
 * ({@code backslash_quote} only makes the server reject {@code \'}; it never changes what a string means.)
 */
final class LexicalSettings {

    private static final boolean PGJDBC = pgjdbcPresent();

    private final Object pg; // org.postgresql.core.BaseConnection, or null for another delegate

    private LexicalSettings(Object pg) {
        this.pg = pg;
    }

    static LexicalSettings of(Connection delegate) {
        if (PGJDBC) {
            try {
                if (delegate.isWrapperFor(org.postgresql.core.BaseConnection.class)) {
                    return new LexicalSettings(delegate.unwrap(org.postgresql.core.BaseConnection.class));
                }
            } catch (SQLException e) {
                // not a pgjdbc connection
            }
        }
        return new LexicalSettings(null);
    }

    private static boolean pgjdbcPresent() {
        try {
            Class.forName("org.postgresql.core.BaseConnection", false, LexicalSettings.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether ordinary strings are standard-conforming (backslash is no escape); unknown counts as off. */
    boolean standardConformingStrings() {
        if (pg == null) {
            return true;
        }
        return ((org.postgresql.core.BaseConnection) pg).getStandardConformingStrings();
    }
}
