package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.Select;

/** {@code col [NOT] IN (v, …)} with parameters, literals and NULLs: one index value per element. */
final class InListPredicate implements PredicateKind {

    @Override
    public Expression rewrite(Analysis a, Expression e, Condition c) {
        if (!(e instanceof InExpression)) {
            return null;
        }
        InExpression in = (InExpression) e;
        Hit h = a.names.encryptedHit(in.getLeftExpression(), c.scope());
        if (h == null || !(in.getRightExpression() instanceof ExpressionList)
                || in.getRightExpression() instanceof Select) {
            return null;
        }
        @SuppressWarnings("unchecked")
        ExpressionList<Expression> list = (ExpressionList<Expression>) in.getRightExpression();
        for (Expression v : list) {
            if (!EqualityPredicate.isValue(v)) {
                return null;
            }
        }
        String construct = (in.isNot() ? "NOT IN" : "an IN list")
                + (c.clause().equals("WHERE") ? "" : " in " + c.clause());
        TableSource src = a.predicates.indexable(h, construct);
        ConfiguredIndex ci = a.predicates.requireIndex(h, src, construct);
        IndexTarget ix = a.indexes.target(src, ci, construct);
        a.indexes.queried.add(ix);
        if (!ix.exact() && (in.isNot() || c.block() != null)) {
            throw a.refuse(Refusals.truncatedSearch(h.target(), ix, construct, in.isNot() ? "a negation (NOT IN)"
                    : c.block()));
        }
        LegacyComparison[] window = a.indexes.windowComparisons(src, ci, ix, construct);
        Object[] all = new Object[list.size()];
        List<IndexValues> values = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object[] sources = {a.bindings.valueSource(list.get(i), h.target(), true)};
            all[i] = sources[0];
            values.add(IndexValues.search(ix, sources, window));
        }
        Column col = (Column) in.getLeftExpression();
        if (!ix.exact()) {
            a.filters.add(col, h.target(), ix, 0, all);
        }
        return a.predicates.search(col, ci, values, new Column[] {col}, window, in.isNot());
    }
}
