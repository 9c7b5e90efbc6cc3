package dev.veil.driver.sql;

import java.util.Map;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.JsonOperator;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.util.deparser.ExpressionDeParser;

/**
 * JSqlParser's expression deparser with Veil's recording: a {@code JdbcParameter} (the application's or a
 * {@link DerivedParameter}) and a literal slot's marker are written through {@link Renderer}, which notes where they
 * land; a column reference is shown to it before it is written. The few expression kinds JSqlParser writes with
 * {@code toString()} — which would bypass the recording — and operators holding a {@code ?} (pgjdbc reads a lone
 * {@code ?} as a placeholder, so they are written in its {@code ??} escape) are written here through the visitor.
 */
final class RenderingExpressions extends ExpressionDeParser {

    private final Renderer renderer;

    RenderingExpressions(Renderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public <S> StringBuilder visit(JdbcParameter parameter, S context) {
        renderer.parameter(parameter);
        return builder;
    }

    @Override
    public <S> StringBuilder visit(StringValue value, S context) {
        if (renderer.slot(value)) {
            return builder;
        }
        return super.visit(value, context);
    }

    @Override
    public <S> StringBuilder visit(Column column, S context) {
        renderer.column(column);
        return super.visit(column, context);
    }

    @Override
    public <S> StringBuilder visit(IsDistinctExpression e, S context) {
        e.getLeftExpression().accept(this, context);
        builder.append(e.getStringExpression());
        e.getRightExpression().accept(this, context);
        return builder;
    }

    @Override
    public <S> StringBuilder visit(JsonOperator e, S context) {
        deparse(e, " " + pgjdbcEscaped(e.getStringExpression()) + " ", context);
        return builder;
    }

    @Override
    public <S> StringBuilder visit(JsonExpression e, S context) {
        e.getExpression().accept(this, context);
        for (Map.Entry<Expression, String> step : e.getIdentList()) {
            builder.append(pgjdbcEscaped(step.getValue()));
            step.getKey().accept(this, context);
        }
        return builder;
    }

    /** An operator as pgjdbc must receive it: each {@code ?} doubled ({@code ?|} is sent as {@code ??|}). */
    static String pgjdbcEscaped(String operator) {
        return operator.indexOf('?') < 0 ? operator : operator.replace("?", "??");
    }
}
