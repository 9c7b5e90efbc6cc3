package dev.veil.driver.schema;

import java.util.Locale;

/**
 * SQL identifier rules as PostgreSQL applies them: an unquoted name folds to lower case, a double-quoted name is
 * kept exactly (with {@code ""} meaning one quote). Canonical form is the folded or unquoted text.
 */
public final class Identifiers {

    private Identifiers() {
    }

    /** Canonical form of one identifier part as written in SQL or configuration. */
    public static String canonical(String raw) {
        String s = raw.trim();
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            return s.substring(1, s.length() - 1).replace("\"\"", "\"");
        }
        if (s.length() >= 2 && s.charAt(0) == '`' && s.charAt(s.length() - 1) == '`') {
            return s.substring(1, s.length() - 1);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** Whether a canonical name can be written unquoted. */
    public static boolean isPlain(String canonical) {
        if (canonical.isEmpty()) {
            return false;
        }
        char c0 = canonical.charAt(0);
        if (!(c0 == '_' || (c0 >= 'a' && c0 <= 'z'))) {
            return false;
        }
        for (int i = 1; i < canonical.length(); i++) {
            char c = canonical.charAt(i);
            if (!(c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** The identifier as it must be written in SQL: plain when possible, else double-quoted. */
    public static String quoteIfNeeded(String canonical) {
        return isPlain(canonical) ? canonical : '"' + canonical.replace("\"", "\"\"") + '"';
    }

    /**
     * Splits a possibly qualified name ({@code schema.table}, {@code "My Schema"."T"}) into canonical parts,
     * honouring quotes.
     */
    public static String[] split(String qualified) {
        java.util.List<String> parts = new java.util.ArrayList<>(2);
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < qualified.length(); i++) {
            char c = qualified.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                cur.append(c);
            } else if (c == '.' && !quoted) {
                parts.add(canonical(cur.toString()));
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(canonical(cur.toString()));
        return parts.toArray(new String[0]);
    }

    /** snake_case of a Java class or field name: {@code heartRate} → {@code heart_rate}, {@code URLValue} → {@code url_value}. */
    public static String snakeCase(String javaName) {
        StringBuilder sb = new StringBuilder(javaName.length() + 8);
        for (int i = 0; i < javaName.length(); i++) {
            char c = javaName.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean prevLower = i > 0 && (Character.isLowerCase(javaName.charAt(i - 1)) || Character.isDigit(javaName.charAt(i - 1)));
                boolean nextLower = i + 1 < javaName.length() && Character.isLowerCase(javaName.charAt(i + 1));
                if (i > 0 && (prevLower || (nextLower && Character.isUpperCase(javaName.charAt(i - 1))))) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
