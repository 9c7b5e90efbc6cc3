package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.schema.Column;

/**
 * Within one AND group: a compound index whose every part is compared with {@code =} to a value becomes
 * {@code compound = ?}; the encrypted parts' comparisons go (their values are never sent), plain parts'
 * comparisons stay.
 */
final class CompoundPredicate implements PredicateKind {

    @Override
    public Expression rewrite(Analysis a, Expression e, Condition c) {
        return null;
    }

    @Override
    public void conjuncts(Analysis a, List<Expression> conjuncts, Condition c) {
        for (Source s : c.scope().sources) {
            if (!(s instanceof TableSource)) {
                continue;
            }
            TableSource ts = (TableSource) s;
            for (ConfiguredIndex ci : ts.indexes()) {
                if (ci.columns().size() < 2 || (!ci.definition().exact() && c.block() != null)) {
                    continue;
                }
                rewrite(a, conjuncts, c, ts, ci);
            }
        }
    }

    private static void rewrite(Analysis a, List<Expression> conjuncts, Condition c, TableSource ts,
            ConfiguredIndex ci) {
        int n = ci.columns().size();
        int[] at = new int[n];
        Column[] cols = new Column[n];
        Expression[] values = new Expression[n];
        Hit[] hits = new Hit[n];
        boolean all = true;
        for (int k = 0; k < n && all; k++) {
            at[k] = -1;
            for (int j = 0; j < conjuncts.size() && at[k] < 0; j++) {
                Expression conjunct = conjuncts.get(j);
                if (!(conjunct instanceof EqualsTo)) {
                    continue;
                }
                BinaryExpression b = (BinaryExpression) conjunct;
                for (int side = 0; side < 2; side++) {
                    Expression ce = side == 0 ? b.getLeftExpression() : b.getRightExpression();
                    if (!(ce instanceof Column)) {
                        continue;
                    }
                    Hit h = a.names.hit((Column) ce, c.scope());
                    Expression ve = side == 0 ? b.getRightExpression() : b.getLeftExpression();
                    ve = h == null ? ve : CastValues.unwrap(ve, h.target());
                    if (!(ve instanceof JdbcParameter || Literals.isLiteral(ve))) {
                        continue;
                    }
                    if (h != null && h.source() == ts && h.column().equals(ci.columns().get(k))) {
                        at[k] = j;
                        cols[k] = (Column) ce;
                        values[k] = ve;
                        hits[k] = h;
                        break;
                    }
                }
            }
            all = at[k] >= 0;
        }
        if (!all) {
            return;
        }
        String construct = "a search on every part of compound index " + ci.qualified();
        if (a.predicates.negated()) {
            // a row with a NULL part has no index value: NOT would turn the original's false into an unknown and
            // drop the row
            throw a.refuse(Refusals.compoundUnderNot(hits[firstEncrypted(hits)].target(), construct));
        }
        IndexTarget ix = a.indexes.target(ts, ci, construct);
        a.indexes.queried.add(ix);
        LegacyComparison[] window = a.indexes.windowComparisons(ts, ci, ix, construct);
        Object[] sources = new Object[n];
        int first = -1;
        for (int k = 0; k < n; k++) {
            boolean enc = hits[k].target() != null;
            sources[k] = a.bindings.valueSource(values[k], hits[k].target(), enc);
            if (enc && (first < 0 || at[k] < at[first])) {
                first = k;
            }
        }
        if (!ix.exact()) {
            for (int k = 0; k < n; k++) {
                if (hits[k].target() != null) {
                    a.filters.add(cols[k], hits[k].target(), ix, k, new Object[] {sources[k]});
                }
            }
        }
        Expression replacement = a.predicates.search(cols[first], ci,
                List.of(IndexValues.search(ix, sources, window)), cols, window, false);
        List<Expression> removed = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (hits[k].target() != null && k != first) {
                removed.add(conjuncts.get(at[k]));
            }
        }
        conjuncts.set(at[first], replacement);
        conjuncts.removeIf(x -> removed.stream().anyMatch(r -> r == x));
    }

    private static int firstEncrypted(Hit[] hits) {
        for (int k = 0; k < hits.length; k++) {
            if (hits[k].target() != null) {
                return k;
            }
        }
        throw new IllegalStateException("a compound index without an encrypted part");
    }
}
