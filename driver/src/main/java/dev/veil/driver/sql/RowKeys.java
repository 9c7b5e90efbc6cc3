package dev.veil.driver.sql;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.RowBindingSpec;
import dev.veil.driver.schema.TableName;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * The row-binding stage of one statement's analysis: which tables bind their values to rows, where each write's row
 * key comes from (an INSERT row's key values, the key an UPDATE's WHERE pins, the new key an UPDATE sets), and the
 * refusals where Veil cannot know the key. The read side (hidden key columns next to each decrypted value) is
 * placed by {@link RowBoundReads} with {@link RowKeySource#read}; {@link RowBoundWrites} tracks the write side.
 * See {@code docs/design.md} §3, "Row binding".
 */
final class RowKeys {

    /** One key part of a write: a parameter (its original 1-based index) or a constant. */
    private record Part(int parameter, Object constant) {
    }

    private final VeilConfig config;
    private final Catalog catalog;
    private final Map<String, RowBinding> resolved = new HashMap<>();

    RowKeys(VeilConfig config, Catalog catalog) {
        this.config = config;
        this.catalog = catalog;
    }

    /** {@code t} with its table's row binding attached; {@code t} itself when the table is not bound. */
    Target bind(Target t, TableName referenced, Catalog.TableInfo info, boolean cacheable) throws SQLException {
        EncryptedColumn column = t.column();
        RowBindingSpec spec = config.rowBinding(column.table().schema(), column.table().name());
        if (spec == null) {
            return t;
        }
        String key = referenced.qualified();
        RowBinding b = resolved.get(key);
        if (b == null) {
            b = RowBinding.resolve(spec, column, referenced, catalog, info, cacheable);
            resolved.put(key, b);
        }
        return t.bound(b);
    }

    // ------------------------------------------------------------------------------------------------------------
    // where a write's row key comes from

    /** The key of one {@code INSERT … VALUES} row. */
    static RowKeySource insertRow(RowBinding b, List<String> columns, ExpressionList<?> row) {
        int[] parameters = new int[b.size()];
        Object[] constants = new Object[b.size()];
        for (int k = 0; k < b.size(); k++) {
            int at = columns.indexOf(b.key(k));
            Expression e = at >= 0 && at < row.size() ? (Expression) row.get(at) : null;
            Part p = e == null ? null : part(e);
            if (p == null) {
                return RowKeySource.unknown(b, (e == null ? "the INSERT does not give key column " + b.key(k)
                        + " (a key the server generates: serial, identity or a column default)"
                        : "the INSERT computes key column " + b.key(k) + " in SQL (" + Expressions.describe(e) + ")")
                        + ". Assign the key in the application (a client-generated UUID or a natural key) and write it "
                        + "as a ? parameter or a literal, or switch row binding off for the table");
            }
            parameters[k] = p.parameter();
            constants[k] = p.constant();
        }
        return RowKeySource.write(b, parameters, constants);
    }

    /**
     * The key of the row an UPDATE writes. When the statement sets a key column, the new key — allowed only when
     * every encrypted column of the table is rewritten with it ({@code encrypted}), else refused even when no
     * encrypted column is written, since the row's stored values would belong to no row any more. Otherwise the key
     * its WHERE clause pins with an equality per key column ({@code refersToTarget} tells the target's columns).
     */
    static RowKeySource update(RowBinding b, List<UpdateSet> sets, Expression where,
            Predicate<Column> refersToTarget, Collection<String> encrypted, String construct) {
        Map<String, Expression> assigned = Expressions.assignments(sets);
        List<String> keysSet = new ArrayList<>();
        for (int k = 0; k < b.size(); k++) {
            if (assigned.containsKey(b.key(k))) {
                keysSet.add(b.key(k));
            }
        }
        if (keysSet.isEmpty()) {
            return pinned(b, where, refersToTarget, construct);
        }
        List<String> missing = new ArrayList<>();
        for (String c : encrypted) {
            if (!assigned.containsKey(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty() || keysSet.size() != b.size()) {
            String named = encrypted.isEmpty() ? keysSet.get(0) : encrypted.iterator().next();
            throw refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, b.table() + "." + named, b,
                    construct + " changes key column " + String.join(", ", keysSet) + " of a table whose encrypted "
                            + "values are bound to their row's key"
                            + (missing.isEmpty() ? " without setting every key column"
                                    : ", without rewriting " + String.join(", ", missing) + ", whose stored values "
                                            + "would then belong to no row"),
                    "Set every key column and every encrypted column together (SET id = ?, col = ?, …), or insert "
                            + "the row under its new key and delete the old one");
        }
        int[] parameters = new int[b.size()];
        Object[] constants = new Object[b.size()];
        for (int k = 0; k < b.size(); k++) {
            Expression e = assigned.get(b.key(k));
            Part p = e == null ? null : part(e);
            if (p == null) {
                return RowKeySource.unknown(b, construct + " sets key column " + b.key(k) + " from "
                        + (e == null ? "a subquery" : Expressions.describe(e)) + ". Set the new key from a ? "
                        + "parameter or a literal");
            }
            parameters[k] = p.parameter();
            constants[k] = p.constant();
        }
        return RowKeySource.write(b, parameters, constants);
    }

    /** Whether the SET list assigns a key column. */
    static boolean setsKey(RowBinding b, List<UpdateSet> sets) {
        for (UpdateSet set : sets) {
            for (Column c : set.getColumns()) {
                String name = Identifiers.canonical(c.getColumnName());
                for (int k = 0; k < b.size(); k++) {
                    if (b.key(k).equals(name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The key the WHERE clause pins: {@code key = ?} or {@code key = literal} in its top-level AND, per key column. */
    static RowKeySource pinned(RowBinding b, Expression where, Predicate<Column> refersToTarget, String construct) {
        List<Expression> conjuncts = new ArrayList<>();
        flatten(where, conjuncts);
        int[] parameters = new int[b.size()];
        Object[] constants = new Object[b.size()];
        for (int k = 0; k < b.size(); k++) {
            Part found = null;
            for (Expression c : conjuncts) {
                if (!(c instanceof EqualsTo)) {
                    continue;
                }
                EqualsTo eq = (EqualsTo) c;
                found = keyEquality(eq.getLeftExpression(), eq.getRightExpression(), b.key(k), refersToTarget);
                if (found == null) {
                    found = keyEquality(eq.getRightExpression(), eq.getLeftExpression(), b.key(k), refersToTarget);
                }
                if (found != null) {
                    break;
                }
            }
            if (found == null) {
                return RowKeySource.unknown(b, construct + " does not pin the row it writes: its WHERE clause "
                        + "has no " + b.key(k) + " = ? (or = literal) for every key column (" + b.keyNames() + "), "
                        + "so Veil cannot know each row's key. Write one row at a time by its key: UPDATE … SET "
                        + "column = ? WHERE " + b.key(k) + " = ?");
            }
            parameters[k] = found.parameter();
            constants[k] = found.constant();
        }
        return RowKeySource.write(b, parameters, constants);
    }

    private static Part keyEquality(Expression column, Expression value, String key, Predicate<Column> target) {
        if (!(column instanceof Column) || !key.equals(Identifiers.canonical(((Column) column).getColumnName()))
                || !target.test((Column) column)) {
            return null;
        }
        return part(value);
    }

    private static void flatten(Expression e, List<Expression> out) {
        if (e instanceof AndExpression) {
            flatten(((AndExpression) e).getLeftExpression(), out);
            flatten(((AndExpression) e).getRightExpression(), out);
        } else if (e instanceof Parenthesis) {
            flatten(((Parenthesis) e).getExpression(), out);
        } else if (e != null) {
            out.add(e);
        }
    }

    /** A key value written as a parameter or a literal (possibly cast), or null when it is computed in SQL. */
    private static Part part(Expression e) {
        if (e instanceof CastExpression) {
            return part(((CastExpression) e).getLeftExpression());
        }
        if (e instanceof JdbcParameter) {
            Integer index = ((JdbcParameter) e).getIndex();
            return index == null ? null : new Part(index, null);
        }
        if (e instanceof LongValue) {
            return new Part(0, ((LongValue) e).getStringValue());
        }
        if (e instanceof SignedExpression && ((SignedExpression) e).getExpression() instanceof LongValue) {
            SignedExpression s = (SignedExpression) e;
            String digits = ((LongValue) s.getExpression()).getStringValue();
            return new Part(0, s.getSign() == '-' ? "-" + digits : digits);
        }
        if (e instanceof StringValue && ((StringValue) e).getPrefix() == null) {
            return new Part(0, ((StringValue) e).getNotExcapedValue());
        }
        if (e instanceof NullValue) {
            return null;
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // refusals

    /**
     * A write of an encrypted value of a bound table: the target keyed by {@code key}, or the refusal when the key
     * is not known there or the value is a literal while the key is a parameter.
     */
    static Target writing(Target t, boolean literal, RowKeySource key, String construct) {
        if (key == null) {
            throw refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, t.column().qualified(), t.rowBinding(),
                    "Veil cannot tell which row " + construct + " writes, so it cannot bind the value to the row's key",
                    "Write bound tables with INSERT … VALUES giving the key, or UPDATE … SET column = ? WHERE "
                            + t.rowBinding().key(0) + " = ?");
        }
        if (key.problem() != null) {
            throw refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, t.column().qualified(), t.rowBinding(), key.problem(),
                    "");
        }
        if (literal && !key.constant()) {
            throw refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, t.column().qualified(), t.rowBinding(),
                    "the statement writes it as a literal while the row's key is a ? parameter",
                    "Bind the value as a ? parameter too");
        }
        return t.keyedBy(key);
    }

    /** A ciphertext copied from another row or column into (or out of) a bound table. */
    static Refusal.Signal copy(Target bound, String construct) {
        return refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, bound.column().qualified(), bound.rowBinding(),
                construct + " copies a stored ciphertext between rows, and a bound value decrypts only in its own row",
                "Read the value through Veil and write it with a ? parameter");
    }

    /** A query returning a bound column where the row's key cannot be returned next to it. */
    static Refusal.Signal unreadable(Target t) {
        return refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, t.column().qualified(), t.rowBinding(),
                "decrypting it needs each row's key, which this query cannot return next to it (the column comes "
                        + "through a derived table, CTE, set operation, subquery or GROUP BY)",
                "Select the column directly from its table in the outermost SELECT (joins, WHERE, ORDER BY and "
                        + "LIMIT are fine)");
    }

    private static Refusal.Signal refusal(VeilSqlState state, String column, RowBinding b, String problem,
            String fix) {
        String sentence = problem.endsWith(".") ? problem : problem + ".";
        return new Refusal.Signal(new Refusal(state, "Veil refused the statement: encrypted column " + column
                + " is bound to its rows (row-binding on " + b.keyNames() + "), and " + sentence
                + (fix.isEmpty() ? "" : " " + fix)), true);
    }
}
