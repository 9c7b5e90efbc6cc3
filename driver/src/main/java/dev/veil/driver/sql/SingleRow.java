package dev.veil.driver.sql;

import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DateValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.TimeValue;
import net.sf.jsqlparser.expression.TimestampValue;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * Whether the SELECT of an {@code INSERT … SELECT} yields at most one row, so that a value Veil encrypts once (a
 * {@code ?} parameter or a literal) lands in at most one row: one ciphertext in several rows would show they are
 * equal. At most one row: a plain SELECT without FROM (a WHERE, including subqueries, only filters), whose select
 * list is built, recursively, from literals, parameters, NULL, casts, arithmetic, {@code ||}, scalar subqueries and
 * a few scalar built-in functions — fail closed: any other expression (a set-returning or unknown function) counts
 * as possibly several rows.
 */
final class SingleRow {

    /** Built-in functions that return one value per call (never a set). */
    private static final Set<String> SCALAR = Set.of("now", "nextval", "currval", "gen_random_uuid", "coalesce",
            "lower", "upper", "trim", "concat", "length", "abs", "round", "greatest", "least", "nullif",
            "clock_timestamp", "statement_timestamp", "transaction_timestamp", "current_setting", "md5");

    private SingleRow() {
    }

    /** Null when {@code select} yields at most one row, else what may make it yield several (for the refusal). */
    static String whyMany(Select select) {
        if (!(select instanceof PlainSelect)) {
            return "a " + (select instanceof ParenthesedSelect ? "parenthesized query" : "set operation or VALUES");
        }
        PlainSelect ps = (PlainSelect) select;
        if (ps.getFromItem() != null || ps.getJoins() != null && !ps.getJoins().isEmpty()) {
            return "a FROM clause";
        }
        for (SelectItem<?> item : ps.getSelectItems()) {
            String why = expression(item.getExpression());
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    private static String expression(Expression e) {
        if (e instanceof StringValue || e instanceof LongValue || e instanceof DoubleValue || e instanceof NullValue
                || e instanceof BooleanValue || e instanceof JdbcParameter || e instanceof DateValue
                || e instanceof TimeValue || e instanceof TimestampValue || e instanceof DateTimeLiteralExpression
                || e instanceof TimeKeyExpression || e instanceof ParenthesedSelect || e instanceof Column) {
            // a scalar subquery yields one value, or fails on several rows; without FROM a name is a keyword or an
            // error, never a row source
            return null;
        }
        if (e instanceof SignedExpression) {
            return expression(((SignedExpression) e).getExpression());
        }
        if (e instanceof CastExpression) {
            return expression(((CastExpression) e).getLeftExpression());
        }
        if (e instanceof Concat || e instanceof Addition || e instanceof Subtraction || e instanceof Multiplication
                || e instanceof Division) {
            BinaryExpression b = (BinaryExpression) e;
            String l = expression(b.getLeftExpression());
            return l != null ? l : expression(b.getRightExpression());
        }
        if (e instanceof ParenthesedExpressionList && ((ParenthesedExpressionList<?>) e).size() == 1) {
            return expression((Expression) ((ParenthesedExpressionList<?>) e).get(0));
        }
        if (e instanceof Function) {
            Function f = (Function) e;
            String name = f.getName() == null ? "" : f.getName().toLowerCase(Locale.ROOT);
            if (!SCALAR.contains(name)) {
                return "function " + f.getName() + "() in the select list (it may return a set of rows)";
            }
            ExpressionList<?> args = f.getParameters();
            for (int i = 0; args != null && i < args.size(); i++) {
                String why = expression((Expression) args.get(i));
                if (why != null) {
                    return why;
                }
            }
            return null;
        }
        return Expressions.describe(e) + " in the select list";
    }
}
