package dev.veil.driver.sql;

import dev.veil.blindindex.BlindIndexDefinition;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import java.time.Duration;

/**
 * Every refusal the analysis returns, built in one place: one method per construct, each message naming the
 * table or table.column, the construct and the fix — never a value. Tools match on the state, never on the text.
 */
final class Refusals {

    private Refusals() {
    }

    private static final String UNWRAPPED = "run it on an unwrapped connection (unwrap(Connection.class) is the Veil "
            + "wrapper; unwrap(PGConnection.class) bypasses Veil) if it carries no encrypted value";

    // ------------------------------------------------------------------------------------------------------------
    // the text as a whole

    static Refusal unlexable(String tables, String why) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that may name an "
                + "encrypted table (" + tables + ") because PostgreSQL would not read its text either (" + why
                + "). Fix the statement's quoting");
    }

    static Refusal lexicalSettingChange(String tables) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a text with several statements that "
                + "changes how PostgreSQL reads strings (standard_conforming_strings / backslash_quote) and names an "
                + "encrypted table (" + tables + "): the statements after the change would be read differently from "
                + "how Veil read them. Send the setting change on its own");
    }

    static Refusal pgjdbcDisagreement(String tables, String disagreement) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because its reading of the text differs from the PostgreSQL driver's ("
                + disagreement + "). Write the statement in plain SQL with ? parameters");
    }

    /** Server-side code ({@code DO}, a function or procedure body) naming an encrypted table. */
    static Refusal serverSideCode(String construct, String tables) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused " + construct + " whose body names "
                + "encrypted table " + tables + ": code that runs inside the server is invisible to Veil, so it "
                + "could store plaintext in an encrypted column or copy ciphertext elsewhere. Do the work in SQL "
                + "statements sent through Veil; if the code must exist, review it and create it on a connection "
                + "unwrapped from Veil — the CHECK constraint of docs/what-veil-sees.md stops plaintext it might "
                + "write");
    }

    static Refusal tooLarge(String tables, String why) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that may name an "
                + "encrypted table (" + tables + ") without analysing it because " + why + " (a bound against "
                + "pathological input). Split it into smaller statements (e.g. several IN lists or batches), or "
                + UNWRAPPED);
    }

    static Refusal parseTimeout(String tables, Duration bound) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because its SQL parser did not finish within " + bound.toMillis()
                + " ms (a bound against pathological input). Simplify the statement (less nesting, shorter lists), "
                + "or " + UNWRAPPED);
    }

    static Refusal unparsable(String tables, String position) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because it could not be parsed"
                + (position != null ? " near " + position : "")
                + ". Veil must understand every statement that may touch an encrypted column. Rewrite it in "
                + "standard SQL, or " + UNWRAPPED);
    }

    static Refusal parameterCount(String tables, int parsed, int lexed) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because its SQL parser found " + parsed + " parameter(s) where "
                + "PostgreSQL's lexical rules give " + lexed + ". Write the statement in plain SQL with ? parameters");
    }

    static Refusal multipleStatements(int count, String column) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a text with " + count + " statements in "
                + "one call because one of them touches encrypted column " + column + " (multiple statements). Send "
                + "the statements one at a time");
    }

    static Refusal unexpectedShape(String tables, Throwable e) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement that names an encrypted "
                + "table (" + tables + ") because it could not analyse it (" + e.getClass().getSimpleName() + "). "
                + "Rewrite it in a simpler form, or run it on an unwrapped connection if it carries no encrypted "
                + "value");
    }

    static Refusal statementKind(String kind, String tables) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a " + kind + " statement that names an "
                + "encrypted table (" + tables + "): Veil cannot guarantee it neither stores plaintext nor returns "
                + "ciphertext. Use INSERT/UPDATE/DELETE/SELECT, or run it on a connection unwrapped from Veil if it "
                + "carries no encrypted value");
    }

    static Refusal createView(Target t) {
        return use(t, "CREATE VIEW", "A view over an encrypted column would hand ciphertext to whoever reads the view. "
                + "Query the table through Veil instead");
    }

    static Refusal copyIntoNewTable(Target t, String construct) {
        return use(t, construct, "The copy would hold ciphertext in a column Veil does not know. Declare the new "
                + "table's column as encrypted with renamed-from: " + t.column().boundName() + " and copy with "
                + "INSERT … SELECT");
    }

    // ------------------------------------------------------------------------------------------------------------
    // an encrypted column used where ciphertext cannot work

    private static final String DEFAULT_FIX = "Encrypted columns can be written, read back, counted and tested with "
            + "IS [NOT] NULL; filter, sort or compute on other columns, or do it in the application after reading";

    /** The general form: column {@code t} is used in {@code construct}, which cannot work on ciphertext; the fix. */
    static Refusal use(Target t, String construct, String fix) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: encrypted column "
                + t.column().qualified() + " is used in " + construct + ", which cannot work on randomized "
                + "ciphertext. " + fix);
    }

    static Refusal use(Target t, String construct) {
        return use(t, construct, DEFAULT_FIX);
    }

    static Refusal wholeRow(Target t, String construct) {
        return use(t, construct + " (a whole-row value)", "A row value would carry ciphertext Veil cannot decrypt "
                + "there. List the columns instead");
    }

    static Refusal orderBy(Target t) {
        return use(t, "ORDER BY", "Sort on another column, or sort in the application after decryption");
    }

    static Refusal selectDistinct(Target t) {
        return use(t, "SELECT DISTINCT", "Select the rows without DISTINCT and de-duplicate after decryption, or use "
                + "a blind index");
    }

    static Refusal groupByWithoutExactIndex(Target t) {
        return use(t, "GROUP BY", "Group by another column, or declare an exact blind index (" + exactBits()
                + ") on it: Veil then groups by the index");
    }

    static Refusal countDistinctWithoutExactIndex(Target t, String construct) {
        return use(t, construct, "Declare an exact blind index (" + exactBits() + ") on the column: Veil then counts "
                + "distinct index values");
    }

    static Refusal setOperationWithStar(Target t, String op) {
        return use(t, op + " with *", "List the columns of each branch");
    }

    static Refusal setOperationMismatch(Target t, String op) {
        return use(t, op + " combining it with a different column", "Each branch must return the same encrypted "
                + "column (same key) at that position");
    }

    static Refusal setOperationDistinct(Target t, String op) {
        return use(t, op + " (duplicate elimination)", "Use UNION ALL, which keeps rows as they are");
    }

    static Refusal starOverJoinUsing(Target t) {
        return use(t, "SELECT * over JOIN … USING", "A * over a USING join merges the join columns, so Veil cannot "
                + "place the encrypted ones. List the columns");
    }

    static Refusal joinUsing(Target t) {
        return use(t, "JOIN … USING", "Join on another column, or through a blind index");
    }

    static Refusal aliasListAfterStar(Target t) {
        return use(t, "a column alias list after a * of unknown width", "List the subquery's columns instead of *");
    }

    static Refusal naturalJoin(Target t) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a NATURAL JOIN involving a relation with "
                + "encrypted columns" + (t == null ? "" : " (" + t.column().qualified() + ")") + ": it may join on "
                + "them. Write JOIN … ON with the columns to join on");
    }

    static Refusal aliasColumnList(TableName table, String alias, EncryptedColumn first) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a column alias list on encrypted table "
                + table + " (" + alias + "(…) renames " + first.qualified() + " and the table's other columns by "
                + "position): the renamed columns would bypass decryption and blind-index rewriting. Alias the table "
                + "without a column list and rename columns in the select list (" + first.name() + " AS …)");
    }

    static Refusal companionReference(TableName table, String column, ConfiguredIndex ci) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a reference to " + table + "." + column
                + ", the companion column of blind index " + ci.qualified() + ": its values are Veil's keyed index of "
                + String.join(", ", ci.columns()) + ", never data for the application. Search by the indexed column "
                + "(WHERE " + ci.columns().get(0) + " = ?) and Veil uses it");
    }

    // ------------------------------------------------------------------------------------------------------------
    // shapes Veil cannot place

    static Refusal withItem(String name, String tables) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil does not understand the WITH item " + name
                + " in a statement that names an encrypted table (" + tables + "); rewrite it without that WITH item");
    }

    static Refusal queryKind(String kind) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil does not understand a " + kind + " query over an "
                + "encrypted table; rewrite it as a plain SELECT");
    }

    static Refusal starOverUnknownTable(TableName table) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil cannot expand * over encrypted table " + table
                + " because it cannot see the table's columns. List the columns");
    }

    static Refusal encryptedAfterUnknownStar() {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil cannot tell where the encrypted columns of this "
                + "result are, because a * before them expands a table whose columns are unknown to it. List the "
                + "columns instead of *");
    }

    static Refusal unnamedRelationUnderStar() {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil must list the columns of SELECT * (a table has "
                + "blind index columns to hide) but a relation in FROM has no name; give it an alias or list the "
                + "columns");
    }

    static Refusal parameterWithoutPosition(Target t) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "a parameter bound for encrypted column "
                + t.column().qualified() + " has no position; use plain ? parameters");
    }

    static Refusal literalNotIso(String type, Target t) {
        return new Refusal(VeilSqlState.CONVERSION, "a " + type + " literal for encrypted column "
                + t.column().qualified() + " is not in ISO form; use a ? parameter");
    }

    /**
     * The renderer could not account for a parameter, a literal slot or a reference to an encrypted column.
     *
     * @param column the first encrypted column the statement reaches (table.column), or the tables it names
     * @param what what was not accounted for (names and counts only, never values)
     */
    static Refusal unaccounted(String column, String what) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil refused a statement on encrypted column "
                + column + " because its renderer could not account for " + what + " (rendering); nothing was "
                + "sent. Write the statement in plain SQL with ? parameters, or report the statement's shape");
    }

    // ------------------------------------------------------------------------------------------------------------
    // writes

    static Refusal defaultValues(TableName table, EncryptedColumn first) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused INSERT … DEFAULT VALUES into encrypted "
                + "table " + table + " (column " + first.qualified() + "): a column default is computed by the server "
                + "and would be stored unencrypted. Name the columns and bind their values (NULL for none)");
    }

    static Refusal insertWithoutColumnList(String construct, TableName table) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, construct + " without a column list into encrypted "
                + "table " + table + ", whose columns Veil cannot see. List the columns");
    }

    static Refusal valueCount(TableName table, int values, int columns) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "INSERT into encrypted table " + table + " has "
                + values + " values for " + columns + " columns");
    }

    static Refusal writtenValue(Target t, String construct, String value) {
        return use(t, construct + " with " + value + " as the value", "Veil encrypts only values it receives: write a "
                + "? parameter or a literal, and compute the value in the application");
    }

    /** A value computed for an encrypted column ({@code ||}, casts) in a form Veil cannot compute exactly. */
    static Refusal computedValue(Target t, String construct, String why) {
        return use(t, construct + " with a computed value (" + why + ")", "Veil computes || and casts of ? parameters "
                + "and literals to text, varchar and integer types; compute anything else in the application and "
                + "write it as a ? parameter");
    }

    /** A select-list expression over an encrypted column Veil cannot evaluate exactly after decryption. */
    static Refusal inexactProjection(Target t, String construct, String why) {
        return use(t, construct + " in the select list (" + why + ")", "Select the column itself and convert it in "
                + "the application");
    }

    /** INSERT … SELECT writing a value (not a copied ciphertext) into an encrypted column, for possibly many rows. */
    static Refusal insertSelectRepeatsValue(Target t, String why) {
        return use(t, "INSERT … SELECT of a ? parameter or literal with " + why, "One ciphertext in several rows "
                + "would show they are equal: insert with VALUES (one row per value), or SELECT without FROM");
    }

    static Refusal insertSelectStar() {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "INSERT … SELECT * involving encrypted columns: Veil "
                + "cannot line up the columns. List them");
    }

    static Refusal insertSelectIntoPlain(Target t, String column) {
        return use(t, "INSERT … SELECT into plain column " + column, "The copy would store ciphertext in a column "
                + "Veil does not decrypt. Declare that column as encrypted (renamed-from: " + t.column().boundName()
                + " to share the key)");
    }

    static Refusal insertSelectOtherKey(Target t, EncryptedColumn into) {
        return use(t, "INSERT … SELECT into " + into.qualified() + ", which has another key", "Copy the values through "
                + "the application, or declare " + into.qualified() + " with renamed-from: " + t.column().boundName());
    }

    static Refusal insertSelectWithIndex(Target t, ConfiguredIndex ci) {
        return use(t, "INSERT … SELECT into a table with blind index " + ci.qualified(), "Veil computes index values "
                + "only from values it receives: insert with VALUES and ? parameters or literals");
    }

    static Refusal onConflictColumn(Target t) {
        return use(t, "ON CONFLICT (…)", "Randomized ciphertexts never conflict. Declare a unique blind index on the "
                + "column and conflict on it");
    }

    static Refusal onConflictWithoutExactIndex(Target t) {
        return use(t, "ON CONFLICT (…)", "Randomized ciphertexts never conflict. Declare an exact blind index on the "
                + "column (" + exactBits() + ") with a unique index on its companion column: Veil then conflicts on "
                + "it");
    }

    static Refusal partialCompoundWrite(Target t, String construct, ConfiguredIndex ci) {
        return use(t, construct + " of only some columns of compound blind index " + ci.qualified(), "Write every "
                + "column of the index together (" + String.join(", ", ci.columns()) + "), so Veil can compute it");
    }

    static Refusal writesCompanion(ConfiguredIndex ci) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: it writes blind index "
                + "column " + ci.qualified() + " itself. Veil fills it; leave it out of the statement");
    }

    /**
     * A part of an index written from something Veil cannot index.
     *
     * @param kind {@code INSERT} or {@code SET}
     */
    static Refusal indexPartValue(Target t, String kind, String value, String column, ConfiguredIndex ci) {
        String fix = kind.equals("SET") ? "Set it from a ? parameter, a literal or NULL, so Veil can compute the index"
                : "Write a ? parameter, a literal or NULL, so Veil can compute the index";
        return use(t, kind + " with " + value + " as the value of " + column + ", which feeds blind index "
                + ci.qualified(), fix);
    }

    static Refusal mixedIndexCopy(Target t, ConfiguredIndex ci) {
        return use(t, "SET mixing copied columns and values for compound blind index " + ci.qualified(), "Set every "
                + "column of the index from values, or copy all of them");
    }

    static Refusal mergeWritesIndex(Target t, ConfiguredIndex ci) {
        return use(t, "MERGE writing a column of blind index " + ci.qualified(), "Use INSERT … ON CONFLICT or UPDATE, "
                + "where Veil fills the index");
    }

    static Refusal mergeForm(String tables) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil does not understand this form of MERGE on an "
                + "encrypted table (" + tables + "); write MERGE INTO … USING … ON … WHEN …");
    }

    static Refusal mergeAction(String kind) {
        return new Refusal(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil does not understand a MERGE action (" + kind
                + ") on an encrypted table; split the MERGE into INSERT … ON CONFLICT / UPDATE / DELETE");
    }

    // ------------------------------------------------------------------------------------------------------------
    // searches through blind indexes

    static Refusal searchThroughSubquery(Target t, String construct) {
        return use(t, construct + " on a column of a subquery or CTE", "Search through the blind index inside the "
                + "subquery (compare the column there), where Veil sees the table");
    }

    static Refusal searchWithoutIndex(Target t, String column, String construct) {
        return use(t, construct, "Declare a blind index on the column (blind-index: " + column + "_bidx, or "
                + "@BlindIndex) to search it by equality; other comparisons cannot work on encrypted values");
    }

    static Refusal truncatedSearch(Target t, IndexTarget ix, String construct, String why) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: encrypted column "
                + t.column().qualified() + " is searched with " + construct + " through blind index "
                + ix.index().qualified() + ", which is truncated to " + ix.index().definition().bits() + " bits and so "
                + "also matches other values. Veil drops those false positives only in a plain SELECT (no aggregate, "
                + "GROUP BY, DISTINCT, LIMIT/OFFSET/FETCH) whose WHERE compares the column with = or IN as a "
                + "top-level AND condition; here it is " + why + ". Use an exact index (bits: "
                + BlindIndexDefinition.EXACT_BITS + " or more) for this statement");
    }

    static Refusal joinOfEncrypted(Target l, Target r, String construct, boolean differentKeys) {
        String fix = "Compare two encrypted columns only through exact blind indexes (" + exactBits() + ") that share "
                + "a key: give both indexes the same join domain (domain: …) — " + l.column().qualified() + " and "
                + r.column().qualified();
        return use(l, construct + " with " + r.column().qualified()
                + (differentKeys ? " (their blind indexes have different keys)" : ""), fix);
    }

    static Refusal compoundUnderNot(Target t, String construct) {
        return use(t, construct + " under NOT", "The compound index has no value for a row with a NULL part, so under "
                + "NOT such a row would be missed where the original condition is false. Write the condition without "
                + "NOT (e.g. the positive search and EXCEPT, or compare in the application)");
    }

    static Refusal migrationWindow(Target t, IndexTarget ix, String construct, String why, String fix) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: encrypted column "
                + t.column().qualified() + " is in its migration window (legacy-plaintext), where " + construct
                + " through blind index " + ix.index().qualified() + " must also find the rows still in plaintext, and "
                + why + ". " + fix);
    }

    static Refusal arrayQuantifier(Target t, String construct) {
        return use(t, construct, "Search with = ANY(?) (or SOME) or <> ALL(?): a value is looked up under each "
                + "enabled key version of the blind index, so <> ANY and = ALL would compare a row with an index "
                + "value it does not have");
    }

    static Refusal nullSafeSearch(Target t, IndexTarget ix, String construct, String why) {
        return new Refusal(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: encrypted column "
                + t.column().qualified() + " is compared with " + construct + " through blind index "
                + ix.index().qualified() + ", which " + why + ", so a NULL-safe comparison cannot be exact. Compare "
                + "with = ? and IS NULL instead (col = ? OR (? IS NULL AND col IS NULL) written out by the "
                + "application)");
    }

    static Refusal caseFoldWithoutLowercase(Target t, String construct, ConfiguredIndex ci) {
        return use(t, construct, ci == null ? "Declare a blind index that normalizes case (blind-index: { normalize: "
                + "[lowercase] }) to search the column by lower(col) = ? / upper(col) = ?"
                : "Add normalize: [lowercase] to blind index " + ci.qualified() + " (then rebuild it: veil "
                + "backfill), or search with col = ?");
    }

    static Refusal subqueryOfOtherKey(Target t, String construct, String why) {
        return use(t, construct, "Compare an encrypted column with a subquery's only through exact blind indexes "
                + "(" + exactBits() + ") that share a key (the same join domain), the subquery selecting the column "
                + "itself; here " + why);
    }

    static Refusal missingCompanion(ConfiguredIndex ci, TableName table, String use, boolean unique) {
        return new Refusal(VeilSqlState.SCHEMA_MISMATCH, "blind index " + ci.qualified() + " (declared by "
                + ci.origin() + ") has no companion column in table " + table + ", so Veil can neither fill it nor "
                + "search through it (" + use + "). Create it: ALTER TABLE " + table.sql() + " ADD COLUMN "
                + Identifiers.quoteIfNeeded(ci.name()) + " bytea; CREATE " + (unique ? "UNIQUE " : "") + "INDEX "
                + Identifiers.quoteIfNeeded(table.name() + "_" + ci.name() + "_idx") + " ON " + table.sql() + " ("
                + Identifiers.quoteIfNeeded(ci.name()) + ");");
    }

    static Refusal companionNotBytea(ConfiguredIndex ci, TableName table, String type) {
        return new Refusal(VeilSqlState.SCHEMA_MISMATCH, "blind index " + ci.qualified() + " is stored in column "
                + ci.name() + " of SQL type " + type + "; it must be bytea: ALTER TABLE " + table.sql()
                + " ALTER COLUMN " + Identifiers.quoteIfNeeded(ci.name()) + " TYPE bytea USING NULL -- then rebuild "
                + "the index");
    }

    private static String exactBits() {
        return "bits of " + BlindIndexDefinition.EXACT_BITS + " or more";
    }

    // ------------------------------------------------------------------------------------------------------------
    // row binding (the refusals themselves are RowKeys'; these are the problems it names)

    /** An ON CONFLICT … DO UPDATE {@code ?} of a multi-row INSERT into a bound table. */
    static String multiRowConflictKey() {
        return "ON CONFLICT … DO UPDATE of a multi-row INSERT cannot tell which row's key a ? belongs to. "
                + "Write EXCLUDED.column instead, or insert one row at a time";
    }

    /** An ON CONFLICT … DO UPDATE of a bound table whose conflict is not over the key columns. */
    static String conflictNotOverKey(java.util.Set<String> on, String keyNames) {
        return "ON CONFLICT … DO UPDATE conflicts over " + (on.isEmpty() ? "a constraint" : String.join(", ", on))
                + ", not over the key (" + keyNames + "), so the row it updates may have another key than the row "
                + "it inserts. Conflict over the key: ON CONFLICT (" + keyNames + ")";
    }
}
