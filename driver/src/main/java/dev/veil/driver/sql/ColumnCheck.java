package dev.veil.driver.sql;

import dev.veil.driver.codec.CiphertextSize;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import java.util.Collection;
import java.util.List;

/**
 * Checks, when a statement names a configured table that exists, that the table is what the configuration says:
 * every configured encrypted column exists (a misspelt column would otherwise let its values through in
 * plaintext) and has a type that can hold its ciphertext. Refusals are VE012 and name the fix; they carry names
 * and lengths only, never values.
 */
final class ColumnCheck {

    private static final int LISTED_COLUMNS = 12;

    private ColumnCheck() {
    }

    /** Refuses when a configured column is missing from {@code info}, the table as the statement resolves it. */
    static void present(TableName referenced, Collection<EncryptedColumn> configured, Catalog.TableInfo info) {
        for (EncryptedColumn column : configured) {
            if (!info.columns().contains(column.name())) {
                throw new Refusal.Signal(new Refusal(VeilSqlState.SCHEMA_MISMATCH, missing(referenced, column, info)),
                        false);
            }
        }
    }

    private static String missing(TableName referenced, EncryptedColumn column, Catalog.TableInfo info) {
        List<String> near = NearMiss.closest(column.name(), info.columns());
        List<String> listed = info.columns().size() <= LISTED_COLUMNS ? info.columns()
                : info.columns().subList(0, LISTED_COLUMNS);
        return "Veil refused the statement: encrypted column " + referenced.qualified() + "." + column.name()
                + " is configured but does not exist; " + referenced.qualified() + " has " + String.join(", ", listed)
                + (listed.size() < info.columns().size() ? ", …" : "") + "."
                + (near.isEmpty() ? "" : " Did you mean " + near.get(0) + "?")
                + " Correct the column name in the Veil configuration, or add the column (ALTER TABLE "
                + referenced.sql() + " ADD COLUMN " + Identifiers.quoteIfNeeded(column.name()) + " bytea). Until then "
                + "Veil refuses statements on " + referenced.qualified() + ", so that no value meant for "
                + column.qualified() + " is stored in plaintext";
    }

    /**
     * How the column stores ciphertext, given its catalog type and declared length; refuses a type that cannot
     * hold it, or a {@code varchar(n)} too short for the ciphertext of the values its declared type can take.
     */
    static ColumnCipher.Storage storage(EncryptedColumn column, TableName referenced, String type, int length) {
        ColumnCipher.Storage storage = storageOf(type);
        String table = referenced.sql();
        String col = Identifiers.quoteIfNeeded(column.name());
        if (storage == null) {
            throw new Refusal.Signal(new Refusal(VeilSqlState.SCHEMA_MISMATCH, "encrypted column "
                    + column.qualified() + " has SQL type " + type + ", which cannot hold ciphertext. If it has no "
                    + "values yet: ALTER TABLE " + table + " ALTER COLUMN " + col + " TYPE bytea USING NULL. If it "
                    + "has plaintext values: ALTER TABLE " + table + " ALTER COLUMN " + col + " TYPE text USING "
                    + col + "::text, then encrypt them as docs/configuration.md describes (\"Encrypting existing "
                    + "values\")"), true);
        }
        if ("name".equals(type)) {
            length = 63;
        }
        int needed = CiphertextSize.textLength(CiphertextSize.widest(column.type(), column.padding()));
        if (storage == ColumnCipher.Storage.TEXT && length > 0 && length < needed) {
            throw new Refusal.Signal(new Refusal(VeilSqlState.SCHEMA_MISMATCH, "encrypted column "
                    + column.qualified() + " is " + type + "(" + length + "), too short for its ciphertext: a value of "
                    + "n bytes takes 6 + ⌈4 (n + 46) / 3⌉ characters, so values up to "
                    + CiphertextSize.widest(column.type(), column.padding()) + " bytes need varchar(" + needed + "). Widen it: ALTER TABLE " + table + " ALTER COLUMN " + col
                    + " TYPE text (no limit), or TYPE varchar(" + needed + ") or more"), true);
        }
        return storage;
    }

    /**
     * How a column of this SQL type (PostgreSQL {@code typname} or a JDBC {@code TYPE_NAME}) stores ciphertext, or
     * null when it cannot: fixed-width {@code char(n)} pads and numeric types cannot hold it.
     */
    static ColumnCipher.Storage storageOf(String typeName) {
        switch (typeName.toLowerCase(java.util.Locale.ROOT)) {
            case "bytea": case "blob": case "longblob": case "mediumblob": case "varbinary": case "binary varying":
                return ColumnCipher.Storage.BINARY;
            case "text": case "varchar": case "character varying": case "citext": case "longtext": case "mediumtext":
            case "name":
                return ColumnCipher.Storage.TEXT;
            default:
                return null;
        }
    }
}
