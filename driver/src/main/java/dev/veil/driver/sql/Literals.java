package dev.veil.driver.sql;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DateValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeValue;
import net.sf.jsqlparser.expression.TimestampValue;

/** The literals Veil reads as values (to encrypt or index them) and the Java value each stands for. */
final class Literals {

    private Literals() {
    }

    static boolean isLiteral(Expression e) {
        if (e instanceof SignedExpression) {
            Expression inner = ((SignedExpression) e).getExpression();
            return inner instanceof LongValue || inner instanceof DoubleValue;
        }
        return (e instanceof StringValue && ((StringValue) e).getPrefix() == null) || e instanceof LongValue
                || e instanceof DoubleValue || e instanceof BooleanValue || e instanceof DateValue
                || e instanceof TimeValue || e instanceof TimestampValue || e instanceof DateTimeLiteralExpression;
    }

    /** The value of a literal ({@link #isLiteral}) bound for {@code t}; a typed literal not in ISO form is refused. */
    static Object value(Analysis a, Expression e, Target t) {
        if (e instanceof SignedExpression) {
            SignedExpression s = (SignedExpression) e;
            Object inner = value(a, s.getExpression(), t);
            if (s.getSign() == '-') {
                return inner instanceof Long ? (Object) (-(Long) inner) : ((BigDecimal) inner).negate();
            }
            return inner;
        } else if (e instanceof StringValue) {
            return ((StringValue) e).getNotExcapedValue();
        } else if (e instanceof LongValue) {
            LongValue l = (LongValue) e;
            try {
                return Long.parseLong(l.getStringValue());
            } catch (NumberFormatException x) {
                return new BigDecimal(l.getBigIntegerValue());
            }
        } else if (e instanceof DoubleValue) {
            return new BigDecimal(e.toString());
        } else if (e instanceof BooleanValue) {
            return ((BooleanValue) e).getValue();
        } else if (e instanceof DateValue) {
            return ((DateValue) e).getValue().toLocalDate();
        } else if (e instanceof TimeValue) {
            return ((TimeValue) e).getValue().toLocalTime();
        } else if (e instanceof TimestampValue) {
            return ((TimestampValue) e).getValue().toLocalDateTime();
        } else if (e instanceof DateTimeLiteralExpression) {
            DateTimeLiteralExpression d = (DateTimeLiteralExpression) e;
            String v = d.getValue();
            String text = v.length() >= 2 && v.startsWith("'") ? v.substring(1, v.length() - 1) : v;
            try {
                switch (d.getType()) {
                    case DATE:
                        return LocalDate.parse(text.trim());
                    case TIME:
                        return LocalTime.parse(text.trim());
                    case TIMESTAMP:
                        return LocalDateTime.parse(text.trim().replace(' ', 'T'));
                    default:
                        return text;
                }
            } catch (RuntimeException x) {
                throw a.refuse(Refusals.literalNotIso(String.valueOf(d.getType()), t));
            }
        }
        throw new IllegalArgumentException(e.getClass().getName());
    }
}
