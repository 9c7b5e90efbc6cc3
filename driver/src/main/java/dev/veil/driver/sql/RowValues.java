package dev.veil.driver.sql;

import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.statement.select.Select;

/**
 * Row-value comparisons that name an encrypted column, written out as the member comparisons PostgreSQL defines
 * them by, so the equality rewrites take each member:
 *
 * <pre>{@code (a, b) = (x, y)               →  (a = x AND b = y)
 * (a, b) <> (x, y)              →  (a <> x OR b <> y)
 * (a, b) IN ((x, y), (z, w))    →  ((a = x AND b = y) OR (a = z AND b = w))
 * (a, b) NOT IN ((x, y), …)     →  NOT (…)}</pre>
 *
 * Exact in three-valued logic: rows are equal when every member pair is, unequal when some non-NULL pair differs,
 * unknown otherwise — as the conjunction. Only rows of equal length, written as parenthesised lists; anything else
 * (a subquery, ROW(…)) stays as written, and is refused where it uses an encrypted column.
 */
final class RowValues {

    private RowValues() {
    }

    /** The written-out form of a row comparison naming an encrypted column, parenthesised; null for anything else. */
    static Expression expand(Analysis a, Expression e, Scope scope) {
        if (e instanceof EqualsTo || e instanceof NotEqualsTo) {
            net.sf.jsqlparser.expression.BinaryExpression b = (net.sf.jsqlparser.expression.BinaryExpression) e;
            List<Expression> l = row(b.getLeftExpression());
            List<Expression> r = row(b.getRightExpression());
            if (l == null || r == null || l.size() != r.size() || !encrypted(a, l, r, scope)) {
                return null;
            }
            return new ParenthesedExpressionList<>(members(l, r, e instanceof NotEqualsTo));
        }
        if (e instanceof InExpression) {
            InExpression in = (InExpression) e;
            List<Expression> l = row(in.getLeftExpression());
            if (l == null || !(in.getRightExpression() instanceof ExpressionList)
                    || in.getRightExpression() instanceof Select) {
                return null;
            }
            Expression any = null;
            boolean named = false;
            for (Object element : (ExpressionList<?>) in.getRightExpression()) {
                List<Expression> r = row((Expression) element);
                if (r == null || r.size() != l.size()) {
                    return null;
                }
                named |= encrypted(a, l, r, scope);
                Expression m = new ParenthesedExpressionList<>(members(l, r, false));
                any = any == null ? m : new OrExpression(any, m);
            }
            if (any == null || !named) {
                return null;
            }
            Expression p = new ParenthesedExpressionList<>(any);
            return in.isNot() ? new ParenthesedExpressionList<>(new NotExpression(p)) : p;
        }
        return null;
    }

    private static Expression members(List<Expression> l, List<Expression> r, boolean unequal) {
        Expression out = null;
        for (int i = 0; i < l.size(); i++) {
            Expression m = unequal ? new NotEqualsTo(l.get(i), r.get(i)) : new EqualsTo(l.get(i), r.get(i));
            out = out == null ? m : unequal ? new OrExpression(out, m) : new AndExpression(out, m);
        }
        return out;
    }

    /** The members of a row written {@code (x, y, …)} with two or more members, else null. */
    @SuppressWarnings("unchecked")
    private static List<Expression> row(Expression e) {
        if (!(e instanceof ParenthesedExpressionList) || ((ParenthesedExpressionList<?>) e).size() < 2) {
            return null;
        }
        return (List<Expression>) e;
    }

    private static boolean encrypted(Analysis a, List<Expression> l, List<Expression> r, Scope scope) {
        for (int i = 0; i < l.size(); i++) {
            if (a.names.encryptedHit(l.get(i), scope) != null || a.names.encryptedHit(r.get(i), scope) != null) {
                return true;
            }
        }
        return false;
    }
}
