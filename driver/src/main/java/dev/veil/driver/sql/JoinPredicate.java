package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.schema.Column;

/**
 * {@code a.col = b.col} between two encrypted columns: both through exact blind indexes that share a key (one
 * index, or one join domain), compared companion to companion.
 */
final class JoinPredicate implements PredicateKind {

    @Override
    public Expression rewrite(Analysis a, Expression e, Condition c) {
        if (!(e instanceof EqualsTo || e instanceof NotEqualsTo)) {
            return null;
        }
        BinaryExpression b = (BinaryExpression) e;
        Hit l = a.names.encryptedHit(b.getLeftExpression(), c.scope());
        Hit r = a.names.encryptedHit(b.getRightExpression(), c.scope());
        if (l == null || r == null) {
            return null;
        }
        String construct = EqualityPredicate.construct(b, c);
        TableSource ls = a.predicates.indexable(l, construct);
        TableSource rs = a.predicates.indexable(r, construct);
        ConfiguredIndex li = a.indexes.single(ls, l.column());
        ConfiguredIndex ri = a.indexes.single(rs, r.column());
        if (li == null || ri == null || !li.definition().exact() || !ri.definition().exact()) {
            throw a.refuse(Refusals.joinOfEncrypted(l.target(), r.target(), construct, false));
        }
        boolean sameKey = li.definition().equals(ri.definition()) && li.table().equals(ri.table())
                || li.definition().domain().isPresent() && li.definition().domain().equals(ri.definition().domain());
        if (!sameKey) {
            throw a.refuse(Refusals.joinOfEncrypted(l.target(), r.target(), construct, true));
        }
        IndexTarget lx = a.indexes.target(ls, li, construct);
        IndexTarget rx = a.indexes.target(rs, ri, construct);
        String compared = "a join comparing two index columns (" + l.target().column().qualified() + " = "
                + r.target().column().qualified() + ")";
        a.indexes.storedValuesCompared(ls, lx, compared);
        a.indexes.storedValuesCompared(rs, rx, compared);
        a.indexes.queried.add(lx);
        a.indexes.queried.add(rx);
        a.rewrites.mark();
        b.setLeftExpression(a.indexes.column((Column) b.getLeftExpression(), li));
        b.setRightExpression(a.indexes.column((Column) b.getRightExpression(), ri));
        return b;
    }
}
