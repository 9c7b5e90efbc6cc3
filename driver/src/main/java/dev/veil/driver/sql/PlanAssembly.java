package dev.veil.driver.sql;

import dev.veil.driver.schema.ConfiguredIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.statement.Statement;

/**
 * Assembles the {@link StatementPlan} of an analysed statement: the result shape (which output columns decrypt,
 * hidden post-filter columns), the parameter targets, the text to send when the AST was rewritten (every {@code ?}
 * numbered, derived ones placed) and the literal template.
 */
final class PlanAssembly {

    private static final Pattern SLOT = Pattern.compile("'\u0001(\\d+)\u0001'");

    private final Analysis a;
    private ParameterMap parameterMap;
    /** Where each derived parameter's {@code ?} is in the renumbered text. */
    private int[] derivedOffsets = new int[0];

    PlanAssembly(Analysis a) {
        this.a = a;
    }

    StatementPlan plan(Statement st, List<Out> outs) {
        ResultShape shape = shape(outs);
        int[] rowKeyParameters = rowKeyParameters(a.bindings.params);
        String rewrittenText = null;
        ParameterMap map = null;
        if (a.rewrites.rewritten()) {
            rewrittenText = renumber(st);
            map = parameterMap;
        }
        LiteralTemplate template = null;
        boolean constantDerived = false;
        for (int k = 0; map != null && k < map.derivedCount(); k++) {
            constantDerived |= map.derivedFromConstantsOnly(k);
        }
        if (!a.bindings.slots.isEmpty() || constantDerived) {
            template = template(rewrittenText != null ? rewrittenText : st.toString(), rewrittenText != null);
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

    /**
     * The text with holes: the literal slots' markers and, when {@code derivedHoles}, each derived parameter's
     * {@code ?} (a plain statement gets them as literals).
     */
    private LiteralTemplate template(String text, boolean derivedHoles) {
        List<LiteralTemplate.Slot> slots = a.bindings.slots;
        TreeMap<Integer, Object[]> holes = new TreeMap<>(); // start → {end, hole}
        Matcher m = SLOT.matcher(text);
        int found = 0;
        while (m.find()) {
            holes.put(m.start(), new Object[] {m.end(), slots.get(Integer.parseInt(m.group(1)))});
            found++;
        }
        if (found != slots.size()) {
            throw a.refuse(Refusals.literalsLost());
        }
        if (derivedHoles) {
            for (int k = 0; k < derivedOffsets.length; k++) {
                holes.put(derivedOffsets[k], new Object[] {derivedOffsets[k] + 1, new LiteralTemplate.DerivedHole(k)});
            }
        }
        List<String> parts = new ArrayList<>();
        List<Object> ordered = new ArrayList<>();
        int at = 0;
        for (Map.Entry<Integer, Object[]> h : holes.entrySet()) {
            parts.add(text.substring(at, h.getKey()));
            ordered.add(h.getValue()[1]);
            at = (Integer) h.getValue()[0];
        }
        parts.add(text.substring(at));
        return new LiteralTemplate(parts.toArray(new String[0]), ordered);
    }

    /**
     * Deparses the rewritten statement with every {@code ?} numbered (originals by their index, derived ones by
     * their marker), then numbers them plainly again, learning where each parameter went.
     */
    private String renumber(Statement st) {
        Bindings b = a.bindings;
        int originalCount = b.dropped.isEmpty() ? 0 : b.dropped.last();
        for (JdbcParameter p : AstParameters.of(st)) {
            if (p.isUseFixedIndex() && p.getIndex() != null && p.getIndex() >= Bindings.DERIVED_MARK) {
                continue;
            }
            if (p.getIndex() == null || p.isUseFixedIndex()) {
                throw a.refuse(Refusals.parametersUnnumbered());
            }
            originalCount = Math.max(originalCount, p.getIndex());
            p.setUseFixedIndex(true);
            p.setIndex(Bindings.ORIGINAL_MARK + p.getIndex());
        }
        String text = st.toString();
        StringBuilder out = new StringBuilder(text.length());
        int[] positions = new int[originalCount];
        int[] derivedPositions = new int[b.derived.size()];
        derivedOffsets = new int[b.derived.size()];
        int position = 0;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                out.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                out.append(c);
            } else if (c == '?' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1))) {
                int j = i + 1;
                while (j < text.length() && Character.isDigit(text.charAt(j))) {
                    j++;
                }
                int n = Integer.parseInt(text.substring(i + 1, j));
                position++;
                if (n >= Bindings.DERIVED_MARK) {
                    derivedPositions[n - Bindings.DERIVED_MARK] = position;
                    derivedOffsets[n - Bindings.DERIVED_MARK] = out.length();
                } else if (n > Bindings.ORIGINAL_MARK && n - Bindings.ORIGINAL_MARK <= originalCount) {
                    positions[n - Bindings.ORIGINAL_MARK - 1] = position;
                } else {
                    throw a.refuse(Refusals.parametersMisplaced());
                }
                out.append('?');
                i = j - 1;
            } else {
                out.append(c);
            }
        }
        boolean[] keep = new boolean[originalCount];
        for (int k : b.buffered) {
            if (k <= originalCount) {
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
            if (derivedPositions[k] == 0) {
                throw a.refuse(Refusals.indexValueLost());
            }
            ds[k] = new ParameterMap.Derived(derivedPositions[k], b.derived.get(k).values(), b.derived.get(k).slot());
        }
        parameterMap = new ParameterMap(positions, keep, ds);
        return out.toString();
    }
}
