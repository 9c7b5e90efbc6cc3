package dev.veil.driver.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Renderer} produced for one statement: the text, with a {@code ?} at every parameter hole and
 * nothing at a literal slot's hole, and the holes in output order.
 *
 * @param text the rendered text
 * @param holes every parameter and literal slot, in the order they appear in {@code text}
 */
record Rendered(String text, List<Hole> holes) {

    /** Whose value a hole holds. */
    enum Kind {
        /** The application's parameter {@code number} (1-based, the parser's numbering). */
        ORIGINAL,
        /** Veil's derived parameter {@code number} (0-based, see {@link DerivedParameter}). */
        DERIVED,
        /** Literal slot {@code number} (0-based, see {@link Bindings#slot}); no text of its own. */
        SLOT
    }

    /** One hole: where in {@code text} it is, and whose value it holds. */
    record Hole(int offset, Kind kind, int number) {
    }

    /** The text for the oracle's cross-check: each literal slot as an empty string literal. */
    String checkText() {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        int at = 0;
        for (Hole h : holes) {
            if (h.kind() == Kind.SLOT) {
                sb.append(text, at, h.offset()).append("''");
                at = h.offset();
            }
        }
        return sb.append(text, at, text.length()).toString();
    }

    /** The 1-based position each original parameter is sent at (0: not sent), indexed by its number - 1. */
    int[] originalPositions(int originals) {
        int[] positions = new int[originals];
        int position = 0;
        for (Hole h : holes) {
            if (h.kind() != Kind.SLOT) {
                position++;
                if (h.kind() == Kind.ORIGINAL) {
                    positions[h.number() - 1] = position;
                }
            }
        }
        return positions;
    }

    /** Whether every original parameter is written at its own position (1 at 1, 2 at 2, …). */
    boolean inSourceOrder(int originals) {
        int[] positions = originalPositions(originals);
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] != i + 1) {
                return false;
            }
        }
        return true;
    }

    /** The 1-based position each derived parameter is sent at, indexed by its number. */
    int[] derivedPositions(int derived) {
        int[] positions = new int[derived];
        int position = 0;
        for (Hole h : holes) {
            if (h.kind() != Kind.SLOT) {
                position++;
                if (h.kind() == Kind.DERIVED) {
                    positions[h.number()] = position;
                }
            }
        }
        return positions;
    }

    /**
     * The text as a template: literal slots as holes, and derived parameters as holes too when {@code derivedHoles}
     * (a plain statement gets them as literals); original parameters stay {@code ?}.
     */
    LiteralTemplate template(List<LiteralTemplate.Slot> slots, boolean derivedHoles) {
        List<String> parts = new ArrayList<>();
        List<Object> ordered = new ArrayList<>();
        int at = 0;
        for (Hole h : holes) {
            if (h.kind() == Kind.SLOT) {
                parts.add(text.substring(at, h.offset()));
                ordered.add(slots.get(h.number()));
                at = h.offset();
            } else if (h.kind() == Kind.DERIVED && derivedHoles) {
                parts.add(text.substring(at, h.offset()));
                ordered.add(new LiteralTemplate.DerivedHole(h.number()));
                at = h.offset() + 1; // the '?' written for it
            }
        }
        parts.add(text.substring(at));
        return new LiteralTemplate(parts.toArray(new String[0]), ordered);
    }

    @Override
    public String toString() {
        return "Rendered[" + holes.size() + " holes]"; // the text may hold literals: never in toString
    }
}
