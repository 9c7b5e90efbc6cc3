package dev.veil.driver.sql;

import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.postgresql.PGResultSetMetaData;

/**
 * The views and materialized views whose definition reads an encrypted column, at any depth (a view over such a
 * view too), as the catalog lists them: {@code pg_depend} entries of their {@code pg_rewrite} rule on an encrypted
 * column ({@code refobjsubid} = its attnum) or on another such view. Each output column of such a view is one of:
 *
 * <ul>
 *   <li>a <b>plain reference</b> to an encrypted column (directly, or through nested views, subqueries and CTEs):
 *       read through Veil it decrypts like that column;</li>
 *   <li>a plain reference to a column that is not encrypted: passes through;</li>
 *   <li><b>computed</b> (an expression, an aggregate, a {@code UNION} output, a {@code JOIN … USING} column): Veil
 *       cannot tell whether it carries ciphertext or a result computed on it, so selecting it is refused.</li>
 * </ul>
 *
 * Which output is a plain reference is decided by PostgreSQL itself: Veil describes the view's definition
 * ({@code pg_get_viewdef}, parse and describe only, nothing is executed) and reads each field's origin from the
 * RowDescription (table OID and column number), which the server sets only for an output that is a plain column
 * reference. A definition pgjdbc cannot describe (e.g. one using the {@code ?} operator) makes every column of the
 * view computed. Immutable.
 */
public final class DerivedViews {

    private static final boolean AVAILABLE = available();
    public static final DerivedViews NONE = new DerivedViews(Map.of(), Map.of());

    private static final String QUERY = "WITH RECURSIVE enc(relid, attnum) AS ("
            + "SELECT c.oid, a.attnum FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
            + "JOIN unnest(?::text[], ?::text[], ?::text[]) AS e(s, t, col) "
            + "ON c.relname = e.t AND (e.s = '' OR n.nspname = e.s) AND a.attname = e.col "
            + "WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped), "
            + "derived(relid) AS ("
            + "SELECT r.ev_class FROM pg_catalog.pg_depend d "
            + "JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid "
            + "JOIN enc ON d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = enc.relid "
            + "AND d.refobjsubid = enc.attnum "
            + "UNION SELECT r.ev_class FROM pg_catalog.pg_depend d "
            + "JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid "
            + "WHERE d.refclassid = 'pg_catalog.pg_proc'::regclass AND d.refobjid = ANY (?::oid[]) "
            + "UNION SELECT r.ev_class FROM pg_catalog.pg_depend d "
            + "JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid "
            + "JOIN derived ON d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = derived.relid "
            + "WHERE r.ev_class <> derived.relid) "
            + "SELECT n.nspname, c.relname, c.relkind, pg_catalog.pg_get_viewdef(c.oid) FROM derived "
            + "JOIN pg_catalog.pg_class c ON c.oid = derived.relid "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') "
            + "ORDER BY 1, 2";

    /**
     * One view: the columns that decrypt (as derived columns of the view), the computed ones (refused), and the
     * plain references to a blind index's companion column (hidden from {@code *}, refused when named).
     */
    public record View(TableName name, boolean materialized, Map<String, EncryptedColumn> decrypting,
            List<String> computed, List<String> companions) {
    }

    /** View name (canonical, unqualified) to the views of that name. */
    private final Map<String, List<View>> byName;
    /** Each view's definition and described fields, so that the next read describes only changed views. */
    private final Map<TableName, Described> described;

    private record Described(String definition, List<Field> fields) {
    }

    private DerivedViews(Map<String, List<View>> byName, Map<TableName, Described> described) {
        this.byName = byName;
        this.described = described;
    }

    /**
     * Reads the views derived from encrypted columns, describing only those whose definition differs from
     * {@code previous}.
     *
     * @param encryptedColumns the configured encrypted columns of every encrypted table and child, as (schema or
     *        null for any, table, column)
     * @param functions the OIDs of the functions that read encrypted tables ({@link EncryptedFunctions}): a view
     *        calling one is derived, its output computed
     * @param columnsOf the encrypted columns of a table as the catalog names it (its own or its parent's), empty
     *        when it is not encrypted
     * @param companionsOf the companion (blind-index) columns of a table as the catalog names it
     */
    public static DerivedViews read(Connection connection, DerivedViews previous, List<String[]> encryptedColumns,
            Long[] functions,
            BiFunction<String, String, Map<String, EncryptedColumn>> columnsOf,
            BiFunction<String, String, java.util.Set<String>> companionsOf) throws SQLException {
        if (encryptedColumns.isEmpty()) {
            return NONE;
        }
        List<String[]> found = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(QUERY)) {
            Array[] arrays = new Array[3];
            for (int k = 0; k < 3; k++) {
                Object[] values = new Object[encryptedColumns.size()];
                for (int i = 0; i < values.length; i++) {
                    String v = encryptedColumns.get(i)[k];
                    values[i] = v == null ? "" : v;
                }
                arrays[k] = connection.createArrayOf("text", values);
                ps.setArray(k + 1, arrays[k]);
            }
            Array oids = connection.createArrayOf("oid", functions);
            ps.setArray(4, oids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            } finally {
                for (Array a : arrays) {
                    a.free();
                }
                oids.free();
            }
        }
        if (found.isEmpty()) {
            return NONE;
        }
        Map<TableName, List<Field>> fields = new LinkedHashMap<>();
        Map<TableName, Boolean> materialized = new HashMap<>();
        Map<TableName, String> definitions = new HashMap<>();
        for (String[] f : found) {
            TableName view = new TableName(f[0], f[1]);
            materialized.put(view, "m".equals(f[2]));
            Described known = previous.described.get(view);
            fields.put(view, known != null && java.util.Objects.equals(known.definition(), f[3]) ? known.fields()
                    : describe(connection, view, f[3]));
            definitions.put(view, f[3]);
        }
        Map<String, List<View>> byName = new HashMap<>();
        Resolver resolver = new Resolver(fields, columnsOf, companionsOf);
        for (Map.Entry<TableName, List<Field>> e : fields.entrySet()) {
            TableName view = e.getKey();
            Map<String, EncryptedColumn> decrypting = new LinkedHashMap<>();
            List<String> computed = new ArrayList<>();
            List<String> companions = new ArrayList<>();
            for (Field f : e.getValue()) {
                EncryptedColumn base = resolver.resolve(f, 0);
                if (base == Resolver.COMPUTED) {
                    computed.add(f.label());
                } else if (base == Resolver.COMPANION) {
                    companions.add(f.label());
                } else if (base != null) {
                    decrypting.put(f.label(), new EncryptedColumn(view, f.label(), base.type(), base.boundName()));
                }
            }
            byName.computeIfAbsent(view.name(), k -> new ArrayList<>()).add(new View(view, materialized.get(view),
                    Map.copyOf(decrypting), List.copyOf(computed), List.copyOf(companions)));
        }
        Map<TableName, Described> described = new HashMap<>();
        definitions.forEach((view, definition) -> described.put(view, new Described(definition, fields.get(view))));
        return new DerivedViews(Map.copyOf(byName), Map.copyOf(described));
    }

    /** One output column of a view definition and where it comes from: a table's or view's column, or none. */
    private record Field(String label, String schema, String table, String column) {
    }

    /**
     * The output columns of a view, from the RowDescription of its definition (parse and describe only). A
     * definition that cannot be described gives columns without origin (all computed): the view's own columns.
     */
    private static List<Field> describe(Connection connection, TableName view, String definition)
            throws SQLException {
        List<Field> out = new ArrayList<>();
        // a ? outside strings would be a placeholder to pgjdbc: such a definition is not described
        if (definition != null && AVAILABLE && definition.indexOf('?') < 0) {
            // a failed Parse would abort the application's open transaction: inside one, try behind a savepoint
            java.sql.Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
            try (PreparedStatement ps = connection.prepareStatement(definition)) {
                ResultSetMetaData md = ps.getMetaData();
                if (md != null && md.isWrapperFor(PGResultSetMetaData.class)) {
                    PGResultSetMetaData pg = md.unwrap(PGResultSetMetaData.class);
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String table = pg.getBaseTableName(i);
                        out.add(new Field(md.getColumnLabel(i), emptyToNull(pg.getBaseSchemaName(i)),
                                emptyToNull(table), emptyToNull(pg.getBaseColumnName(i))));
                    }
                }
            } catch (SQLException e) {
                if (connection.isClosed() || "25P02".equals(e.getSQLState())) {
                    throw e; // not the definition's fault: read again later
                }
                out.clear(); // cannot be described as sent by pgjdbc: every column computed
                if (savepoint != null) {
                    connection.rollback(savepoint);
                }
            }
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT a.attname FROM pg_catalog.pg_attribute a "
                + "WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped "
                + "ORDER BY a.attnum")) {
            ps.setString(1, view.sql());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Field(rs.getString(1), null, null, null));
                }
            }
        }
        return out;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static boolean available() {
        try {
            Class.forName("org.postgresql.PGResultSetMetaData", false, DerivedViews.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Follows origins through nested derived views down to a table column. */
    private static final class Resolver {
        static final EncryptedColumn COMPUTED = new EncryptedColumn(new TableName(null, "?"), "?", null, "?");
        static final EncryptedColumn COMPANION = new EncryptedColumn(new TableName(null, "?"), "?", null, "?");
        private final Map<TableName, List<Field>> views;
        private final BiFunction<String, String, Map<String, EncryptedColumn>> columnsOf;
        private final BiFunction<String, String, java.util.Set<String>> companionsOf;

        Resolver(Map<TableName, List<Field>> views, BiFunction<String, String, Map<String, EncryptedColumn>> columnsOf,
                BiFunction<String, String, java.util.Set<String>> companionsOf) {
            this.views = views;
            this.columnsOf = columnsOf;
            this.companionsOf = companionsOf;
        }

        /**
         * The encrypted column an output reads, null for a plain column, {@link #COMPUTED} when computed,
         * {@link #COMPANION} for a companion column.
         */
        EncryptedColumn resolve(Field f, int depth) {
            if (f.table() == null || f.column() == null || depth > 100) {
                return COMPUTED;
            }
            List<Field> nested = views.get(new TableName(f.schema(), f.table()));
            if (nested != null) {
                for (Field n : nested) {
                    if (n.label().equals(f.column())) {
                        return resolve(n, depth + 1);
                    }
                }
                return COMPUTED;
            }
            if (companionsOf.apply(f.schema(), f.table()).contains(f.column())) {
                return COMPANION;
            }
            return columnsOf.apply(f.schema(), f.table()).get(f.column());
        }
    }

    /**
     * The derived view a reference names (schema may be null: any schema, erring towards treating it as derived),
     * or null.
     */
    public View view(String schema, String name) {
        List<View> views = byName.get(name);
        if (views == null) {
            return null;
        }
        for (View v : views) {
            if (schema == null || schema.equals(v.name().schema())) {
                return v;
            }
        }
        return null;
    }

    /** Every derived view. */
    public List<View> all() {
        List<View> out = new ArrayList<>();
        byName.values().forEach(out::addAll);
        return out;
    }

    /** The unqualified names of all derived views (for the statement pre-check). */
    public java.util.Collection<String> names() {
        return byName.keySet();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DerivedViews && ((DerivedViews) o).byName.equals(byName);
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }

    @Override
    public String toString() {
        return "DerivedViews" + byName.keySet();
    }
}
