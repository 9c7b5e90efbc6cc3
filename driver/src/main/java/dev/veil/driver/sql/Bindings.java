package dev.veil.driver.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.StringValue;

/**
 * Where one statement's values go: the target of each {@code ?} (by position), the literal slots Veil encrypts,
 * the parameters a blind index is computed from (kept, or dropped when they are compared plaintext never to be
 * sent), and the parameters Veil adds (derived: index values, compared plaintext).
 */
final class Bindings {

    /** Not a value Veil can index (an expression, a column, DEFAULT). */
    static final Object NOT_A_VALUE = new Object();

    /** One derived parameter of a rewrite: which slot of which index values it carries. */
    record DerivedRef(IndexValues values, int slot) {
    }

    private final Analysis a;
    final List<Target> params = new ArrayList<>();
    final List<LiteralTemplate.Slot> slots = new ArrayList<>();
    /** Parameters a blind index value is computed from, and those of them never sent. */
    final TreeSet<Integer> buffered = new TreeSet<>();
    final TreeSet<Integer> dropped = new TreeSet<>();
    /** Derived parameters (index values, plaintext comparisons), by their {@link DerivedParameter#number}. */
    final List<DerivedRef> derived = new ArrayList<>();
    /** The literal slots' marker nodes, by identity, with their numbers. */
    private final java.util.Map<Expression, Integer> slotMarkers = new java.util.IdentityHashMap<>();

    Bindings(Analysis a) {
        this.a = a;
    }

    /** Parameter {@code p} carries a value of encrypted column {@code t}. */
    void bind(JdbcParameter p, Target t) {
        Integer index = p.getIndex();
        if (index == null) {
            throw a.refuse(Refusals.parameterWithoutPosition(t));
        }
        target(index, t);
    }

    private void target(int index, Target t) {
        while (params.size() < index) {
            params.add(null);
        }
        params.set(index - 1, t);
    }

    /**
     * A literal for encrypted column {@code t}: replaced by a marker node (a string literal to every other stage,
     * known by identity), whose place the renderer records and where a fresh ciphertext is written before each
     * sending.
     */
    void slot(Target t, Object value, Consumer<Expression> replace) {
        StringValue marker = new StringValue("slot " + slots.size());
        slotMarkers.put(marker, slots.size());
        replace.accept(marker);
        slots.add(new LiteralTemplate.Slot(t, value));
    }

    /** The number of the literal slot {@code e} marks, or null when it marks none. */
    Integer slotNumber(Expression e) {
        return slotMarkers.get(e);
    }

    /**
     * Where an index part's value comes from: a parameter (kept in a buffer; {@code drop}: never sent, it is a
     * compared plaintext), a literal or NULL (a constant), or {@link #NOT_A_VALUE}.
     */
    Object valueSource(Expression v, Target t, boolean drop) {
        if (v instanceof JdbcParameter) {
            JdbcParameter p = (JdbcParameter) v;
            if (p.getIndex() == null || p.isUseFixedIndex()) {
                return NOT_A_VALUE;
            }
            int i = p.getIndex();
            while (params.size() < i) {
                params.add(null);
            }
            if (t != null) {
                params.set(i - 1, t);
            }
            buffered.add(i);
            if (drop) {
                dropped.add(i);
            }
            a.rewrites.mark();
            return new ParameterMap.ParamRef(i);
        }
        if (v instanceof NullValue) {
            return null;
        }
        if (Literals.isLiteral(v)) {
            return Literals.value(a, v, t);
        }
        if (ComputedValue.isComputed(v) && t != null) {
            // || and casts of parameters and literals (a search compares only constants: typed literals, 'x'::text)
            ComputedValue c = ComputedValue.of(a, v, t, drop ? "a search" : "an index value");
            if (c.parameter() == null) {
                return c.constant(a, t, drop ? "a search" : "an index value");
            }
            if (!drop) {
                valueSource(c.parameter(), t, false);
                return c;
            }
        }
        return NOT_A_VALUE;
    }

    /** The expression carrying the index value a write stores: a derived parameter (a literal for a Statement). */
    Expression indexValue(IndexTarget ix, Object[] sources) {
        return derivedParameter(IndexValues.write(ix, sources), IndexValues.PRIMARY);
    }

    /** A {@code ?} Veil adds, carrying one slot of {@code values} (computed before each execution). */
    Expression derivedParameter(IndexValues values, int slot) {
        a.rewrites.mark();
        DerivedParameter p = new DerivedParameter(derived.size());
        derived.add(new DerivedRef(values, slot));
        return p;
    }
}
