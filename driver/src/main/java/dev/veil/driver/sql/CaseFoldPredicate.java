package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.List;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.schema.Column;

/**
 * {@code lower(col) = v}, {@code upper(col) = v} (and {@code <>}, either side) through a single-column blind index
 * that normalizes with {@code lowercase}: normalized equality ({@link CaseFold}) — the index finds every case of
 * the value, and a value not in the function's case finds nothing. Refused for a column whose index does not
 * fold case (with the fix: {@code normalize: [lowercase]}); a truncated index follows the post-filter rules of
 * {@code =}; refused in a migration window.
 */
final class CaseFoldPredicate implements PredicateKind {

    @Override
    public Expression rewrite(Analysis a, Expression e, Condition c) {
        if (!(e instanceof EqualsTo || e instanceof NotEqualsTo)) {
            return null;
        }
        BinaryExpression b = (BinaryExpression) e;
        for (int side = 0; side < 2; side++) {
            Expression call = side == 0 ? b.getLeftExpression() : b.getRightExpression();
            Expression other = side == 0 ? b.getRightExpression() : b.getLeftExpression();
            Expression arg = PlainCalls.argument(call, "lower", "upper");
            Hit h = arg == null ? null : a.names.encryptedHit(arg, c.scope());
            if (h != null) {
                Expression value = CastValues.unwrap(other, h.target());
                return EqualityPredicate.isValue(value) ? rewrite(a, b, (Column) arg, h, value,
                        CaseFold.of(((net.sf.jsqlparser.expression.Function) call).getName()), c) : null;
            }
        }
        return null;
    }

    private static Expression rewrite(Analysis a, BinaryExpression b, Column col, Hit h, Expression value,
            CaseFold fold, Condition c) {
        boolean negated = b instanceof NotEqualsTo;
        String construct = "a comparison (" + fold.function() + "(" + col.getColumnName() + ") "
                + b.getStringExpression().trim() + " …)" + (c.clause().equals("WHERE") ? "" : " in " + c.clause());
        TableSource src = a.predicates.indexable(h, construct);
        ConfiguredIndex ci = a.indexes.single(src, h.column());
        if (ci == null || !CaseFold.foldsCase(ci.definition().columns().get(0))) {
            throw a.refuse(Refusals.caseFoldWithoutLowercase(h.target(), construct, ci));
        }
        IndexTarget ix = a.indexes.target(src, ci, construct);
        a.indexes.queried.add(ix);
        if (!ix.exact() && (negated || c.block() != null)) {
            throw a.refuse(Refusals.truncatedSearch(h.target(), ix, construct, negated ? "a negation (<>)"
                    : c.block()));
        }
        if (!ix.windowColumns().isEmpty()) {
            throw a.refuse(Refusals.migrationWindow(h.target(), ix, construct, fold.function() + "() of a stored "
                    + "plaintext depends on the database's collation", "Search with col = ? until the migration is "
                    + "finished"));
        }
        Object source = a.bindings.valueSource(value, h.target(), true);
        if (!ix.exact()) {
            a.filters.add(col, h.target(), ix, 0, new Object[] {source});
        }
        return a.predicates.search(col, ci, List.of(IndexValues.searchFolded(ix, source, fold)),
                new Column[] {col}, null, negated);
    }
}
