package dev.veil.driver.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.expression.operators.relational.RegExpMatchOperator;
import net.sf.jsqlparser.expression.operators.relational.RegExpMatchOperatorType;
import net.sf.jsqlparser.schema.Column;

/**
 * The SQL of a search through a blind index, for the predicate rewrites ({@code =}, {@code <>}, {@code IN},
 * {@code NOT IN}, a compound index's equalities). Every searched value is looked for under each enabled key
 * version of the index ({@link IndexValues#PRIMARY}, {@link IndexValues#OTHER_VERSION}), so a search misses no
 * row while the key is rotated:
 *
 * <pre>{@code email = ?        →  email_bidx IN (?, ?)
 * email IN (?, ?)  →  email_bidx IN (?, ?, ?, ?)
 * email <> ?       →  email_bidx NOT IN (?, ?)}</pre>
 *
 * During a column's migration window rows still in plaintext have no index value; a plaintext branch compares
 * them with the searched value ({@link LegacyComparison}), with exactly the three-valued result of the original
 * predicate (negations are {@code NOT} of it):
 *
 * <pre>{@code email = ?  →  ((email_bidx IN (?, ?) AND email_bidx IS NOT NULL)
 *                   OR (email_bidx IS NULL AND email NOT LIKE 'veil1:%' AND email = ?))}</pre>
 *
 * The two branches never both hold for a row, each is false (not unknown) where the other decides, and both are
 * unknown only where the stored value is NULL — as {@code email = ?} is. Each branch can use its own btree index.
 */
final class SearchPredicates {

    /** Where Veil's derived parameters go: one {@code ?} per slot of an {@link IndexValues}. */
    interface Holes {
        Expression slot(IndexValues values, int slot);
    }

    /** One index part in its migration window: its column as the statement names it and its comparison. */
    record WindowPart(int part, Supplier<Column> column, LegacyComparison comparison) {
    }

    /** Text columns' ciphertexts start with this; such a stored value is never a plaintext match. */
    static final String CIPHERTEXT_PATTERN = dev.veil.driver.codec.ColumnCipher.TEXT_PREFIX + "%";

    private SearchPredicates() {
    }

    /** {@code companion [NOT] IN (…)}: each searched value under each searched key version. */
    static Expression byIndex(Supplier<Column> companion, List<IndexValues> values, Holes holes, boolean negated) {
        List<Expression> list = new ArrayList<>();
        for (IndexValues v : values) {
            list.add(holes.slot(v, IndexValues.PRIMARY));
            list.add(holes.slot(v, IndexValues.OTHER_VERSION));
        }
        InExpression in = new InExpression(companion.get(), new ParenthesedExpressionList<>(list));
        in.setNot(negated);
        return in;
    }

    /**
     * The migration-window form of a search: by index for encrypted rows, by {@code parts}' plaintext comparisons
     * for rows without an index value. Several {@code values} (an IN list) need one part; a compound index has one
     * value and a comparison per part in its window.
     */
    static Expression window(Supplier<Column> companion, List<IndexValues> values, List<WindowPart> parts,
            Holes holes, boolean negated) {
        Expression indexed = new ParenthesedExpressionList<>(new AndExpression(
                byIndex(companion, values, holes, false), isNull(companion.get(), true)));
        Expression plain = isNull(companion.get(), false);
        for (WindowPart p : parts) {
            LikeExpression notCiphertext = new LikeExpression();
            notCiphertext.setLeftExpression(p.column().get());
            notCiphertext.setRightExpression(new StringValue(CIPHERTEXT_PATTERN));
            notCiphertext.setNot(true);
            plain = new AndExpression(plain, notCiphertext);
        }
        for (WindowPart p : parts) {
            plain = new AndExpression(plain, matches(p, values, holes));
        }
        Expression both = new ParenthesedExpressionList<>(new OrExpression(indexed,
                new ParenthesedExpressionList<>(plain)));
        return negated ? new NotExpression(both) : both;
    }

    /** The stored plaintext of one part equals (normalized) one of the searched values. */
    private static Expression matches(WindowPart p, List<IndexValues> values, Holes holes) {
        int slot = IndexValues.plaintextSlot(p.part());
        if (p.comparison().kind() == LegacyComparison.Kind.EQUALS) {
            if (values.size() == 1) {
                return new EqualsTo(p.column().get(), holes.slot(values.get(0), slot));
            }
            List<Expression> list = new ArrayList<>();
            for (IndexValues v : values) {
                list.add(holes.slot(v, slot));
            }
            return new InExpression(p.column().get(), new ParenthesedExpressionList<>(list));
        }
        Expression any = null;
        for (IndexValues v : values) {
            RegExpMatchOperator re = new RegExpMatchOperator(RegExpMatchOperatorType.MATCH_CASESENSITIVE);
            re.setLeftExpression(p.column().get());
            re.setRightExpression(holes.slot(v, slot));
            any = any == null ? re : new OrExpression(any, re);
        }
        return values.size() == 1 ? any : new ParenthesedExpressionList<>(any);
    }

    private static IsNullExpression isNull(Expression e, boolean not) {
        IsNullExpression n = new IsNullExpression(e);
        n.setNot(not);
        return n;
    }
}
