package dev.veil.driver.sql;

import java.util.Iterator;
import java.util.List;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.deparser.SelectDeParser;
import net.sf.jsqlparser.util.deparser.StatementDeParser;
import net.sf.jsqlparser.util.deparser.UpdateDeParser;

/**
 * JSqlParser's statement deparser wired to {@link RenderingExpressions}, with the clauses JSqlParser 5.4 writes by
 * {@code toString()} — {@code WITH} of UPDATE and DELETE, UPDATE's {@code FROM}, {@code ON CONFLICT … DO UPDATE}
 * and {@code RETURNING} — written through the visitors instead, so their parameters and columns are recorded like
 * any other. Those clauses are detached while the standard deparser writes the rest and put back at once; any
 * other clause JSqlParser writes by {@code toString()} leaves its parameters unrecorded, which the
 * {@link Renderer} refuses.
 */
final class RenderingStatements extends StatementDeParser {

    private final RenderingExpressions expressions;
    private final SelectDeParser selects;

    RenderingStatements(Renderer renderer, StringBuilder out) {
        this(new RenderingExpressions(renderer), new SelectDeParser(), out);
    }

    private RenderingStatements(RenderingExpressions expressions, SelectDeParser selects, StringBuilder out) {
        super(expressions, selects, out);
        this.expressions = expressions;
        this.selects = selects;
    }

    @Override
    public <S> StringBuilder visit(Insert insert, S context) {
        InsertConflictTarget target = insert.getConflictTarget();
        InsertConflictAction action = insert.getConflictAction();
        ReturningClause returning = insert.getReturningClause();
        insert.setConflictTarget(null);
        insert.setConflictAction(null);
        insert.setReturningClause(null);
        try {
            super.visit(insert, context);
        } finally {
            insert.setConflictTarget(target);
            insert.setConflictAction(action);
            insert.setReturningClause(returning);
        }
        if (action != null) {
            builder.append(" ON CONFLICT");
            if (target != null) {
                target.appendTo(builder); // column and constraint names; an index expression's ? goes unrecorded
            }
            conflictAction(action);
        }
        returning(returning);
        return builder;
    }

    @Override
    public <S> StringBuilder visit(Update update, S context) {
        List<WithItem<?>> with = update.getWithItemsList();
        FromItem from = update.getFromItem();
        List<Join> joins = update.getJoins();
        ReturningClause returning = update.getReturningClause();
        update.setWithItemsList(null);
        update.setFromItem(null);
        update.setJoins(null);
        update.setReturningClause(null);
        try {
            with(with);
            new Updates(from, joins).deParse(update);
        } finally {
            update.setWithItemsList(with);
            update.setFromItem(from);
            update.setJoins(joins);
            update.setReturningClause(returning);
        }
        returning(returning);
        return builder;
    }

    @Override
    public <S> StringBuilder visit(Delete delete, S context) {
        List<WithItem<?>> with = delete.getWithItemsList();
        ReturningClause returning = delete.getReturningClause();
        delete.setWithItemsList(null);
        delete.setReturningClause(null);
        try {
            with(with);
            super.visit(delete, context);
        } finally {
            delete.setWithItemsList(with);
            delete.setReturningClause(returning);
        }
        returning(returning);
        return builder;
    }

    private void with(List<WithItem<?>> with) {
        if (with == null || with.isEmpty()) {
            return;
        }
        builder.append("WITH ");
        for (Iterator<WithItem<?>> it = with.iterator(); it.hasNext();) {
            it.next().accept(selects, null);
            if (it.hasNext()) {
                builder.append(",");
            }
            builder.append(" ");
        }
    }

    private void conflictAction(InsertConflictAction action) {
        switch (action.getConflictActionType()) {
            case DO_NOTHING:
                builder.append(" DO NOTHING");
                break;
            case DO_UPDATE:
                builder.append(" DO UPDATE SET ");
                UpdateDeParser.deparseUpdateSets(action.getUpdateSets(), builder, expressions);
                if (action.getWhereExpression() != null) {
                    builder.append(" WHERE ");
                    action.getWhereExpression().accept(expressions, null);
                }
                break;
            default:
                action.appendTo(builder); // unknown: written by toString, its parameters go unrecorded
        }
    }

    private void returning(ReturningClause returning) {
        if (returning == null) {
            return;
        }
        builder.append(" ").append(returning.getKeyword()).append(" ");
        int i = 0;
        for (SelectItem<?> item : returning) {
            if (i++ > 0) {
                builder.append(", ");
            }
            item.accept(selects, null);
        }
        if (returning.getDataItems() != null && !returning.getDataItems().isEmpty()) {
            builder.append(" INTO ");
            for (int k = 0; k < returning.getDataItems().size(); k++) {
                builder.append(k > 0 ? " ," : "").append(returning.getDataItems().get(k));
            }
        }
    }

    /** UPDATE's deparser with its {@code FROM} list written through the visitors, just before {@code WHERE}. */
    private final class Updates extends UpdateDeParser {

        private final FromItem from;
        private final List<Join> joins;

        Updates(FromItem from, List<Join> joins) {
            super(expressions, RenderingStatements.this.builder);
            this.from = from;
            this.joins = joins;
        }

        @Override
        protected void deparseWhereClause(Update update) {
            if (from != null) {
                builder.append(" FROM ");
                from.accept(selects, null);
                for (int i = 0; joins != null && i < joins.size(); i++) {
                    selects.deparseJoin(joins.get(i));
                }
            }
            super.deparseWhereClause(update);
        }
    }
}
