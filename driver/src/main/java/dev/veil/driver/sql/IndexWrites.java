package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;

/**
 * The blind index values a write stores alongside the encrypted values: which indexes a write must fill (all
 * parts written together), each value computed from the parameters and literals of the row (or copied from
 * another row's companion column), and {@code ON CONFLICT} on an indexed column turned into a conflict on its
 * exact index.
 */
final class IndexWrites {

    private final Analysis a;

    IndexWrites(Analysis a) {
        this.a = a;
    }

    /** The indexes of {@code target} a write of {@code columns} must fill; refuses a partial compound write. */
    List<ConfiguredIndex> written(TableSource target, Collection<String> columns, String construct) {
        List<ConfiguredIndex> out = new ArrayList<>();
        for (ConfiguredIndex ci : target.indexes()) {
            if (columns.contains(ci.name())) {
                // also when the indexed columns are not written: whatever the application would put there (a
                // guessed HMAC, or the plaintext itself) is not Veil's index value
                throw a.refuse(Refusals.writesCompanion(ci));
            }
            boolean any = ci.columns().stream().anyMatch(columns::contains);
            if (!any) {
                continue;
            }
            for (String part : ci.columns()) {
                if (!columns.contains(part)) {
                    throw a.refuse(Refusals.partialCompoundWrite(partTarget(ci, target), construct, ci));
                }
            }
            a.indexes.target(target, ci, construct);
            out.add(ci);
        }
        return out;
    }

    private String firstEncryptedPart(ConfiguredIndex ci, TableSource target) {
        for (String c : ci.columns()) {
            if (target.enc.containsKey(c)) {
                return c;
            }
        }
        return ci.columns().get(0);
    }

    /** The target of the index's first encrypted part, the column a refusal about the index names. */
    Target partTarget(ConfiguredIndex ci, TableSource target) {
        return a.names.target(target.enc.get(firstEncryptedPart(ci, target)), target.name);
    }

    /** The index value of one VALUES row: from its parameters, literals and NULLs. */
    Expression rowIndexValue(ConfiguredIndex ci, ExpressionList<?> row, List<String> columns, TableSource target) {
        IndexTarget ix = a.indexes.target(target, ci, "INSERT");
        Object[] sources = new Object[ci.columns().size()];
        for (int k = 0; k < sources.length; k++) {
            String part = ci.columns().get(k);
            int at = columns.indexOf(part);
            EncryptedColumn ec = target.enc.get(part);
            Target t = ec == null ? null : a.names.target(ec, target.name);
            Expression v = at < row.size() ? (Expression) row.get(at) : null;
            Object src = v == null ? Bindings.NOT_A_VALUE : a.bindings.valueSource(v, t, false);
            if (src == Bindings.NOT_A_VALUE) {
                throw a.refuse(Refusals.indexPartValue(t != null ? t : partTarget(ci, target), "INSERT",
                        v == null ? "a missing value" : Expressions.describe(v), target.name + "." + part, ci));
            }
            sources[k] = src;
        }
        return a.bindings.indexValue(ix, sources);
    }

    /** {@code ON CONFLICT (email)} → {@code ON CONFLICT (email_bidx)}: uniqueness through an exact index. */
    void conflictOnIndexes(InsertConflictTarget conflict, TableSource target) {
        List<String> names = new ArrayList<>();
        for (String c : conflict.getIndexColumnNames()) {
            names.add(Identifiers.canonical(c));
        }
        List<String> out = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (ConfiguredIndex ci : target.indexes()) {
            if (ci.columns().size() > 1 && names.containsAll(ci.columns()) && ci.definition().exact()) {
                covered.addAll(ci.columns());
                out.add(ci.name());
                a.indexes.storedValuesCompared(target, a.indexes.target(target, ci, "ON CONFLICT (…) with a unique "
                        + "index"), "ON CONFLICT (" + String.join(", ", ci.columns()) + ")");
            }
        }
        for (String n : names) {
            if (covered.contains(n)) {
                continue;
            }
            if (target.enc.containsKey(n)) {
                ConfiguredIndex ci = a.indexes.single(target, n);
                if (ci == null || !ci.definition().exact()) {
                    throw a.refuse(Refusals.onConflictWithoutExactIndex(a.names.target(target.enc.get(n),
                            target.name)));
                }
                a.indexes.storedValuesCompared(target, a.indexes.target(target, ci, "ON CONFLICT (…) with a unique "
                        + "index"), "ON CONFLICT (" + n + ")");
                out.add(ci.name());
            } else {
                out.add(n);
            }
        }
        if (!out.equals(names)) {
            List<Index.ColumnParams> elements = new ArrayList<>();
            for (String n : out) {
                elements.add(new Index.ColumnParams(Identifiers.quoteIfNeeded(n)));
            }
            conflict.setIndexElements(elements);
            a.rewrites.mark();
        }
    }

    /**
     * The index value for an UPDATE … SET: from ?, literals and NULL, or — when every part is copied from one
     * relation's same columns ({@code SET email = EXCLUDED.email}) — that relation's companion column.
     */
    Expression setIndexValue(ConfiguredIndex ci, Map<String, Expression> assigned, TableSource target, Scope scope) {
        IndexTarget ix = a.indexes.target(target, ci, "UPDATE … SET");
        Object[] sources = new Object[ci.columns().size()];
        Table copiedFrom = null;
        int copies = 0;
        for (int k = 0; k < sources.length; k++) {
            String part = ci.columns().get(k);
            Expression v = assigned.get(part);
            EncryptedColumn ec = target.enc.get(part);
            Target t = ec == null ? null : a.names.target(ec, target.name);
            if (v instanceof Column) {
                Hit h = a.names.hit((Column) v, scope);
                if (h != null && h.source() instanceof TableSource && h.column().equals(part)
                        && ((TableSource) h.source()).name.equals(target.name)) {
                    Table q = ((Column) v).getTable();
                    if (copies == 0 || Objects.equals(String.valueOf(q), String.valueOf(copiedFrom))) {
                        copiedFrom = q;
                        copies++;
                        continue;
                    }
                }
            }
            Object src = v == null ? Bindings.NOT_A_VALUE : a.bindings.valueSource(v, t, false);
            if (src == Bindings.NOT_A_VALUE) {
                throw a.refuse(Refusals.indexPartValue(t != null ? t : partTarget(ci, target), "SET",
                        v == null ? "a subquery" : Expressions.describe(v), target.name + "." + part, ci));
            }
            sources[k] = src;
        }
        if (copies == sources.length) {
            return a.rewrites.own(new Column(copiedFrom, Identifiers.quoteIfNeeded(ci.name())));
        }
        if (copies > 0) {
            throw a.refuse(Refusals.mixedIndexCopy(partTarget(ci, target), ci));
        }
        return a.bindings.indexValue(ix, sources);
    }
}
