package dev.veil.driver.sql;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.codec.ValueType;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;

/**
 * A value written to an encrypted column that PostgreSQL would compute from parameters and literals with
 * {@code ||} and casts — {@code ? || '@example.com'}, {@code ?::text}, {@code CAST(? AS varchar)},
 * {@code 'x'::varchar}, {@code int4 '5'}, {@code heart_rate = ?::int} — computed by Veil exactly as PostgreSQL would
 * (text forms of integers, strict integer input, NULL in, NULL out), then encrypted. At most one parameter: the
 * written {@code ?} is bound with the computed value ({@link Target#computing}); without one the value is a constant
 * of the statement (a literal slot). Anything whose result depends on server settings or that Veil cannot reproduce
 * (other types, type modifiers, two parameters) is refused with its reason.
 */
final class ComputedValue {

    /** The static SQL type of a node: text, an integer type, or an untyped string literal. */
    enum Kind { UNKNOWN, TEXT, INT2, INT4, INT8, NULL, PARAMETER }

    /** PostgreSQL's {@code int4in}: optional white space, a sign, decimal digits, optional white space. */
    private static final Pattern INTEGER = Pattern.compile("[ \\t\\n\\r\\f\\u000B]*[+-]?[0-9]+[ \\t\\n\\r\\f\\u000B]*");

    private interface Node {
        Kind kind();

        /** The node's value (String, Integer, Long, Short, or null) with the parameter's bound value. */
        Object eval(Object parameter, String column) throws SQLException;
    }

    private final Node root;
    private final JdbcParameter parameter;
    /** The parameter's original 1-based position (the AST node is renumbered when the text is rendered). */
    private final int parameterIndex;
    private final ValueType columnType;

    private ComputedValue(Node root, JdbcParameter parameter, ValueType columnType) {
        this.root = root;
        this.parameter = parameter;
        this.parameterIndex = parameter == null ? 0 : parameter.getIndex();
        this.columnType = columnType;
    }

    /** Whether {@code e} has the shape of a computed value (a {@code ||} or a cast at its top). */
    static boolean isComputed(Expression e) {
        Expression u = unwrap(e);
        return u instanceof Concat || u instanceof CastExpression;
    }

    /** Whether {@code e} is a computed form of literals only ({@code varchar 'x'}, {@code 'a' || 'b'}). */
    static boolean isConstant(Expression e) {
        return isComputed(e) && parameterFree(unwrap(e));
    }

    private static boolean parameterFree(Expression e) {
        e = unwrap(e);
        if (e instanceof Concat) {
            return parameterFree(((Concat) e).getLeftExpression()) && parameterFree(((Concat) e).getRightExpression());
        }
        if (e instanceof CastExpression) {
            return parameterFree(((CastExpression) e).getLeftExpression());
        }
        return !(e instanceof JdbcParameter);
    }

    /**
     * The computed value {@code e} writes into {@code t}, or null when {@code e} is no computed form; refused when it
     * is one Veil cannot compute exactly.
     */
    static ComputedValue of(Analysis a, Expression e, Target t, String construct) {
        if (!isComputed(e) || t == null || t.isPlain()) {
            return null;
        }
        JdbcParameter[] param = new JdbcParameter[1];
        Node root = node(a, unwrap(e), t, construct, param);
        Kind k = root.kind();
        ValueType type = declared(t);
        boolean fits = type == ValueType.STRING || (k == Kind.INT2 || k == Kind.INT4 || k == Kind.INT8)
                && (type == ValueType.INT || type == ValueType.LONG || type == ValueType.SHORT);
        if (!fits) {
            throw a.refuse(Refusals.computedValue(t, construct, "a value of another type than the column's "
                    + type.configName()));
        }
        return new ComputedValue(root, param[0], t.column().type());
    }

    /** The column's declared type; a column without one (it keeps what each write carries) counts as text. */
    static ValueType declared(Target t) {
        return t.column().type() == null ? ValueType.STRING : t.column().type();
    }

    /** The one parameter the value is computed from, or null when it is a constant. */
    JdbcParameter parameter() {
        return parameter;
    }

    /** The value of a constant ({@link #parameter()} null). */
    Object constant(Analysis a, Target t, String construct) {
        try {
            return applyTo(null, t.column().qualified());
        } catch (SQLException e) {
            throw a.refuse(Refusals.computedValue(t, construct, "a value PostgreSQL would reject"));
        }
    }

    /** The value written when the parameter is bound to {@code bound}. */
    Object applyTo(Object bound, String column) throws SQLException {
        Object v = root.eval(bound, column);
        if (v == null || columnType == null) {
            return v; // a column without a declared type keeps the type each write carries: text or an integer
        }
        switch (columnType) {
            case STRING:
                return v.toString(); // an integer assigned to text: its output form (an I/O conversion cast)
            case INT:
                return (int) range(v, Integer.MIN_VALUE, Integer.MAX_VALUE, column);
            case SHORT:
                return (short) range(v, Short.MIN_VALUE, Short.MAX_VALUE, column);
            default:
                return range(v, Long.MIN_VALUE, Long.MAX_VALUE, column);
        }
    }

    /** As an index part's source: the value computed from the kept parameters (see {@link ParameterMap}). */
    Object compute(Object[] buffer) throws SQLException {
        Object bound = parameterIndex == 0 ? null : ParameterMap.resolve(new ParameterMap.ParamRef(parameterIndex),
                buffer);
        return applyTo(bound, "a computed value");
    }

    private static Expression unwrap(Expression e) {
        while (e instanceof ParenthesedExpressionList && ((ParenthesedExpressionList<?>) e).size() == 1) {
            e = (Expression) ((ParenthesedExpressionList<?>) e).get(0);
        }
        return e;
    }

    private static Node node(Analysis a, Expression e, Target t, String construct, JdbcParameter[] param) {
        e = unwrap(e);
        if (e instanceof Concat) {
            Node l = node(a, ((Concat) e).getLeftExpression(), t, construct, param);
            Node r = node(a, ((Concat) e).getRightExpression(), t, construct, param);
            if (!textual(l.kind()) && !textual(r.kind())) {
                throw a.refuse(Refusals.computedValue(t, construct, "|| without a text operand"));
            }
            return concat(l, r);
        }
        if (e instanceof CastExpression) {
            CastExpression c = (CastExpression) e;
            Kind to = castKind(c);
            if (to == null) {
                throw a.refuse(Refusals.computedValue(t, construct, "a cast to " + c.getColDataType()
                        + ", which Veil cannot compute exactly (only text, varchar and the integer types, without a "
                        + "length)"));
            }
            return cast(node(a, c.getLeftExpression(), t, construct, param), to);
        }
        if (e instanceof JdbcParameter) {
            JdbcParameter p = (JdbcParameter) e;
            if (param[0] != null) {
                throw a.refuse(Refusals.computedValue(t, construct, "a value computed from several parameters"));
            }
            if (p.getIndex() == null || p.isUseFixedIndex()) {
                throw a.refuse(Refusals.parameterWithoutPosition(t));
            }
            param[0] = p;
            return leaf(Kind.PARAMETER, null, true);
        }
        if (e instanceof StringValue && ((StringValue) e).getPrefix() == null) {
            return leaf(Kind.UNKNOWN, ((StringValue) e).getNotExcapedValue(), false);
        }
        if (e instanceof LongValue) {
            LongValue l = (LongValue) e;
            try {
                long n = Long.parseLong(l.getStringValue());
                return (int) n == n ? leaf(Kind.INT4, (int) n, false) : leaf(Kind.INT8, n, false);
            } catch (NumberFormatException x) {
                throw a.refuse(Refusals.computedValue(t, construct, "a numeric literal"));
            }
        }
        if (e instanceof NullValue) {
            return leaf(Kind.NULL, null, false);
        }
        throw a.refuse(Refusals.computedValue(t, construct, Expressions.describe(e)));
    }

    private static boolean textual(Kind k) {
        return k == Kind.TEXT || k == Kind.UNKNOWN;
    }

    /** The kind a cast produces, or null when Veil cannot compute it (another type, a length, an array). */
    static Kind castKind(CastExpression c) {
        if (c.getColDataType() == null || c.getColDataType().getArgumentsStringList() != null
                || c.getColDataType().getArrayData() != null && !c.getColDataType().getArrayData().isEmpty()) {
            return null;
        }
        String name = c.getColDataType().getDataType().toLowerCase(Locale.ROOT).replace("\"", "").trim();
        if (name.startsWith("pg_catalog.")) {
            name = name.substring("pg_catalog.".length());
        }
        switch (name) {
            case "text": case "varchar": case "character varying":
                return Kind.TEXT;
            case "int": case "integer": case "int4":
                return Kind.INT4;
            case "bigint": case "int8":
                return Kind.INT8;
            case "smallint": case "int2":
                return Kind.INT2;
            default:
                return null;
        }
    }

    private static Node leaf(Kind kind, Object value, boolean isParameter) {
        return new Node() {
            @Override
            public Kind kind() {
                return kind;
            }

            @Override
            public Object eval(Object bound, String column) throws SQLException {
                if (!isParameter) {
                    return value;
                }
                if (bound == null || bound instanceof String || bound instanceof Integer || bound instanceof Long
                        || bound instanceof Short) {
                    return bound; // what pgjdbc sends as varchar, int4, int8, int2
                }
                throw VeilSqlState.CONVERSION.exception("the value Veil computes for encrypted column " + column
                        + " takes a string or an integer parameter, not a " + bound.getClass().getSimpleName());
            }
        };
    }

    private static Node concat(Node l, Node r) {
        return new Node() {
            @Override
            public Kind kind() {
                return Kind.TEXT;
            }

            @Override
            public Object eval(Object bound, String column) throws SQLException {
                Object x = l.eval(bound, column);
                Object y = r.eval(bound, column);
                return x == null || y == null ? null : x.toString() + y; // || is strict: NULL in, NULL out
            }
        };
    }

    private static Node cast(Node in, Kind to) {
        return new Node() {
            @Override
            public Kind kind() {
                return to;
            }

            @Override
            public Object eval(Object bound, String column) throws SQLException {
                Object v = in.eval(bound, column);
                if (v == null) {
                    return null;
                }
                if (to == Kind.TEXT) {
                    return v.toString();
                }
                long n;
                if (v instanceof String) {
                    String s = (String) v;
                    if (!INTEGER.matcher(s).matches()) {
                        throw invalid(column);
                    }
                    try {
                        n = Long.parseLong(s.strip().replace("+", ""));
                    } catch (NumberFormatException e) {
                        throw invalid(column);
                    }
                } else {
                    n = ((Number) v).longValue();
                }
                switch (to) {
                    case INT2:
                        return (short) range(n, Short.MIN_VALUE, Short.MAX_VALUE, column);
                    case INT4:
                        return (int) range(n, Integer.MIN_VALUE, Integer.MAX_VALUE, column);
                    default:
                        return n;
                }
            }
        };
    }

    private static SQLException invalid(String column) {
        return VeilSqlState.CONVERSION.exception("the value computed for encrypted column " + column + " is not an "
                + "integer PostgreSQL would accept");
    }

    private static long range(Object v, long min, long max, String column) throws SQLException {
        long n = v instanceof Number ? ((Number) v).longValue() : Long.parseLong(v.toString());
        if (n < min || n > max) {
            throw VeilSqlState.CONVERSION.exception("the value computed for encrypted column " + column + " is out of "
                    + "range for its type");
        }
        return n;
    }

    @Override
    public String toString() {
        return "ComputedValue[" + root.kind() + (parameterIndex == 0 ? ", constant" : ", from ?" + parameterIndex)
                + "]"; // never the constants
    }
}
