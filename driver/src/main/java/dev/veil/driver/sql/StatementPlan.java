package dev.veil.driver.sql;

import java.sql.SQLException;
import java.util.Map;

/**
 * What Veil does with one SQL text: computed once per text and cached. A plan either passes the statement
 * through, refuses it, or says which parameters to encrypt, which literals to replace and which result columns
 * to decrypt.
 */
public final class StatementPlan {

    /** The statement touches no encrypted column: send it unchanged. */
    public static final StatementPlan PASS_THROUGH = new StatementPlan(null, new Target[0], null, ResultShape.PLAIN,
            Map.of(), null, true);

    private final Refusal refusal;
    private final Target[] parameters;
    private final LiteralTemplate literals;
    private final ResultShape result;
    private final Map<String, Target> modifiedTableColumns;
    private final String sqlToPrepare;
    private final boolean cacheable;
    private boolean schemaChange;
    private ParameterMap parameterMap;
    private java.util.List<IndexTarget> queriedIndexes = java.util.List.of();
    /** Indexes used by constructs that compare stored index values with each other, with each construct. */
    private java.util.Map<IndexTarget, String> singleVersionUses = java.util.Map.of();
    private java.util.List<String> visibleColumns;
    private java.util.List<String> companionColumns = java.util.List.of();
    private int[] rowKeyParameters = new int[0];
    /** Every index in {@link #queriedIndexes()} was found filled (it stays so); set by the runtime. */
    private volatile boolean backfillSeen;

    StatementPlan(Refusal refusal, Target[] parameters, LiteralTemplate literals, ResultShape result,
            Map<String, Target> modifiedTableColumns, String sqlToPrepare, boolean cacheable) {
        this.refusal = refusal;
        this.parameters = parameters;
        this.literals = literals;
        this.result = result;
        this.modifiedTableColumns = modifiedTableColumns;
        this.sqlToPrepare = sqlToPrepare;
        this.cacheable = cacheable;
    }

    /** A refusal raised outside the analysis (e.g. for the connection's settings); not cached. */
    public static StatementPlan refused(dev.veil.driver.error.VeilSqlState state, String message) {
        return refused(new Refusal(state, message), false);
    }

    static StatementPlan refused(Refusal refusal, boolean cacheable) {
        return new StatementPlan(refusal, new Target[0], null, ResultShape.PLAIN, Map.of(), null, cacheable);
    }

    /** A pass-through DDL statement on an encrypted table: cached table shapes and plans must be forgotten. */
    static StatementPlan schemaChange() {
        StatementPlan p = new StatementPlan(null, new Target[0], null, ResultShape.PLAIN, Map.of(), null, true);
        p.schemaChange = true;
        return p;
    }

    /**
     * This plan, sending {@code canonical} instead of the application's text when it would have sent that text
     * unchanged: the analysis read the canonical form (see {@code PgLexer}), so that is what must run.
     */
    StatementPlan sending(String canonical) {
        if (this == PASS_THROUGH || refusal != null || schemaChange || literals != null || sqlToPrepare != null) {
            return this;
        }
        StatementPlan p = new StatementPlan(null, parameters, null, result, modifiedTableColumns, canonical,
                cacheable);
        p.parameterMap = parameterMap;
        p.queriedIndexes = queriedIndexes;
        p.singleVersionUses = singleVersionUses;
        p.visibleColumns = visibleColumns;
        p.companionColumns = companionColumns;
        p.rowKeyParameters = rowKeyParameters;
        return p;
    }

    /** Sets the row-key parameters; only while building the plan. */
    StatementPlan withRowKeys(int[] parameters) {
        this.rowKeyParameters = parameters;
        return this;
    }

    /**
     * Row binding: the parameters (original 1-based positions) holding the row keys that encrypted parameters are
     * bound to; their values are kept, and the encrypted parameters are encrypted at execution (or
     * {@code addBatch}) once the keys are bound. Empty for none (the common case).
     */
    public int[] rowKeyParameters() {
        return rowKeyParameters.length == 0 ? rowKeyParameters : rowKeyParameters.clone();
    }

    /** Sets the modified table's visible and companion columns; only while building the plan. */
    StatementPlan withGeneratedKeys(java.util.List<String> visible, java.util.List<String> companions) {
        this.visibleColumns = java.util.List.copyOf(visible);
        this.companionColumns = java.util.List.copyOf(companions);
        return this;
    }

    /**
     * The columns {@code RETURN_GENERATED_KEYS} must return — the modified table's columns without its blind-index
     * companion columns — or null when the table has none (the driver's own {@code RETURNING *} is then right).
     */
    public String[] generatedKeyColumns() {
        return visibleColumns == null ? null : visibleColumns.toArray(new String[0]);
    }

    /** The modified table's blind-index companion columns (never returned to the application). */
    public java.util.List<String> companionColumns() {
        return companionColumns;
    }

    /** Sets the blind-index parts of a plan; only while building it. */
    StatementPlan withIndexes(ParameterMap map, java.util.List<IndexTarget> queried,
            java.util.Map<IndexTarget, String> singleVersion) {
        this.parameterMap = map;
        this.queriedIndexes = java.util.List.copyOf(queried);
        // in statement order, so a refusal names the first index of the statement
        this.singleVersionUses = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(singleVersion));
        return this;
    }

    /**
     * Refuses (VE010) this execution when a construct of the statement that compares stored index values with each
     * other (a join through a join domain, GROUP BY, count(DISTINCT), ON CONFLICT) goes through a blind index whose
     * key is being rotated: checked before each execution, since keys change while statements stay prepared.
     */
    public void checkKeyVersions() throws SQLException {
        if (singleVersionUses.isEmpty()) {
            return;
        }
        for (java.util.Map.Entry<IndexTarget, String> use : singleVersionUses.entrySet()) {
            use.getKey().requireOneVersion(use.getValue());
        }
    }

    /**
     * How parameters move when Veil rewrote the statement for blind indexes; null when every parameter keeps its
     * position and no index value is derived (the common case, and the fast path).
     */
    public ParameterMap parameterMap() {
        return parameterMap;
    }

    /** The blind indexes this statement searches through (checked for a pending backfill before it runs). */
    public java.util.List<IndexTarget> queriedIndexes() {
        return queriedIndexes;
    }

    /** Whether every index this plan searches through was found filled (see {@link #queriedIndexes()}). */
    public boolean backfillSeen() {
        return backfillSeen;
    }

    /** Records that every index this plan searches through is filled; only the runtime sets it. */
    public void backfillSeen(boolean seen) {
        this.backfillSeen = seen;
    }

    /** Whether running this statement changes the shape of an encrypted table. */
    public boolean isSchemaChange() {
        return schemaChange;
    }

    public boolean isPassThrough() {
        return this == PASS_THROUGH;
    }

    /** Throws the refusal when this statement must not run; a fresh exception each time. */
    public void checkAllowed() throws SQLException {
        if (refusal != null) {
            throw refusal.toException();
        }
    }

    public boolean isRefused() {
        return refusal != null;
    }

    /** Whether the plan may be cached for its SQL text (false when it depended on a table not yet created). */
    public boolean isCacheable() {
        return cacheable;
    }

    /** The encrypted column 1-based parameter {@code index} is bound to, or null when it is plain. */
    public Target parameter(int index) {
        return index <= parameters.length ? parameters[index - 1] : null;
    }

    /** How many parameter positions the plan describes (the last one Veil handles; later ones are plain). */
    public int parameterSlots() {
        return parameters.length;
    }

    public boolean hasEncryptedParameters() {
        for (Target t : parameters) {
            if (t != null) {
                return true;
            }
        }
        return false;
    }

    /** The result (SELECT or RETURNING) columns to decrypt. */
    public ResultShape result() {
        return result;
    }

    /** The {@code table.column} names of the encrypted columns this statement reads or writes, for messages. */
    public java.util.Set<String> encryptedColumns() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (Target t : parameters) {
            if (t != null && !t.isPlain()) {
                out.add(t.column().qualified());
            }
        }
        for (Target t : result.targets()) {
            if (t != null) {
                out.add(t.column().qualified());
            }
        }
        for (Target t : modifiedTableColumns.values()) {
            out.add(t.column().qualified());
        }
        return out;
    }

    /**
     * Encrypted columns of the table an INSERT/UPDATE/DELETE modifies, by canonical name: decrypts
     * {@code getGeneratedKeys()} by label.
     */
    public Map<String, Target> modifiedTableColumns() {
        return modifiedTableColumns;
    }

    public boolean hasLiterals() {
        return literals != null;
    }

    /**
     * The SQL a prepared statement prepares: the original text, or the rewritten one — with fresh ciphertexts for
     * encrypted literals and {@code ?} for the values Veil derives at each execution.
     */
    public String sqlToSend(String original) throws SQLException {
        if (literals != null) {
            return literals.render(null);
        }
        return sqlToPrepare != null ? sqlToPrepare : original;
    }

    /**
     * The SQL a plain statement executes now: as {@link #sqlToSend(String)}, with the derived values (blind index
     * values under the keys of this moment) written in as literals.
     */
    public String sqlToExecute(String original) throws SQLException {
        if (literals != null) {
            return literals.render(parameterMap == null ? null : parameterMap.derivedValues(null));
        }
        return sqlToPrepare != null ? sqlToPrepare : original;
    }
}
