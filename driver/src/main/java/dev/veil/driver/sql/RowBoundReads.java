package dev.veil.driver.sql;

import dev.veil.driver.schema.Identifiers;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * Row binding on the read path: each value of a bound table in the result is decrypted with its row's key, which
 * Veil selects as hidden trailing columns (once per relation, beside the post-filters' hidden columns). Only
 * relations of the result's own FROM (or the written table, for RETURNING) can give it; anything else is refused.
 */
final class RowBoundReads {

    private final Analysis a;

    RowBoundReads(Analysis a) {
        this.a = a;
    }

    /**
     * The outputs with each bound value keyed by its row's hidden key columns (the post-filters' likewise).
     *
     * @param appendTo the list to append the hidden columns to, or null when the caller appends
     *        {@link PostFilters#hidden} itself (the outermost SELECT)
     */
    List<Out> keyed(List<Out> outs, Scope scope, boolean grouped, List<SelectItem<?>> appendTo) {
        Map<Object, RowKeySource> keys = new IdentityHashMap<>();
        List<Out> result = new ArrayList<>(outs);
        for (int i = 0; i < result.size(); i++) {
            Out o = result.get(i);
            Target t = o.target();
            if (t != null && t.rowBinding() != null) {
                result.set(i, new Out(o.label(), rowKeyed(t, scope, grouped, keys, appendTo), o.unknownWidth()));
            }
        }
        List<RowFilter> filters = a.filters.filters;
        for (int f = 0; f < filters.size(); f++) {
            Target t = filters.get(f).target();
            if (t.rowBinding() != null) {
                filters.set(f, filters.get(f).reading(rowKeyed(t, scope, grouped, keys, appendTo)));
            }
        }
        return result;
    }

    private Target rowKeyed(Target t, Scope scope, boolean grouped, Map<Object, RowKeySource> keys,
            List<SelectItem<?>> appendTo) {
        Source src = scope.sources.stream().filter(x -> x == t.origin()).findFirst().orElse(null);
        if (src == null || grouped) {
            throw RowKeys.unreadable(t);
        }
        RowKeySource key = keys.get(src);
        if (key == null) {
            RowBinding b = t.rowBinding();
            List<Column> hiddenColumns = a.filters.hidden;
            int[] hidden = new int[b.size()];
            for (int k = 0; k < hidden.length; k++) {
                Column c = a.rewrites.own(new Column(a.names.qualifier(src), Identifiers.quoteIfNeeded(b.key(k))));
                hiddenColumns.add(c);
                hidden[k] = hiddenColumns.size() - 1;
                if (appendTo != null) {
                    appendTo.add(new SelectItem<>(c, new Alias(PostFilters.HIDDEN_LABEL + (hidden[k] + 1))));
                }
            }
            key = RowKeySource.read(b, hidden);
            keys.put(src, key);
            a.rewrites.mark();
        }
        return t.keyedBy(key);
    }
}
