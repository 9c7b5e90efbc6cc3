package dev.veil.driver.sql;

import java.util.List;
import net.sf.jsqlparser.expression.Expression;

/**
 * One kind of search predicate Veil rewrites through blind indexes ({@link PredicateRewriter} asks each kind in
 * turn): equality with a value, IN lists, joins of two indexed columns, every part of a compound index. A future
 * kind (prefix tokens, range buckets) is one new implementation added to {@link PredicateRewriter#KINDS}. A kind
 * that does not recognise a predicate returns null; what no kind takes is checked as an ordinary expression (and
 * refused when it uses an encrypted column).
 */
interface PredicateKind {

    /** Where a predicate stands: its scope, its clause (for messages) and why rows cannot be post-filtered there. */
    record Condition(Scope scope, String clause, String block) {
    }

    /** The rewritten predicate, or null when {@code e} is not of this kind. */
    Expression rewrite(Analysis a, Expression e, Condition c);

    /**
     * Rewrites, within one AND group, a predicate spanning several conjuncts (replacing or removing them in
     * {@code conjuncts}); by default none.
     */
    default void conjuncts(Analysis a, List<Expression> conjuncts, Condition c) {
    }
}
