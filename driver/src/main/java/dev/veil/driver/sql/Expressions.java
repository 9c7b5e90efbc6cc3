package dev.veil.driver.sql;

import java.util.Locale;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.OldOracleJoinBinaryExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;

/** How refusal messages name an expression's construct: "a comparison (=)", "function lower()", … — never values. */
final class Expressions {

    private Expressions() {
    }

    static String describe(Expression e) {
        if (e instanceof BinaryExpression) {
            String op = ((BinaryExpression) e).getStringExpression();
            String kind;
            if (e instanceof LikeExpression) {
                return op.trim().toUpperCase(Locale.ROOT);
            } else if (e instanceof ComparisonOperator || e instanceof OldOracleJoinBinaryExpression) {
                kind = "a comparison";
            } else {
                kind = "an operator";
            }
            return kind + " (" + op.trim() + ")";
        } else if (e instanceof Function) {
            return "function " + ((Function) e).getName() + "()";
        } else if (e instanceof CastExpression) {
            return "a cast";
        } else if (e instanceof Column) {
            return "another column";
        } else if (e instanceof ParenthesedSelect) {
            return "a subquery";
        } else if (e instanceof CaseExpression) {
            return "a CASE expression";
        }
        return "an expression (" + e.getClass().getSimpleName() + ")";
    }
}
