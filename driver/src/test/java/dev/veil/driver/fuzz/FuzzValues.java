package dev.veil.driver.fuzz;

import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The columns the generator knows, the values it writes and searches for, and how it spells them: a parameter, or a
 * literal in one of PostgreSQL's forms (standard, {@code E'…'}, dollar-quoted, {@code U&'…'}, typed, cast).
 */
final class FuzzValues {

    enum Kind { INT, TEXT, DATE }

    /** How a column can be searched: plain SQL, an exact or truncated blind index, a compound part, or not at all. */
    enum Search {
        PLAIN("plain"), EXACT("exact index"), TRUNCATED("truncated index"), COMPOUND("compound part"),
        NONE("encrypted, no index");

        final String label;

        Search(String label) {
            this.label = label;
        }
    }

    record Col(String table, String name, Kind kind, Search search) {
        boolean encrypted() {
            return search != Search.PLAIN;
        }
    }

    static final List<Col> PEOPLE = List.of(new Col("people", "id", Kind.INT, Search.PLAIN),
            new Col("people", "grp", Kind.INT, Search.PLAIN), new Col("people", "name", Kind.TEXT, Search.PLAIN),
            new Col("people", "email", Kind.TEXT, Search.EXACT), new Col("people", "ssn", Kind.TEXT, Search.TRUNCATED),
            new Col("people", "last_name", Kind.TEXT, Search.COMPOUND),
            new Col("people", "birth_date", Kind.DATE, Search.COMPOUND),
            new Col("people", "note", Kind.TEXT, Search.NONE), new Col("people", "score", Kind.INT, Search.NONE));

    static final List<Col> STAFF = List.of(new Col("staff", "id", Kind.INT, Search.PLAIN),
            new Col("staff", "person_id", Kind.INT, Search.PLAIN), new Col("staff", "title", Kind.TEXT, Search.PLAIN),
            new Col("staff", "mail", Kind.TEXT, Search.EXACT), new Col("staff", "secret", Kind.TEXT, Search.NONE));

    static List<Col> columns(String table) {
        return table.equals("people") ? PEOPLE : STAFF;
    }

    static Col col(String table, String name) {
        return columns(table).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private final Random r;

    FuzzValues(Random r) {
        this.r = r;
    }

    /** A value for {@code c}: mostly one that is stored, sometimes NULL or one that is not. */
    Object value(Col c) {
        if (r.nextInt(14) == 0) {
            return null;
        }
        return switch (c.name()) {
            case "id" -> c.table().equals("people") ? 1 + r.nextInt(FuzzSchema.PEOPLE + 5)
                    : 1 + r.nextInt(FuzzSchema.STAFF + 3);
            case "grp" -> r.nextInt(6);
            case "person_id" -> 1 + r.nextInt(FuzzSchema.PEOPLE);
            case "name" -> pick(FuzzSchema.NAMES);
            case "title" -> pick(FuzzSchema.TITLES);
            case "email", "mail" -> r.nextInt(12) == 0 ? "absent" + r.nextInt(50) + "@x.org" : pick(FuzzSchema.EMAILS);
            case "ssn" -> r.nextInt(12) == 0 ? "404-04-04" + r.nextInt(10) + r.nextInt(10) : pick(FuzzSchema.SSNS);
            case "last_name" -> pick(FuzzSchema.LAST_NAMES);
            case "birth_date" -> pick(FuzzSchema.DATES);
            case "note", "secret" -> pick(FuzzSchema.NOTES);
            case "score" -> pick(FuzzSchema.SCORES);
            default -> throw new IllegalArgumentException(c.toString());
        };
    }

    <T> T pick(List<T> pool) {
        return pool.get(r.nextInt(pool.size()));
    }

    /**
     * {@code v} as a parameter (when {@code params} allows, mostly) or a literal; the literal's form is recorded in
     * {@code constructs}.
     */
    Sql.Node node(Object v, Kind kind, boolean params, Set<String> constructs) {
        if (params && r.nextInt(10) < 7) {
            return Sql.param(v);
        }
        return literal(v, kind, constructs);
    }

    Sql.Node literal(Object v, Kind kind, Set<String> constructs) {
        if (v == null) {
            constructs.add("NULL literal");
            return Sql.text("NULL");
        }
        String plain = standard(v);
        String spelled = switch (kind) {
            case INT -> plain;
            case DATE -> r.nextBoolean() ? "DATE " + plain : plain;
            case TEXT -> text((String) v, constructs);
        };
        return Sql.literal(spelled, plain);
    }

    private String text(String s, Set<String> constructs) {
        switch (r.nextInt(24)) {
            case 0, 1, 2:
                constructs.add("E'…' literal");
                return escapeString(s);
            case 3, 4:
                if (!s.contains("$q")) {
                    constructs.add("dollar-quoted literal");
                    return "$q$" + s + "$q$";
                }
                return standard(s);
            case 5, 6:
                constructs.add("U&'…' literal");
                return unicodeEscaped(s);
            case 8:
                constructs.add("typed literal text '…'");
                return "text " + standard(s);
            case 7:
                constructs.add("literal cast ::text");
                return standard(s) + "::text";
            default:
                return standard(s);
        }
    }

    static String standard(Object v) {
        if (v instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (v instanceof LocalDate d) {
            return "'" + d + "'";
        }
        return String.valueOf(v);
    }

    static String escapeString(String s) {
        StringBuilder b = new StringBuilder("E'");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append(ch == '\'' && s.length() % 2 == 0 ? "\\'" : "''");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(ch);
            }
        }
        return b.append('\'').toString();
    }

    static String unicodeEscaped(String s) {
        StringBuilder b = new StringBuilder("U&'");
        s.codePoints().forEach(cp -> {
            if (cp == '\'') {
                b.append("''");
            } else if (cp == '\\') {
                b.append("\\\\");
            } else if (cp < 128 && Character.isLetterOrDigit(cp)) {
                b.appendCodePoint(cp);
            } else if (cp <= 0xFFFF) {
                b.append(String.format("\\%04X", cp));
            } else {
                b.append(String.format("\\+%06X", cp));
            }
        });
        return b.append('\'').toString();
    }
}
