package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.Identifiers;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperation;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;
import net.sf.jsqlparser.statement.select.Values;

/**
 * The read path: what each query returns — which output columns carry an encrypted column's ciphertext (and so
 * decrypt), through select lists, aliases, {@code *} (expanded without companion columns), subqueries, UNION ALL
 * and RETURNING — and the clauses that must not use them (ORDER BY, DISTINCT, GROUP BY unless through an exact
 * blind index).
 */
final class ReadPath {

    private final Analysis a;
    /** While a SELECT list is analysed: the columns its GROUP BY groups through an index. */
    private List<Hit> grouped = List.of();
    /** While the outermost SELECT list (without GROUP BY) is analysed: projections may be evaluated after decryption. */
    private boolean projecting;
    private final ProjectedColumns projections;

    ReadPath(Analysis a) {
        this.a = a;
        this.projections = new ProjectedColumns(a);
    }

    List<Out> select(Select select, Scope outer) {
        boolean outerProjecting = projecting;
        projecting = false; // only the outermost select list (set in plainSelect) evaluates projections
        try {
            return query(select, outer);
        } finally {
            projecting = outerProjecting;
        }
    }

    private List<Out> query(Select select, Scope outer) {
        Scope scope = outer;
        if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
            scope = new Scope(outer);
            a.names.withItems(select.getWithItemsList(), scope);
        }
        if (select instanceof PlainSelect) {
            return plainSelect((PlainSelect) select, scope);
        } else if (select instanceof SetOperationList) {
            SetOperationList set = (SetOperationList) select;
            List<Out> outs = setOperation(set, scope);
            orderBy(set.getOrderByElements(), new Scope(scope), outs);
            return outs;
        } else if (select instanceof ParenthesedSelect) {
            ParenthesedSelect ps = (ParenthesedSelect) select;
            List<Out> outs = select(ps.getSelect(), scope);
            orderBy(ps.getOrderByElements(), new Scope(scope), outs);
            return outs;
        } else if (select instanceof Values) {
            Values v = (Values) select;
            List<Out> outs = new ArrayList<>();
            ExpressionList<?> list = v.getExpressions();
            for (Expression e : list) {
                a.check(e, scope, "VALUES");
            }
            int width = list.isEmpty() ? 0 : list.get(0) instanceof ExpressionList
                    ? ((ExpressionList<?>) list.get(0)).size() : list.size();
            for (int i = 0; i < width; i++) {
                outs.add(new Out("column" + (i + 1), null));
            }
            return outs;
        }
        throw a.refuse(Refusals.queryKind(select.getClass().getSimpleName()));
    }

    private List<Out> setOperation(SetOperationList set, Scope scope) {
        List<List<Out>> branches = new ArrayList<>();
        for (Select s : set.getSelects()) {
            branches.add(select(s, scope));
        }
        boolean allUnionAll = true;
        for (SetOperation op : set.getOperations()) {
            allUnionAll &= op instanceof UnionOp && op.isAll();
        }
        List<Out> first = branches.get(0);
        boolean unknown = false;
        for (List<Out> b : branches) {
            unknown |= b.stream().anyMatch(Out::unknownWidth);
        }
        boolean anyEncrypted = branches.stream().flatMap(List::stream).anyMatch(o -> o.target() != null);
        if (!anyEncrypted) {
            return first;
        }
        String op = set.getOperations().get(0).toString().trim();
        if (unknown) {
            Target t = branches.stream().flatMap(List::stream).filter(o -> o.target() != null).findFirst()
                    .get().target();
            throw a.refuse(Refusals.setOperationWithStar(t, op));
        }
        List<Out> outs = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            Target t0 = first.get(i).target();
            Target any = t0;
            boolean consistent = true;
            for (List<Out> b : branches) {
                Target ti = i < b.size() ? b.get(i).target() : null;
                if (ti != null) {
                    any = ti;
                }
                consistent &= (t0 == null && ti == null) || (t0 != null && t0.sameBinding(ti));
            }
            if (!consistent) {
                throw a.refuse(Refusals.setOperationMismatch(any, op));
            }
            if (t0 != null && !allUnionAll) {
                throw a.refuse(Refusals.setOperationDistinct(t0, op));
            }
            outs.add(new Out(first.get(i).label(), t0));
        }
        return outs;
    }

    private List<Out> plainSelect(PlainSelect ps, Scope outer) {
        Scope scope = new Scope(outer);
        if (ps.getFromItem() != null) {
            a.names.from(ps.getFromItem(), scope);
        }
        a.names.fromItems(ps.getJoins(), scope);
        a.names.joinConditions(ps.getJoins(), scope);
        int hiddenBefore = a.filters.hidden.size();
        ps.setWhere(a.predicates.cond(ps.getWhere(), scope, "WHERE", a.filters.block(ps)));
        a.check(ps.getHaving(), scope, "HAVING");
        a.check(ps.getQualify(), scope, "QUALIFY");
        List<Hit> groups = groupBy(ps, scope);
        if (ps.getDistinct() != null && ps.getDistinct().getOnSelectItems() != null) {
            for (SelectItem<?> item : ps.getDistinct().getOnSelectItems()) {
                if (item.getExpression() instanceof Column) {
                    Target t = a.names.resolve((Column) item.getExpression(), scope);
                    if (t != null) {
                        throw a.refuse(Refusals.use(t, "DISTINCT ON"));
                    }
                }
                a.check(item.getExpression(), scope, "DISTINCT ON");
            }
        }
        if (NameResolution.mergesJoinColumns(ps.getJoins()) && scope.sources.stream().anyMatch(Source::hasEncrypted)) {
            for (SelectItem<?> item : ps.getSelectItems()) {
                if (item.getExpression() instanceof AllColumns) {
                    Source enc = scope.sources.stream().filter(Source::hasEncrypted).findFirst().get();
                    throw a.refuse(Refusals.starOverJoinUsing(a.names.firstEncrypted(enc)));
                }
            }
        }
        List<Hit> outerGroups = grouped;
        boolean outerProjecting = projecting;
        grouped = groups;
        projecting = a.filters.isOutermost(ps) && ps.getGroupBy() == null;
        List<Out> outs;
        try {
            outs = items(ps.getSelectItems(), scope);
        } finally {
            grouped = outerGroups;
            projecting = outerProjecting;
        }
        if (a.filters.isOutermost(ps)) {
            outs = a.rowReads.keyed(outs, scope, ps.getGroupBy() != null, null);
        }
        a.filters.appendHidden(ps, hiddenBefore);
        if (ps.getGroupBy() != null && ps.getGroupBy().getGroupByExpressionList() != null) {
            for (Object e : ps.getGroupBy().getGroupByExpressionList()) {
                outputReference((Expression) e, outs, "GROUP BY", "Group by a blind index or another column");
            }
        }
        if (ps.getDistinct() != null && ps.getDistinct().getOnSelectItems() != null) {
            for (SelectItem<?> item : ps.getDistinct().getOnSelectItems()) {
                outputReference(item.getExpression(), outs, "DISTINCT ON", "De-duplicate on another column");
            }
        }
        if (ps.getDistinct() != null && ps.getDistinct().getOnSelectItems() == null) {
            for (Out o : outs) {
                if (o.target() != null) {
                    throw a.refuse(Refusals.selectDistinct(o.target()));
                }
            }
        }
        orderBy(ps.getOrderByElements(), scope, outs);
        return outs;
    }

    /** GROUP BY an encrypted column through its exact blind index; the grouped columns, for the select list. */
    private List<Hit> groupBy(PlainSelect ps, Scope scope) {
        List<Hit> groups = new ArrayList<>();
        if (ps.getGroupBy() == null || ps.getGroupBy().getGroupByExpressionList() == null) {
            return groups;
        }
        @SuppressWarnings("unchecked")
        ExpressionList<Expression> list = (ExpressionList<Expression>) ps.getGroupBy().getGroupByExpressionList();
        for (int i = 0; i < list.size(); i++) {
            Expression e = list.get(i);
            if (e instanceof Column) {
                Hit h = a.names.encryptedHit(e, scope);
                if (h != null) {
                    TableSource src = a.predicates.indexable(h, "GROUP BY");
                    ConfiguredIndex ci = a.indexes.single(src, h.column());
                    if (ci == null || !ci.definition().exact()) {
                        throw a.refuse(Refusals.groupByWithoutExactIndex(h.target()));
                    }
                    IndexTarget gx = a.indexes.target(src, ci, "GROUP BY");
                    a.indexes.storedValuesCompared(src, gx, "GROUP BY " + h.target().column().qualified());
                    a.indexes.queried.add(gx);
                    list.set(i, a.indexes.column((Column) e, ci));
                    groups.add(h);
                    a.rewrites.mark();
                    continue;
                }
            }
            a.check(e, scope, "GROUP BY");
        }
        return groups;
    }

    /** The outputs of a select list (or RETURNING); {@code *} over tables with companion columns is expanded. */
    List<Out> items(List<? extends SelectItem<?>> items, Scope scope) {
        List<Out> outs = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<SelectItem<?>> list = (List<SelectItem<?>>) items;
        List<SelectItem<?>> expanded = new ArrayList<>();
        boolean changed = false;
        for (SelectItem<?> item : List.copyOf(list)) {
            Expression e = item.getExpression();
            String alias = item.getAlias() == null ? null : Identifiers.canonical(item.getAlias().getName());
            if (e instanceof AllTableColumns) {
                Source s = a.names.source(((AllTableColumns) e).getTable(), scope);
                if (s == null) {
                    outs.add(Out.UNKNOWN);
                } else {
                    outs.addAll(s.all());
                    if (a.names.hasCompanions(s)) {
                        changed = true;
                        for (String c : ((TableSource) s).visible()) {
                            expanded.add(new SelectItem<>(a.rewrites.own(new Column(
                                    ((AllTableColumns) e).getTable(), Identifiers.quoteIfNeeded(c)))));
                        }
                        continue;
                    }
                }
            } else if (e instanceof AllColumns) {
                boolean any = false;
                for (Source s : scope.sources) {
                    outs.addAll(s.all());
                    any |= a.names.hasCompanions(s);
                }
                if (any) {
                    changed = true;
                    for (Source s : scope.sources) {
                        Table q = a.names.qualifier(s);
                        if (a.names.hasCompanions(s)) {
                            for (String c : ((TableSource) s).visible()) {
                                expanded.add(new SelectItem<>(a.rewrites.own(new Column(q,
                                        Identifiers.quoteIfNeeded(c)))));
                            }
                        } else {
                            expanded.add(new SelectItem<>(new AllTableColumns(q)));
                        }
                    }
                    continue;
                }
            } else if (e instanceof Column && isGrouped((Column) e, scope)) {
                Column c = (Column) e;
                String label = alias != null ? alias : Identifiers.canonical(c.getColumnName());
                Expression one;
                try {
                    one = CCJSqlParserUtil.parseExpression("(array_agg(" + c + "))[1]");
                    // the parsed copy of the column is Veil's own (the renderer accounts for it)
                    Expression agg = ((net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList<?>)
                            ((net.sf.jsqlparser.expression.ArrayExpression) one).getObjExpression()).get(0);
                    a.rewrites.own((Column) ((net.sf.jsqlparser.expression.Function) agg).getParameters().get(0));
                } catch (JSQLParserException | ClassCastException x) {
                    throw new IllegalStateException(x);
                }
                expanded.add(new SelectItem<>(one, new Alias(
                        item.getAlias() != null ? item.getAlias().getName() : c.getColumnName())));
                changed = true;
                outs.add(new Out(label, a.names.resolve(c, scope)));
                continue;
            } else if (e instanceof Column) {
                Column c = (Column) e;
                a.names.refuseCompanion(c, scope);
                Target t = a.names.resolve(c, scope);
                Target row = t == null ? a.names.wholeRow(c, scope) : null;
                if (row != null) {
                    throw a.refuse(Refusals.wholeRow(row, "the select list"));
                }
                outs.add(new Out(alias != null ? alias : Identifiers.canonical(c.getColumnName()), t));
            } else if (e instanceof ParenthesedSelect) {
                List<Out> sub = select((ParenthesedSelect) e, scope);
                Target t = sub.isEmpty() ? null : sub.get(0).target();
                outs.add(new Out(alias, t));
            } else {
                Out projected = projecting ? projections.project(item, scope) : null;
                if (projected != null) {
                    outs.add(projected);
                } else {
                    a.check(e, scope, "the select list");
                    outs.add(new Out(alias, null));
                }
            }
            expanded.add(item);
        }
        if (changed) {
            a.rewrites.mark();
            list.clear();
            list.addAll(expanded);
        }
        return outs;
    }

    private boolean isGrouped(Column c, Scope scope) {
        return grouped.stream().anyMatch(g -> {
            Hit h = a.names.hit(c, scope);
            return h != null && h.source() == g.source() && h.column().equals(g.column());
        });
    }

    List<Out> returning(ReturningClause clause, Scope scope) {
        if (clause == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<SelectItem<?>> list = (List<SelectItem<?>>) (List<?>) clause;
        boolean outerProjecting = projecting;
        projecting = false; // RETURNING computes nothing after decryption
        try {
            return a.rowReads.keyed(items(clause, scope), scope, false, list);
        } finally {
            projecting = outerProjecting;
        }
    }

    /** Refuses copying encrypted outputs into a new table ({@code SELECT … INTO}, {@code CREATE TABLE … AS}). */
    void refuseCopy(List<Out> outs, String construct) {
        for (Out o : outs) {
            if (o.target() != null) {
                throw a.refuse(Refusals.copyIntoNewTable(o.target(), construct));
            }
        }
    }

    /**
     * GROUP BY / DISTINCT ON may name an output column by position ({@code GROUP BY 2}) or by its label: refuse
     * when that output is encrypted.
     */
    private void outputReference(Expression e, List<Out> outs, String construct, String fix) {
        if (e instanceof LongValue) {
            long pos = ((LongValue) e).getValue();
            if (pos >= 1 && pos <= outs.size() && outs.get((int) pos - 1).target() != null) {
                throw a.refuse(Refusals.use(outs.get((int) pos - 1).target(), construct, fix));
            }
        } else if (e instanceof Column && ((Column) e).getTable() == null) {
            String label = Identifiers.canonical(((Column) e).getColumnName());
            for (Out out : outs) {
                if (label.equals(out.label()) && out.target() != null) {
                    throw a.refuse(Refusals.use(out.target(), construct, fix));
                }
            }
        }
    }

    void orderBy(List<OrderByElement> elements, Scope scope, List<Out> outs) {
        if (elements == null) {
            return;
        }
        for (OrderByElement o : elements) {
            Expression e = o.getExpression();
            if (outs != null && e instanceof LongValue) {
                int pos = (int) ((LongValue) e).getValue();
                if (pos >= 1 && pos <= outs.size() && outs.get(pos - 1).target() != null) {
                    throw a.refuse(Refusals.orderBy(outs.get(pos - 1).target()));
                }
                continue;
            }
            if (outs != null && e instanceof Column && ((Column) e).getTable() == null) {
                String label = Identifiers.canonical(((Column) e).getColumnName());
                for (Out out : outs) {
                    if (label.equals(out.label()) && out.target() != null) {
                        throw a.refuse(Refusals.orderBy(out.target()));
                    }
                }
            }
            if (e instanceof Column) {
                Target t = a.names.resolve((Column) e, scope);
                if (t != null) {
                    throw a.refuse(Refusals.orderBy(t));
                }
            }
            a.check(e, scope, "ORDER BY");
        }
    }
}
