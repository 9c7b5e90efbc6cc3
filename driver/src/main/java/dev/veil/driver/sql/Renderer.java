package dev.veil.driver.sql;

import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.Statement;

/**
 * Veil's SQL renderer: one walk of JSqlParser's deparsers ({@link RenderingStatements}, {@link
 * RenderingExpressions}) that writes the statement to send and records, in output order, where each of the
 * application's {@code ?} parameters, each parameter Veil derives ({@link DerivedParameter}) and each literal slot
 * (a marker node of {@link Bindings#slot}) lands. Recording happens in the visit of {@code JdbcParameter} and of Veil's marker nodes,
 * never by statement shape, so any expression a rewrite produces is rendered and accounted for by the standard
 * deparser methods. Nothing is renumbered afterwards; positions come from the record alone.
 *
 * <p>Then it accounts, and refuses (VE011) the statement unless every count is exact: each parameter of the
 * application exactly once (none when the analysis dropped it: a compared plaintext is never sent), each derived
 * parameter and each literal slot exactly once, no parameter of another form ({@code ?1}, {@code $1}), and every
 * column reference named like an encrypted column one the analysis resolved or wrote itself (a deparser path
 * that bypasses the visitor — JSqlParser falls back to {@code toString()} in places — leaves its parameters
 * unrecorded, which this refuses). As a last cross-check the oracle, {@link PgLexer} and {@link PgjdbcCrossCheck},
 * must find exactly the recorded number of placeholders in the rendered text (a stray {@code ?}, e.g. an
 * unescaped JSON operator, would shift every parameter after it); this reads the text, it never places anything.
 *
 * <p>The renderer runs once per SQL text, when a statement touches an encrypted column; a statement that touches
 * none is never rendered (it is sent as the application wrote it).
 *
 * <p><b>Fault injection for tests</b>: {@link #faultForTests}, package-private and null in production, makes the
 * renderer deliberately wrong after recording — {@link Fault#SWAP_PARAMETERS} exchanges the recorded identities of
 * the application's first two parameters (or of its only one and the first derived parameter; the text is unchanged, so each value is bound at the other's place: the accounting
 * cannot see it, only a comparison of results can), {@link Fault#DROP_PARAMETER} forgets the first recorded
 * parameter (which the accounting must refuse). Tests set it, run, and reset it in a {@code finally}.
 */
final class Renderer {

    /** A deliberate error of the renderer, for tests that show it is caught. */
    enum Fault {
        SWAP_PARAMETERS, DROP_PARAMETER
    }

    /** Null in production; see the class comment. */
    static volatile Fault faultForTests;

    private final Analysis a;
    private final StringBuilder out = new StringBuilder(256);
    private final List<Rendered.Hole> holes = new ArrayList<>();
    private final Set<String> encryptedNames = new HashSet<>();
    private String problem;

    private Renderer(Analysis a) {
        this.a = a;
        for (EncryptedColumn c : a.schema.config().columns()) {
            encryptedNames.add(Identifiers.canonical(c.name()));
        }
    }

    /**
     * Renders one analysed statement and accounts for it.
     *
     * @param originals the number of the application's {@code ?} parameters (the lexer's count, which the parser
     *     matched)
     * @throws Refusal.Signal when anything is not accounted for
     */
    static Rendered render(Statement st, Analysis a, int originals) {
        Renderer r = new Renderer(a);
        st.accept(new RenderingStatements(r, r.out), null);
        Fault fault = faultForTests;
        if (fault != null) {
            r.inject(fault);
        }
        Rendered rendered = new Rendered(r.out.toString(), List.copyOf(r.holes));
        r.account(rendered, originals);
        return rendered;
    }

    // ---- recording: called by the deparsers as they write ---------------------------------------------------

    /** A {@code JdbcParameter} is written here. */
    void parameter(JdbcParameter p) {
        if (p instanceof DerivedParameter) {
            hole(Rendered.Kind.DERIVED, ((DerivedParameter) p).number);
            out.append('?');
        } else if (p.isUseFixedIndex() || p.getIndex() == null || !"?".equals(p.getParameterCharacter())) {
            problem("a parameter written as " + p.getParameterCharacter() + (p.isUseFixedIndex() ? "n" : ""));
            out.append('?');
        } else {
            hole(Rendered.Kind.ORIGINAL, p.getIndex());
            out.append('?');
        }
    }

    /**
     * Whether {@code value} is a literal slot's marker (see {@link Bindings#slot}); if so, it is written here as a
     * hole its ciphertext fills before each sending.
     */
    boolean slot(net.sf.jsqlparser.expression.StringValue value) {
        Integer number = a.bindings.slotNumber(value);
        if (number == null) {
            return false;
        }
        hole(Rendered.Kind.SLOT, number);
        return true;
    }

    /** A column reference is about to be written: it must be one the analysis decided on. */
    void column(Column c) {
        if (encryptedNames.contains(Identifiers.canonical(c.getColumnName())) && !a.names.accounted(c)
                && !a.rewrites.owns(c)) {
            problem("a reference to " + Identifiers.canonical(c.getColumnName()) + " the analysis did not resolve");
        }
    }

    private void hole(Rendered.Kind kind, int number) {
        holes.add(new Rendered.Hole(out.length(), kind, number));
    }

    private void problem(String what) {
        if (problem == null) {
            problem = what;
        }
    }

    // ---- accounting -------------------------------------------------------------------------------------------

    private void account(Rendered r, int originals) {
        int derived = a.bindings.derived.size();
        int slots = a.bindings.slots.size();
        int[] seenOriginal = new int[originals + 1];
        int[] seenDerived = new int[derived];
        int[] seenSlot = new int[slots];
        int parameters = 0;
        for (Rendered.Hole h : r.holes()) {
            int[] seen = h.kind() == Rendered.Kind.ORIGINAL ? seenOriginal
                    : h.kind() == Rendered.Kind.DERIVED ? seenDerived : seenSlot;
            int i = h.number();
            if (i < 0 || i >= seen.length || (h.kind() == Rendered.Kind.ORIGINAL && i == 0)) {
                problem("a parameter Veil does not know of");
                continue;
            }
            seen[i]++;
            parameters += h.kind() == Rendered.Kind.SLOT ? 0 : 1;
        }
        for (int i = 1; i <= originals; i++) {
            int expected = a.bindings.dropped.contains(i) ? 0 : 1;
            if (seenOriginal[i] != expected) {
                problem("parameter " + i + " rendered " + seenOriginal[i] + " time(s), expected " + expected);
            }
        }
        for (int k = 0; k < derived; k++) {
            if (seenDerived[k] != 1) {
                problem("derived parameter " + (k + 1) + " rendered " + seenDerived[k] + " time(s)");
            }
        }
        for (int s = 0; s < slots; s++) {
            if (seenSlot[s] != 1) {
                problem("literal slot " + (s + 1) + " rendered " + seenSlot[s] + " time(s)");
            }
        }
        if (problem == null) {
            crossCheck(r, parameters);
        }
        if (problem != null) {
            throw a.refuse(Refusals.unaccounted(a.reach.first() != null ? a.reach.first() : a.mentioned(), problem));
        }
    }

    /** The oracle's count of placeholders in the rendered text must be the recorded one. */
    private void crossCheck(Rendered r, int parameters) {
        String text = r.checkText();
        try {
            PgLexer.Lexed lexed = PgLexer.lex(text);
            if (lexed.placeholders() != parameters || lexed.statements() > 1) {
                problem("the rendered text holds " + lexed.placeholders() + " placeholder(s) where " + parameters
                        + " were recorded");
                return;
            }
        } catch (PgLexer.LexException e) {
            problem("the rendered text does not lex");
            return;
        }
        String pgjdbc = PgjdbcCrossCheck.disagreement(text, parameters, 1);
        if (pgjdbc != null) {
            problem("in the rendered text " + pgjdbc);
        }
    }

    private void inject(Fault fault) {
        int first = -1;
        int second = -1;
        for (int i = 0; i < holes.size(); i++) {
            Rendered.Kind kind = holes.get(i).kind();
            if (fault == Fault.DROP_PARAMETER && kind != Rendered.Kind.SLOT) {
                holes.remove(i);
                return;
            }
            if (kind == Rendered.Kind.ORIGINAL) {
                if (first < 0) {
                    first = i;
                } else if (second < 0) {
                    second = i;
                }
            }
        }
        for (int i = 0; second < 0 && first >= 0 && i < holes.size(); i++) {
            if (holes.get(i).kind() == Rendered.Kind.DERIVED) {
                second = i; // one original only: swap it with a derived parameter
            }
        }
        if (second >= 0) {
            Rendered.Hole x = holes.get(first);
            Rendered.Hole y = holes.get(second);
            holes.set(first, new Rendered.Hole(x.offset(), y.kind(), y.number()));
            holes.set(second, new Rendered.Hole(y.offset(), x.kind(), x.number()));
        }
    }
}
