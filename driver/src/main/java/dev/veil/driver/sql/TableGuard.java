package dev.veil.driver.sql;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a misspelt table name in the configuration from failing open. A configured table that does not exist may
 * be created later (a migration), so it is not an error by itself; but while it is missing, a statement naming a
 * table that does exist and whose name is a near miss of it (case, plural, an edit or two, or the same name in
 * another schema) is refused with VE012 and a did-you-mean, instead of passing through with its values in plaintext.
 *
 * <p>Cost: runs only for SQL texts not yet planned. Once every configured table has been seen to exist it is a
 * field read (plus a look at the first keyword, so that DDL makes it look again). While one is missing, the text's
 * identifiers are compared with the missing names, and only a near miss costs a catalog query. A text with a near
 * miss that is not (yet) a table is answered {@link Verdict#UNCACHEABLE}, so its plan is made again next time.
 */
public final class TableGuard {

    /** What the guard says of one SQL text. */
    public record Verdict(StatementPlan refused, boolean cacheable) {
        public static final Verdict CLEAR = new Verdict(null, true);
        public static final Verdict UNCACHEABLE = new Verdict(null, false);
    }

    private static final String PG_EXISTS = "SELECT n.nspname FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ? "
            + "AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND (CAST(? AS text) IS NULL OR n.nspname = ?) "
            + "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1";
    /** First words of DDL, which may create, rename or drop a table; a {@code DO} block is also checked. */
    private static final Set<String> DDL = Set.of("create", "alter", "drop", "comment", "import", "security", "do");
    private static final Set<String> TRANSACTION_CONTROL = Set.of("begin", "start", "commit", "end", "rollback",
            "abort", "savepoint", "release", "set", "show", "reset", "discard");

    /** Configured tables and the encrypted columns each is configured with, for messages. */
    private final Map<TableName, List<String>> configured = new LinkedHashMap<>();
    /** What was seen when last looked; null until looked (and after DDL). */
    private volatile Seen seen;

    /** Configured tables not seen to exist, and the names of those that were. */
    private record Seen(Set<TableName> missing, Set<String> present) {
    }

    public TableGuard(VeilConfig config) {
        for (EncryptedColumn c : config.columns()) {
            configured.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c.name());
        }
        for (ConfiguredIndex i : config.blindIndexes()) {
            configured.computeIfAbsent(i.table(), t -> new ArrayList<>()).add(i.name());
        }
    }

    /**
     * Whether a text is transaction control or a session command ({@code ROLLBACK}, {@code SET}, …): it touches no
     * table and must work in an aborted transaction, where a catalog query would fail.
     */
    public static boolean isTransactionControl(String sql) {
        return TRANSACTION_CONTROL.contains(SqlWords.first(sql));
    }

    /** Forgets which configured tables exist, e.g. after DDL. */
    public void reset() {
        seen = null;
    }

    /** Checks a SQL text not planned yet, reading the catalog through {@code connection} when needed. */
    public Verdict check(String sql, Connection connection) throws SQLException {
        String first = SqlWords.first(sql);
        if (TRANSACTION_CONTROL.contains(first)) {
            return Verdict.CLEAR; // must work in an aborted transaction, where a catalog query would fail
        }
        boolean ddl = DDL.contains(first);
        if (ddl) {
            seen = null;
            if (!"do".equals(first)) {
                return Verdict.UNCACHEABLE;
            }
        }
        Verdict verdict = near(sql, connection);
        return ddl && verdict.refused() == null ? Verdict.UNCACHEABLE : verdict;
    }

    private Verdict near(String sql, Connection connection) throws SQLException {
        Seen now = seen;
        if (now == null) {
            now = lookAgain(connection);
        }
        if (now.missing().isEmpty()) {
            return Verdict.CLEAR;
        }
        Map<String, TableName> candidates = new LinkedHashMap<>();
        for (String word : SqlWords.identifiers(sql)) {
            if (now.present().contains(word)) {
                continue; // a configured table that exists: the analysis handles it
            }
            for (TableName t : now.missing()) {
                boolean otherSchema = t.schema() != null && word.equals(t.name());
                if ((otherSchema || NearMiss.near(t.name(), word)) && !candidates.containsKey(word)) {
                    candidates.put(word, t);
                }
            }
        }
        if (candidates.isEmpty()) {
            return Verdict.CLEAR;
        }
        for (Map.Entry<String, TableName> e : candidates.entrySet()) {
            TableName wanted = e.getValue();
            if (!schemasOf(connection, wanted.name(), wanted.schema()).isEmpty()) {
                seen = null; // created since: look again next time
                continue;
            }
            List<String> schemas = schemasOf(connection, e.getKey(), null);
            if (!schemas.isEmpty()) {
                return new Verdict(StatementPlan.refused(refusal(wanted, e.getKey(), schemas), false), false);
            }
        }
        return Verdict.UNCACHEABLE;
    }

    private Seen lookAgain(Connection connection) throws SQLException {
        Set<TableName> absent = new LinkedHashSet<>();
        Set<String> present = new java.util.HashSet<>();
        for (TableName t : configured.keySet()) {
            if (schemasOf(connection, t.name(), t.schema()).isEmpty()) {
                absent.add(t);
            } else {
                present.add(t.name());
            }
        }
        Seen result = new Seen(Set.copyOf(absent), Set.copyOf(present));
        seen = result;
        return result;
    }

    private Refusal refusal(TableName wanted, String found, List<String> schemas) {
        String where = schemas.size() == 1 ? schemas.get(0) + "." + found : found + " (in schemas "
                + String.join(", ", schemas) + ")";
        return new Refusal(VeilSqlState.SCHEMA_MISMATCH, "Veil refused a statement naming table " + found
                + ": the Veil configuration encrypts " + wanted.qualified() + " ("
                + String.join(", ", configured.get(wanted)) + "), which does not exist; did you mean " + where
                + "? Correct the table name in the Veil configuration (or create " + wanted.qualified() + "). Until "
                + "then Veil refuses statements naming " + found + ", so that values meant for "
                + wanted.qualified() + " are not stored in plaintext");
    }

    /** The schemas holding a table (or view) of this exact name, in the given schema only when not null. */
    private static List<String> schemasOf(Connection connection, String name, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        if (!connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")) {
            try (ResultSet rs = connection.getMetaData().getTables(null, schema, name, null)) {
                while (rs.next()) {
                    if (name.equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                        out.add(String.valueOf(rs.getString("TABLE_SCHEM")));
                    }
                }
            }
            return out;
        }
        try (PreparedStatement ps = connection.prepareStatement(PG_EXISTS)) {
            ps.setString(1, name);
            ps.setString(2, schema);
            ps.setString(3, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
