package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.function.Supplier;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;

/**
 * {@code col IS [NOT] DISTINCT FROM v} with a parameter, literal or NULL: NULL-safe equality through the blind
 * index, whose value is NULL exactly where the column is NULL. The searched value is known only at execution, so
 * the rewrite is NULL-safe on the index column itself, under each searched key version:
 *
 * <pre>{@code col IS NOT DISTINCT FROM ?  →  (col_bidx IS NOT DISTINCT FROM ? OR col_bidx IS NOT DISTINCT FROM ?)
 * col IS DISTINCT FROM ?      →  NOT (col_bidx IS NOT DISTINCT FROM ? OR col_bidx IS NOT DISTINCT FROM ?)}</pre>
 *
 * A NULL value has NULL index values, so the rewrite reads {@code col_bidx IS NULL}: {@code col IS NULL}. Both
 * forms are two-valued like the original. Refused through a truncated index (a post-filter cannot give the
 * NULL-safe result) and during a migration window (rows still in plaintext have no index value).
 */
final class DistinctPredicate implements PredicateKind {

    @Override
    public Expression rewrite(Analysis a, Expression e, Condition c) {
        if (!(e instanceof IsDistinctExpression)) {
            return null;
        }
        IsDistinctExpression d = (IsDistinctExpression) e;
        Hit l = a.names.encryptedHit(d.getLeftExpression(), c.scope());
        Hit r = a.names.encryptedHit(d.getRightExpression(), c.scope());
        if ((l == null) == (r == null)) {
            return null; // no encrypted column, or two: the checker refuses it
        }
        Hit h = l != null ? l : r;
        Column col = (Column) (l != null ? d.getLeftExpression() : d.getRightExpression());
        Expression value = CastValues.unwrap(l != null ? d.getRightExpression() : d.getLeftExpression(), h.target());
        if (!EqualityPredicate.isValue(value)) {
            return null;
        }
        String construct = (d.isNot() ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM")
                + (c.clause().equals("WHERE") ? "" : " in " + c.clause());
        TableSource src = a.predicates.indexable(h, construct);
        ConfiguredIndex ci = a.predicates.requireIndex(h, src, construct);
        IndexTarget ix = a.indexes.target(src, ci, construct);
        a.indexes.queried.add(ix);
        if (!ix.exact()) {
            throw a.refuse(Refusals.nullSafeSearch(h.target(), ix, construct, "is truncated to "
                    + ci.definition().bits() + " bits (it also matches other values)"));
        }
        if (!ix.windowColumns().isEmpty()) {
            throw a.refuse(Refusals.nullSafeSearch(h.target(), ix, construct, "has no value for the rows still in "
                    + "plaintext (the column is in its migration window)"));
        }
        IndexValues values = IndexValues.search(ix, new Object[] {a.bindings.valueSource(value, h.target(), true)},
                null);
        Supplier<Column> companion = () -> a.indexes.column(col, ci);
        Expression same = new OrExpression(notDistinct(companion.get(), a.bindings.derivedParameter(values,
                IndexValues.PRIMARY)), notDistinct(companion.get(), a.bindings.derivedParameter(values,
                IndexValues.OTHER_VERSION)));
        Expression out = new ParenthesedExpressionList<>(same);
        return a.rewrites.ownPredicate(d.isNot() ? out : new NotExpression(out));
    }

    private static Expression notDistinct(Expression l, Expression r) {
        IsDistinctExpression x = new IsDistinctExpression();
        x.setLeftExpression(l);
        x.setRightExpression(r);
        x.setNot(true);
        return x;
    }
}
