package dev.veil.driver.sql;

import dev.veil.driver.codec.ValueType;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.statement.create.table.ColDataType;

/**
 * A searched value cast to the compared column's own logical type ({@code col = ?::varchar},
 * {@code col = CAST(? AS text)}, {@code col = 'x'::text}, as Hibernate writes them): the cast changes nothing the
 * blind index sees, so the value is searched as if uncast. Only {@code string} columns and the types that leave a
 * text unchanged ({@code text}, {@code varchar}, {@code character varying} without a length, which would cut the
 * value); any other cast stays what it was, and is refused by whoever meets it.
 */
final class CastValues {

    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "character varying");

    private CastValues() {
    }

    /** The value inside a cast to {@code t}'s own type (one level), else {@code v} itself. */
    static Expression unwrap(Expression v, Target t) {
        if (!(v instanceof CastExpression) || t == null || t.isPlain()) {
            return v;
        }
        CastExpression c = (CastExpression) v;
        Expression inner = c.getLeftExpression();
        boolean value = inner instanceof JdbcParameter || inner instanceof NullValue || Literals.isLiteral(inner);
        return value && t.column().type() == ValueType.STRING && isTextType(c) ? inner : v;
    }

    /** A cast to the text element type of an array ({@code ?::text[]}, {@code CAST(? AS varchar[])}), else null. */
    static Expression unwrapArray(Expression v, Target t) {
        if (!(v instanceof CastExpression) || t.column().type() != ValueType.STRING) {
            return null;
        }
        CastExpression c = (CastExpression) v;
        ColDataType d = c.getColDataType();
        if (!plainCast(c) || d == null || d.getArrayData() == null || d.getArrayData().size() != 1
                || d.getArgumentsStringList() != null && !d.getArgumentsStringList().isEmpty()
                || !TEXT_TYPES.contains(name(d))) {
            return null;
        }
        return c.getLeftExpression();
    }

    private static boolean isTextType(CastExpression c) {
        ColDataType d = c.getColDataType();
        return plainCast(c) && d != null && (d.getArrayData() == null || d.getArrayData().isEmpty())
                && (d.getArgumentsStringList() == null || d.getArgumentsStringList().isEmpty())
                && TEXT_TYPES.contains(name(d));
    }

    private static boolean plainCast(CastExpression c) {
        return (c.keyword == null || c.keyword.equalsIgnoreCase("CAST")) && c.getFormat() == null
                && (c.getColumnDefinitions() == null || c.getColumnDefinitions().isEmpty());
    }

    private static String name(ColDataType d) {
        String n = d.getDataType();
        // the array brackets, when the parser kept them in the name
        return n == null ? "" : n.replace("[]", "").trim().toLowerCase(Locale.ROOT);
    }
}
