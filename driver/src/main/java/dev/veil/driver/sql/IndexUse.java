package dev.veil.driver.sql;

import dev.veil.driver.codec.ValueType;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.schema.Column;

/**
 * The blind indexes one statement uses: each index's {@link IndexTarget} (checked against the catalog once), the
 * indexes it searches (their backfill is checked before each execution) and those it compares stored values of
 * (which need a single enabled key version).
 */
final class IndexUse {

    private final Analysis a;
    private final Map<String, IndexTarget> targets = new HashMap<>();
    final List<IndexTarget> queried = new ArrayList<>();
    /** Indexes used by constructs that compare stored index values with each other (need one key version). */
    final Map<IndexTarget, String> singleVersion = new LinkedHashMap<>();

    IndexUse(Analysis a) {
        this.a = a;
    }

    /** The single-column index of a column, exact ones first; null when it has none. */
    ConfiguredIndex single(TableSource src, String column) {
        ConfiguredIndex found = null;
        for (ConfiguredIndex ci : src.indexes()) {
            if (ci.columns().size() == 1 && ci.columns().get(0).equals(column)) {
                if (ci.definition().exact()) {
                    return ci;
                }
                if (found == null) {
                    found = ci;
                }
            }
        }
        return found;
    }

    /** The index as this statement uses it; refuses when its companion column is missing or not bytea. */
    IndexTarget target(TableSource src, ConfiguredIndex ci, String use) {
        String key = src.name.qualified() + "." + ci.name();
        IndexTarget it = targets.get(key);
        if (it != null) {
            return it;
        }
        a.reach.touch();
        Catalog.TableInfo info = a.catalog.info(src.name);
        if (info != null) {
            String type = info.typeOf(ci.name());
            if (type == null) {
                throw a.refuse(Refusals.missingCompanion(ci, src.name, use, use.contains("ON CONFLICT")));
            }
            if (!type.equalsIgnoreCase("bytea")) {
                throw a.refuse(Refusals.companionNotBytea(ci, src.name, type));
            }
        }
        ValueType[] types = new ValueType[ci.columns().size()];
        List<String> window = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            EncryptedColumn ec = src.enc.get(ci.columns().get(i));
            types[i] = ec == null ? null : ec.type();
            if (ec != null && a.schema.config().allowsLegacyPlaintext(ec)) {
                window.add(ec.name());
            }
        }
        it = new IndexTarget(ci, a.schema.indexers().apply(ci), src.name, types, window);
        targets.put(key, it);
        return it;
    }

    /** The index's companion column, qualified as {@code original} is. */
    Column column(Column original, ConfiguredIndex ci) {
        return a.rewrites.own(new Column(original.getTable(), Identifiers.quoteIfNeeded(ci.name())));
    }

    /**
     * Refuses, during a migration window, a construct that needs every row's index value (a join of two index
     * columns, GROUP BY, count(DISTINCT), ON CONFLICT): rows still in plaintext have none. Otherwise records it
     * as needing one enabled key version, checked before each execution.
     */
    void storedValuesCompared(TableSource src, IndexTarget ix, String construct) {
        if (!ix.windowColumns().isEmpty()) {
            throw refuseWindow(src, null, ix, construct, MigrationWindow.storedValuesCompared(construct));
        }
        singleVersion.putIfAbsent(ix, construct + " through blind index " + ix.index().qualified());
    }

    /**
     * How each part of an index in its migration window compares stored plaintext, or null when no part is in
     * one; refuses what cannot be compared exactly (a non-text column or declared type, a normalizer without an
     * exact SQL form, a compound index with an encrypted part outside the window).
     */
    LegacyComparison[] windowComparisons(TableSource src, ConfiguredIndex ci, IndexTarget ix, String construct) {
        if (ix.windowColumns().isEmpty()) {
            return null;
        }
        Catalog.TableInfo info = a.catalog.info(src.name);
        MigrationWindow.Part[] parts = new MigrationWindow.Part[ci.columns().size()];
        for (int p = 0; p < parts.length; p++) {
            String c = ci.columns().get(p);
            parts[p] = new MigrationWindow.Part(src.enc.get(c), info == null ? null : info.typeOf(c),
                    info == null || info.deterministic(c));
        }
        MigrationWindow.Verdict v = MigrationWindow.comparisons(ci, parts, ix.windowColumns());
        if (v.refused()) {
            throw refuseWindow(src, v.column(), ix, construct, v);
        }
        return v.comparisons();
    }

    private Refusal.Signal refuseWindow(TableSource src, EncryptedColumn column, IndexTarget ix, String construct,
            MigrationWindow.Verdict v) {
        EncryptedColumn c = column != null ? column : src.enc.get(ix.windowColumns().get(0));
        return a.refuse(Refusals.migrationWindow(a.names.target(c, src.name), ix, construct, v.why(), v.fix()));
    }
}
