package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * The write path: which values a statement stores in encrypted columns — a {@code ?} (bound for encryption), a
 * literal (encrypted into the text), NULL, or a copy of a column with the same key — for INSERT (VALUES, SELECT,
 * ON CONFLICT), UPDATE, DELETE and MERGE ({@link MergeWrites}); the blind index values that go with them are
 * {@link IndexWrites}'. Anything else bound for an encrypted column is refused.
 */
final class WritePath {

    private static final String EXCLUDED = "excluded";

    private final Analysis a;
    final IndexWrites indexWrites;
    /** Row binding: the row key of the values being written. */
    private final RowBoundWrites rowKeys;
    /** The encrypted columns of the table the statement modifies (for generated keys and RETURNING). */
    private Map<String, Target> modified = Map.of();
    /** The table an INSERT/UPDATE/DELETE/MERGE modifies, when it has encrypted columns. */
    private TableSource modifiedSource;
    /** Inside a MERGE, whose writes cannot fill blind indexes. */
    private boolean inMerge;

    WritePath(Analysis a) {
        this.a = a;
        this.indexWrites = new IndexWrites(a);
        this.rowKeys = new RowBoundWrites(a);
    }

    Map<String, Target> modified() {
        return modified;
    }

    TableSource modifiedSource() {
        return modifiedSource;
    }

    // ------------------------------------------------------------------------------------------------------------
    // INSERT

    List<Out> insert(Insert insert, Scope outer) {
        Scope scope = new Scope(outer);
        a.names.withItems(insert.getWithItemsList(), scope);
        TableSource target = a.names.targetTable(insert.getTable());
        Map<String, EncryptedColumn> enc = target.enc;
        if (!enc.isEmpty()) {
            modifies(target);
            if (insert.isOnlyDefaultValues()) {
                throw a.refuse(Refusals.defaultValues(target.name, enc.values().iterator().next()));
            }
        }
        List<String> columns = insertColumns(insert, target);
        List<ConfiguredIndex> writes = indexWrites.written(target, columns, insert.getConflictTarget() != null
                ? "INSERT … ON CONFLICT" : "INSERT");
        Select source = insert.getSelect();
        RowKeySource insertedKey = null;
        if (source instanceof Values) {
            insertedKey = values(insert, (Values) source, columns, target, scope, writes);
        } else if (source != null) {
            insertSelect(insert, source, columns, target, scope, writes);
        }
        InsertConflictTarget conflict = insert.getConflictTarget();
        if (conflict != null && conflict.getIndexColumnNames() != null && !enc.isEmpty()) {
            indexWrites.conflictOnIndexes(conflict, target);
        }
        if (conflict != null) {
            if (conflict.getIndexColumnNames() != null) {
                for (String c : conflict.getIndexColumnNames()) {
                    EncryptedColumn ec = enc.get(Identifiers.canonical(c));
                    if (ec != null) {
                        throw a.refuse(Refusals.onConflictColumn(a.names.target(ec, target.name)));
                    }
                }
            }
            if (conflict.getIndexExpression() != null) {
                Scope s = new Scope(scope);
                s.sources.add(target);
                a.check(conflict.getIndexExpression(), s, "ON CONFLICT (…)");
            }
        }
        rowKeys.clear();
        InsertConflictAction action = insert.getConflictAction();
        if (action != null) {
            Scope s = new Scope(scope);
            s.sources.add(target);
            TableSource excluded = new TableSource(a, target.name, target.enc, EXCLUDED);
            s.sources.add(excluded);
            if (action.getUpdateSets() != null) {
                rowKeys.conflictUpdate(insert, target, excluded, insertedKey, action.getUpdateSets());
                updateSets(action.getUpdateSets(), target, s);
                rowKeys.clear();
            }
            a.check(action.getWhereExpression(), s, "ON CONFLICT … WHERE");
        }
        if (insert.getDuplicateUpdateSets() != null) {
            Scope s = new Scope(scope);
            s.sources.add(target);
            rowKeys.duplicateUpdate(target);
            updateSets(insert.getDuplicateUpdateSets(), target, s);
        }
        Scope ret = new Scope(scope);
        ret.sources.add(target);
        return a.read.returning(insert.getReturningClause(), ret);
    }

    /** The INSERT's column list; without one, the table's visible columns (written into the statement when it has indexes). */
    private List<String> insertColumns(Insert insert, TableSource target) {
        List<String> columns = new ArrayList<>();
        if (insert.getColumns() != null && !insert.getColumns().isEmpty()) {
            for (Column c : insert.getColumns()) {
                a.names.account(c);
                columns.add(Identifiers.canonical(c.getColumnName()));
            }
        } else if (!target.enc.isEmpty()) {
            Catalog.TableInfo info = a.catalog.info(target.name);
            if (info == null) {
                throw a.refuse(Refusals.insertWithoutColumnList("INSERT", target.name));
            }
            columns.addAll(target.visible());
            if (!target.indexes().isEmpty()) {
                ExpressionList<Column> cols = new ExpressionList<>();
                for (String c : columns) {
                    cols.add(a.rewrites.own(new Column(Identifiers.quoteIfNeeded(c))));
                }
                insert.setColumns(cols);
                a.rewrites.mark();
            }
        }
        return columns;
    }

    /**
     * INSERT … VALUES: each row's values, and each row's index values appended to it; returns the row key an
     * ON CONFLICT … DO UPDATE shares with the inserted row (row binding).
     */
    private RowKeySource values(Insert insert, Values source, List<String> columns, TableSource target, Scope scope,
            List<ConfiguredIndex> writes) {
        ExpressionList<?> list = source.getExpressions();
        List<ExpressionList<?>> rows = new ArrayList<>();
        if (list instanceof ParenthesedExpressionList || !(list.get(0) instanceof ExpressionList)) {
            rows.add(list);
        } else {
            for (Expression row : list) {
                rows.add((ExpressionList<?>) row);
            }
        }
        RowBinding binding = rowKeys.binding(target);
        for (ExpressionList<?> row : rows) {
            List<Expression> added = new ArrayList<>();
            for (ConfiguredIndex ci : writes) {
                added.add(indexWrites.rowIndexValue(ci, row, columns, target));
            }
            rowKeys.insertRow(binding, columns, row);
            row(row, columns, target, scope);
            @SuppressWarnings("unchecked")
            ExpressionList<Expression> r = (ExpressionList<Expression>) row;
            r.addAll(added);
        }
        for (ConfiguredIndex ci : writes) {
            insert.getColumns().add(a.rewrites.own(new Column(Identifiers.quoteIfNeeded(ci.name()))));
        }
        return rowKeys.inserted(binding, rows.size());
    }

    /** One row of values for {@code columns} of {@code target}. */
    void row(ExpressionList<?> row, List<String> columns, TableSource target, Scope scope) {
        @SuppressWarnings("unchecked")
        ExpressionList<Expression> values = (ExpressionList<Expression>) row;
        if (values.size() != columns.size() && !target.enc.isEmpty()) {
            throw a.refuse(Refusals.valueCount(target.name, values.size(), columns.size()));
        }
        for (int i = 0; i < values.size(); i++) {
            EncryptedColumn ec = i < columns.size() ? target.enc.get(columns.get(i)) : null;
            final int at = i;
            value(values.get(i), ec == null ? null : a.names.target(ec, target.name), scope, e -> values.set(at, e),
                    "INSERT … VALUES");
        }
    }

    /**
     * INSERT … SELECT: copies of ciphertext with the same key, and values Veil encrypts ({@code ?}, literals,
     * computed values) only when the SELECT yields at most one row ({@link SingleRow}) — then with their blind index
     * values appended to the select list.
     */
    private void insertSelect(Insert insert, Select source, List<String> columns, TableSource target, Scope scope,
            List<ConfiguredIndex> writes) {
        String many = SingleRow.whyMany(source);
        if (!writes.isEmpty() && many != null) {
            throw a.refuse(Refusals.insertSelectWithIndex(indexWrites.partTarget(writes.get(0), target),
                    writes.get(0)));
        }
        List<Expression> added = new ArrayList<>();
        if (!writes.isEmpty()) {
            ExpressionList<Expression> row = new ExpressionList<>();
            for (SelectItem<?> item : ((PlainSelect) source).getSelectItems()) {
                row.add(item.getExpression());
            }
            for (ConfiguredIndex ci : writes) {
                added.add(indexWrites.rowIndexValue(ci, row, columns, target));
            }
        }
        List<Out> outs = a.read.select(source, scope);
        if (outs.stream().anyMatch(Out::unknownWidth)) {
            boolean anyEncrypted = outs.stream().anyMatch(o -> o.target() != null);
            if (!target.enc.isEmpty() || anyEncrypted) {
                throw a.refuse(Refusals.insertSelectStar());
            }
            return;
        }
        for (int i = 0; i < outs.size(); i++) {
            Out o = outs.get(i);
            EncryptedColumn ec = i < columns.size() ? target.enc.get(columns.get(i)) : null;
            if (ec == null) {
                if (o.target() != null) {
                    throw a.refuse(Refusals.insertSelectIntoPlain(o.target(),
                            i < columns.size() ? target.name + "." + columns.get(i) : "#" + (i + 1)));
                }
                continue;
            }
            Target t = a.names.target(ec, target.name);
            if (o.target() != null) {
                RowBoundWrites.insertSelect(o.target(), t);
                if (!o.target().sameBinding(t)) {
                    throw a.refuse(Refusals.insertSelectOtherKey(o.target(), ec));
                }
                continue;
            }
            if (!(source instanceof PlainSelect)) {
                throw a.refuse(Refusals.use(t, "INSERT … SELECT from a plain value", "Write ? parameters or literals"));
            }
            SelectItem<?> item = ((PlainSelect) source).getSelectItem(i);
            if (many != null && !(item.getExpression() instanceof NullValue)) {
                throw a.refuse(Refusals.insertSelectRepeatsValue(t, many));
            }
            @SuppressWarnings("unchecked")
            SelectItem<Expression> it = (SelectItem<Expression>) item;
            value(item.getExpression(), t, scope, it::setExpression, "INSERT … SELECT");
        }
        for (int k = 0; k < added.size(); k++) {
            ((PlainSelect) source).addSelectItem(added.get(k));
            insert.getColumns().add(a.rewrites.own(new Column(Identifiers.quoteIfNeeded(writes.get(k).name()))));
        }
    }

    /** The statement writes {@code target}, a table with encrypted columns. */
    void modifies(TableSource target) {
        Refusal view = a.schema.tables().write(target.name.schema(), target.name.name());
        if (view != null) {
            throw new Refusal.Signal(view, true); // a write through a view over encrypted columns (DerivedViews)
        }
        a.reach.touch();
        Map<String, Target> out = new LinkedHashMap<>();
        Catalog.TableInfo info = a.catalog.info(target.name);
        for (EncryptedColumn ec : target.enc.values()) {
            if (info == null || info.typeOf(ec.name()) != null) {
                out.put(ec.name(), a.names.target(ec, target.name));
            }
        }
        modified = out;
        modifiedSource = target;
    }

    /** A value bound for a column: encrypted when the column is, else only checked. */
    void value(Expression e, Target t, Scope scope, Consumer<Expression> replace, String construct) {
        if (t == null) {
            a.check(e, scope, construct);
            return;
        }
        a.reach.touch();
        ComputedValue computed = ComputedValue.of(a, e, t, construct);
        if (computed != null) {
            // the row key and padding apply to the computed value as to the parameter or literal it stands for
            JdbcParameter p = computed.parameter();
            t = rowKeys.rowBound(p != null ? p : new StringValue(""), t, scope, construct);
            if (p == null) {
                a.bindings.slot(t, computed.constant(a, t, construct), replace);
            } else {
                a.bindings.bind(p, t.computing(computed));
                replace.accept(p);
                a.rewrites.mark();
            }
            return;
        }
        t = rowKeys.rowBound(e, t, scope, construct);
        if (e instanceof JdbcParameter) {
            a.bindings.bind((JdbcParameter) e, t);
        } else if (e instanceof NullValue) {
            // NULL stays NULL
        } else if (Literals.isLiteral(e)) {
            a.bindings.slot(t, Literals.value(a, e, t), replace);
        } else if (e instanceof Column && t.sameBinding(a.names.resolve((Column) e, scope))) {
            // copies ciphertext within one key binding, e.g. SET ssn = EXCLUDED.ssn
        } else {
            throw a.refuse(Refusals.writtenValue(t, construct, Expressions.describe(e)));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // UPDATE, DELETE, MERGE

    void updateSets(List<UpdateSet> sets, TableSource target, Scope scope) {
        Map<String, Expression> assigned = Expressions.assignments(sets);
        List<ConfiguredIndex> writes = indexWrites.written(target, assigned.keySet(), "UPDATE … SET");
        if (!writes.isEmpty() && inMerge) {
            throw a.refuse(Refusals.mergeWritesIndex(indexWrites.partTarget(writes.get(0), target),
                    writes.get(0)));
        }
        List<UpdateSet> added = new ArrayList<>();
        for (ConfiguredIndex ci : writes) {
            added.add(new UpdateSet(a.rewrites.own(new Column(Identifiers.quoteIfNeeded(ci.name()))),
                    indexWrites.setIndexValue(ci, assigned, target, scope)));
        }
        updateValues(sets, target, scope);
        if (!added.isEmpty()) {
            sets.addAll(added);
            a.rewrites.mark();
        }
    }

    private void updateValues(List<UpdateSet> sets, TableSource target, Scope scope) {
        for (UpdateSet set : sets) {
            ExpressionList<Column> cols = set.getColumns();
            cols.forEach(a.names::account); // assignment targets: decided by this stage
            @SuppressWarnings("unchecked")
            ExpressionList<Expression> vals = (ExpressionList<Expression>) set.getValues();
            if (cols.size() > 1 && vals.size() == 1 && vals.get(0) instanceof ExpressionList) {
                @SuppressWarnings("unchecked")
                ExpressionList<Expression> inner = (ExpressionList<Expression>) vals.get(0);
                vals = inner;
            }
            if (cols.size() != vals.size()) {
                for (Column c : cols) {
                    EncryptedColumn ec = target.enc.get(Identifiers.canonical(c.getColumnName()));
                    if (ec != null) {
                        throw a.refuse(Refusals.use(a.names.target(ec, target.name), "SET (…) = (SELECT …)",
                                "Set the encrypted column from a ? parameter"));
                    }
                }
                for (Expression v : vals) {
                    a.check(v, scope, "SET");
                }
                continue;
            }
            for (int i = 0; i < cols.size(); i++) {
                EncryptedColumn ec = target.enc.get(Identifiers.canonical(cols.get(i).getColumnName()));
                final ExpressionList<Expression> vs = vals;
                final int at = i;
                value(vals.get(i), ec == null ? null : a.names.target(ec, target.name), scope, e -> vs.set(at, e),
                        "UPDATE … SET");
            }
        }
    }

    List<Out> update(Update update, Scope outer) {
        Scope scope = new Scope(outer);
        a.names.withItems(update.getWithItemsList(), scope);
        TableSource target = a.names.targetTable(update.getTable());
        if (!target.enc.isEmpty()) {
            modifies(target);
        }
        scope.sources.add(target);
        a.names.fromItems(update.getStartJoins(), scope);
        if (update.getFromItem() != null) {
            a.names.from(update.getFromItem(), scope);
        }
        a.names.fromItems(update.getJoins(), scope);
        a.names.joinConditions(update.getStartJoins(), scope);
        a.names.joinConditions(update.getJoins(), scope);
        rowKeys.update(update, target, scope);
        updateSets(update.getUpdateSets(), target, scope);
        rowKeys.clear();
        update.setWhere(a.predicates.cond(update.getWhere(), scope, "WHERE", "in an UPDATE (rows cannot be "
                + "re-checked before they change)"));
        a.read.orderBy(update.getOrderByElements(), scope, null);
        return a.read.returning(update.getReturningClause(), scope);
    }

    List<Out> delete(Delete delete, Scope outer) {
        Scope scope = new Scope(outer);
        a.names.withItems(delete.getWithItemsList(), scope);
        TableSource target = a.names.targetTable(delete.getTable());
        if (!target.enc.isEmpty()) {
            modifies(target);
        }
        scope.sources.add(target);
        if (delete.getUsingFromItemList() != null) {
            for (FromItem f : delete.getUsingFromItemList()) {
                a.names.from(f, scope);
            }
        } else if (delete.getUsingList() != null) {
            for (Table t : delete.getUsingList()) {
                a.names.from(t, scope);
            }
        }
        a.names.fromItems(delete.getJoins(), scope);
        a.names.joinConditions(delete.getJoins(), scope);
        delete.setWhere(a.predicates.cond(delete.getWhere(), scope, "WHERE", "in a DELETE (rows cannot be "
                + "re-checked before they are deleted)"));
        a.read.orderBy(delete.getOrderByElements(), scope, null);
        return a.read.returning(delete.getReturningClause(), scope);
    }

    List<Out> merge(net.sf.jsqlparser.statement.merge.Merge merge) {
        inMerge = true;
        return new MergeWrites(a, this).merge(merge);
    }
}
