package dev.veil.driver.sql;

import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

/**
 * A rewritten statement with holes: where literals bound for encrypted columns stood (filled with fresh ciphertexts
 * each time, encryption being randomized, so the text is never cached with values in it), and where Veil's derived
 * parameters (blind index values, plaintext comparisons) stand. A prepared statement keeps the derived holes as
 * {@code ?} and binds them at each execution; a plain statement gets them as literals computed for its execution.
 */
final class LiteralTemplate {

    /** One literal: the encrypted column it is bound for and its value, already in Java form. */
    record Slot(Target target, Object value) {
    }

    /** A derived parameter's hole: {@code k} is its number in the plan's {@link ParameterMap}. */
    record DerivedHole(int k) {
    }

    private final String[] parts;
    /** {@link Slot} or {@link DerivedHole}, between {@code parts}. */
    private final List<Object> holes;

    LiteralTemplate(String[] parts, List<Object> holes) {
        this.parts = parts;
        this.holes = holes;
    }

    /**
     * The statement text: encrypted literals filled in, derived holes as {@code ?} when {@code derived} is null (to
     * prepare) or as the literals of {@code derived} ({@link ParameterMap#derivedValues}: to execute as is).
     */
    String render(Object[] derived) throws SQLException {
        StringBuilder sb = new StringBuilder(parts.length * 32);
        for (int i = 0; i < holes.size(); i++) {
            sb.append(parts[i]);
            Object h = holes.get(i);
            if (h instanceof DerivedHole) {
                if (derived == null) {
                    sb.append('?');
                } else {
                    literal(sb, derived[((DerivedHole) h).k()]);
                }
                continue;
            }
            Slot s = (Slot) h;
            literal(sb, s.target().encrypt(s.value()));
        }
        sb.append(parts[parts.length - 1]);
        return sb.toString();
    }

    private static void literal(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("NULL");
        } else if (v instanceof byte[]) {
            sb.append("'\\x").append(HexFormat.of().formatHex((byte[]) v)).append("'::bytea");
        } else {
            // ciphertext (base64 and a prefix) or a plaintext comparison's text; standard_conforming_strings is on
            // (Veil refuses otherwise), so only the quote needs doubling
            sb.append('\'').append(v.toString().replace("'", "''")).append('\'');
        }
    }

    @Override
    public String toString() {
        return "LiteralTemplate[" + holes.size() + " holes]";
    }
}
