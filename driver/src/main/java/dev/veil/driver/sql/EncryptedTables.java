package dev.veil.driver.sql;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.TableName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which tables are encrypted: the configured ones and their child tables and partitions (encrypted like their
 * parent, see {@link Inheritance}), and the cheap text pre-check that decides which statements are analysed at all.
 * Thread-safe: the children are replaced as one immutable snapshot.
 */
final class EncryptedTables {

    private final VeilConfig config;
    private final List<String> configured;
    private volatile Snapshot snapshot;

    /**
     * The children, and the lower-case names to look for in a text with, per name, whether it is as long as
     * PostgreSQL's identifiers get (a longer word is truncated to it, so it names the table too).
     */
    private record Snapshot(Inheritance inheritance, DerivedRelations derived, String[] words, boolean[] atLimit) {
        static Snapshot of(Inheritance inheritance, DerivedRelations derived, List<String> configured) {
            List<String> names = new ArrayList<>(configured);
            for (String child : inheritance.childNames()) {
                add(names, child);
            }
            for (String view : derived.views().names()) {
                add(names, view);
            }
            for (String function : derived.functions().names()) {
                add(names, function);
            }
            String[] words = names.toArray(new String[0]);
            boolean[] atLimit = new boolean[words.length];
            for (int i = 0; i < words.length; i++) {
                atLimit[i] = words[i].getBytes(StandardCharsets.UTF_8).length >= PgLexer.MAX_IDENTIFIER_BYTES;
            }
            return new Snapshot(inheritance, derived, words, atLimit);
        }
    }

    EncryptedTables(VeilConfig config) {
        this.config = config;
        List<String> names = new ArrayList<>();
        for (EncryptedColumn c : config.columns()) {
            add(names, c.table().name());
        }
        this.configured = List.copyOf(names);
        this.snapshot = Snapshot.of(Inheritance.NONE, DerivedRelations.NONE, configured);
    }

    private static void add(List<String> names, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!names.contains(n)) {
            names.add(n);
        }
    }

    /** Replaces the known child tables and partitions of encrypted tables (read from the catalog). */
    void inheritance(Inheritance children) {
        this.snapshot = Snapshot.of(children, snapshot.derived(), configured);
    }

    /** Replaces the known derived views, functions and ambiguous names (read from the catalog). */
    void derived(DerivedRelations derived) {
        this.snapshot = Snapshot.of(snapshot.inheritance(), derived, configured);
    }

    DerivedRelations derived() {
        return snapshot.derived();
    }

    Inheritance inheritance() {
        return snapshot.inheritance();
    }

    /** The encrypted columns of a table as referenced, its own or (for a child table or partition) its parent's. */
    Map<String, EncryptedColumn> columnsOf(String schema, String table) {
        Map<String, EncryptedColumn> own = config.columnsOf(schema, table);
        if (!own.isEmpty()) {
            return own;
        }
        Snapshot s = snapshot;
        TableName parent = s.inheritance().parentOf(schema, table);
        if (parent != null) {
            return config.columnsOf(parent.schema(), parent.name());
        }
        DerivedViews.View view = s.derived().views().view(schema, table);
        return view == null ? own : view.decrypting();
    }

    /** The blind indexes of a table as referenced, its own or its parent's (see {@link #columnsOf}). */
    List<ConfiguredIndex> indexesOf(String schema, String table) {
        if (!config.columnsOf(schema, table).isEmpty()) {
            return config.indexesOf(schema, table);
        }
        TableName parent = snapshot.inheritance().parentOf(schema, table);
        if (parent == null && snapshot.derived().views().view(schema, table) != null) {
            return List.of(); // a view: searches through it are refused, see DerivedViews
        }
        return config.indexesOf(parent == null ? schema : parent.schema(), parent == null ? table : parent.name());
    }

    /** The view a reference names when it is derived from encrypted columns, else null. */
    DerivedViews.View view(String schema, String table) {
        return config.columnsOf(schema, table).isEmpty() && snapshot.inheritance().parentOf(schema, table) == null
                ? snapshot.derived().views().view(schema, table) : null;
    }

    /** A refusal when {@code column} of the relation is computed by a view from encrypted columns, else null. */
    Refusal computed(String schema, String table, String column) {
        DerivedViews.View view = view(schema, table);
        if (view != null && view.companions().contains(column)) {
            return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a reference to "
                    + view.name().qualified() + "." + column + ", a blind index's companion column read through "
                    + "view " + view.name().qualified() + ": its values are Veil's keyed index, never data for the "
                    + "application. Leave it out (SELECT * through the view leaves it out)");
        }
        if (view == null || !view.computed().contains(column)) {
            return null;
        }
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: column "
                + view.name().qualified() + "." + column + " is computed by " + (view.materialized()
                ? "materialized view " : "view ") + view.name().qualified() + " (an expression, aggregate, UNION or "
                + "JOIN … USING output) over a relation with encrypted columns, so PostgreSQL computes it from "
                + "ciphertext and Veil cannot tell whether it carries ciphertext. Select the encrypted column itself "
                + "in the view (a plain column reference decrypts) and compute in the application, or query the "
                + "table through Veil");
    }

    /** Whether the relation is a derived view exposing companion columns (hidden from {@code *}). */
    boolean exposesCompanions(TableName name) {
        DerivedViews.View view = view(name.schema(), name.name());
        return view != null && !view.companions().isEmpty();
    }

    /** The columns of a relation without the companion columns a derived view exposes. */
    List<String> withoutCompanions(String schema, String table, List<String> columns) {
        DerivedViews.View view = view(schema, table);
        if (view == null || view.companions().isEmpty()) {
            return columns;
        }
        List<String> out = new ArrayList<>(columns);
        out.removeAll(view.companions());
        return out;
    }

    /** A refusal when a write names a view derived from encrypted columns, else null. */
    Refusal write(String schema, String table) {
        DerivedViews.View view = view(schema, table);
        if (view == null) {
            return null;
        }
        String column = view.decrypting().keySet().stream().findFirst().orElse("?");
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a write through view "
                + view.name().qualified() + ": its column " + view.name().qualified() + "." + column + " reads an "
                + "encrypted column, and a write through the view would not fill that table's blind indexes. Write "
                + "to the table itself");
    }

    /** A refusal when a canonical statement text calls a function that reads encrypted tables, else null. */
    Refusal call(String canonical) {
        String function = snapshot.derived().functions().called(canonical);
        if (function == null) {
            return null;
        }
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a call of function " + function
                + ": code inside the server reads the encrypted values as ciphertext, and Veil cannot see what the "
                + "function returns. Query the encrypted table through Veil instead (or call the function on a "
                + "connection unwrapped from Veil if it returns no encrypted value)");
    }

    /**
     * A cheap scan: false means the text cannot reference an encrypted table (no word equal to one of their names,
     * and no Unicode-escaped identifier that could spell one), so the statement passes through without parsing. It
     * can only widen: anything that might be a name is analysed in full.
     */
    boolean mayTouchEncrypted(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        return namesTable(lower) || lower.contains("u&");
    }

    /** Whether a lower-case text has a word that is, or (truncated to 63 bytes) names, an encrypted table. */
    boolean namesTable(String lower) {
        Snapshot s = snapshot;
        for (int k = 0; k < s.words().length; k++) {
            String needle = s.words()[k];
            int from = 0;
            while (true) {
                int i = lower.indexOf(needle, from);
                if (i < 0) {
                    break;
                }
                int end = i + needle.length();
                if ((i == 0 || !identifierChar(lower.charAt(i - 1))) && (s.atLimit()[k] || end == lower.length()
                        || !identifierChar(lower.charAt(end)))) {
                    return true;
                }
                from = i + 1;
            }
        }
        return false;
    }

    /** The encrypted table names a text mentions, for messages. */
    String mentioned(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String n : snapshot.words()) {
            if (lower.contains(n)) {
                out.add(n);
            }
        }
        return String.join(", ", out);
    }

    private static boolean identifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
