/**
 * The encryption schema model: which columns are encrypted ({@link dev.veil.driver.schema.EncryptedColumn}), which
 * blind indexes exist ({@link dev.veil.driver.schema.ConfiguredIndex}, declared as
 * {@link dev.veil.driver.schema.BlindIndexSpec}), which tables are row-bound
 * ({@link dev.veil.driver.schema.RowBindingSpec}), and how names are read ({@link dev.veil.driver.schema.TableName},
 * {@link dev.veil.driver.schema.Identifiers}). Immutable values with no knowledge of builders, files, SQL or JDBC:
 * the SQL layer, the CLI and the starter read them through {@code VeilConfig}. Supported API.
 */
package dev.veil.driver.schema;
