package dev.veil.driver.sql;

import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;

/**
 * Name resolution: which relations a query level sees (FROM, JOIN, CTEs, derived tables, the catalog's tables)
 * and what a column reference resolves to — an encrypted column's {@link Target}, a plain column, or a whole-row
 * value. Companion columns of blind indexes are never visible to the application's own references.
 */
final class NameResolution {

    private final Analysis a;
    /**
     * Every column reference this stage resolved or a write stage took as an assignment target (by identity): the
     * renderer refuses a reference named like an encrypted column that is not among them (see {@link Renderer}).
     */
    private final java.util.Set<Column> accounted = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<>());

    NameResolution(Analysis a) {
        this.a = a;
    }

    /** The target of an encrypted column as the statement reaches it through table {@code referenced}. */
    Target target(EncryptedColumn column, TableName referenced) {
        a.reach.touch(column.qualified());
        Catalog.TableInfo info = a.catalog.info(referenced);
        ColumnCipher.Storage storage = ColumnCipher.Storage.BINARY;
        if (info != null) {
            String type = info.typeOf(column.name());
            if (type == null) {
                a.catalog.uncacheable();
            } else {
                storage = ColumnCheck.storage(column, referenced, type, info.lengthOf(column.name()));
            }
        }
        try {
            return a.rowKeys.bind(new Target(column, a.schema.ciphers().apply(column), storage), referenced, info,
                    a.catalog.cacheable());
        } catch (SQLException e) {
            throw new CatalogFailure(e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // relations

    /** Registers the CTEs of a WITH clause in {@code scope}, each known by the outputs of its statement. */
    void withItems(List<WithItem<?>> items, Scope scope) {
        if (items == null) {
            return;
        }
        for (WithItem<?> w : items) {
            List<Out> outs;
            Object body = w.getStatement();
            if (body instanceof Select) {
                outs = a.read.select((Select) body, scope);
            } else if (body instanceof ParenthesedInsert) {
                outs = a.write.insert(w.getInsert().getInsert(), scope);
            } else if (body instanceof ParenthesedUpdate) {
                outs = a.write.update(w.getUpdate().getUpdate(), scope);
            } else if (body instanceof ParenthesedDelete) {
                outs = a.write.delete(w.getDelete().getDelete(), scope);
            } else if (body != null) {
                throw a.refuse(Refusals.withItem(w.getAliasName(), a.mentioned()));
            } else {
                outs = List.of();
            }
            if (outs == null) {
                outs = List.of();
            }
            if (w.getWithItemList() != null) {
                List<Out> renamed = new ArrayList<>();
                for (int i = 0; i < outs.size(); i++) {
                    Out o = outs.get(i);
                    String label = i < w.getWithItemList().size()
                            ? Identifiers.canonical(w.getWithItemList().get(i).toString()) : o.label();
                    renamed.add(o.unknownWidth() ? o : new Out(label, o.target()));
                }
                outs = renamed;
            }
            scope.ctes.put(Identifiers.canonical(w.getAliasName()), outs);
        }
    }

    void fromItems(List<Join> joins, Scope scope) {
        if (joins == null) {
            return;
        }
        for (Join j : joins) {
            from(j.getFromItem(), scope);
        }
    }

    /** The join conditions: NATURAL and USING must not join on encrypted columns; ON is a search condition. */
    void joinConditions(List<Join> joins, Scope scope) {
        if (joins == null) {
            return;
        }
        for (Join j : joins) {
            if (j.isNatural()) {
                for (Source s : scope.sources) {
                    if (s.hasEncrypted()) {
                        Target t = s.all().stream().map(Out::target).filter(Objects::nonNull).findFirst().orElse(null);
                        a.reach.touch();
                        throw a.refuse(Refusals.naturalJoin(t));
                    }
                }
            }
            if (j.getUsingColumns() != null) {
                for (Column c : j.getUsingColumns()) {
                    Target t = resolve(c, scope);
                    if (t != null) {
                        throw a.refuse(Refusals.joinUsing(t));
                    }
                }
            }
            if (j.getOnExpressions() != null && !j.getOnExpressions().isEmpty()) {
                List<Expression> ons = new ArrayList<>();
                for (Expression on : j.getOnExpressions()) {
                    ons.add(a.predicates.cond(on, scope, "JOIN … ON", "in a JOIN … ON condition"));
                }
                j.setOnExpressions(ons);
            }
        }
    }

    /** Adds the relation of one FROM item to {@code scope}. */
    void from(FromItem item, Scope scope) {
        String alias = item.getAlias() == null ? null : item.getAlias().getName();
        if (item instanceof Table) {
            Table t = (Table) item;
            if (t.getSchemaName() == null) {
                List<Out> cte = scope.cte(Identifiers.canonical(t.getName()));
                if (cte != null) {
                    scope.sources.add(new DerivedSource(alias != null ? Identifiers.canonical(alias)
                            : Identifiers.canonical(t.getName()), renamed(cte, item)));
                    return;
                }
            }
            TableSource source = tableSource(t, alias);
            if (item.getAlias() != null && item.getAlias().getAliasColumns() != null
                    && (!source.enc.isEmpty() || hasCompanions(source))) {
                a.reach.touch();
                throw a.refuse(Refusals.aliasColumnList(source.name, item.getAlias().getName(),
                        source.enc.values().iterator().next()));
            }
            scope.sources.add(source);
        } else if (item instanceof ParenthesedSelect) {
            List<Out> outs = renamed(a.read.select((ParenthesedSelect) item, scope.parent), item);
            scope.sources.add(new DerivedSource(alias == null ? null : Identifiers.canonical(alias), outs));
        } else if (item instanceof ParenthesedFromItem) {
            ParenthesedFromItem p = (ParenthesedFromItem) item;
            from(p.getFromItem(), scope);
            fromItems(p.getJoins(), scope);
            joinConditions(p.getJoins(), scope);
        } else {
            // table functions, LATERAL, VALUES in FROM …: check their expressions, expose unknown columns
            if (item instanceof LateralSubSelect) {
                List<Out> outs = a.read.select(((LateralSubSelect) item).getSelect(), scope);
                scope.sources.add(new DerivedSource(alias == null ? null : Identifiers.canonical(alias), outs));
                return;
            }
            if (item instanceof TableFunction) {
                ((TableFunction) item).getFunction().accept(new ExpressionChecker(a, scope, "a table function"),
                        "a table function");
            }
            scope.sources.add(new DerivedSource(alias == null ? null : Identifiers.canonical(alias),
                    List.of(Out.UNKNOWN)));
        }
    }

    /**
     * The outputs of a subquery or CTE under an alias column list ({@code AS a(c1, c2, …)}): renamed by
     * position. A * of unknown width before an encrypted output makes the positions unknowable: refused.
     */
    private List<Out> renamed(List<Out> outs, FromItem item) {
        if (item.getAlias() == null || item.getAlias().getAliasColumns() == null) {
            return outs;
        }
        var cols = item.getAlias().getAliasColumns();
        List<Out> renamed = new ArrayList<>();
        boolean unknownBefore = false;
        for (int i = 0; i < outs.size(); i++) {
            Out o = outs.get(i);
            if (o.unknownWidth()) {
                unknownBefore = true;
                renamed.add(o);
                continue;
            }
            if (unknownBefore && o.target() != null) {
                throw a.refuse(Refusals.aliasListAfterStar(o.target()));
            }
            String label = i < cols.size() ? Identifiers.canonical(cols.get(i).name) : o.label();
            renamed.add(new Out(label, o.target()));
        }
        return renamed;
    }

    /** A table as FROM or a statement's target names it, with its encrypted columns checked against the catalog. */
    TableSource tableSource(Table t, String alias) {
        TableName referenced = new TableName(t.getSchemaName() == null ? null
                : Identifiers.canonical(t.getSchemaName()), Identifiers.canonical(t.getName()));
        TableName name = a.catalog.resolved(referenced);
        if (name != referenced) { // ambiguous across schemas: pin the table this plan is for (SearchPathNames)
            t.setSchemaName(Identifiers.quoteIfNeeded(name.schema()));
            a.reach.touch();
            a.rewrites.mark();
        }
        Map<String, EncryptedColumn> enc = a.schema.columnsOf(name.schema(), name.name());
        if (!enc.isEmpty() && a.catalog.info(name) != null) {
            ColumnCheck.present(name, enc.values(), a.catalog.info(name));
        }
        return new TableSource(a, name, enc, alias == null ? null : Identifiers.canonical(alias));
    }

    /** The statement's target table ({@code INSERT INTO t}, {@code UPDATE t}, …) under its alias. */
    TableSource targetTable(Table table) {
        return tableSource(table, table.getAlias() == null ? null : table.getAlias().getName());
    }

    boolean hasCompanions(Source s) {
        return s instanceof TableSource && (!((TableSource) s).indexes().isEmpty()
                || a.schema.tables().exposesCompanions(((TableSource) s).name)); // a view, DerivedViews
    }

    /** Whether a join merges columns (NATURAL, USING): a * over it cannot be placed. */
    static boolean mergesJoinColumns(List<Join> joins) {
        if (joins != null) {
            for (Join j : joins) {
                if (j.isNatural() || (j.getUsingColumns() != null && !j.getUsingColumns().isEmpty())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How to qualify a relation's columns in SQL: its alias, else its name as referenced. */
    Table qualifier(Source s) {
        if (s.alias != null) {
            return new Table(Identifiers.quoteIfNeeded(s.alias));
        }
        if (s instanceof TableSource) {
            TableName n = ((TableSource) s).name;
            return n.schema() == null ? new Table(Identifiers.quoteIfNeeded(n.name()))
                    : new Table(Identifiers.quoteIfNeeded(n.schema()), Identifiers.quoteIfNeeded(n.name()));
        }
        throw a.refuse(Refusals.unnamedRelationUnderStar());
    }

    // ------------------------------------------------------------------------------------------------------------
    // column references

    /** The relation a qualifier names, searching outwards; null when none. */
    Source source(Table qualifier, Scope scope) {
        String name = Identifiers.canonical(qualifier.getName());
        String schema = qualifier.getSchemaName() == null ? null : Identifiers.canonical(qualifier.getSchemaName());
        for (Scope s = scope; s != null; s = s.parent) {
            for (Source src : s.sources) {
                if (src.matches(schema, name)) {
                    return src;
                }
            }
        }
        return null;
    }

    /** Records that the analysis decided what {@code c} is (see {@link #accounted}). */
    void account(Column c) {
        accounted.add(c);
    }

    /** Whether the analysis decided what {@code c} is. */
    boolean accounted(Column c) {
        return accounted.contains(c);
    }

    /** The encrypted column a reference resolves to, or null. */
    Target resolve(Column c, Scope scope) {
        accounted.add(c);
        String col = Identifiers.canonical(c.getColumnName());
        Table q = c.getTable();
        if (q != null && q.getName() != null) {
            Source src = source(q, scope);
            return src == null ? null : src.encrypted(col);
        }
        for (Scope s = scope; s != null; s = s.parent) {
            for (Source src : s.sources) {
                Target t = src.encrypted(col);
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    /** A reference resolved to its relation (an encrypted one first, else the only table that has the column). */
    Hit hit(Column c, Scope scope) {
        accounted.add(c);
        String col = Identifiers.canonical(c.getColumnName());
        Table q = c.getTable();
        if (q != null && q.getName() != null) {
            Source src = source(q, scope);
            return src == null ? null : new Hit(src, src.encrypted(col), col);
        }
        for (Scope s = scope; s != null; s = s.parent) {
            for (Source src : s.sources) {
                Target t = src.encrypted(col);
                if (t != null) {
                    return new Hit(src, t, col);
                }
            }
        }
        Source only = null;
        for (Source src : scope.sources) {
            if (src instanceof TableSource && src.hasColumn(col)) {
                if (only != null) {
                    return null;
                }
                only = src;
            }
        }
        return only == null ? null : new Hit(only, null, col);
    }

    /** The hit of an expression that is a reference to an encrypted column, or null. */
    Hit encryptedHit(Expression e, Scope scope) {
        if (!(e instanceof Column)) {
            return null;
        }
        Hit h = hit((Column) e, scope);
        return h == null || h.target() == null ? null : h;
    }

    /**
     * For an unqualified name that is no column but a relation with encrypted columns ({@code SELECT p FROM
     * patients p}, {@code row_to_json(p)}): the first encrypted column the whole-row value would carry.
     */
    Target wholeRow(Column c, Scope scope) {
        if (c.getTable() != null && c.getTable().getName() != null) {
            return null;
        }
        String name = Identifiers.canonical(c.getColumnName());
        for (Scope s = scope; s != null; s = s.parent) {
            for (Source src : s.sources) {
                if (src.hasColumn(name)) {
                    return null;
                }
            }
        }
        for (Scope s = scope; s != null; s = s.parent) {
            for (Source src : s.sources) {
                if (src.matches(null, name) && src.hasEncrypted()) {
                    return firstEncrypted(src);
                }
            }
        }
        return null;
    }

    Target firstEncrypted(Source src) {
        a.reach.touch();
        return src.all().stream().map(Out::target).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /**
     * Refuses a reference the application wrote to a blind index's companion column: its values are Veil's
     * keyed index, never data to hand out (nor to compare with values computed elsewhere).
     */
    void refuseCompanion(Column c, Scope scope) {
        if (a.rewrites.owns(c)) {
            return;
        }
        String col = Identifiers.canonical(c.getColumnName());
        Table q = c.getTable();
        if (q != null && q.getName() != null) {
            refuseCompanion(col, source(q, scope));
            return;
        }
        for (Scope s = scope; s != null; s = s.parent) {
            for (Source src : s.sources) {
                refuseCompanion(col, src);
            }
        }
    }

    private void refuseCompanion(String col, Source src) {
        if (!(src instanceof TableSource)) {
            return;
        }
        for (ConfiguredIndex ci : ((TableSource) src).indexes()) {
            if (ci.name().equals(col)) {
                a.reach.touch();
                throw a.refuse(Refusals.companionReference(((TableSource) src).name, col, ci));
            }
        }
    }
}
