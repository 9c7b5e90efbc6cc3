package dev.veil.driver.sql;

import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.codec.Projection;
import dev.veil.driver.codec.ValueType;
import java.util.Locale;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * The read path's projections evaluated after decryption (see {@link Projection}): in the outermost select list, a
 * cast of an encrypted column to a text type or to its own type, {@code COALESCE(col, 'literal' | ?)} and
 * {@code CASE WHEN col IS NULL THEN x ELSE col END} (or {@code WHEN col IS NOT NULL THEN col ELSE x}). The item is
 * rewritten to the bare column under the label PostgreSQL gives the expression; a {@code ?} in it is kept by the
 * statement, not sent. Casts whose text form depends on server settings are refused with that reason.
 */
final class ProjectedColumns {

    private final Analysis a;

    ProjectedColumns(Analysis a) {
        this.a = a;
    }

    /** The output of {@code item} when it is a projection (the item rewritten), else null. */
    Out project(SelectItem<?> item, Scope scope) {
        Expression e = item.getExpression();
        Projection p;
        Column c;
        Target t;
        String label;
        if (e instanceof CastExpression && !((CastExpression) e).isImplicitCast()
                && ((CastExpression) e).getLeftExpression() instanceof Column) {
            c = (Column) ((CastExpression) e).getLeftExpression();
            t = a.names.resolve(c, scope);
            if (t == null) {
                return null;
            }
            p = cast((CastExpression) e, t);
            label = Identifiers.canonical(c.getColumnName()); // PostgreSQL names a cast after its argument
        } else if (e instanceof Function && isCoalesce((Function) e)) {
            Function f = (Function) e;
            c = (Column) f.getParameters().get(0);
            t = a.names.resolve(c, scope);
            if (t == null) {
                return null;
            }
            p = fallback(t, (Expression) f.getParameters().get(1), "COALESCE");
            label = "coalesce";
        } else if (e instanceof CaseExpression) {
            CaseExpression k = (CaseExpression) e;
            c = caseColumn(k);
            t = c == null ? null : a.names.resolve(c, scope);
            if (t == null) {
                return null;
            }
            Expression other = otherBranch(k);
            p = fallback(t, other == null ? new NullValue() : other, "CASE WHEN … IS NULL");
            Expression elseExpression = k.getElseExpression();
            // PostgreSQL names a CASE after its ELSE branch when that is a column, else "case"
            label = elseExpression instanceof Column ? Identifiers.canonical(((Column) elseExpression).getColumnName())
                    : "case";
        } else {
            return null;
        }
        a.reach.touch();
        @SuppressWarnings("unchecked")
        SelectItem<Expression> it = (SelectItem<Expression>) item;
        it.setExpression(c);
        if (item.getAlias() == null) {
            it.setAlias(new Alias("\"" + label.replace("\"", "\"\"") + "\"", true));
        } else {
            label = Identifiers.canonical(item.getAlias().getName());
        }
        a.rewrites.mark();
        return new Out(label, t.projecting(p));
    }

    private static boolean isCoalesce(Function f) {
        return f.getName() != null && f.getName().equalsIgnoreCase("coalesce") && !f.isDistinct()
                && f.getParameters() != null && f.getParameters().size() == 2
                && f.getParameters().get(0) instanceof Column;
    }

    /** A cast of {@code t}'s column, or a refusal naming why its result cannot be computed exactly. */
    private Projection cast(CastExpression cast, Target t) {
        ComputedValue.Kind to = ComputedValue.castKind(cast);
        ValueType type = ComputedValue.declared(t);
        String name = cast.getColDataType().getDataType().toLowerCase(Locale.ROOT).replace("\"", "").trim();
        boolean varchar = name.endsWith("varchar") || name.endsWith("character varying");
        boolean boolType = (name.equals("bool") || name.equals("boolean")) && cast.getColDataType()
                .getArgumentsStringList() == null;
        if (to == ComputedValue.Kind.TEXT) {
            if (type == ValueType.STRING || type == ValueType.INT || type == ValueType.LONG
                    || type == ValueType.SHORT || type == ValueType.BOOLEAN) {
                return Projection.cast(varchar ? Projection.Result.VARCHAR : Projection.Result.TEXT);
            }
            throw a.refuse(Refusals.inexactProjection(t, "a cast to text", "the text form of a " + type.configName()
                    + " depends on server settings (DateStyle, IntervalStyle, extra_float_digits, bytea_output)"));
        }
        if (to == ComputedValue.Kind.INT4 && type == ValueType.INT) {
            return Projection.cast(Projection.Result.INT4);
        }
        if (to == ComputedValue.Kind.INT8 && type == ValueType.LONG) {
            return Projection.cast(Projection.Result.INT8);
        }
        if (to == ComputedValue.Kind.INT2 && type == ValueType.SHORT) {
            return Projection.cast(Projection.Result.INT2);
        }
        if (boolType && type == ValueType.BOOLEAN) {
            return Projection.cast(Projection.Result.BOOL);
        }
        Projection.Result own = cast.getColDataType().getArgumentsStringList() == null ? ownType(type, name) : null;
        if (own != null) {
            return Projection.cast(own);
        }
        throw a.refuse(Refusals.inexactProjection(t, "a cast to " + cast.getColDataType(), "Veil evaluates casts to "
                + "text, varchar (without a length) and to the column's own type only"));
    }

    /** {@code COALESCE(col, x)} and its CASE form: x a literal of the column's type, a {@code ?} or NULL. */
    private Projection fallback(Target t, Expression x, String construct) {
        ValueType type = ComputedValue.declared(t);
        Projection.Result own = own(type);
        if (x instanceof NullValue && own != null) {
            return Projection.orConstant(own, null, construct);
        }
        if (type == ValueType.STRING) {
            if (x instanceof StringValue && ((StringValue) x).getPrefix() == null) {
                return Projection.orConstant(Projection.Result.TEXT, ((StringValue) x).getNotExcapedValue(), construct);
            }
            if (x instanceof JdbcParameter) {
                JdbcParameter p = (JdbcParameter) x;
                if (p.getIndex() == null || p.isUseFixedIndex()) {
                    throw a.refuse(Refusals.parameterWithoutPosition(t));
                }
                a.bindings.valueSource(p, null, true); // kept for the result, never sent
                return Projection.orParameter(p.getIndex(), construct);
            }
        }
        if (type == ValueType.INT && x instanceof LongValue) {
            long n = ((LongValue) x).getValue();
            if ((int) n == n) {
                return Projection.orConstant(Projection.Result.INT4, (int) n, construct);
            }
        }
        throw a.refuse(Refusals.inexactProjection(t, construct, "Veil evaluates it with a string literal or a ? "
                + "parameter for a string column, an integer literal for an int column, or NULL"));
    }

    /** A cast of a column of {@code type} to type {@code name} that is the identity, or null. */
    private static Projection.Result ownType(ValueType type, String name) {
        String n = name.startsWith("pg_catalog.") ? name.substring("pg_catalog.".length()) : name;
        switch (type) {
            case LOCAL_DATE: case SQL_DATE:
                return n.equals("date") ? Projection.Result.DATE : null;
            case DECIMAL:
                return n.equals("numeric") || n.equals("decimal") ? Projection.Result.NUMERIC : null;
            case LOCAL_DATE_TIME: case SQL_TIMESTAMP:
                return n.equals("timestamp") || n.equals("timestamp without time zone") ? Projection.Result.TIMESTAMP
                        : null;
            case OFFSET_DATE_TIME: case INSTANT:
                return n.equals("timestamptz") || n.equals("timestamp with time zone") ? Projection.Result.TIMESTAMPTZ
                        : null;
            case UUID:
                return n.equals("uuid") ? Projection.Result.UUID : null;
            case DOUBLE:
                return n.equals("float8") || n.equals("double precision") ? Projection.Result.FLOAT8 : null;
            case FLOAT:
                return n.equals("float4") || n.equals("real") ? Projection.Result.FLOAT4 : null;
            default:
                return null;
        }
    }

    private static Projection.Result own(ValueType type) {
        switch (type) {
            case STRING: return Projection.Result.TEXT;
            case INT: return Projection.Result.INT4;
            case LONG: return Projection.Result.INT8;
            case SHORT: return Projection.Result.INT2;
            case BOOLEAN: return Projection.Result.BOOL;
            default: return null;
        }
    }

    /**
     * The column of {@code CASE WHEN col IS NULL THEN x ELSE col END} or {@code CASE WHEN col IS NOT NULL THEN col
     * [ELSE x] END}; null for any other CASE.
     */
    private static Column caseColumn(CaseExpression k) {
        if (k.getSwitchExpression() != null || k.getWhenClauses() == null || k.getWhenClauses().size() != 1) {
            return null;
        }
        WhenClause w = k.getWhenClauses().get(0);
        if (!(w.getWhenExpression() instanceof IsNullExpression)) {
            return null;
        }
        IsNullExpression test = (IsNullExpression) w.getWhenExpression();
        if (!(test.getLeftExpression() instanceof Column) || test.isUseIsNull() || test.isUseNotNull()) {
            return null;
        }
        Column c = (Column) test.getLeftExpression();
        Expression value = test.isNot() ? w.getThenExpression() : k.getElseExpression();
        return value instanceof Column && value.toString().equals(c.toString()) ? c : null;
    }

    /** The CASE's branch taken when the column is NULL; null for none (an omitted ELSE). */
    private static Expression otherBranch(CaseExpression k) {
        WhenClause w = k.getWhenClauses().get(0);
        return ((IsNullExpression) w.getWhenExpression()).isNot() ? k.getElseExpression() : w.getThenExpression();
    }
}
