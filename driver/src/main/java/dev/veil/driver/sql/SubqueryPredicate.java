package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * {@code col [NOT] IN (SELECT col2 FROM t2 …)} where {@code col} and {@code col2} are encrypted columns whose exact
 * blind indexes share a key (one index, or one join domain, as {@link JoinPredicate} requires): index compared
 * with index, {@code col_bidx IN (SELECT col2_bidx FROM t2 …)}. An index value is NULL exactly where its column is,
 * so the three-valued result (NOT IN with a NULL in the subquery) is the original's. The subquery selects the
 * column itself from its one table; the rest of it is analysed as any subquery. Compares stored index values, so
 * it is refused while a key is rotated (checked at execution) and during a migration window.
 */
final class SubqueryPredicate implements PredicateKind {

    @Override
    public Expression rewrite(Analysis a, Expression e, Condition c) {
        if (!(e instanceof InExpression) || !(((InExpression) e).getRightExpression() instanceof ParenthesedSelect)) {
            return null;
        }
        InExpression in = (InExpression) e;
        Hit h = a.names.encryptedHit(in.getLeftExpression(), c.scope());
        ParenthesedSelect sub = (ParenthesedSelect) in.getRightExpression();
        if (h == null || !(sub.getSelect() instanceof PlainSelect)) {
            return null;
        }
        PlainSelect inner = (PlainSelect) sub.getSelect();
        if (inner.getSelectItems().size() != 1 || !(inner.getSelectItems().get(0).getExpression() instanceof Column)
                || !(inner.getFromItem() instanceof Table) || inner.getJoins() != null && !inner.getJoins().isEmpty()
                || inner.getWithItemsList() != null || inner.getGroupBy() != null || inner.getHaving() != null) {
            return null; // the checker refuses it: an encrypted column compared through a subquery
        }
        String construct = (in.isNot() ? "NOT IN" : "IN") + " (SELECT …)"
                + (c.clause().equals("WHERE") ? "" : " in " + c.clause());
        @SuppressWarnings("unchecked")
        SelectItem<Expression> item = (SelectItem<Expression>) inner.getSelectItems().get(0);
        Column selected = (Column) item.getExpression();
        Scope probe = new Scope(c.scope());
        a.names.from(inner.getFromItem(), probe);
        Hit r = a.names.encryptedHit(selected, probe);
        if (r == null || probe.sources.isEmpty() || r.source() != probe.sources.get(0)) {
            throw a.refuse(Refusals.subqueryOfOtherKey(h.target(), construct, "the subquery selects no encrypted "
                    + "column of its own table"));
        }
        TableSource ls = a.predicates.indexable(h, construct);
        TableSource rs = a.predicates.indexable(r, construct);
        ConfiguredIndex li = a.indexes.single(ls, h.column());
        ConfiguredIndex ri = a.indexes.single(rs, r.column());
        if (li == null || ri == null || !li.definition().exact() || !ri.definition().exact()) {
            throw a.refuse(Refusals.joinOfEncrypted(h.target(), r.target(), construct, false));
        }
        boolean sameKey = li.definition().equals(ri.definition()) && li.table().equals(ri.table())
                || li.definition().domain().isPresent() && li.definition().domain().equals(ri.definition().domain());
        if (!sameKey) {
            throw a.refuse(Refusals.joinOfEncrypted(h.target(), r.target(), construct, true));
        }
        IndexTarget lx = a.indexes.target(ls, li, construct);
        IndexTarget rx = a.indexes.target(rs, ri, construct);
        String compared = construct + " comparing two index columns (" + h.target().column().qualified() + " IN "
                + r.target().column().qualified() + ")";
        a.indexes.storedValuesCompared(ls, lx, compared);
        a.indexes.storedValuesCompared(rs, rx, compared);
        a.indexes.queried.add(lx);
        a.indexes.queried.add(rx);
        item.setExpression(a.indexes.column(selected, ri));
        a.read.select(sub, c.scope()); // the rest of the subquery, its select item now the index column
        in.setLeftExpression(a.indexes.column((Column) in.getLeftExpression(), li));
        a.rewrites.mark();
        return a.rewrites.ownPredicate(in);
    }
}
