package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.List;
import net.sf.jsqlparser.expression.ArrayConstructor;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.schema.Column;

/**
 * {@code col = ANY(?)} (or {@code SOME}) and {@code col <> ALL(?)} with an array parameter — possibly cast to
 * the column's text type, {@code ?::text[]} — through the column's blind index: {@code col_bidx = ANY(?)} /
 * {@code col_bidx <> ALL(?)}, the parameter carrying every element's index values ({@link SearchedArrays}). An
 * array constructor, {@code col = ANY(ARRAY[?, 'x'])}, is the IN list it means ({@link InListPredicate}).
 *
 * <p>{@code <> ANY} and {@code = ALL} are refused: looking a value up under two key versions makes each element
 * two index values, and those quantifiers would compare a row with the one it is not indexed under. A truncated
 * index follows the post-filter rules of {@code =}/{@code IN}; an index in its migration window refuses the array
 * parameter (an array constructor works, as an IN list).
 */
final class ArrayPredicate implements PredicateKind {

    @Override
    public Expression rewrite(Analysis a, Expression e, Condition c) {
        if (!(e instanceof EqualsTo || e instanceof NotEqualsTo)) {
            return null;
        }
        BinaryExpression b = (BinaryExpression) e;
        Hit h = a.names.encryptedHit(b.getLeftExpression(), c.scope());
        Expression arg = PlainCalls.argument(b.getRightExpression(), "ANY", "SOME", "ALL");
        if (h == null || arg == null) {
            return null;
        }
        String quantifier = ((Function) b.getRightExpression()).getName();
        boolean all = quantifier.equalsIgnoreCase("ALL");
        boolean negated = e instanceof NotEqualsTo;
        String construct = "a comparison with " + (negated ? "<> " : "= ") + quantifier.toUpperCase(java.util.Locale.ROOT)
                + "(…)" + (c.clause().equals("WHERE") ? "" : " in " + c.clause());
        if (all != negated) {
            throw a.refuse(Refusals.arrayQuantifier(h.target(), construct));
        }
        Expression array = CastValues.unwrapArray(arg, h.target());
        if (array == null) {
            array = arg;
        }
        Column col = (Column) b.getLeftExpression();
        if (array instanceof ArrayConstructor && ((ArrayConstructor) array).isArrayKeyword()
                && ((ArrayConstructor) array).getDataType() == null) {
            List<? extends Expression> list = ((ArrayConstructor) array).getExpressions();
            return list == null ? null : InListPredicate.search(a, col, h, list, negated, construct, c);
        }
        if (!(array instanceof JdbcParameter)) {
            return null; // the checker refuses it with the construct's name
        }
        TableSource src = a.predicates.indexable(h, construct);
        ConfiguredIndex ci = a.predicates.requireIndex(h, src, construct);
        IndexTarget ix = a.indexes.target(src, ci, construct);
        a.indexes.queried.add(ix);
        if (!ix.exact() && (negated || c.block() != null)) {
            throw a.refuse(Refusals.truncatedSearch(h.target(), ix, construct, negated ? "a negation (<> ALL)"
                    : c.block()));
        }
        if (!ix.windowColumns().isEmpty()) {
            throw a.refuse(Refusals.migrationWindow(h.target(), ix, construct, "the elements of an array "
                    + "parameter cannot be compared with the stored plaintext", "Write the values as an IN list "
                    + "(col IN (?, ?, …)) or ANY(ARRAY[?, ?, …]) until the migration is finished"));
        }
        Object source = a.bindings.valueSource(array, h.target(), true);
        if (source == Bindings.NOT_A_VALUE) {
            return null;
        }
        if (!ix.exact()) {
            a.filters.add(col, h.target(), ix, 0, new Object[] {source});
        }
        Function quantified = new Function();
        quantified.setName(all ? "ALL" : "ANY");
        quantified.setParameters(a.bindings.derivedParameter(IndexValues.searchArray(ix, source),
                IndexValues.PRIMARY));
        Column companion = a.indexes.column(col, ci);
        return a.rewrites.ownPredicate(negated ? new NotEqualsTo(companion, quantified)
                : new EqualsTo(companion, quantified));
    }
}
