package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;

/**
 * Search conditions (WHERE, JOIN … ON): the boolean structure (AND, OR, XOR, NOT, parentheses) is walked here, and
 * each predicate is offered to the {@link PredicateKind}s, which rewrite comparisons of encrypted columns into
 * comparisons of their blind indexes — with a post-filter for a truncated index where the rows can still be
 * filtered, and the plaintext branch during a migration window ({@link SearchPredicates}). Whatever no kind takes
 * is checked as an ordinary expression.
 */
final class PredicateRewriter {

    /** The predicate kinds, asked in this order. */
    static final List<PredicateKind> KINDS = List.of(new JoinPredicate(), new EqualityPredicate(),
            new InListPredicate(), new CompoundPredicate(), new ArrayPredicate(), new DistinctPredicate(),
            new CaseFoldPredicate(), new SubqueryPredicate());

    private final Analysis a;
    /** How many NOTs enclose the condition being rewritten (in the dynamic extent, subqueries included). */
    private int negations;

    PredicateRewriter(Analysis a) {
        this.a = a;
    }

    boolean negated() {
        return negations > 0;
    }

    /**
     * A search condition with the predicates on encrypted columns rewritten through their blind indexes; everything
     * else is checked.
     *
     * @param block why rows cannot be post-filtered here (null: top-level AND of the outermost SELECT)
     */
    Expression cond(Expression e, Scope scope, String clause, String block) {
        if (e == null || a.rewrites.ownsPredicate(e)) {
            return e;
        }
        Expression rows = RowValues.expand(a, e, scope);
        if (rows != null) {
            return cond(rows, scope, clause, block);
        }
        if (e instanceof AndExpression) {
            List<Expression> conjuncts = new ArrayList<>();
            flattenAnd(e, conjuncts, scope);
            PredicateKind.Condition c = new PredicateKind.Condition(scope, clause, block);
            for (PredicateKind kind : KINDS) {
                kind.conjuncts(a, conjuncts, c);
            }
            Expression out = null;
            for (Expression conjunct : conjuncts) {
                Expression r = cond(conjunct, scope, clause, block);
                out = out == null ? r : new AndExpression(out, r);
            }
            return out;
        }
        if (e instanceof OrExpression || e instanceof XorExpression) {
            BinaryExpression b = (BinaryExpression) e;
            String why = e instanceof OrExpression ? "under OR" : "under XOR";
            b.setLeftExpression(cond(b.getLeftExpression(), scope, clause, why));
            b.setRightExpression(cond(b.getRightExpression(), scope, clause, why));
            return b;
        }
        if (e instanceof NotExpression) {
            NotExpression n = (NotExpression) e;
            negations++;
            try {
                n.setExpression(cond(n.getExpression(), scope, clause, "under NOT"));
            } finally {
                negations--;
            }
            return n;
        }
        if (e instanceof ParenthesedExpressionList && ((ParenthesedExpressionList<?>) e).size() == 1) {
            @SuppressWarnings("unchecked")
            ParenthesedExpressionList<Expression> p = (ParenthesedExpressionList<Expression>) e;
            p.set(0, cond(p.get(0), scope, clause, block));
            return p;
        }
        PredicateKind.Condition c = new PredicateKind.Condition(scope, clause, block);
        for (PredicateKind kind : KINDS) {
            Expression r = kind.rewrite(a, e, c);
            if (r != null) {
                return r;
            }
        }
        a.check(e, scope, clause);
        return e;
    }

    /** The conjuncts of an AND group; a row equality's members among them ({@link RowValues}). */
    private void flattenAnd(Expression e, List<Expression> out, Scope scope) {
        if (e instanceof AndExpression) {
            flattenAnd(((AndExpression) e).getLeftExpression(), out, scope);
            flattenAnd(((AndExpression) e).getRightExpression(), out, scope);
            return;
        }
        Expression rows = e instanceof net.sf.jsqlparser.expression.operators.relational.EqualsTo
                ? RowValues.expand(a, e, scope) : null;
        if (rows != null) {
            flattenAnd(((ParenthesedExpressionList<?>) rows).get(0), out, scope);
        } else {
            out.add(e);
        }
    }

    /** The table of a hit, where its index can be searched; refuses a column of a subquery or CTE. */
    TableSource indexable(Hit h, String construct) {
        if (!(h.source() instanceof TableSource)) {
            throw a.refuse(Refusals.searchThroughSubquery(h.target(), construct));
        }
        return (TableSource) h.source();
    }

    /** The column's single-column index; refuses a search of a column without one. */
    ConfiguredIndex requireIndex(Hit h, TableSource src, String construct) {
        ConfiguredIndex ci = a.indexes.single(src, h.column());
        if (ci == null) {
            throw a.refuse(Refusals.searchWithoutIndex(h.target(), h.column(), construct));
        }
        return ci;
    }

    /**
     * The rewritten search predicate for searched values through an index: by index under every enabled key
     * version, with the plaintext branch when a part is in its migration window ({@link SearchPredicates}).
     *
     * @param columns each index part's column as the statement names it (null for parts not searched in SQL)
     */
    Expression search(Column companionOf, ConfiguredIndex ci, List<IndexValues> values, Column[] columns,
            LegacyComparison[] window, boolean negated) {
        Supplier<Column> companion = () -> a.indexes.column(companionOf, ci);
        Expression r;
        if (window == null) {
            r = SearchPredicates.byIndex(companion, values, a.bindings::derivedParameter, negated);
        } else {
            List<SearchPredicates.WindowPart> parts = new ArrayList<>();
            for (int p = 0; p < window.length; p++) {
                if (window[p] != null) {
                    Column c = columns[p];
                    parts.add(new SearchPredicates.WindowPart(p, () -> a.rewrites.own(new Column(c.getTable(), c.getColumnName())),
                            window[p]));
                }
            }
            r = SearchPredicates.window(companion, values, parts, a.bindings::derivedParameter, negated);
        }
        return a.rewrites.ownPredicate(r);
    }
}
