package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.statement.Statement;

/**
 * Assembles the {@link StatementPlan} of an analysed statement: the result shape (which output columns decrypt,
 * hidden post-filter columns), the parameter targets, and — from the {@link Renderer}'s one pass, which accounts for
 * every parameter — the text to send when the AST was rewritten, where each parameter is sent, and the literal
 * template.
 */
final class PlanAssembly {

    private final Analysis a;

    PlanAssembly(Analysis a) {
        this.a = a;
    }

    /**
     * @param originals the number of the application's {@code ?} parameters (the lexer's count, matched by the
     *     parser)
     */
    StatementPlan plan(Statement st, List<Out> outs, int originals) {
        ResultShape shape = shape(outs);
        int[] rowKeyParameters = rowKeyParameters(a.bindings.params);
        // always rendered, to account for every parameter and encrypted reference; sent only when it differs
        Rendered rendered = Renderer.render(st, a, originals);
        String rewrittenText = null;
        ParameterMap map = null;
        if (a.rewrites.rewritten()) {
            map = parameterMap(rendered, originals);
            rewrittenText = rendered.text();
        } else if (!a.bindings.slots.isEmpty() && !rendered.inSourceOrder(originals)) {
            // sent as rendered (the literal template), where the deparser moved parameters (OFFSET ? LIMIT ?)
            map = parameterMap(rendered, originals);
        }
        LiteralTemplate template = null;
        boolean constantDerived = false;
        for (int k = 0; map != null && k < map.derivedCount(); k++) {
            constantDerived |= map.derivedFromConstantsOnly(k);
        }
        if (!a.bindings.slots.isEmpty() || constantDerived) {
            template = rendered.template(a.bindings.slots, rewrittenText != null);
        }
        StatementPlan plan = new StatementPlan(null, a.bindings.params.toArray(new Target[0]), template, shape,
                a.write.modified(), template == null ? rewrittenText : null, a.catalog.cacheable())
                .withRowKeys(rowKeyParameters);
        TableSource modifiedSource = a.write.modifiedSource();
        List<ConfiguredIndex> modifiedIndexes = modifiedSource == null ? List.of() : modifiedSource.indexes();
        if (!modifiedIndexes.isEmpty()) {
            List<String> companions = new ArrayList<>();
            for (ConfiguredIndex ci : modifiedIndexes) {
                companions.add(ci.name());
            }
            plan.withGeneratedKeys(modifiedSource.visible(), companions);
        }
        return map != null || !a.indexes.queried.isEmpty() || !a.indexes.singleVersion.isEmpty()
                ? plan.withIndexes(map, a.indexes.queried, a.indexes.singleVersion) : plan;
    }

    private ResultShape shape(List<Out> outs) {
        Target[] targets = null;
        String[] labels = null;
        int count = -1;
        if (outs != null && !outs.isEmpty()) {
            int last = -1;
            boolean unknownBefore = false;
            boolean anyUnknown = false;
            for (int i = 0; i < outs.size(); i++) {
                Out o = outs.get(i);
                if (o.unknownWidth()) {
                    anyUnknown = true;
                } else if (o.target() != null) {
                    last = i;
                    unknownBefore |= anyUnknown;
                }
            }
            if (unknownBefore) {
                throw a.refuse(Refusals.encryptedAfterUnknownStar());
            }
            targets = new Target[last + 1];
            labels = new String[last + 1];
            for (int i = 0; i <= last; i++) {
                targets[i] = outs.get(i).target();
                labels[i] = outs.get(i).label();
            }
            count = anyUnknown ? -1 : outs.size();
        }
        refuseUnkeyed(targets);
        ResultShape shape = targets == null ? ResultShape.PLAIN : new ResultShape(targets, labels, count);
        List<RowFilter> filters = a.filters.filters;
        if (!filters.isEmpty() || !a.filters.hidden.isEmpty()) {
            int hidden = a.filters.hidden.size();
            shape = new ResultShape(targets == null ? new Target[0] : targets, labels == null ? new String[0] : labels,
                    count < 0 ? -1 : count + hidden, hidden, filters.toArray(new RowFilter[0]));
        }
        return shape;
    }

    /**
     * Row binding, a backstop: refuses a result column of a bound table that is not keyed by its row (it came
     * through a derived table, CTE, set operation or subquery).
     */
    private static void refuseUnkeyed(Target[] targets) {
        for (int i = 0; targets != null && i < targets.length; i++) {
            if (targets[i] != null && targets[i].rowBinding() != null
                    && (targets[i].rowKey() == null || !targets[i].rowKey().isRead())) {
                throw RowKeys.unreadable(targets[i]);
            }
        }
    }

    /**
     * Row binding: the parameters holding the row keys encrypted parameters are bound to (kept by the prepared
     * statement until execution, when those values are encrypted), marked in {@code params} as kept plain
     * parameters.
     */
    private static int[] rowKeyParameters(List<Target> params) {
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        for (Target t : params) {
            if (t != null && !t.isPlain() && t.rowKey() != null) {
                for (int p : t.rowKey().parameters()) {
                    out.add(p);
                }
            }
        }
        for (int p : out) {
            while (params.size() < p) {
                params.add(null);
            }
            if (params.get(p - 1) == null) {
                params.set(p - 1, Target.PLAIN);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Where each original and derived parameter of the rendered text is sent, and which originals are kept. */
    private ParameterMap parameterMap(Rendered rendered, int originals) {
        Bindings b = a.bindings;
        int[] positions = rendered.originalPositions(originals);
        int[] derivedPositions = rendered.derivedPositions(b.derived.size());
        boolean[] keep = new boolean[originals];
        for (int k : b.buffered) {
            if (k <= originals) {
                keep[k - 1] = true;
            }
            while (b.params.size() < k) {
                b.params.add(null);
            }
            if (b.params.get(k - 1) == null) {
                b.params.set(k - 1, Target.PLAIN);
            }
        }
        ParameterMap.Derived[] ds = new ParameterMap.Derived[b.derived.size()];
        for (int k = 0; k < ds.length; k++) {
            ds[k] = new ParameterMap.Derived(derivedPositions[k], b.derived.get(k).values(), b.derived.get(k).slot());
        }
        return new ParameterMap(positions, keep, ds);
    }
}
