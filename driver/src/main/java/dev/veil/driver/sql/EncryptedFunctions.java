package dev.veil.driver.sql;

import dev.veil.driver.schema.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The functions and procedures (outside {@code pg_catalog} and {@code information_schema}) that may hand out an
 * encrypted table's values (trigger functions excepted: they cannot be called from SQL): whose result or argument types include the row type of an encrypted table, child or
 * derived view ({@code RETURNS SETOF patients}, {@code OUT p patients}), whose {@code BEGIN ATOMIC} body depends on
 * such a relation ({@code pg_depend}), or whose body text ({@code prosrc}, any language) mentions one of their names
 * or the name of another such function as a word. The text test is conservative: PostgreSQL does not track what an
 * SQL or PL/pgSQL body reads, so a mention is taken as a read. Dynamic SQL assembling a name from pieces is not
 * seen (docs/what-veil-sees.md §5). A call of such a function through Veil is refused. Immutable.
 */
public final class EncryptedFunctions {

    public static final EncryptedFunctions NONE = new EncryptedFunctions(Map.of(), new Long[0]);

    private static final int ROUNDS = 8;

    private static final String QUERY = "WITH rel AS (SELECT c.oid, c.reltype FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN unnest(?::text[], ?::text[]) AS e(s, t) ON c.relname = e.t AND (e.s = '' OR n.nspname = e.s)) "
            + "SELECT p.oid, n.nspname, p.proname, "
            + "coalesce((SELECT string_agg(DISTINCT c.relname, ', ') FROM pg_catalog.pg_class c JOIN rel ON "
            + "rel.oid = c.oid WHERE c.reltype = p.prorettype OR c.reltype = ANY (p.proallargtypes) "
            + "OR c.reltype = ANY (p.proargtypes::oid[])), '') "
            + "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
            + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
            + "AND p.prorettype NOT IN ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype) "
            + "AND (p.prorettype IN (SELECT reltype FROM rel) "
            + "OR p.proallargtypes && ARRAY(SELECT reltype FROM rel) "
            + "OR p.proargtypes::oid[] && ARRAY(SELECT reltype FROM rel) "
            + "OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass "
            + "AND d.objid = p.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass "
            + "AND d.refobjid IN (SELECT oid FROM rel)) "
            + "OR p.prosrc ~* ?)";

    /** Function name (canonical, unqualified) to what it reaches, for messages. */
    private final Map<String, String> reaches;
    private final Long[] oids;

    private EncryptedFunctions(Map<String, String> reaches, Long[] oids) {
        this.reaches = reaches;
        this.oids = oids;
    }

    /**
     * Reads the functions reaching the given relations (schema null: any), and, round by round, the functions
     * mentioning those functions.
     */
    public static EncryptedFunctions read(Connection connection, Collection<TableName> relations)
            throws SQLException {
        if (relations.isEmpty()) {
            return NONE;
        }
        Map<String, String> reaches = new LinkedHashMap<>();
        Map<Long, Boolean> oids = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (TableName t : relations) {
            names.add(t.name());
        }
        Object[] schemas = new Object[relations.size()];
        Object[] tables = new Object[relations.size()];
        int i = 0;
        for (TableName t : relations) {
            schemas[i] = t.schema() == null ? "" : t.schema();
            tables[i++] = t.name();
        }
        for (int round = 0; round < ROUNDS; round++) {
            int before = oids.size();
            try (PreparedStatement ps = connection.prepareStatement(QUERY)) {
                Array s = connection.createArrayOf("text", schemas);
                Array t = connection.createArrayOf("text", tables);
                ps.setArray(1, s);
                ps.setArray(2, t);
                ps.setString(3, wordPattern(names, reaches.keySet()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (oids.put(rs.getLong(1), Boolean.TRUE) == null) {
                            String types = rs.getString(4);
                            reaches.putIfAbsent(rs.getString(3), rs.getString(2) + "." + rs.getString(3)
                                    + (types.isEmpty() ? " (its body names an encrypted table, or a function that "
                                    + "reads one)" : " (it takes or returns rows of " + types + ")"));
                        }
                    }
                } finally {
                    s.free();
                    t.free();
                }
            }
            if (oids.size() == before) {
                break;
            }
        }
        return reaches.isEmpty() ? NONE
                : new EncryptedFunctions(Map.copyOf(reaches), oids.keySet().toArray(new Long[0]));
    }

    /** {@code \m(a|b)\M}, case-insensitive in the query, with the names' regular expression characters escaped. */
    private static String wordPattern(Collection<String> relations, Collection<String> functions) {
        StringBuilder p = new StringBuilder("\\m(");
        boolean first = true;
        for (Collection<String> names : List.of(relations, functions)) {
            for (String n : names) {
                if (!first) {
                    p.append('|');
                }
                first = false;
                for (int k = 0; k < n.length(); k++) {
                    char c = n.charAt(k);
                    if (!Character.isLetterOrDigit(c) && c != '_') {
                        p.append('\\');
                    }
                    p.append(c);
                }
            }
        }
        return p.append(")\\M").toString();
    }

    /** The OIDs of the functions, for the views that call them ({@link DerivedViews}). */
    Long[] oids() {
        return oids.clone();
    }

    /** The unqualified names of the functions (for the statement pre-check). */
    public Collection<String> names() {
        return reaches.keySet();
    }

    /**
     * The function a canonical statement text calls (a word equal to a function's name followed by {@code (},
     * after optional white space or a closing quote), with what it reaches; null when it calls none. Conservative:
     * a column or alias of the same name followed by a parenthesis counts too.
     */
    String called(String canonical) {
        if (reaches.isEmpty()) {
            return null;
        }
        String lower = canonical.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> e : reaches.entrySet()) {
            String needle = e.getKey().toLowerCase(Locale.ROOT);
            int from = 0;
            while (true) {
                int at = lower.indexOf(needle, from);
                if (at < 0) {
                    break;
                }
                int end = at + needle.length();
                from = at + 1;
                if (at > 0 && identifierChar(lower.charAt(at - 1))) {
                    continue;
                }
                int k = end;
                if (k < lower.length() && lower.charAt(k) == '"') {
                    k++;
                }
                while (k < lower.length() && Character.isWhitespace(lower.charAt(k))) {
                    k++;
                }
                if (k < lower.length() && lower.charAt(k) == '(') {
                    return e.getValue();
                }
            }
        }
        return null;
    }

    private static boolean identifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    public boolean isEmpty() {
        return reaches.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedFunctions && ((EncryptedFunctions) o).reaches.equals(reaches);
    }

    @Override
    public int hashCode() {
        return reaches.hashCode();
    }

    @Override
    public String toString() {
        return "EncryptedFunctions" + reaches.keySet();
    }
}
