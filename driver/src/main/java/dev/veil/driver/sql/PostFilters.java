package dev.veil.driver.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * The rows a truncated blind index lets through that Veil drops after decryption: each searched column is added
 * to the outermost SELECT as a hidden result column with a {@link RowFilter} that compares it with the searched
 * values. Only the outermost SELECT's rows can be filtered, and only where no aggregate, grouping, DISTINCT or
 * LIMIT has used them first.
 */
final class PostFilters {

    static final String HIDDEN_LABEL = "veil_filter_";
    private static final Set<String> AGGREGATES = Set.of("count", "sum", "avg", "min", "max", "array_agg",
            "string_agg", "bool_and", "bool_or", "every", "json_agg", "jsonb_agg", "json_object_agg",
            "jsonb_object_agg", "bit_and", "bit_or", "stddev", "variance", "mode", "percentile_cont",
            "percentile_disc", "xmlagg", "range_agg");

    private final Rewrites rewrites;
    /** The outermost SELECT, the only one whose rows Veil can post-filter. */
    private PlainSelect outermost;
    final List<Column> hidden = new ArrayList<>();
    final List<RowFilter> filters = new ArrayList<>();

    PostFilters(Rewrites rewrites) {
        this.rewrites = rewrites;
    }

    void outermost(PlainSelect ps) {
        outermost = ps;
    }

    /** Whether {@code ps} is the outermost SELECT. */
    boolean isOutermost(PlainSelect ps) {
        return ps == outermost;
    }

    /** Registers a post-filter for a truncated index: the column is appended as a hidden result column. */
    void add(Column c, Target t, IndexTarget ix, int part, Object[] sources) {
        hidden.add(rewrites.own(new Column(c.getTable(), c.getColumnName())));
        filters.add(new RowFilter(hidden.size() - 1, t, ix, part, sources));
        rewrites.mark();
    }

    /** Appends to {@code ps}, when it is the outermost SELECT, the hidden columns registered from {@code from} on. */
    void appendHidden(PlainSelect ps, int from) {
        if (ps != outermost) {
            return;
        }
        for (int k = from; k < hidden.size(); k++) {
            ps.getSelectItems().add(new SelectItem<>(hidden.get(k), new Alias(HIDDEN_LABEL + (k + 1))));
        }
    }

    /** Why the SELECT's rows cannot be post-filtered, or null when they can. */
    String block(PlainSelect ps) {
        if (ps != outermost) {
            return "inside a subquery";
        }
        if (ps.getLimit() != null || ps.getOffset() != null || ps.getFetch() != null || ps.getTop() != null
                || ps.getLimitBy() != null) {
            return "in a query with LIMIT/OFFSET/FETCH";
        }
        if (ps.getDistinct() != null) {
            return "in a query with DISTINCT";
        }
        if (ps.getGroupBy() != null || ps.getHaving() != null) {
            return "in a query with GROUP BY/HAVING";
        }
        boolean[] aggregate = {false};
        for (SelectItem<?> item : ps.getSelectItems()) {
            item.getExpression().accept(new ExpressionVisitorAdapter<Void>() {
                @Override
                public <S> Void visit(Function f, S context) {
                    String n = f.getName() == null ? "" : f.getName().toLowerCase(Locale.ROOT);
                    if (AGGREGATES.contains(n)) {
                        aggregate[0] = true;
                    }
                    return super.visit(f, context);
                }

                @Override
                public <S> Void visit(AnalyticExpression a, S context) {
                    aggregate[0] = true;
                    return null;
                }
            }, null);
        }
        return aggregate[0] ? "in a query with an aggregate or window function" : null;
    }
}
