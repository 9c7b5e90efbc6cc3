package dev.veil.spring;

import dev.veil.driver.VeilDataSource;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Logs at start-up, once every singleton exists, what Veil does for each Veil DataSource: every encrypted column with
 * its type and every blind index with its columns (INFO); and a WARNING while {@code allow-legacy-plaintext} is on.
 * Names only, never values.
 */
final class VeilStartupReport implements SmartInitializingSingleton {

    private static final System.Logger LOG = System.getLogger(VeilStartupReport.class.getName());

    private final ObjectProvider<DataSource> dataSources;

    VeilStartupReport(ObjectProvider<DataSource> dataSources) {
        this.dataSources = dataSources;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (DataSource dataSource : dataSources.orderedStream().toList()) {
            if (!VeilJpaPostProcessor.isVeil(dataSource)) {
                continue;
            }
            VeilConfig config;
            try {
                config = dataSource.unwrap(VeilDataSource.class).runtime().config();
            } catch (SQLException e) {
                continue; // a URL-based VeilDataSource without its URL yet; it reports itself on first use
            }
            LOG.log(System.Logger.Level.INFO, summary(config));
            if (config.allowLegacyPlaintext()) {
                LOG.log(System.Logger.Level.WARNING, legacyWarning());
            } else if (!config.legacyPlaintextColumns().isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, legacyColumnsWarning(config));
            }
        }
    }

    /** "Veil encrypts 3 columns and keeps 1 blind index: …", one line per column and index. */
    static String summary(VeilConfig config) {
        List<EncryptedColumn> columns = config.columns();
        List<ConfiguredIndex> indexes = config.blindIndexes();
        StringBuilder out = new StringBuilder("Veil encrypts ").append(columns.size())
                .append(columns.size() == 1 ? " column" : " columns").append(" and keeps ").append(indexes.size())
                .append(indexes.size() == 1 ? " blind index" : " blind indexes").append(" (master key ")
                .append(config.masterKey().startsWith("local-keyset:") ? "local-keyset, development only" : "KMS")
                .append("):");
        for (EncryptedColumn c : columns) {
            out.append("\n  encrypted   ").append(c.qualified()).append(" (")
                    .append(c.type() == null ? "any type" : c.type().name().toLowerCase(java.util.Locale.ROOT))
                    .append(')');
        }
        for (ConfiguredIndex i : indexes) {
            out.append("\n  blind index ").append(i.qualified()).append(" on ")
                    .append(i.columns().stream().collect(Collectors.joining(", ")))
                    .append(i.definition().exact() ? "" : " (truncated to " + i.definition().bits() + " bits)");
        }
        return out.toString();
    }

    static String legacyColumnsWarning(VeilConfig config) {
        return "Veil: the migration window is open for " + String.join(", ", config.legacyPlaintextColumns())
                + " (veil.legacy-plaintext-columns; insecure, for migrations only): their values that are not Veil "
                + "ciphertext are read as plaintext, and searches through their blind indexes send the searched value "
                + "in the clear to match rows not yet encrypted. Re-save the legacy rows through Veil, then remove "
                + "the setting.";
    }

    static String legacyWarning() {
        return "Veil: allow-legacy-plaintext is ON (insecure, for migrations only): values of encrypted columns that "
                + "are not Veil ciphertext are read as plaintext instead of failing with VE004, so a tampered or "
                + "unencrypted value is not detected. Re-save the legacy rows through Veil, then remove "
                + "veil.allow-legacy-plaintext.";
    }
}
