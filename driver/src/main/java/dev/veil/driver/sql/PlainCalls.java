package dev.veil.driver.sql;

import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;

/**
 * A function call of the plainest form, {@code name(argument)}: one unquoted, unqualified name and one argument,
 * nothing else (no DISTINCT, ORDER BY, FILTER, named or keyword arguments, attributes). The predicate kinds read
 * {@code ANY(?)}, {@code lower(col)} only in this form; anything richer stays an ordinary expression.
 */
final class PlainCalls {

    private PlainCalls() {
    }

    /** The single argument of {@code e} when it is a plain call of {@code name} (ignoring case), else null. */
    static Expression argument(Expression e, String... names) {
        if (!(e instanceof Function)) {
            return null;
        }
        Function f = (Function) e;
        if (f.getMultipartName() == null || f.getMultipartName().size() != 1 || !named(f.getName(), names)
                || f.getParameters() == null || f.getParameters().size() != 1 || f.isDistinct() || f.isUnique()
                || f.isAllColumns() || f.getNullHandling() != null || f.isIgnoreNullsOutside() || f.isIgnoreNulls()
                || f.getLimit() != null || f.getHavingClause() != null || f.getChainedParameters() != null
                || f.getNamedParameters() != null || f.getAttribute() != null || f.getKeep() != null
                || f.getExtraKeyword() != null || f.getKeywordArguments() != null && !f.getKeywordArguments().isEmpty()
                || f.getOrderByElements() != null && !f.getOrderByElements().isEmpty() || f.isEscaped()
                || f.getOnOverflowTruncate() != null) {
            return null;
        }
        return (Expression) f.getParameters().get(0);
    }

    private static boolean named(String name, String... names) {
        if (name == null) {
            return false;
        }
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) { // a quoted name keeps its quotes and never matches
                return true;
            }
        }
        return false;
    }
}
