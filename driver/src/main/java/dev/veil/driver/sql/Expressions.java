package dev.veil.driver.sql;

import dev.veil.driver.schema.Identifiers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.OldOracleJoinBinaryExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.update.UpdateSet;

/** How refusal messages name an expression's construct: "a comparison (=)", "function lower()", … — never values. */
final class Expressions {

    private Expressions() {
    }

    /**
     * The columns an UPDATE's SET list assigns (canonical names, in order) and each one's value expression; null
     * where a row-valued assignment's arity does not match ({@code (a, b) = (SELECT …)}).
     */
    static Map<String, Expression> assignments(List<UpdateSet> sets) {
        Map<String, Expression> assigned = new LinkedHashMap<>();
        for (UpdateSet set : sets) {
            ExpressionList<Column> cols = set.getColumns();
            ExpressionList<?> vals = set.getValues();
            if (cols.size() > 1 && vals.size() == 1 && vals.get(0) instanceof ExpressionList) {
                vals = (ExpressionList<?>) vals.get(0);
            }
            for (int i = 0; i < cols.size(); i++) {
                assigned.put(Identifiers.canonical(cols.get(i).getColumnName()),
                        cols.size() == vals.size() ? (Expression) vals.get(i) : null);
            }
        }
        return assigned;
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
