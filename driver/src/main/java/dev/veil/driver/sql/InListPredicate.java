package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.Select;

/**
 * {@code col [NOT] IN (v, …)} with parameters, literals and NULLs (each possibly cast to the column's own type,
 * {@link CastValues}): one index value per element. {@link ArrayPredicate} sends {@code = ANY(ARRAY[…])} here.
 */
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
        String construct = (in.isNot() ? "NOT IN" : "an IN list")
                + (c.clause().equals("WHERE") ? "" : " in " + c.clause());
        return search(a, (Column) in.getLeftExpression(), h, list, in.isNot(), construct, c);
    }

    /** The search for {@code col [NOT] IN (list)}; null when an element is no value (the checker refuses it). */
    static Expression search(Analysis a, Column col, Hit h, List<? extends Expression> list, boolean not,
            String construct, Condition c) {
        List<Expression> values = new ArrayList<>();
        for (Expression v : list) {
            Expression u = CastValues.unwrap(v, h.target());
            if (!EqualityPredicate.isValue(u)) {
                return null;
            }
            values.add(u);
        }
        if (values.isEmpty()) {
            return null;
        }
        TableSource src = a.predicates.indexable(h, construct);
        ConfiguredIndex ci = a.predicates.requireIndex(h, src, construct);
        IndexTarget ix = a.indexes.target(src, ci, construct);
        a.indexes.queried.add(ix);
        if (!ix.exact() && (not || c.block() != null)) {
            throw a.refuse(Refusals.truncatedSearch(h.target(), ix, construct, not ? "a negation (NOT IN)"
                    : c.block()));
        }
        LegacyComparison[] window = a.indexes.windowComparisons(src, ci, ix, construct);
        Object[] all = new Object[values.size()];
        List<IndexValues> searched = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Object[] sources = {a.bindings.valueSource(values.get(i), h.target(), true)};
            all[i] = sources[0];
            searched.add(IndexValues.search(ix, sources, window));
        }
        if (!ix.exact()) {
            a.filters.add(col, h.target(), ix, 0, all);
        }
        return a.predicates.search(col, ci, searched, new Column[] {col}, window, not);
    }
}
