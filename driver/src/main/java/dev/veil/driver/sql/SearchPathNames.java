package dev.veil.driver.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The names an unqualified reference may resolve differently on two connections: names of encrypted tables,
 * children and derived views that the catalog holds in more than one schema (temporary schemas included) with a
 * different meaning to Veil — one encrypted and one not, other encrypted columns, another shape (columns, types,
 * order). A statement naming one of them unqualified is planned for the table the connection's {@code search_path}
 * resolves it to (asked with {@code to_regclass} before each such statement, one round trip), and its plan is
 * cached under that resolution: two connections whose {@code search_path} differ never share a plan. Where no name
 * is ambiguous — one schema, or schema-per-tenant tables of one shape — this costs nothing. Immutable.
 */
public final class SearchPathNames {

    public static final SearchPathNames NONE = new SearchPathNames(new String[0]);

    private static final String SHAPES = "SELECT n.nspname, c.relname, md5(coalesce(string_agg(a.attname || ':' "
            + "|| a.atttypid || ':' || a.atttypmod, ',' ORDER BY a.attnum), '')) FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            + "WHERE c.relname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            + "AND n.nspname <> 'information_schema' GROUP BY 1, 2";
    private static final String RESOLVE = "SELECT x, (SELECT n.nspname FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.oid = pg_catalog.to_regclass(pg_catalog.quote_ident(x))) FROM unnest(?::text[]) AS x";

    /** The ambiguous names, canonical. */
    private final String[] names;
    private final String[] lower;

    private SearchPathNames(String[] names) {
        this.names = names;
        this.lower = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            lower[i] = names[i].toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Finds the ambiguous names among {@code candidates}.
     *
     * @param meaning what Veil makes of the relation (schema, name) — compared between schemas
     */
    public static SearchPathNames read(Connection connection, Collection<String> candidates,
            BiFunction<String, String, Object> meaning) throws SQLException {
        if (candidates.isEmpty()) {
            return NONE;
        }
        Map<String, Set<List<Object>>> seen = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(SHAPES)) {
            Array array = connection.createArrayOf("text", candidates.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String schema = rs.getString(1);
                    String name = rs.getString(2);
                    seen.computeIfAbsent(name, k -> new HashSet<>()).add(List.of(rs.getString(3),
                            String.valueOf(meaning.apply(schema, name))));
                }
            } finally {
                array.free();
            }
        }
        List<String> ambiguous = new ArrayList<>();
        seen.forEach((name, meanings) -> {
            if (meanings.size() > 1) {
                ambiguous.add(name);
            }
        });
        ambiguous.sort(null);
        return ambiguous.isEmpty() ? NONE : new SearchPathNames(ambiguous.toArray(new String[0]));
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    /**
     * The schema each ambiguous name the text may mention resolves to on {@code connection} (null: not visible),
     * or null when the text mentions none. A text with {@code U&} (an escaped identifier can spell any name) is
     * resolved for every ambiguous name.
     */
    public Map<String, String> resolve(String sql, Connection connection) throws SQLException {
        if (names.length == 0) {
            return null;
        }
        String text = sql.toLowerCase(Locale.ROOT);
        boolean escaped = text.contains("u&");
        List<String> mentioned = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (escaped || text.contains(lower[i])) {
                mentioned.add(names[i]);
            }
        }
        if (mentioned.isEmpty()) {
            return null;
        }
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement(RESOLVE)) {
            Array array = connection.createArrayOf("text", mentioned.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            } finally {
                array.free();
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchPathNames && java.util.Arrays.equals(((SearchPathNames) o).names, names);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(names);
    }

    @Override
    public String toString() {
        return "SearchPathNames" + java.util.Arrays.toString(names);
    }
}
