package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.ExtractExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;

/**
 * Walks an expression that is no rewritten search condition; any encrypted column met is refused with the
 * innermost construct around it, except {@code col IS [NOT] NULL}, {@code count(col)} and {@code count(DISTINCT
 * col)} through an exact blind index. Subqueries are analysed in their own scope.
 */
final class ExpressionChecker extends ExpressionVisitorAdapter<Void> {

    private final Analysis a;
    private final Scope scope;
    private final String clause;

    ExpressionChecker(Analysis a, Scope scope, String clause) {
        this.a = a;
        this.scope = scope;
        this.clause = clause;
    }

    private String where(String inner) {
        return inner.equals(clause) ? inner : inner + " in " + clause;
    }

    @Override
    public <S> Void visit(Column column, S context) {
        a.names.refuseCompanion(column, scope);
        Target t = a.names.resolve(column, scope);
        String inner = String.valueOf(context);
        if (t != null) {
            throw a.refuse(Refusals.use(t, where(inner)));
        }
        Target row = a.names.wholeRow(column, scope);
        if (row != null) {
            throw a.refuse(Refusals.wholeRow(row, where(inner)));
        }
        return null;
    }

    @Override
    public <S> Void visit(AllTableColumns all, S context) {
        Source src = a.names.source(all.getTable(), scope);
        if (src != null && src.hasEncrypted()) {
            throw a.refuse(Refusals.wholeRow(a.names.firstEncrypted(src), String.valueOf(context)));
        }
        return null;
    }

    @Override
    public <S> Void visit(AllColumns all, S context) {
        for (Scope s = scope; s != null; s = s.parent) {
            for (Source src : s.sources) {
                if (src.hasEncrypted()) {
                    throw a.refuse(Refusals.wholeRow(a.names.firstEncrypted(src), String.valueOf(context)));
                }
            }
        }
        return null;
    }

    @Override
    protected <S> Void visitBinaryExpression(BinaryExpression expr, S context) {
        Object ctx = expr instanceof AndExpression || expr instanceof OrExpression || expr instanceof XorExpression
                ? context : Expressions.describe(expr);
        return super.visitBinaryExpression(expr, ctx);
    }

    @Override
    public <S> Void visit(IsNullExpression expr, S context) {
        if (expr.getLeftExpression() instanceof Column) {
            // companion IS [NOT] NULL hands out no index value: allowed (it finds rows to backfill)
            Target t = a.names.resolve((Column) expr.getLeftExpression(), scope);
            if (t != null) {
                a.reach.touch();
            }
            return null;
        }
        return super.visit(expr, "IS NULL");
    }

    @Override
    public <S> Void visit(Function f, S context) {
        String name = f.getName() == null ? "" : f.getName().toLowerCase(Locale.ROOT);
        if (name.equals("count") && f.isDistinct() && f.getParameters() != null && f.getParameters().size() == 1
                && f.getParameters().get(0) instanceof Column) {
            Hit h = a.names.encryptedHit((Expression) f.getParameters().get(0), scope);
            if (h != null) {
                countDistinct(f, h);
                return null;
            }
        }
        if (name.equals("count") && !f.isDistinct() && (f.isAllColumns() || f.getParameters() == null
                || f.getParameters().size() == 1 && (f.getParameters().get(0) instanceof Column
                        || f.getParameters().get(0) instanceof AllColumns))) {
            if (f.getParameters() != null && f.getParameters().get(0) instanceof Column) {
                a.names.account((Column) f.getParameters().get(0)); // whatever it is, counting it is exact
            }
            return null; // counting rows or non-NULL values is exact on ciphertext
        }
        return super.visit(f, "function " + f.getName() + "()" + (f.isDistinct() ? " with DISTINCT" : ""));
    }

    /** {@code count(DISTINCT col)} → {@code count(DISTINCT col_bidx)} through an exact index. */
    private void countDistinct(Function f, Hit h) {
        String construct = "function count() with DISTINCT";
        TableSource src = a.predicates.indexable(h, construct);
        ConfiguredIndex ci = a.indexes.single(src, h.column());
        if (ci == null || !ci.definition().exact()) {
            throw a.refuse(Refusals.countDistinctWithoutExactIndex(h.target(), construct));
        }
        IndexTarget dx = a.indexes.target(src, ci, construct);
        a.indexes.storedValuesCompared(src, dx, "count(DISTINCT " + h.target().column().qualified() + ")");
        a.indexes.queried.add(dx);
        a.rewrites.mark();
        @SuppressWarnings("unchecked")
        ExpressionList<Expression> ps = (ExpressionList<Expression>) f.getParameters();
        ps.set(0, a.indexes.column((Column) ps.get(0), ci));
    }

    @Override
    public <S> Void visit(AnalyticExpression e, S context) {
        return super.visit(e, "window function " + e.getName() + "()");
    }

    @Override
    public <S> Void visit(CastExpression c, S context) {
        return super.visit(c, "a cast");
    }

    @Override
    public <S> Void visit(InExpression in, S context) {
        return super.visit(in, "an IN list");
    }

    @Override
    public <S> Void visit(Between b, S context) {
        return super.visit(b, "BETWEEN");
    }

    @Override
    public <S> Void visit(CaseExpression c, S context) {
        return super.visit(c, "a CASE expression");
    }

    @Override
    public <S> Void visit(ExtractExpression e, S context) {
        return super.visit(e, "EXTRACT");
    }

    @Override
    public <S> Void visit(ExistsExpression e, S context) {
        if (e.getRightExpression() instanceof Select) {
            a.read.select((Select) e.getRightExpression(), scope);
            return null;
        }
        return super.visit(e, "EXISTS");
    }

    @Override
    public <S> Void visit(ParenthesedSelect sub, S context) {
        return visit((Select) sub, context);
    }

    @Override
    public <S> Void visit(AnyComparisonExpression any, S context) {
        return visit(any.getSelect(), context);
    }

    @Override
    public <S> Void visit(Select sub, S context) {
        String inner = String.valueOf(context);
        List<Out> outs = a.read.select(sub, scope);
        for (Out o : outs) {
            if (o.target() != null) {
                throw a.refuse(Refusals.use(o.target(), where(inner) + " through a subquery"));
            }
        }
        return null;
    }
}
