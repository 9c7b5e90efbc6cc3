package dev.veil.driver.sql;

import dev.veil.blindindex.BlindIndexer;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the configuration makes of tables, for every statement alike: their encrypted columns and blind indexes
 * (through {@link EncryptedTables}, so child tables count), each column's cipher and each index's indexer.
 */
record EncryptionSchema(VeilConfig config, Function<EncryptedColumn, ColumnCipher> ciphers,
        Function<ConfiguredIndex, BlindIndexer> indexers, EncryptedTables tables) {

    Map<String, EncryptedColumn> columnsOf(String schema, String table) {
        return tables.columnsOf(schema, table);
    }

    List<ConfiguredIndex> indexesOf(String schema, String table) {
        return tables.indexesOf(schema, table);
    }

    /** The encrypted table names a text mentions, for messages. */
    String mentioned(String sql) {
        return tables.mentioned(sql);
    }
}
