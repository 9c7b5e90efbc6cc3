package dev.veil.driver.sql;

import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

/**
 * A rewritten statement with holes where literals bound for encrypted columns stood. Each execution fills the
 * holes with fresh ciphertexts (encryption is randomized, so the text is never cached with values in it).
 */
final class LiteralTemplate {

    /**
     * One literal: the column it is bound for and its value, already in Java form; or (target null) a blind index
     * value computed from {@code parts}.
     */
    record Slot(Target target, Object value, IndexTarget index, Object[] parts) {
        Slot(Target target, Object value) {
            this(target, value, null, null);
        }
    }

    private final String[] parts;
    private final List<Slot> slots;

    LiteralTemplate(String[] parts, List<Slot> slots) {
        this.parts = parts;
        this.slots = slots;
    }

    String render() throws SQLException {
        StringBuilder sb = new StringBuilder(parts.length * 32);
        for (int i = 0; i < slots.size(); i++) {
            sb.append(parts[i]);
            Slot s = slots.get(i);
            if (s.index() != null) {
                byte[] v = s.index().compute(s.parts());
                sb.append(v == null ? "NULL" : "'\\x" + HexFormat.of().formatHex(v) + "'::bytea");
                continue;
            }
            Object stored = s.target().encrypt(s.value());
            if (stored instanceof byte[]) {
                sb.append("'\\x").append(HexFormat.of().formatHex((byte[]) stored)).append("'::bytea");
            } else {
                // base64 and the prefix never contain a quote or a backslash
                sb.append('\'').append(stored).append('\'');
            }
        }
        sb.append(parts[parts.length - 1]);
        return sb.toString();
    }

    @Override
    public String toString() {
        return "LiteralTemplate[" + slots.size() + " slots]";
    }
}
