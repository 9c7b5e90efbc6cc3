package dev.veil.driver.sql;

import dev.veil.blindindex.Normalizer;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import java.util.List;

/**
 * What a search through a blind index may do while source columns are in their migration window (legacy
 * plaintext): per index part, how its stored plaintext is compared ({@link LegacyComparison}), or why no comparison
 * is exact. The analysis turns a refusal into VE010 naming the column, the construct and the fix.
 */
final class MigrationWindow {

    /** One part of the index as the statement's table has it. */
    record Part(EncryptedColumn column, String sqlType, boolean deterministic) {
    }

    /** The comparisons (a null entry for a plain part), or the column, reason and fix of a refusal. */
    record Verdict(LegacyComparison[] comparisons, EncryptedColumn column, String why, String fix) {
        boolean refused() {
            return why != null;
        }
    }

    private static final String AFTER = "Search after the column is converted and leaves legacy mode";

    private MigrationWindow() {
    }

    /**
     * @param parts per index part; a null {@link Part#column()} is a plain (not encrypted) part, compared in SQL
     * @param window the encrypted parts in their window ({@link IndexTarget#windowColumns()}), not empty
     */
    static Verdict comparisons(ConfiguredIndex index, Part[] parts, List<String> window) {
        LegacyComparison[] out = new LegacyComparison[parts.length];
        for (int p = 0; p < parts.length; p++) {
            EncryptedColumn ec = parts[p].column();
            if (ec == null) {
                continue;
            }
            if (!window.contains(ec.name())) {
                return refused(null, "its part " + ec.qualified() + " is not in the window, so a row whose other "
                        + "parts are still plaintext has no index value and its " + ec.name() + " cannot be compared",
                        "Put " + ec.qualified() + " in the window too (legacy-plaintext), or search after the "
                                + "migration");
            }
            String type = parts[p].sqlType();
            if (type == null || !(type.equalsIgnoreCase("text") || type.equalsIgnoreCase("varchar"))) {
                return refused(ec, "its SQL type is " + (type == null ? "unknown" : type) + ": Veil compares stored "
                        + "plaintext with the searched value only in a text or varchar column (a bytea column's "
                        + "plaintext bytes have no defined relation to the searched value)", AFTER);
            }
            if (ec.type() != null && ec.type() != ValueType.STRING) {
                return refused(ec, "its declared type is " + ec.type().configName() + ", and stored text such as "
                        + "'07' and '7' would be one value to the index but two to a text comparison", AFTER);
            }
            if (!parts[p].deterministic()) {
                return refused(ec, "the column has a nondeterministic collation, under which equal text is not "
                        + "equal bytes", AFTER + ", or give the column a deterministic collation");
            }
            List<Normalizer> normalizers = index.definition().columns().get(p).normalizers();
            out[p] = LegacyComparison.of(ec.qualified(), normalizers);
            if (out[p] == null) {
                return refused(ec, "the index normalizes with " + LegacyComparison.unsupported(normalizers)
                        + ", which has no exact SQL form (only lowercase, trim and digits-only have one)", AFTER);
            }
        }
        return new Verdict(out, null, null, null);
    }

    /** Why a construct needing every row's index value (join, GROUP BY, …) cannot run during the window. */
    static Verdict storedValuesCompared(String construct) {
        return refused(null, "rows still in plaintext have no index value, so " + construct + " would treat them "
                + "all as NULL", "Run it after the column is converted and leaves legacy mode");
    }

    private static Verdict refused(EncryptedColumn column, String why, String fix) {
        return new Verdict(null, column, why, fix);
    }
}
