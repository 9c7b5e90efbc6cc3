package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.List;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.schema.Column;

/**
 * {@code col = v}, {@code v = col}, {@code col <> v} with a parameter, literal or NULL (possibly cast to the column's
 * own type, {@link CastValues}): the column's blind index
 * compared with the value's index value (never sent itself); through a truncated index only where the rows can be
 * post-filtered, and never negated.
 */
final class EqualityPredicate implements PredicateKind {

    static String construct(BinaryExpression b, Condition c) {
        return "a comparison (" + b.getStringExpression().trim() + ")"
                + (c.clause().equals("WHERE") ? "" : " in " + c.clause());
    }

    static boolean isValue(Expression v) {
        return v instanceof JdbcParameter || v instanceof NullValue || Literals.isLiteral(v)
                || ComputedValue.isConstant(v); // typed literals (varchar 'x', text 'x'), 'a' || 'b'
    }

    @Override
    public Expression rewrite(Analysis a, Expression e, Condition c) {
        if (!(e instanceof EqualsTo || e instanceof NotEqualsTo)) {
            return null;
        }
        BinaryExpression b = (BinaryExpression) e;
        boolean negated = b instanceof NotEqualsTo;
        Hit l = a.names.encryptedHit(b.getLeftExpression(), c.scope());
        Hit r = a.names.encryptedHit(b.getRightExpression(), c.scope());
        if ((l == null) == (r == null)) {
            return null; // no encrypted column, or two ({@link JoinPredicate})
        }
        Hit h = l != null ? l : r;
        Column col = (Column) (l != null ? b.getLeftExpression() : b.getRightExpression());
        Expression value = CastValues.unwrap(l != null ? b.getRightExpression() : b.getLeftExpression(), h.target());
        if (!isValue(value)) {
            return null; // the checker refuses it with the construct's name
        }
        String construct = construct(b, c);
        TableSource src = a.predicates.indexable(h, construct);
        ConfiguredIndex ci = a.predicates.requireIndex(h, src, construct);
        IndexTarget ix = a.indexes.target(src, ci, construct);
        a.indexes.queried.add(ix);
        if (!ix.exact() && (negated || c.block() != null)) {
            throw a.refuse(Refusals.truncatedSearch(h.target(), ix, construct, negated ? "a negation (<>)"
                    : c.block()));
        }
        LegacyComparison[] window = a.indexes.windowComparisons(src, ci, ix, construct);
        Object[] sources = {a.bindings.valueSource(value, h.target(), true)};
        if (!ix.exact()) {
            a.filters.add(col, h.target(), ix, 0, sources);
        }
        return a.predicates.search(col, ci, List.of(IndexValues.search(ix, sources, window)), new Column[] {col},
                window, negated);
    }
}
