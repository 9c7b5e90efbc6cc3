package dev.veil.driver.sql;

import dev.veil.blindindex.BlindIndexer;
import dev.veil.driver.ConfiguredIndex;
import dev.veil.driver.EncryptedColumn;
import dev.veil.driver.Identifiers;
import dev.veil.driver.TableName;
import dev.veil.driver.VeilConfig;
import dev.veil.driver.VeilSqlState;
import dev.veil.driver.codec.ColumnCipher;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DateValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.ExtractExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeValue;
import net.sf.jsqlparser.expression.TimestampValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperation;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Turns one SQL text into a {@link StatementPlan}: which {@code ?} parameters and literals are bound for encrypted
 * columns, which result columns to decrypt, or why the statement must be refused. JSqlParser types stay inside
 * this package.
 *
 * <p>The rules, in short: an encrypted column may be written ({@code ?}, a literal, NULL, or a copy of a column
 * with the same key), read back (projected, possibly through aliases, subqueries, CTEs and UNION ALL of matching
 * columns), counted, and tested with {@code IS [NOT] NULL}. Anything else that touches it — comparison, LIKE,
 * ORDER BY, GROUP BY, DISTINCT, functions, casts, arithmetic, whole-row values — is refused before anything is sent.
 * Writes are INSERT (VALUES, SELECT, ON CONFLICT), UPDATE, DELETE and MERGE (WHEN MATCHED UPDATE/DELETE, WHEN NOT
 * MATCHED INSERT). Subqueries are analysed wherever they appear; any shape the analysis does not expect is refused
 * (VE011), never guessed. See the README's table of supported and refused forms.
 */
public final class SqlAnalyzer {

    private static final Pattern SLOT = Pattern.compile("'\u0001(\\d+)\u0001'");
    private static final java.util.Set<String> AGGREGATES = java.util.Set.of("count", "sum", "avg", "min", "max",
            "array_agg", "string_agg", "bool_and", "bool_or", "every", "json_agg", "jsonb_agg", "json_object_agg",
            "jsonb_object_agg", "bit_and", "bit_or", "stddev", "variance", "mode", "percentile_cont",
            "percentile_disc", "xmlagg", "range_agg");
    private static final String EXCLUDED = "excluded";

    private static final int ORIGINAL_MARK = 100_000;
    private static final int DERIVED_MARK = 500_000;
    private static final String HIDDEN_LABEL = "veil_filter_";

    private final VeilConfig config;
    private final java.util.function.Function<EncryptedColumn, ColumnCipher> ciphers;
    private final java.util.function.Function<ConfiguredIndex, BlindIndexer> indexers;
    /** Which tables are encrypted: configured ones and their children; the cheap pre-check. */
    private final EncryptedTables tables;
    private final Dialect dialect = PostgresDialect.INSTANCE;
    private final AnalysisBounds bounds;

    public SqlAnalyzer(VeilConfig config, java.util.function.Function<EncryptedColumn, ColumnCipher> ciphers) {
        this(config, ciphers, i -> null);
    }

    /**
     * @param indexers the indexer of each configured blind index (one instance per index)
     */
    public SqlAnalyzer(VeilConfig config, java.util.function.Function<EncryptedColumn, ColumnCipher> ciphers,
            java.util.function.Function<ConfiguredIndex, BlindIndexer> indexers) {
        this(config, ciphers, indexers, AnalysisBounds.DEFAULT);
    }

    SqlAnalyzer(VeilConfig config, java.util.function.Function<EncryptedColumn, ColumnCipher> ciphers,
            java.util.function.Function<ConfiguredIndex, BlindIndexer> indexers, AnalysisBounds bounds) {
        this.bounds = bounds;
        this.config = config;
        this.ciphers = ciphers;
        this.indexers = indexers;
        this.tables = new EncryptedTables(config);
    }

    /** See {@link EncryptedTables#inheritance(Inheritance)}. */
    public void inheritance(Inheritance children) {
        tables.inheritance(children);
    }

    public Inheritance inheritance() {
        return tables.inheritance();
    }

    /** See {@link EncryptedTables#mayTouchEncrypted(String)}. */
    public boolean mayTouchEncrypted(String sql) {
        return tables.mayTouchEncrypted(sql);
    }

    Map<String, EncryptedColumn> columnsOf(String schema, String table) {
        return tables.columnsOf(schema, table);
    }

    List<ConfiguredIndex> indexesOf(String schema, String table) {
        return tables.indexesOf(schema, table);
    }

    /**
     * Analyses one SQL text. Never throws for the statement's own sake: a refusal is returned as a refused plan.
     *
     * @throws SQLException only when reading the catalog fails
     */
    public StatementPlan analyze(String original, Catalog catalog) throws SQLException {
        if (!mayTouchEncrypted(original)) {
            return StatementPlan.PASS_THROUGH;
        }
        String tooLarge = bounds.exceeded(original);
        if (tooLarge != null) {
            // not cached: a refused plan would keep the text
            return StatementPlan.refused(Refusals.tooLarge(mentionedTables(original), tooLarge), false);
        }
        PgLexer.Lexed lexed;
        try {
            lexed = dialect.lex(original);
        } catch (PgLexer.LexException e) {
            return StatementPlan.refused(Refusals.unlexable(mentionedTables(original), e.getMessage()), true);
        }
        String sql = lexed.canonical();
        if (!tables.namesTable(original.toLowerCase(Locale.ROOT)) && !tables.namesTable(sql.toLowerCase(Locale.ROOT))) {
            return StatementPlan.PASS_THROUGH;
        }
        Refusal lexical = dialect.lexicalRefusal(original, lexed, tables.mentioned(original));
        if (lexical != null) {
            return StatementPlan.refused(lexical, true);
        }
        String beyond = bounds.exceeded(lexed);
        if (beyond != null) {
            return StatementPlan.refused(Refusals.tooLarge(mentionedTables(sql), beyond), true);
        }
        StatementPlan plan = analyzeCanonical(sql, lexed, catalog);
        return lexed.changed(original) ? plan.sending(sql) : plan;
    }

    private StatementPlan analyzeCanonical(String sql, PgLexer.Lexed lexed, Catalog catalog) throws SQLException {
        Statements statements;
        try {
            statements = dialect.parse(sql, bounds);
        } catch (Dialect.ParseTimeout e) {
            return StatementPlan.refused(Refusals.parseTimeout(mentionedTables(sql), bounds.parseTime()), false);
        } catch (Exception | StackOverflowError e) {
            return StatementPlan.refused(Refusals.unparsable(mentionedTables(sql),
                    e instanceof Exception ? position(e) : null), true);
        }
        int parsedParameters = 0;
        for (Statement st : statements) {
            parsedParameters += jdbcParameters(st).size();
        }
        if (parsedParameters != lexed.placeholders()) {
            return StatementPlan.refused(Refusals.parameterCount(mentionedTables(sql), parsedParameters,
                    lexed.placeholders()), true);
        }
        Run run = new Run(sql, catalog);
        try {
            if (statements.size() != 1) {
                for (Statement st : statements) {
                    Run probe = new Run(sql, catalog);
                    String column;
                    try {
                        probe.statement(st);
                        column = probe.firstTouched;
                    } catch (Refusal.Signal refused) {
                        // refused on its own as well: still name the first encrypted column it reaches
                        column = probe.firstTouched != null ? probe.firstTouched : mentionedTables(sql);
                    }
                    if (probe.touched || column != null) {
                        throw new Refusal.Signal(Refusals.multipleStatements(statements.size(),
                                column == null ? "(" + mentionedTables(sql) + ")" : column), run.cacheable);
                    }
                }
                return StatementPlan.PASS_THROUGH;
            }
            Statement st = statements.get(0);
            List<Out> outs = run.statement(st);
            if (run.schemaChange) {
                return StatementPlan.schemaChange();
            }
            if (!run.touched) {
                return StatementPlan.PASS_THROUGH;
            }
            return run.plan(st, outs);
        } catch (Refusal.Signal s) {
            return StatementPlan.refused(s.refusal, s.cacheable);
        } catch (CatalogFailure f) {
            throw f;
        } catch (RuntimeException | StackOverflowError e) {
            // a shape the analysis does not expect: refuse rather than guess
            return StatementPlan.refused(Refusals.unexpectedShape(mentionedTables(sql), e), true);
        }
    }

    private static String position(Throwable e) {
        String m = String.valueOf(e.getMessage());
        Matcher matcher = Pattern.compile("line (\\d+), column (\\d+)").matcher(m);
        return matcher.find() ? "line " + matcher.group(1) + ", column " + matcher.group(2) : "an unknown position";
    }

    private String mentionedTables(String sql) {
        return tables.mentioned(sql);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Analysis state of one statement

    /** One derived parameter of a rewrite: which slot of which index values it carries. */
    private record DerivedRef(IndexValues values, int slot) {
    }

    /** One output column of a query: its label and, when it carries ciphertext, the column's target. */
    private record Out(String label, Target target, boolean unknownWidth) {
        static final Out UNKNOWN = new Out(null, null, true);

        Out(String label, Target target) {
            this(label, target, false);
        }
    }

    /** A relation visible in a scope: a table, a derived table or a CTE. */
    private abstract static class Source {
        final String alias;

        Source(String alias) {
            this.alias = alias;
        }

        abstract Target encrypted(String column);

        abstract List<Out> all();

        abstract boolean matches(String schema, String name);

        abstract boolean hasEncrypted();

        /** Whether the relation has a column of this canonical name (false when unknown). */
        abstract boolean hasColumn(String column);
    }

    private static final class Scope {
        final Scope parent;
        final List<Source> sources = new ArrayList<>();
        final Map<String, List<Out>> ctes = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        List<Out> cte(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                List<Out> o = s.ctes.get(name);
                if (o != null) {
                    return o;
                }
            }
            return null;
        }
    }

    private final class Run {
        final String sql;
        final Catalog catalog;
        final List<Target> params = new ArrayList<>();
        final List<LiteralTemplate.Slot> slots = new ArrayList<>();
        final Map<String, Catalog.TableInfo> tables = new HashMap<>();
        Map<String, Target> modified = Map.of();
        boolean touched;
        /** {@code table.column} of the first encrypted column the statement reaches, for messages. */
        String firstTouched;
        boolean schemaChange;
        boolean cacheable = true;
        /** The statement's AST was changed for blind indexes and must be sent as deparsed. */
        boolean rewritten;
        boolean inMerge;
        /** Derived parameters (index values, plaintext comparisons), by marker number - DERIVED_MARK. */
        final List<DerivedRef> derived = new ArrayList<>();
        /** Indexes used by constructs that compare stored index values with each other (need one key version). */
        final Map<IndexTarget, String> singleVersion = new LinkedHashMap<>();
        /** Search predicates Veil wrote (rewrites of the application's): never analysed again. */
        final java.util.Set<Expression> rewrittenPredicates = java.util.Collections.newSetFromMap(
                new java.util.IdentityHashMap<>());
        /** How many NOTs enclose the condition being rewritten. */
        int negations;
        final java.util.Set<Integer> dropped = new java.util.TreeSet<>();
        final java.util.Set<Integer> buffered = new java.util.TreeSet<>();
        final List<IndexTarget> queried = new ArrayList<>();
        final Map<String, IndexTarget> indexTargets = new HashMap<>();
        /** The outermost SELECT, the only one whose rows Veil can post-filter. */
        PlainSelect outermost;
        final List<Column> hiddenColumns = new ArrayList<>();
        final List<RowFilter> filters = new ArrayList<>();
        /** While a SELECT list is analysed: the columns its GROUP BY groups through an index. */
        List<Hit> grouped = List.of();

        Run(String sql, Catalog catalog) {
            this.sql = sql;
            this.catalog = catalog;
        }

        Refusal.Signal refuse(VeilSqlState state, String message) {
            return new Refusal.Signal(new Refusal(state, message), cacheable);
        }

        Refusal.Signal refuseUse(Target t, String construct, String fix) {
            return refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: encrypted column "
                    + t.column().qualified() + " is used in " + construct + ", which cannot work on randomized "
                    + "ciphertext. " + fix);
        }

        Refusal.Signal refuseUse(Target t, String construct) {
            return refuseUse(t, construct, "Encrypted columns can be written, read back, counted and tested with "
                    + "IS [NOT] NULL; filter, sort or compute on other columns, or do it in the application after "
                    + "reading");
        }

        // --------------------------------------------------------------------------------------------------------
        // catalog

        Catalog.TableInfo info(TableName name) {
            String key = name.qualified();
            if (tables.containsKey(key)) {
                return tables.get(key);
            }
            Catalog.TableInfo info;
            try {
                info = catalog.table(name);
            } catch (SQLException e) {
                throw new CatalogFailure(e);
            }
            if (info == null) {
                cacheable = false;
            }
            tables.put(key, info);
            return info;
        }

        Target target(EncryptedColumn column, TableName referenced) {
            touched = true;
            if (firstTouched == null) {
                firstTouched = column.qualified();
            }
            Catalog.TableInfo info = info(referenced);
            ColumnCipher.Storage storage = ColumnCipher.Storage.BINARY;
            if (info != null) {
                String type = info.typeOf(column.name());
                if (type == null) {
                    cacheable = false;
                } else {
                    storage = ColumnCheck.storage(column, referenced, type, info.lengthOf(column.name()));
                }
            }
            return new Target(column, ciphers.apply(column), storage);
        }

        void bind(JdbcParameter p, Target t) {
            Integer index = p.getIndex();
            if (index == null) {
                throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "a parameter bound for encrypted column "
                        + t.column().qualified() + " has no position; use plain ? parameters");
            }
            while (params.size() < index) {
                params.add(null);
            }
            params.set(index - 1, t);
        }

        void slot(Target t, Object value, Consumer<Expression> replace) {
            if (sql.indexOf('\u0001') >= 0) {
                throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "the statement contains a U+0001 character and a "
                        + "literal for encrypted column " + t.column().qualified() + "; use a ? parameter");
            }
            replace.accept(new StringValue("\u0001" + slots.size() + "\u0001"));
            slots.add(new LiteralTemplate.Slot(t, value));
        }

        StatementPlan plan(Statement st, List<Out> outs) {
            Target[] targets = null;
            String[] labels = null;
            int count = -1;
            if (outs != null && !outs.isEmpty()) {
                int last = -1;
                boolean unknownBefore = false;
                boolean anyUnknown = false;
                for (int i = 0; i < outs.size(); i++) {
                    Out o = outs.get(i);
                    if (o.unknownWidth()) {
                        anyUnknown = true;
                    } else if (o.target() != null) {
                        last = i;
                        unknownBefore |= anyUnknown;
                    }
                }
                if (unknownBefore) {
                    throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil cannot tell where the encrypted columns "
                            + "of this result are, because a * before them expands a table whose columns are unknown "
                            + "to it. List the columns instead of *");
                }
                targets = new Target[last + 1];
                labels = new String[last + 1];
                for (int i = 0; i <= last; i++) {
                    targets[i] = outs.get(i).target();
                    labels[i] = outs.get(i).label();
                }
                count = anyUnknown ? -1 : outs.size();
            }
            ResultShape shape = targets == null ? ResultShape.PLAIN : new ResultShape(targets, labels, count);
            if (!filters.isEmpty()) {
                shape = new ResultShape(targets == null ? new Target[0] : targets,
                        labels == null ? new String[0] : labels, count < 0 ? -1 : count + hiddenColumns.size(),
                        hiddenColumns.size(), filters.toArray(new RowFilter[0]));
            }
            String rewrittenText = null;
            ParameterMap map = null;
            if (rewritten) {
                rewrittenText = renumber(st);
                map = parameterMap;
            }
            LiteralTemplate template = null;
            boolean constantDerived = false;
            for (int k = 0; map != null && k < map.derivedCount(); k++) {
                constantDerived |= map.derivedFromConstantsOnly(k);
            }
            if (!slots.isEmpty() || constantDerived) {
                template = template(rewrittenText != null ? rewrittenText : st.toString(), rewrittenText != null);
            }
            StatementPlan plan = new StatementPlan(null, params.toArray(new Target[0]), template, shape, modified,
                    template == null ? rewrittenText : null, cacheable);
            List<ConfiguredIndex> modifiedIndexes = modifiedSource == null ? List.of() : indexesOf(modifiedSource);
            if (!modifiedIndexes.isEmpty()) {
                List<String> companions = new ArrayList<>();
                for (ConfiguredIndex ci : modifiedIndexes) {
                    companions.add(ci.name());
                }
                plan.withGeneratedKeys(modifiedSource.visible(), companions);
            }
            return map != null || !queried.isEmpty() || !singleVersion.isEmpty()
                    ? plan.withIndexes(map, queried, singleVersion) : plan;
        }

        /**
         * The text with holes: the literal slots' markers and, when {@code derivedHoles}, each derived parameter's
         * {@code ?} (a plain statement gets them as literals).
         */
        private LiteralTemplate template(String text, boolean derivedHoles) {
            java.util.TreeMap<Integer, Object[]> holes = new java.util.TreeMap<>(); // start → {end, hole}
            Matcher m = SLOT.matcher(text);
            int found = 0;
            while (m.find()) {
                holes.put(m.start(), new Object[] {m.end(), slots.get(Integer.parseInt(m.group(1)))});
                found++;
            }
            if (found != slots.size()) {
                throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil could not rewrite the literals bound for "
                        + "encrypted columns in this statement; use ? parameters");
            }
            if (derivedHoles) {
                for (int k = 0; k < derivedOffsets.length; k++) {
                    holes.put(derivedOffsets[k],
                            new Object[] {derivedOffsets[k] + 1, new LiteralTemplate.DerivedHole(k)});
                }
            }
            List<String> parts = new ArrayList<>();
            List<Object> ordered = new ArrayList<>();
            int at = 0;
            for (Map.Entry<Integer, Object[]> h : holes.entrySet()) {
                parts.add(text.substring(at, h.getKey()));
                ordered.add(h.getValue()[1]);
                at = (Integer) h.getValue()[0];
            }
            parts.add(text.substring(at));
            return new LiteralTemplate(parts.toArray(new String[0]), ordered);
        }

        private ParameterMap parameterMap;
        /** Where each derived parameter's {@code ?} is in the renumbered text. */
        private int[] derivedOffsets = new int[0];
        /** The table an INSERT/UPDATE/DELETE/MERGE modifies, when it has encrypted columns. */
        private TableSource modifiedSource;

        /**
         * Deparses the rewritten statement with every {@code ?} numbered (originals by their index, derived ones by
         * their marker), then numbers them plainly again, learning where each parameter went.
         */
        private String renumber(Statement st) {
            int originalCount = dropped.isEmpty() ? 0 : ((java.util.TreeSet<Integer>) dropped).last();
            for (JdbcParameter p : jdbcParameters(st)) {
                if (p.isUseFixedIndex() && p.getIndex() != null && p.getIndex() >= DERIVED_MARK) {
                    continue;
                }
                if (p.getIndex() == null || p.isUseFixedIndex()) {
                    throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil must rewrite this statement for a blind "
                            + "index but cannot number its parameters; use plain ? parameters");
                }
                originalCount = Math.max(originalCount, p.getIndex());
                p.setUseFixedIndex(true);
                p.setIndex(ORIGINAL_MARK + p.getIndex());
            }
            String text = st.toString();
            StringBuilder out = new StringBuilder(text.length());
            int[] positions = new int[originalCount];
            int[] derivedPositions = new int[derived.size()];
            derivedOffsets = new int[derived.size()];
            int position = 0;
            char quote = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                    out.append(c);
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    out.append(c);
                } else if (c == '?' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1))) {
                    int j = i + 1;
                    while (j < text.length() && Character.isDigit(text.charAt(j))) {
                        j++;
                    }
                    int n = Integer.parseInt(text.substring(i + 1, j));
                    position++;
                    if (n >= DERIVED_MARK) {
                        derivedPositions[n - DERIVED_MARK] = position;
                        derivedOffsets[n - DERIVED_MARK] = out.length();
                    } else if (n > ORIGINAL_MARK && n - ORIGINAL_MARK <= originalCount) {
                        positions[n - ORIGINAL_MARK - 1] = position;
                    } else {
                        throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil could not place the parameters of "
                                + "the statement it rewrote for a blind index; use plain ? parameters");
                    }
                    out.append('?');
                    i = j - 1;
                } else {
                    out.append(c);
                }
            }
            boolean[] keep = new boolean[originalCount];
            for (int b : buffered) {
                if (b <= originalCount) {
                    keep[b - 1] = true;
                }
                while (params.size() < b) {
                    params.add(null);
                }
                if (params.get(b - 1) == null) {
                    params.set(b - 1, Target.PLAIN);
                }
            }
            ParameterMap.Derived[] ds = new ParameterMap.Derived[derived.size()];
            for (int k = 0; k < ds.length; k++) {
                if (derivedPositions[k] == 0) {
                    throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil lost a blind index value while "
                            + "rewriting this statement; use plain ? parameters");
                }
                ds[k] = new ParameterMap.Derived(derivedPositions[k], derived.get(k).values(), derived.get(k).slot());
            }
            parameterMap = new ParameterMap(positions, keep, ds);
            return out.toString();
        }

        // --------------------------------------------------------------------------------------------------------
        // statements

        List<Out> statement(Statement st) {
            if (st instanceof Select) {
                Select s = (Select) st;
                if (s instanceof PlainSelect) {
                    outermost = (PlainSelect) s;
                }
                List<Out> outs = select(s, null);
                if (s instanceof PlainSelect && ((PlainSelect) s).getIntoTables() != null) {
                    refuseCopy(outs, "SELECT … INTO");
                }
                return outs;
            } else if (st instanceof Insert) {
                return insert((Insert) st, null);
            } else if (st instanceof Update) {
                return update((Update) st, null);
            } else if (st instanceof Delete) {
                return delete((Delete) st, null);
            } else if (st instanceof net.sf.jsqlparser.statement.merge.Merge) {
                return merge((net.sf.jsqlparser.statement.merge.Merge) st);
            } else if (st instanceof CreateTable) {
                CreateTable ct = (CreateTable) st;
                if (ct.getSelect() != null) {
                    refuseCopy(select(ct.getSelect(), null), "CREATE TABLE … AS SELECT");
                }
                schemaChange = true; // names an encrypted table or child (why it is analysed): re-read shapes
                return null;
            } else if (st instanceof net.sf.jsqlparser.statement.CreateFunctionalStatement) {
                // function and procedure bodies are strings to Veil: it cannot see what they do
                touched = true;
                throw new Refusal.Signal(LexicalGate.serverSideCode("CREATE FUNCTION/PROCEDURE", mentionedTables(sql)),
                        true);
            } else if (st instanceof CreateView) {
                CreateView cv = (CreateView) st;
                List<Out> outs = select(cv.getSelect(), null);
                for (Out o : outs) {
                    if (o.target() != null) {
                        throw refuseUse(o.target(), "CREATE VIEW", "A view over an encrypted column would hand "
                                + "ciphertext to whoever reads the view. Query the table through Veil instead");
                    }
                }
                return null;
            } else if (st instanceof Alter || st instanceof Drop || st instanceof Truncate || st instanceof CreateIndex
                    || st instanceof Comment) {
                schemaChange = st instanceof Alter || st instanceof Drop; // e.g. ATTACH PARTITION, INHERIT
                return null;
            }
            // any other statement kind that names an encrypted table: refuse, it may move values around Veil
            String kind = st.getClass().getSimpleName().toUpperCase(Locale.ROOT);
            if (mentionsEncryptedTable(st)) {
                touched = true;
                throw refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a " + kind + " statement that names an "
                        + "encrypted table (" + mentionedTables(sql) + "): Veil cannot guarantee it neither stores "
                        + "plaintext nor returns ciphertext. Use INSERT/UPDATE/DELETE/SELECT, or run it on a connection "
                        + "unwrapped from Veil if it carries no encrypted value");
            }
            return null;
        }

        private boolean mentionsEncryptedTable(Statement st) {
            try {
                net.sf.jsqlparser.util.TablesNamesFinder<Void> finder = new net.sf.jsqlparser.util.TablesNamesFinder<>();
                for (String name : finder.getTables(st)) {
                    TableName tn = TableName.parse(name);
                    if (!columnsOf(tn.schema(), tn.name()).isEmpty()) {
                        return true;
                    }
                }
                return false;
            } catch (RuntimeException e) {
                return true; // cannot tell: assume it does
            }
        }

        private void refuseCopy(List<Out> outs, String construct) {
            for (Out o : outs) {
                if (o.target() != null) {
                    throw refuseUse(o.target(), construct, "The copy would hold ciphertext in a column Veil does not "
                            + "know. Declare the new table's column as encrypted with renamed-from: "
                            + o.target().column().boundName() + " and copy with INSERT … SELECT");
                }
            }
        }

        // --------------------------------------------------------------------------------------------------------
        // INSERT

        List<Out> insert(Insert insert, Scope outer) {
            Scope scope = new Scope(outer);
            withItems(insert.getWithItemsList(), scope);
            Table table = insert.getTable();
            TableSource target = tableSource(table, scope, table.getAlias() == null ? null : table.getAlias().getName());
            Map<String, EncryptedColumn> enc = target.enc;
            if (!enc.isEmpty()) {
                modifies(target);
                if (insert.isOnlyDefaultValues()) {
                    EncryptedColumn first = enc.values().iterator().next();
                    throw refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused INSERT … DEFAULT VALUES into "
                            + "encrypted table " + target.name + " (column " + first.qualified() + "): a column "
                            + "default is computed by the server and would be stored unencrypted. Name the columns "
                            + "and bind their values (NULL for none)");
                }
            }
            List<String> columns = new ArrayList<>();
            if (insert.getColumns() != null && !insert.getColumns().isEmpty()) {
                for (Column c : insert.getColumns()) {
                    columns.add(Identifiers.canonical(c.getColumnName()));
                }
            } else if (!enc.isEmpty()) {
                Catalog.TableInfo info = info(target.name);
                if (info == null) {
                    throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "INSERT without a column list into encrypted "
                            + "table " + target.name + ", whose columns Veil cannot see. List the columns");
                }
                columns.addAll(target.visible());
                if (!indexesOf(target).isEmpty()) {
                    ExpressionList<Column> cols = new ExpressionList<>();
                    for (String c : columns) {
                        cols.add(new Column(Identifiers.quoteIfNeeded(c)));
                    }
                    insert.setColumns(cols);
                    rewritten = true;
                }
            }
            List<ConfiguredIndex> writes = writtenIndexes(target, columns, insert.getConflictTarget() != null
                    ? "INSERT … ON CONFLICT" : "INSERT");
            Select source = insert.getSelect();
            if (source instanceof Values) {
                ExpressionList<?> list = ((Values) source).getExpressions();
                List<ExpressionList<?>> rows = new ArrayList<>();
                if (list instanceof ParenthesedExpressionList || !(list.get(0) instanceof ExpressionList)) {
                    rows.add(list);
                } else {
                    for (Expression row : list) {
                        rows.add((ExpressionList<?>) row);
                    }
                }
                for (ExpressionList<?> row : rows) {
                    List<Expression> added = new ArrayList<>();
                    for (ConfiguredIndex ci : writes) {
                        added.add(rowIndexValue(ci, row, columns, target));
                    }
                    row(row, columns, target, scope);
                    @SuppressWarnings("unchecked")
                    ExpressionList<Expression> r = (ExpressionList<Expression>) row;
                    r.addAll(added);
                }
                for (ConfiguredIndex ci : writes) {
                    insert.getColumns().add(own(new Column(Identifiers.quoteIfNeeded(ci.name()))));
                }
            } else if (source != null) {
                if (!writes.isEmpty()) {
                    throw refuseUse(target(target.enc.get(firstEncryptedPart(writes.get(0), target)), target.name),
                            "INSERT … SELECT into a table with blind index " + writes.get(0).qualified(),
                            "Veil computes index values only from values it receives: insert with VALUES and ? "
                                    + "parameters or literals");
                }
                insertSelect(source, columns, target, scope);
            }
            InsertConflictTarget conflict = insert.getConflictTarget();
            if (conflict != null && conflict.getIndexColumnNames() != null && !enc.isEmpty()) {
                conflictOnIndexes(conflict, target);
            }
            if (conflict != null) {
                if (conflict.getIndexColumnNames() != null) {
                    for (String c : conflict.getIndexColumnNames()) {
                        EncryptedColumn ec = enc.get(Identifiers.canonical(c));
                        if (ec != null) {
                            throw refuseUse(target(ec, target.name), "ON CONFLICT (…)", "Randomized ciphertexts "
                                    + "never conflict. Declare a unique blind index on the column and conflict on it");
                        }
                    }
                }
                if (conflict.getIndexExpression() != null) {
                    Scope s = new Scope(scope);
                    s.sources.add(target);
                    check(conflict.getIndexExpression(), s, "ON CONFLICT (…)");
                }
            }
            InsertConflictAction action = insert.getConflictAction();
            if (action != null) {
                Scope s = new Scope(scope);
                s.sources.add(target);
                s.sources.add(new TableSource(target.name, target.enc, EXCLUDED));
                if (action.getUpdateSets() != null) {
                    updateSets(action.getUpdateSets(), target, s);
                }
                check(action.getWhereExpression(), s, "ON CONFLICT … WHERE");
            }
            if (insert.getDuplicateUpdateSets() != null) {
                Scope s = new Scope(scope);
                s.sources.add(target);
                updateSets(insert.getDuplicateUpdateSets(), target, s);
            }
            Scope ret = new Scope(scope);
            ret.sources.add(target);
            return returning(insert.getReturningClause(), ret);
        }

        private void row(ExpressionList<?> row, List<String> columns, TableSource target, Scope scope) {
            @SuppressWarnings("unchecked")
            ExpressionList<Expression> values = (ExpressionList<Expression>) row;
            if (values.size() != columns.size() && !target.enc.isEmpty()) {
                throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "INSERT into encrypted table " + target.name
                        + " has " + values.size() + " values for " + columns.size() + " columns");
            }
            for (int i = 0; i < values.size(); i++) {
                EncryptedColumn ec = i < columns.size() ? target.enc.get(columns.get(i)) : null;
                final int at = i;
                value(values.get(i), ec == null ? null : target(ec, target.name), scope, e -> values.set(at, e),
                        "INSERT … VALUES");
            }
        }

        /** The indexes of {@code target} a write of {@code columns} must fill; refuses a partial compound write. */
        private List<ConfiguredIndex> writtenIndexes(TableSource target, java.util.Collection<String> columns,
                String construct) {
            List<ConfiguredIndex> out = new ArrayList<>();
            for (ConfiguredIndex ci : indexesOf(target)) {
                boolean any = ci.columns().stream().anyMatch(columns::contains);
                if (!any) {
                    continue;
                }
                for (String part : ci.columns()) {
                    if (!columns.contains(part)) {
                        throw refuseUse(target(target.enc.get(firstEncryptedPart(ci, target)), target.name),
                                construct + " of only some columns of compound blind index " + ci.qualified(),
                                "Write every column of the index together (" + String.join(", ", ci.columns())
                                        + "), so Veil can compute it");
                    }
                }
                if (columns.contains(ci.name())) {
                    throw refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: it writes blind "
                            + "index column " + ci.qualified() + " itself. Veil fills it; leave it out of the statement");
                }
                indexTarget(target, ci, construct);
                out.add(ci);
            }
            return out;
        }

        private String firstEncryptedPart(ConfiguredIndex ci, TableSource target) {
            for (String c : ci.columns()) {
                if (target.enc.containsKey(c)) {
                    return c;
                }
            }
            return ci.columns().get(0);
        }

        /** The index value of one VALUES row: from its parameters, literals and NULLs. */
        private Expression rowIndexValue(ConfiguredIndex ci, ExpressionList<?> row, List<String> columns,
                TableSource target) {
            IndexTarget ix = indexTarget(target, ci, "INSERT");
            Object[] sources = new Object[ci.columns().size()];
            for (int k = 0; k < sources.length; k++) {
                String part = ci.columns().get(k);
                int at = columns.indexOf(part);
                EncryptedColumn ec = target.enc.get(part);
                Target t = ec == null ? null : target(ec, target.name);
                Expression v = at < row.size() ? (Expression) row.get(at) : null;
                Object src = v == null ? notAValue : valueSource(v, t, false);
                if (src == notAValue) {
                    throw refuseUse(t != null ? t : target(target.enc.get(firstEncryptedPart(ci, target)), target.name),
                            "INSERT with " + (v == null ? "a missing value" : describe(v)) + " as the value of "
                                    + target.name + "." + part + ", which feeds blind index " + ci.qualified(),
                            "Write a ? parameter, a literal or NULL, so Veil can compute the index");
                }
                sources[k] = src;
            }
            return indexValue(ix, sources);
        }

        /** {@code ON CONFLICT (email)} → {@code ON CONFLICT (email_bidx)}: uniqueness through an exact index. */
        private void conflictOnIndexes(InsertConflictTarget conflict, TableSource target) {
            List<String> names = new ArrayList<>();
            for (String c : conflict.getIndexColumnNames()) {
                names.add(Identifiers.canonical(c));
            }
            List<String> out = new ArrayList<>();
            java.util.Set<String> covered = new java.util.HashSet<>();
            for (ConfiguredIndex ci : indexesOf(target)) {
                if (ci.columns().size() > 1 && names.containsAll(ci.columns()) && ci.definition().exact()) {
                    covered.addAll(ci.columns());
                    out.add(ci.name());
                    storedValuesCompared(target, indexTarget(target, ci, "ON CONFLICT (…) with a unique index"),
                            "ON CONFLICT (" + String.join(", ", ci.columns()) + ")");
                }
            }
            for (String n : names) {
                if (covered.contains(n)) {
                    continue;
                }
                if (target.enc.containsKey(n)) {
                    ConfiguredIndex ci = singleIndex(target, n);
                    if (ci == null || !ci.definition().exact()) {
                        throw refuseUse(target(target.enc.get(n), target.name), "ON CONFLICT (…)", "Randomized "
                                + "ciphertexts never conflict. Declare an exact blind index on the column (bits of "
                                + dev.veil.blindindex.BlindIndexDefinition.EXACT_BITS + " or more) with a unique "
                                + "index on its companion column: Veil then conflicts on it");
                    }
                    storedValuesCompared(target, indexTarget(target, ci, "ON CONFLICT (…) with a unique index"),
                            "ON CONFLICT (" + n + ")");
                    out.add(ci.name());
                } else {
                    out.add(n);
                }
            }
            if (!out.equals(names)) {
                List<net.sf.jsqlparser.statement.create.table.Index.ColumnParams> elements = new ArrayList<>();
                for (String n : out) {
                    elements.add(new net.sf.jsqlparser.statement.create.table.Index.ColumnParams(
                            Identifiers.quoteIfNeeded(n)));
                }
                conflict.setIndexElements(elements);
                rewritten = true;
            }
        }

        private void insertSelect(Select source, List<String> columns, TableSource target, Scope scope) {
            List<Out> outs = select(source, scope);
            if (outs.stream().anyMatch(Out::unknownWidth)) {
                boolean anyEncrypted = outs.stream().anyMatch(o -> o.target() != null);
                if (!target.enc.isEmpty() || anyEncrypted) {
                    throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "INSERT … SELECT * involving encrypted "
                            + "columns: Veil cannot line up the columns. List them");
                }
                return;
            }
            for (int i = 0; i < outs.size(); i++) {
                Out o = outs.get(i);
                EncryptedColumn ec = i < columns.size() ? target.enc.get(columns.get(i)) : null;
                if (ec == null) {
                    if (o.target() != null) {
                        throw refuseUse(o.target(), "INSERT … SELECT into plain column "
                                + (i < columns.size() ? target.name + "." + columns.get(i) : "#" + (i + 1)),
                                "The copy would store ciphertext in a column Veil does not decrypt. Declare that column "
                                        + "as encrypted (renamed-from: " + o.target().column().boundName()
                                        + " to share the key)");
                    }
                    continue;
                }
                Target t = target(ec, target.name);
                if (o.target() != null) {
                    if (!o.target().sameBinding(t)) {
                        throw refuseUse(o.target(), "INSERT … SELECT into " + ec.qualified() + ", which has another key",
                                "Copy the values through the application, or declare " + ec.qualified()
                                        + " with renamed-from: " + o.target().column().boundName());
                    }
                    continue;
                }
                if (!(source instanceof PlainSelect)) {
                    throw refuseUse(t, "INSERT … SELECT from a plain value", "Write ? parameters or literals");
                }
                SelectItem<?> item = ((PlainSelect) source).getSelectItem(i);
                @SuppressWarnings("unchecked")
                SelectItem<Expression> it = (SelectItem<Expression>) item;
                value(item.getExpression(), t, scope, it::setExpression, "INSERT … SELECT");
            }
        }

        /** The statement writes {@code target}, a table with encrypted columns. */
        private void modifies(TableSource target) {
            touched = true;
            modified = modifiedTargets(target);
            modifiedSource = target;
        }

        private Map<String, Target> modifiedTargets(TableSource target) {
            Map<String, Target> out = new LinkedHashMap<>();
            Catalog.TableInfo info = info(target.name);
            for (EncryptedColumn ec : target.enc.values()) {
                if (info == null || info.typeOf(ec.name()) != null) {
                    out.put(ec.name(), target(ec, target.name));
                }
            }
            return out;
        }

        /** A value bound for a column: encrypted when the column is, else only checked. */
        private void value(Expression e, Target t, Scope scope, Consumer<Expression> replace, String construct) {
            if (t == null) {
                check(e, scope, construct);
                return;
            }
            touched = true;
            if (e instanceof JdbcParameter) {
                bind((JdbcParameter) e, t);
            } else if (e instanceof NullValue) {
                // NULL stays NULL
            } else if (isLiteral(e)) {
                slot(t, literal(e, t), replace);
            } else if (e instanceof Column && sameKey(resolve((Column) e, scope), t)) {
                // copies ciphertext within one key binding, e.g. SET ssn = EXCLUDED.ssn
            } else {
                throw refuseUse(t, construct + " with " + describe(e) + " as the value",
                        "Veil encrypts only values it receives: write a ? parameter or a literal, and compute the "
                                + "value in the application");
            }
        }

        private boolean sameKey(Target source, Target t) {
            return source != null && source.sameBinding(t);
        }

        private void updateSets(List<UpdateSet> sets, TableSource target, Scope scope) {
            Map<String, Expression> assigned = new LinkedHashMap<>();
            for (UpdateSet set : sets) {
                ExpressionList<Column> cols = set.getColumns();
                ExpressionList<?> vals = set.getValues();
                if (cols.size() > 1 && vals.size() == 1 && vals.get(0) instanceof ExpressionList) {
                    vals = (ExpressionList<?>) vals.get(0);
                }
                for (int i = 0; i < cols.size(); i++) {
                    assigned.put(Identifiers.canonical(cols.get(i).getColumnName()),
                            cols.size() == vals.size() ? (Expression) vals.get(i) : null);
                }
            }
            List<ConfiguredIndex> writes = writtenIndexes(target, assigned.keySet(), "UPDATE … SET");
            if (!writes.isEmpty() && inMerge) {
                throw refuseUse(target(target.enc.get(firstEncryptedPart(writes.get(0), target)), target.name),
                        "MERGE writing a column of blind index " + writes.get(0).qualified(), "Use INSERT … ON "
                                + "CONFLICT or UPDATE, where Veil fills the index");
            }
            List<UpdateSet> added = new ArrayList<>();
            for (ConfiguredIndex ci : writes) {
                added.add(new UpdateSet(own(new Column(Identifiers.quoteIfNeeded(ci.name()))),
                        setIndexValue(ci, assigned, target, scope)));
            }
            updateValues(sets, target, scope);
            if (!added.isEmpty()) {
                sets.addAll(added);
                rewritten = true;
            }
        }

        /**
         * The index value for an UPDATE … SET: from ?, literals and NULL, or — when every part is copied from one
         * relation's same columns ({@code SET email = EXCLUDED.email}) — that relation's companion column.
         */
        private Expression setIndexValue(ConfiguredIndex ci, Map<String, Expression> assigned, TableSource target,
                Scope scope) {
            IndexTarget ix = indexTarget(target, ci, "UPDATE … SET");
            Object[] sources = new Object[ci.columns().size()];
            Table copiedFrom = null;
            int copies = 0;
            for (int k = 0; k < sources.length; k++) {
                String part = ci.columns().get(k);
                Expression v = assigned.get(part);
                EncryptedColumn ec = target.enc.get(part);
                Target t = ec == null ? null : target(ec, target.name);
                if (v instanceof Column) {
                    Hit h = hit((Column) v, scope);
                    if (h != null && h.source() instanceof TableSource && h.column().equals(part)
                            && ((TableSource) h.source()).name.equals(target.name)) {
                        Table q = ((Column) v).getTable();
                        if (copies == 0 || java.util.Objects.equals(String.valueOf(q), String.valueOf(copiedFrom))) {
                            copiedFrom = q;
                            copies++;
                            continue;
                        }
                    }
                }
                Object src = v == null ? notAValue : valueSource(v, t, false);
                if (src == notAValue) {
                    throw refuseUse(t != null ? t : target(target.enc.get(firstEncryptedPart(ci, target)), target.name),
                            "SET with " + (v == null ? "a subquery" : describe(v)) + " as the value of "
                                    + target.name + "." + part + ", which feeds blind index " + ci.qualified(),
                            "Set it from a ? parameter, a literal or NULL, so Veil can compute the index");
                }
                sources[k] = src;
            }
            if (copies == sources.length) {
                return own(new Column(copiedFrom, Identifiers.quoteIfNeeded(ci.name())));
            }
            if (copies > 0) {
                throw refuseUse(target(target.enc.get(firstEncryptedPart(ci, target)), target.name), "SET mixing "
                        + "copied columns and values for compound blind index " + ci.qualified(), "Set every column "
                        + "of the index from values, or copy all of them");
            }
            return indexValue(ix, sources);
        }

        private void updateValues(List<UpdateSet> sets, TableSource target, Scope scope) {
            for (UpdateSet set : sets) {
                ExpressionList<Column> cols = set.getColumns();
                @SuppressWarnings("unchecked")
                ExpressionList<Expression> vals = (ExpressionList<Expression>) set.getValues();
                if (cols.size() > 1 && vals.size() == 1 && vals.get(0) instanceof ExpressionList) {
                    @SuppressWarnings("unchecked")
                    ExpressionList<Expression> inner = (ExpressionList<Expression>) vals.get(0);
                    vals = inner;
                }
                if (cols.size() != vals.size()) {
                    for (Column c : cols) {
                        EncryptedColumn ec = target.enc.get(Identifiers.canonical(c.getColumnName()));
                        if (ec != null) {
                            throw refuseUse(target(ec, target.name), "SET (…) = (SELECT …)",
                                    "Set the encrypted column from a ? parameter");
                        }
                    }
                    for (Expression v : vals) {
                        check(v, scope, "SET");
                    }
                    continue;
                }
                for (int i = 0; i < cols.size(); i++) {
                    EncryptedColumn ec = target.enc.get(Identifiers.canonical(cols.get(i).getColumnName()));
                    final ExpressionList<Expression> vs = vals;
                    final int at = i;
                    value(vals.get(i), ec == null ? null : target(ec, target.name), scope, e -> vs.set(at, e),
                            "UPDATE … SET");
                }
            }
        }

        private List<Out> returning(ReturningClause clause, Scope scope) {
            if (clause == null) {
                return null;
            }
            return items(clause, scope);
        }

        // --------------------------------------------------------------------------------------------------------
        // MERGE

        /**
         * MERGE: the ON condition and every AND predicate are checked like WHERE; WHEN MATCHED UPDATE SET and WHEN
         * NOT MATCHED INSERT … VALUES take the same values as UPDATE and INSERT (?, literal, NULL, or a same-key
         * column of the source); DELETE and DO NOTHING need nothing.
         */
        List<Out> merge(net.sf.jsqlparser.statement.merge.Merge merge) {
            inMerge = true;
            Scope scope = new Scope(null);
            withItems(merge.getWithItemsList(), scope);
            Table table = merge.getTable();
            TableSource target = tableSource(table, scope, table.getAlias() == null ? null : table.getAlias().getName());
            if (!target.enc.isEmpty()) {
                modifies(target);
            }
            if (merge.getFromItem() == null || merge.getOutputClause() != null) {
                throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil does not understand this form of MERGE on "
                        + "an encrypted table (" + mentionedTables(sql) + "); write MERGE INTO … USING … ON … WHEN …");
            }
            scope.sources.add(target);
            from(merge.getFromItem(), scope);
            check(merge.getOnCondition(), scope, "MERGE … ON");
            for (net.sf.jsqlparser.statement.merge.MergeOperation op : merge.getOperations()) {
                if (op instanceof net.sf.jsqlparser.statement.merge.MergeUpdate) {
                    var u = (net.sf.jsqlparser.statement.merge.MergeUpdate) op;
                    check(u.getAndPredicate(), scope, "MERGE … WHEN … AND");
                    updateSets(u.getUpdateSets(), target, scope);
                    check(u.getWhereCondition(), scope, "MERGE … WHERE");
                    check(u.getDeleteWhereCondition(), scope, "MERGE … DELETE WHERE");
                } else if (op instanceof net.sf.jsqlparser.statement.merge.MergeInsert) {
                    var i = (net.sf.jsqlparser.statement.merge.MergeInsert) op;
                    check(i.getAndPredicate(), scope, "MERGE … WHEN … AND");
                    List<String> columns = new ArrayList<>();
                    if (i.getColumns() != null && !i.getColumns().isEmpty()) {
                        for (Column c : i.getColumns()) {
                            columns.add(Identifiers.canonical(c.getColumnName()));
                        }
                    } else if (!target.enc.isEmpty()) {
                        Catalog.TableInfo info = info(target.name);
                        if (info == null) {
                            throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "MERGE … INSERT without a column list "
                                    + "into encrypted table " + target.name + ", whose columns Veil cannot see. List "
                                    + "the columns");
                        }
                        columns.addAll(info.columns());
                    }
                    // the inserted row's values see only the source, never the target row
                    Scope source = new Scope(null);
                    source.ctes.putAll(scope.ctes);
                    source.sources.addAll(scope.sources.subList(1, scope.sources.size()));
                    List<ConfiguredIndex> writes = writtenIndexes(target, columns, "MERGE … INSERT");
                    if (!writes.isEmpty()) {
                        throw refuseUse(target(target.enc.get(firstEncryptedPart(writes.get(0), target)),
                                target.name), "MERGE writing a column of blind index " + writes.get(0).qualified(),
                                "Use INSERT … ON CONFLICT or UPDATE, where Veil fills the index");
                    }
                    row(i.getValues(), columns, target, source);
                    check(i.getWhereCondition(), scope, "MERGE … WHERE");
                } else if (op instanceof net.sf.jsqlparser.statement.merge.MergeDelete) {
                    check(((net.sf.jsqlparser.statement.merge.MergeDelete) op).getAndPredicate(), scope,
                            "MERGE … WHEN … AND");
                } else {
                    throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil does not understand a MERGE action ("
                            + op.getClass().getSimpleName() + ") on an encrypted table; split the MERGE into "
                            + "INSERT … ON CONFLICT / UPDATE / DELETE");
                }
            }
            return returning(merge.getReturningClause(), scope);
        }

        // --------------------------------------------------------------------------------------------------------
        // UPDATE, DELETE

        List<Out> update(Update update, Scope outer) {
            Scope scope = new Scope(outer);
            withItems(update.getWithItemsList(), scope);
            Table table = update.getTable();
            TableSource target = tableSource(table, scope, table.getAlias() == null ? null : table.getAlias().getName());
            if (!target.enc.isEmpty()) {
                modifies(target);
            }
            scope.sources.add(target);
            fromItems(update.getStartJoins(), scope);
            if (update.getFromItem() != null) {
                from(update.getFromItem(), scope);
            }
            fromItems(update.getJoins(), scope);
            joinConditions(update.getStartJoins(), scope);
            joinConditions(update.getJoins(), scope);
            updateSets(update.getUpdateSets(), target, scope);
            update.setWhere(cond(update.getWhere(), scope, "WHERE", "in an UPDATE (rows cannot be re-checked before "
                    + "they change)"));
            orderBy(update.getOrderByElements(), scope, null);
            return returning(update.getReturningClause(), scope);
        }

        List<Out> delete(Delete delete, Scope outer) {
            Scope scope = new Scope(outer);
            withItems(delete.getWithItemsList(), scope);
            Table table = delete.getTable();
            TableSource target = tableSource(table, scope, table.getAlias() == null ? null : table.getAlias().getName());
            if (!target.enc.isEmpty()) {
                modifies(target);
            }
            scope.sources.add(target);
            if (delete.getUsingFromItemList() != null) {
                for (FromItem f : delete.getUsingFromItemList()) {
                    from(f, scope);
                }
            } else if (delete.getUsingList() != null) {
                for (Table t : delete.getUsingList()) {
                    from(t, scope);
                }
            }
            fromItems(delete.getJoins(), scope);
            joinConditions(delete.getJoins(), scope);
            delete.setWhere(cond(delete.getWhere(), scope, "WHERE", "in a DELETE (rows cannot be re-checked before "
                    + "they are deleted)"));
            orderBy(delete.getOrderByElements(), scope, null);
            return returning(delete.getReturningClause(), scope);
        }

        // --------------------------------------------------------------------------------------------------------
        // SELECT

        void withItems(List<WithItem<?>> items, Scope scope) {
            if (items == null) {
                return;
            }
            for (WithItem<?> w : items) {
                List<Out> outs;
                Object body = w.getStatement();
                if (body instanceof Select) {
                    outs = select((Select) body, scope);
                } else if (body instanceof net.sf.jsqlparser.statement.insert.ParenthesedInsert) {
                    outs = insert(w.getInsert().getInsert(), scope);
                } else if (body instanceof net.sf.jsqlparser.statement.update.ParenthesedUpdate) {
                    outs = update(w.getUpdate().getUpdate(), scope);
                } else if (body instanceof net.sf.jsqlparser.statement.delete.ParenthesedDelete) {
                    outs = delete(w.getDelete().getDelete(), scope);
                } else if (body != null) {
                    throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil does not understand the WITH item "
                            + w.getAliasName() + " in a statement that names an encrypted table ("
                            + mentionedTables(sql) + "); rewrite it without that WITH item");
                } else {
                    outs = List.of();
                }
                if (outs == null) {
                    outs = List.of();
                }
                if (w.getWithItemList() != null) {
                    List<Out> renamed = new ArrayList<>();
                    for (int i = 0; i < outs.size(); i++) {
                        Out o = outs.get(i);
                        String label = i < w.getWithItemList().size()
                                ? Identifiers.canonical(w.getWithItemList().get(i).toString()) : o.label();
                        renamed.add(o.unknownWidth() ? o : new Out(label, o.target()));
                    }
                    outs = renamed;
                }
                scope.ctes.put(Identifiers.canonical(w.getAliasName()), outs);
            }
        }

        List<Out> select(Select select, Scope outer) {
            Scope scope = outer;
            if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
                scope = new Scope(outer);
                withItems(select.getWithItemsList(), scope);
            }
            if (select instanceof PlainSelect) {
                return plainSelect((PlainSelect) select, scope);
            } else if (select instanceof SetOperationList) {
                SetOperationList set = (SetOperationList) select;
                List<Out> outs = setOperation(set, scope);
                orderBy(set.getOrderByElements(), new Scope(scope), outs);
                return outs;
            } else if (select instanceof ParenthesedSelect) {
                ParenthesedSelect ps = (ParenthesedSelect) select;
                List<Out> outs = select(ps.getSelect(), scope);
                orderBy(ps.getOrderByElements(), new Scope(scope), outs);
                return outs;
            } else if (select instanceof Values) {
                Values v = (Values) select;
                List<Out> outs = new ArrayList<>();
                ExpressionList<?> list = v.getExpressions();
                for (Expression e : list) {
                    check(e, scope, "VALUES");
                }
                int width = list.isEmpty() ? 0 : list.get(0) instanceof ExpressionList
                        ? ((ExpressionList<?>) list.get(0)).size() : list.size();
                for (int i = 0; i < width; i++) {
                    outs.add(new Out("column" + (i + 1), null));
                }
                return outs;
            }
            throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil does not understand a "
                    + select.getClass().getSimpleName() + " query over an encrypted table; rewrite it as a plain SELECT");
        }

        private List<Out> setOperation(SetOperationList set, Scope scope) {
            List<List<Out>> branches = new ArrayList<>();
            for (Select s : set.getSelects()) {
                branches.add(select(s, scope));
            }
            boolean allUnionAll = true;
            for (SetOperation op : set.getOperations()) {
                allUnionAll &= op instanceof UnionOp && op.isAll();
            }
            List<Out> first = branches.get(0);
            boolean unknown = false;
            for (List<Out> b : branches) {
                unknown |= b.stream().anyMatch(Out::unknownWidth);
            }
            boolean anyEncrypted = branches.stream().flatMap(List::stream).anyMatch(o -> o.target() != null);
            if (!anyEncrypted) {
                return first;
            }
            String op = set.getOperations().get(0).toString().trim();
            if (unknown) {
                Target t = branches.stream().flatMap(List::stream).filter(o -> o.target() != null).findFirst()
                        .get().target();
                throw refuseUse(t, op + " with *", "List the columns of each branch");
            }
            List<Out> outs = new ArrayList<>();
            for (int i = 0; i < first.size(); i++) {
                Target t0 = first.get(i).target();
                Target any = t0;
                boolean consistent = true;
                for (List<Out> b : branches) {
                    Target ti = i < b.size() ? b.get(i).target() : null;
                    if (ti != null) {
                        any = ti;
                    }
                    consistent &= (t0 == null && ti == null) || (t0 != null && t0.sameBinding(ti));
                }
                if (!consistent) {
                    throw refuseUse(any, op + " combining it with a different column",
                            "Each branch must return the same encrypted column (same key) at that position");
                }
                if (t0 != null && !allUnionAll) {
                    throw refuseUse(t0, op + " (duplicate elimination)", "Use UNION ALL, which keeps rows as they are");
                }
                outs.add(new Out(first.get(i).label(), t0));
            }
            return outs;
        }

        private List<Out> plainSelect(PlainSelect ps, Scope outer) {
            Scope scope = new Scope(outer);
            if (ps.getFromItem() != null) {
                from(ps.getFromItem(), scope);
            }
            fromItems(ps.getJoins(), scope);
            joinConditions(ps.getJoins(), scope);
            int hiddenBefore = hiddenColumns.size();
            ps.setWhere(cond(ps.getWhere(), scope, "WHERE", postFilterBlock(ps)));
            check(ps.getHaving(), scope, "HAVING");
            check(ps.getQualify(), scope, "QUALIFY");
            List<Hit> groups = new ArrayList<>();
            if (ps.getGroupBy() != null && ps.getGroupBy().getGroupByExpressionList() != null) {
                @SuppressWarnings("unchecked")
                ExpressionList<Expression> list = (ExpressionList<Expression>) ps.getGroupBy()
                        .getGroupByExpressionList();
                for (int i = 0; i < list.size(); i++) {
                    Expression e = list.get(i);
                    if (e instanceof Column) {
                        Hit h = encryptedHit(e, scope);
                        if (h != null) {
                            TableSource src = indexable(h, "GROUP BY");
                            ConfiguredIndex ci = singleIndex(src, h.column());
                            if (ci == null || !ci.definition().exact()) {
                                throw refuseUse(h.target(), "GROUP BY", "Group by another column, or declare an exact "
                                        + "blind index (bits of " + dev.veil.blindindex.BlindIndexDefinition.EXACT_BITS
                                        + " or more) on it: Veil then groups by the index");
                            }
                            IndexTarget gx = indexTarget(src, ci, "GROUP BY");
                            storedValuesCompared(src, gx, "GROUP BY " + h.target().column().qualified());
                            queried.add(gx);
                            list.set(i, indexColumn((Column) e, ci));
                            groups.add(h);
                            rewritten = true;
                            continue;
                        }
                    }
                    check(e, scope, "GROUP BY");
                }
            }
            if (ps.getDistinct() != null && ps.getDistinct().getOnSelectItems() != null) {
                for (SelectItem<?> item : ps.getDistinct().getOnSelectItems()) {
                    if (item.getExpression() instanceof Column) {
                        Target t = resolve((Column) item.getExpression(), scope);
                        if (t != null) {
                            throw refuseUse(t, "DISTINCT ON");
                        }
                    }
                    check(item.getExpression(), scope, "DISTINCT ON");
                }
            }
            if (mergesJoinColumns(ps.getJoins()) && scope.sources.stream().anyMatch(Source::hasEncrypted)) {
                for (SelectItem<?> item : ps.getSelectItems()) {
                    if (item.getExpression() instanceof AllColumns) {
                        Source enc = scope.sources.stream().filter(Source::hasEncrypted).findFirst().get();
                        throw refuseUse(firstEncrypted(enc), "SELECT * over JOIN … USING", "A * over a USING join "
                                + "merges the join columns, so Veil cannot place the encrypted ones. List the columns");
                    }
                }
            }
            List<Hit> outerGroups = grouped;
            grouped = groups;
            List<Out> outs;
            try {
                outs = items(ps.getSelectItems(), scope);
            } finally {
                grouped = outerGroups;
            }
            if (ps == outermost) {
                for (int k = hiddenBefore; k < hiddenColumns.size(); k++) {
                    ps.getSelectItems().add(new SelectItem<>(hiddenColumns.get(k),
                            new net.sf.jsqlparser.expression.Alias(HIDDEN_LABEL + (k + 1))));
                }
            }
            if (ps.getGroupBy() != null && ps.getGroupBy().getGroupByExpressionList() != null) {
                for (Object e : ps.getGroupBy().getGroupByExpressionList()) {
                    outputReference((Expression) e, outs, "GROUP BY", "Group by a blind index or another column");
                }
            }
            if (ps.getDistinct() != null && ps.getDistinct().getOnSelectItems() != null) {
                for (SelectItem<?> item : ps.getDistinct().getOnSelectItems()) {
                    outputReference(item.getExpression(), outs, "DISTINCT ON", "De-duplicate on another column");
                }
            }
            if (ps.getDistinct() != null && ps.getDistinct().getOnSelectItems() == null) {
                for (Out o : outs) {
                    if (o.target() != null) {
                        throw refuseUse(o.target(), "SELECT DISTINCT", "Select the rows without DISTINCT and "
                                + "de-duplicate after decryption, or use a blind index");
                    }
                }
            }
            orderBy(ps.getOrderByElements(), scope, outs);
            return outs;
        }

        private List<Out> items(List<? extends SelectItem<?>> items, Scope scope) {
            List<Out> outs = new ArrayList<>();
            @SuppressWarnings("unchecked")
            List<SelectItem<?>> list = (List<SelectItem<?>>) items;
            List<SelectItem<?>> expanded = new ArrayList<>();
            boolean changed = false;
            for (SelectItem<?> item : List.copyOf(list)) {
                Expression e = item.getExpression();
                String alias = item.getAlias() == null ? null : Identifiers.canonical(item.getAlias().getName());
                if (e instanceof AllTableColumns) {
                    Source s = source(((AllTableColumns) e).getTable(), scope);
                    if (s == null) {
                        outs.add(Out.UNKNOWN);
                    } else {
                        outs.addAll(s.all());
                        if (hasCompanions(s)) {
                            changed = true;
                            for (String c : ((TableSource) s).visible()) {
                                expanded.add(new SelectItem<>(new Column(((AllTableColumns) e).getTable(),
                                        Identifiers.quoteIfNeeded(c))));
                            }
                            continue;
                        }
                    }
                } else if (e instanceof AllColumns) {
                    boolean any = false;
                    for (Source s : scope.sources) {
                        outs.addAll(s.all());
                        any |= hasCompanions(s);
                    }
                    if (any) {
                        changed = true;
                        for (Source s : scope.sources) {
                            Table q = qualifier(s);
                            if (hasCompanions(s)) {
                                for (String c : ((TableSource) s).visible()) {
                                    expanded.add(new SelectItem<>(new Column(q, Identifiers.quoteIfNeeded(c))));
                                }
                            } else {
                                expanded.add(new SelectItem<>(new AllTableColumns(q)));
                            }
                        }
                        continue;
                    }
                } else if (e instanceof Column && grouped.stream().anyMatch(g -> {
                        Hit h = hit((Column) e, scope);
                        return h != null && h.source() == g.source() && h.column().equals(g.column());
                    })) {
                    Column c = (Column) e;
                    String label = alias != null ? alias : Identifiers.canonical(c.getColumnName());
                    Expression one;
                    try {
                        one = net.sf.jsqlparser.parser.CCJSqlParserUtil.parseExpression("(array_agg(" + c + "))[1]");
                    } catch (net.sf.jsqlparser.JSQLParserException x) {
                        throw new IllegalStateException(x);
                    }
                    expanded.add(new SelectItem<>(one, new net.sf.jsqlparser.expression.Alias(
                            item.getAlias() != null ? item.getAlias().getName() : c.getColumnName())));
                    changed = true;
                    outs.add(new Out(label, resolve(c, scope)));
                    continue;
                } else if (e instanceof Column) {
                    Column c = (Column) e;
                    refuseCompanion(c, scope);
                    Target t = resolve(c, scope);
                    Target row = t == null ? wholeRow(c, scope) : null;
                    if (row != null) {
                        throw refuseWholeRow(row, "the select list");
                    }
                    outs.add(new Out(alias != null ? alias : Identifiers.canonical(c.getColumnName()), t));
                } else if (e instanceof ParenthesedSelect) {
                    List<Out> sub = select((ParenthesedSelect) e, scope);
                    Target t = sub.isEmpty() ? null : sub.get(0).target();
                    outs.add(new Out(alias, t));
                } else {
                    check(e, scope, "the select list");
                    outs.add(new Out(alias, null));
                }
                expanded.add(item);
            }
            if (changed) {
                rewritten = true;
                list.clear();
                list.addAll(expanded);
            }
            return outs;
        }

        /** Columns Veil wrote into the statement (companion columns of its rewrites), by identity. */
        private final java.util.Set<Column> generated = java.util.Collections.newSetFromMap(
                new java.util.IdentityHashMap<>());

        private Column own(Column c) {
            generated.add(c);
            return c;
        }

        /**
         * Refuses a reference the application wrote to a blind index's companion column: its values are Veil's
         * keyed index, never data to hand out (nor to compare with values computed elsewhere).
         */
        private void refuseCompanion(Column c, Scope scope) {
            if (generated.contains(c)) {
                return;
            }
            String col = Identifiers.canonical(c.getColumnName());
            Table q = c.getTable();
            if (q != null && q.getName() != null) {
                refuseCompanion(col, source(q, scope));
                return;
            }
            for (Scope s = scope; s != null; s = s.parent) {
                for (Source src : s.sources) {
                    refuseCompanion(col, src);
                }
            }
        }

        private void refuseCompanion(String col, Source src) {
            if (!(src instanceof TableSource)) {
                return;
            }
            for (ConfiguredIndex ci : indexesOf((TableSource) src)) {
                if (ci.name().equals(col)) {
                    touched = true;
                    throw refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a reference to "
                            + ((TableSource) src).name + "." + col + ", the companion column of blind index "
                            + ci.qualified() + ": its values are Veil's keyed index of "
                            + String.join(", ", ci.columns()) + ", never data for the application. Search by "
                            + "the indexed column (WHERE " + ci.columns().get(0) + " = ?) and Veil uses it");
                }
            }
        }

        private boolean hasCompanions(Source s) {
            return s instanceof TableSource && !indexesOf((TableSource) s).isEmpty();
        }

        /** How to qualify a relation's columns in SQL: its alias, else its name as referenced. */
        private Table qualifier(Source s) {
            if (s.alias != null) {
                return new Table(Identifiers.quoteIfNeeded(s.alias));
            }
            if (s instanceof TableSource) {
                TableName n = ((TableSource) s).name;
                return n.schema() == null ? new Table(Identifiers.quoteIfNeeded(n.name()))
                        : new Table(Identifiers.quoteIfNeeded(n.schema()), Identifiers.quoteIfNeeded(n.name()));
            }
            throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil must list the columns of SELECT * (a table has "
                    + "blind index columns to hide) but a relation in FROM has no name; give it an alias or list the "
                    + "columns");
        }

        private boolean mergesJoinColumns(List<Join> joins) {
            if (joins != null) {
                for (Join j : joins) {
                    if (j.isNatural() || (j.getUsingColumns() != null && !j.getUsingColumns().isEmpty())) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * GROUP BY / DISTINCT ON may name an output column by position ({@code GROUP BY 2}) or by its label: refuse
         * when that output is encrypted.
         */
        private void outputReference(Expression e, List<Out> outs, String construct, String fix) {
            if (e instanceof LongValue) {
                long pos = ((LongValue) e).getValue();
                if (pos >= 1 && pos <= outs.size() && outs.get((int) pos - 1).target() != null) {
                    throw refuseUse(outs.get((int) pos - 1).target(), construct, fix);
                }
            } else if (e instanceof Column && ((Column) e).getTable() == null) {
                String label = Identifiers.canonical(((Column) e).getColumnName());
                for (Out out : outs) {
                    if (label.equals(out.label()) && out.target() != null) {
                        throw refuseUse(out.target(), construct, fix);
                    }
                }
            }
        }

        private void orderBy(List<OrderByElement> elements, Scope scope, List<Out> outs) {
            if (elements == null) {
                return;
            }
            for (OrderByElement o : elements) {
                Expression e = o.getExpression();
                if (outs != null && e instanceof LongValue) {
                    int pos = (int) ((LongValue) e).getValue();
                    if (pos >= 1 && pos <= outs.size() && outs.get(pos - 1).target() != null) {
                        throw refuseUse(outs.get(pos - 1).target(), "ORDER BY", "Sort on another column, or sort "
                                + "in the application after decryption");
                    }
                    continue;
                }
                if (outs != null && e instanceof Column && ((Column) e).getTable() == null) {
                    String label = Identifiers.canonical(((Column) e).getColumnName());
                    for (Out out : outs) {
                        if (label.equals(out.label()) && out.target() != null) {
                            throw refuseUse(out.target(), "ORDER BY", "Sort on another column, or sort in the "
                                    + "application after decryption");
                        }
                    }
                }
                if (e instanceof Column) {
                    Target t = resolve((Column) e, scope);
                    if (t != null) {
                        throw refuseUse(t, "ORDER BY", "Sort on another column, or sort in the application after "
                                + "decryption");
                    }
                }
                check(e, scope, "ORDER BY");
            }
        }

        // --------------------------------------------------------------------------------------------------------
        // FROM

        private void fromItems(List<Join> joins, Scope scope) {
            if (joins == null) {
                return;
            }
            for (Join j : joins) {
                from(j.getFromItem(), scope);
            }
        }

        private void joinConditions(List<Join> joins, Scope scope) {
            if (joins == null) {
                return;
            }
            for (Join j : joins) {
                if (j.isNatural()) {
                    for (Source s : scope.sources) {
                        if (s.hasEncrypted()) {
                            Target t = s.all().stream().map(Out::target).filter(java.util.Objects::nonNull)
                                    .findFirst().orElse(null);
                            touched = true;
                            throw refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a NATURAL JOIN involving "
                                    + "a relation with encrypted columns"
                                    + (t == null ? "" : " (" + t.column().qualified() + ")")
                                    + ": it may join on them. Write JOIN … ON with the columns to join on");
                        }
                    }
                }
                if (j.getUsingColumns() != null) {
                    for (Column c : j.getUsingColumns()) {
                        Target t = resolve(c, scope);
                        if (t != null) {
                            throw refuseUse(t, "JOIN … USING", "Join on another column, or through a blind index");
                        }
                    }
                }
                if (j.getOnExpressions() != null && !j.getOnExpressions().isEmpty()) {
                    List<Expression> ons = new ArrayList<>();
                    for (Expression on : j.getOnExpressions()) {
                        ons.add(cond(on, scope, "JOIN … ON", "in a JOIN … ON condition"));
                    }
                    j.setOnExpressions(ons);
                }
            }
        }

        private void from(FromItem item, Scope scope) {
            String alias = item.getAlias() == null ? null : item.getAlias().getName();
            if (item instanceof Table) {
                Table t = (Table) item;
                if (t.getSchemaName() == null) {
                    List<Out> cte = scope.cte(Identifiers.canonical(t.getName()));
                    if (cte != null) {
                        scope.sources.add(new DerivedSource(alias != null ? Identifiers.canonical(alias)
                                : Identifiers.canonical(t.getName()), renamed(cte, item)));
                        return;
                    }
                }
                TableSource source = tableSource(t, scope, alias);
                if (item.getAlias() != null && item.getAlias().getAliasColumns() != null
                        && (!source.enc.isEmpty() || hasCompanions(source))) {
                    EncryptedColumn first = source.enc.values().iterator().next();
                    touched = true;
                    throw refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused a column alias list on encrypted "
                            + "table " + source.name + " (" + item.getAlias().getName() + "(…) renames "
                            + first.qualified() + " and the table's other columns by position): the renamed columns "
                            + "would bypass decryption and blind-index rewriting. Alias the table without a column "
                            + "list and rename columns in the select list (" + first.name() + " AS …)");
                }
                scope.sources.add(source);
            } else if (item instanceof ParenthesedSelect) {
                List<Out> outs = renamed(select((ParenthesedSelect) item, scope.parent), item);
                scope.sources.add(new DerivedSource(alias == null ? null : Identifiers.canonical(alias), outs));
            } else if (item instanceof ParenthesedFromItem) {
                ParenthesedFromItem p = (ParenthesedFromItem) item;
                from(p.getFromItem(), scope);
                fromItems(p.getJoins(), scope);
                joinConditions(p.getJoins(), scope);
            } else {
                // table functions, LATERAL, VALUES in FROM …: check their expressions, expose unknown columns
                ExpressionChecker checker = new ExpressionChecker(scope, "a table function");
                if (item instanceof net.sf.jsqlparser.statement.select.LateralSubSelect) {
                    List<Out> outs = select(((net.sf.jsqlparser.statement.select.LateralSubSelect) item).getSelect(),
                            scope);
                    scope.sources.add(new DerivedSource(alias == null ? null : Identifiers.canonical(alias), outs));
                    return;
                }
                if (item instanceof net.sf.jsqlparser.statement.select.TableFunction) {
                    ((net.sf.jsqlparser.statement.select.TableFunction) item).getFunction().accept(checker,
                            "a table function");
                }
                scope.sources.add(new DerivedSource(alias == null ? null : Identifiers.canonical(alias),
                        List.of(Out.UNKNOWN)));
            }
        }

        /**
         * The outputs of a subquery or CTE under an alias column list ({@code AS a(c1, c2, …)}): renamed by
         * position. A * of unknown width before an encrypted output makes the positions unknowable: refused.
         */
        private List<Out> renamed(List<Out> outs, FromItem item) {
            if (item.getAlias() == null || item.getAlias().getAliasColumns() == null) {
                return outs;
            }
            var cols = item.getAlias().getAliasColumns();
            List<Out> renamed = new ArrayList<>();
            boolean unknownBefore = false;
            for (int i = 0; i < outs.size(); i++) {
                Out o = outs.get(i);
                if (o.unknownWidth()) {
                    unknownBefore = true;
                    renamed.add(o);
                    continue;
                }
                if (unknownBefore && o.target() != null) {
                    throw refuseUse(o.target(), "a column alias list after a * of unknown width", "List the "
                            + "subquery's columns instead of *");
                }
                String label = i < cols.size() ? Identifiers.canonical(cols.get(i).name) : o.label();
                renamed.add(new Out(label, o.target()));
            }
            return renamed;
        }

        private TableSource tableSource(Table t, Scope scope, String alias) {
            TableName name = new TableName(t.getSchemaName() == null ? null : Identifiers.canonical(t.getSchemaName()),
                    Identifiers.canonical(t.getName()));
            Map<String, EncryptedColumn> enc = columnsOf(name.schema(), name.name());
            if (!enc.isEmpty() && info(name) != null) {
                ColumnCheck.present(name, enc.values(), info(name));
            }
            return new TableSource(name, enc, alias == null ? null : Identifiers.canonical(alias));
        }

        private Source source(Table qualifier, Scope scope) {
            String name = Identifiers.canonical(qualifier.getName());
            String schema = qualifier.getSchemaName() == null ? null : Identifiers.canonical(qualifier.getSchemaName());
            for (Scope s = scope; s != null; s = s.parent) {
                for (Source src : s.sources) {
                    if (src.matches(schema, name)) {
                        return src;
                    }
                }
            }
            return null;
        }

        Target resolve(Column c, Scope scope) {
            String col = Identifiers.canonical(c.getColumnName());
            Table q = c.getTable();
            if (q != null && q.getName() != null) {
                Source src = source(q, scope);
                return src == null ? null : src.encrypted(col);
            }
            for (Scope s = scope; s != null; s = s.parent) {
                for (Source src : s.sources) {
                    Target t = src.encrypted(col);
                    if (t != null) {
                        return t;
                    }
                }
            }
            return null;
        }

        /**
         * For an unqualified name that is no column but a relation with encrypted columns ({@code SELECT p FROM
         * patients p}, {@code row_to_json(p)}): the first encrypted column the whole-row value would carry.
         */
        Target wholeRow(Column c, Scope scope) {
            if (c.getTable() != null && c.getTable().getName() != null) {
                return null;
            }
            String name = Identifiers.canonical(c.getColumnName());
            for (Scope s = scope; s != null; s = s.parent) {
                for (Source src : s.sources) {
                    if (src.hasColumn(name)) {
                        return null;
                    }
                }
            }
            for (Scope s = scope; s != null; s = s.parent) {
                for (Source src : s.sources) {
                    if (src.matches(null, name) && src.hasEncrypted()) {
                        return firstEncrypted(src);
                    }
                }
            }
            return null;
        }

        Target firstEncrypted(Source src) {
            touched = true;
            return src.all().stream().map(Out::target).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }

        Refusal.Signal refuseWholeRow(Target t, String construct) {
            return refuseUse(t, construct + " (a whole-row value)", "A row value would carry ciphertext Veil cannot "
                    + "decrypt there. List the columns instead");
        }

        private final class TableSource extends Source {
            final TableName name;
            final Map<String, EncryptedColumn> enc;

            TableSource(TableName name, Map<String, EncryptedColumn> enc, String alias) {
                super(alias);
                this.name = name;
                this.enc = enc;
            }

            @Override
            Target encrypted(String column) {
                EncryptedColumn ec = enc.get(column);
                return ec == null ? null : target(ec, name);
            }

            @Override
            List<Out> all() {
                Catalog.TableInfo info = info(name);
                if (info == null) {
                    if (!enc.isEmpty()) {
                        touched = true;
                        throw refuse(VeilSqlState.UNANALYSABLE_STATEMENT, "Veil cannot expand * over encrypted table "
                                + name + " because it cannot see the table's columns. List the columns");
                    }
                    return List.of(Out.UNKNOWN);
                }
                List<Out> outs = new ArrayList<>(info.columns().size());
                for (String c : visible()) {
                    outs.add(new Out(c, encrypted(c)));
                }
                return outs;
            }

            /** The table's columns without its blind index companion columns (catalog order). */
            List<String> visible() {
                Catalog.TableInfo info = info(name);
                List<ConfiguredIndex> idx = indexesOf(this);
                if (info == null || idx.isEmpty()) {
                    return info == null ? List.of() : info.columns();
                }
                List<String> out = new ArrayList<>();
                for (String c : info.columns()) {
                    if (idx.stream().noneMatch(i -> i.name().equals(c))) {
                        out.add(c);
                    }
                }
                return out;
            }

            @Override
            boolean matches(String schema, String qname) {
                if (alias != null) {
                    return schema == null && alias.equals(qname);
                }
                return name.name().equals(qname) && (schema == null || name.schema() == null
                        || schema.equals(name.schema()));
            }

            @Override
            boolean hasEncrypted() {
                return !enc.isEmpty();
            }

            @Override
            boolean hasColumn(String column) {
                Catalog.TableInfo info = info(name);
                return info == null ? enc.containsKey(column) : info.columns().contains(column);
            }
        }

        private final class DerivedSource extends Source {
            final List<Out> outs;

            DerivedSource(String alias, List<Out> outs) {
                super(alias);
                this.outs = outs;
            }

            @Override
            Target encrypted(String column) {
                for (Out o : outs) {
                    if (column.equals(o.label())) {
                        return o.target();
                    }
                }
                return null;
            }

            @Override
            List<Out> all() {
                return outs;
            }

            @Override
            boolean matches(String schema, String name) {
                return schema == null && name.equals(alias);
            }

            @Override
            boolean hasEncrypted() {
                return outs.stream().anyMatch(o -> o.target() != null);
            }

            @Override
            boolean hasColumn(String column) {
                return outs.stream().anyMatch(o -> column.equals(o.label()));
            }
        }

        // --------------------------------------------------------------------------------------------------------
        // expressions

        void check(Expression e, Scope scope, String construct) {
            if (e != null) {
                e.accept(new ExpressionChecker(scope, construct), construct);
            }
        }

        /**
         * Walks an expression; any encrypted column met is refused with the innermost construct around it, except
         * {@code col IS [NOT] NULL} and {@code count(col)}. Subqueries are analysed in their own scope.
         */
        private final class ExpressionChecker extends ExpressionVisitorAdapter<Void> {
            private final Scope scope;

            private final String clause;

            ExpressionChecker(Scope scope, String clause) {
                this.scope = scope;
                this.clause = clause;
            }

            @Override
            public <S> Void visit(Column column, S context) {
                refuseCompanion(column, scope);
                Target t = resolve(column, scope);
                String inner = String.valueOf(context);
                if (t != null) {
                    throw refuseUse(t, inner.equals(clause) ? inner : inner + " in " + clause);
                }
                Target row = wholeRow(column, scope);
                if (row != null) {
                    throw refuseWholeRow(row, inner.equals(clause) ? inner : inner + " in " + clause);
                }
                return null;
            }

            @Override
            public <S> Void visit(AllTableColumns all, S context) {
                Source src = source(all.getTable(), scope);
                if (src != null && src.hasEncrypted()) {
                    throw refuseWholeRow(firstEncrypted(src), String.valueOf(context));
                }
                return null;
            }

            @Override
            public <S> Void visit(AllColumns all, S context) {
                for (Scope s = scope; s != null; s = s.parent) {
                    for (Source src : s.sources) {
                        if (src.hasEncrypted()) {
                            throw refuseWholeRow(firstEncrypted(src), String.valueOf(context));
                        }
                    }
                }
                return null;
            }

            @Override
            protected <S> Void visitBinaryExpression(BinaryExpression expr, S context) {
                Object ctx = expr instanceof AndExpression || expr instanceof OrExpression
                        || expr instanceof XorExpression ? context : describe(expr);
                return super.visitBinaryExpression(expr, ctx);
            }

            @Override
            public <S> Void visit(IsNullExpression expr, S context) {
                if (expr.getLeftExpression() instanceof Column) {
                    // companion IS [NOT] NULL hands out no index value: allowed (it finds rows to backfill)
                    Target t = resolve((Column) expr.getLeftExpression(), scope);
                    if (t != null) {
                        touched = true;
                    }
                    return null;
                }
                return super.visit(expr, "IS NULL");
            }

            @Override
            public <S> Void visit(Function f, S context) {
                String name = f.getName() == null ? "" : f.getName().toLowerCase(Locale.ROOT);
                if (name.equals("count") && f.isDistinct() && f.getParameters() != null
                        && f.getParameters().size() == 1 && f.getParameters().get(0) instanceof Column) {
                    Hit h = encryptedHit((Expression) f.getParameters().get(0), scope);
                    if (h != null) {
                        String construct = "function count() with DISTINCT";
                        TableSource src = indexable(h, construct);
                        ConfiguredIndex ci = singleIndex(src, h.column());
                        if (ci == null || !ci.definition().exact()) {
                            throw refuseUse(h.target(), construct, "Declare an exact blind index (bits of "
                                    + dev.veil.blindindex.BlindIndexDefinition.EXACT_BITS + " or more) on the column: "
                                    + "Veil then counts distinct index values");
                        }
                        IndexTarget dx = indexTarget(src, ci, construct);
                        storedValuesCompared(src, dx, "count(DISTINCT " + h.target().column().qualified() + ")");
                        queried.add(dx);
                        rewritten = true;
                        @SuppressWarnings("unchecked")
                        ExpressionList<Expression> ps = (ExpressionList<Expression>) f.getParameters();
                        ps.set(0, indexColumn((Column) ps.get(0), ci));
                        return null;
                    }
                }
                if (name.equals("count") && !f.isDistinct() && (f.isAllColumns() || f.getParameters() == null
                        || f.getParameters().size() == 1 && (f.getParameters().get(0) instanceof Column
                                || f.getParameters().get(0) instanceof AllColumns))) {
                    return null; // counting rows or non-NULL values is exact on ciphertext
                }
                return super.visit(f, "function " + f.getName() + "()" + (f.isDistinct() ? " with DISTINCT" : ""));
            }

            @Override
            public <S> Void visit(AnalyticExpression a, S context) {
                return super.visit(a, "window function " + a.getName() + "()");
            }

            @Override
            public <S> Void visit(CastExpression c, S context) {
                return super.visit(c, "a cast");
            }

            @Override
            public <S> Void visit(InExpression in, S context) {
                return super.visit(in, "an IN list");
            }

            @Override
            public <S> Void visit(Between b, S context) {
                return super.visit(b, "BETWEEN");
            }

            @Override
            public <S> Void visit(CaseExpression c, S context) {
                return super.visit(c, "a CASE expression");
            }

            @Override
            public <S> Void visit(ExtractExpression e, S context) {
                return super.visit(e, "EXTRACT");
            }

            @Override
            public <S> Void visit(ExistsExpression e, S context) {
                if (e.getRightExpression() instanceof Select) {
                    select((Select) e.getRightExpression(), scope);
                    return null;
                }
                return super.visit(e, "EXISTS");
            }

            @Override
            public <S> Void visit(ParenthesedSelect sub, S context) {
                return visit((Select) sub, context);
            }

            @Override
            public <S> Void visit(net.sf.jsqlparser.expression.AnyComparisonExpression any, S context) {
                return visit(any.getSelect(), context);
            }

            @Override
            public <S> Void visit(Select sub, S context) {
                String inner = String.valueOf(context);
                List<Out> outs = select(sub, scope);
                for (Out o : outs) {
                    if (o.target() != null) {
                        throw refuseUse(o.target(), (inner.equals(clause) ? inner : inner + " in " + clause)
                                + " through a subquery");
                    }
                }
                return null;
            }
        }

        // --------------------------------------------------------------------------------------------------------
        // blind indexes

        /** A column reference resolved to its relation and, when encrypted, its target. */
        record Hit(Source source, Target target, String column) {
        }

        Hit hit(Column c, Scope scope) {
            String col = Identifiers.canonical(c.getColumnName());
            Table q = c.getTable();
            if (q != null && q.getName() != null) {
                Source src = source(q, scope);
                return src == null ? null : new Hit(src, src.encrypted(col), col);
            }
            for (Scope s = scope; s != null; s = s.parent) {
                for (Source src : s.sources) {
                    Target t = src.encrypted(col);
                    if (t != null) {
                        return new Hit(src, t, col);
                    }
                }
            }
            Source only = null;
            for (Source src : scope.sources) {
                if (src instanceof TableSource && src.hasColumn(col)) {
                    if (only != null) {
                        return null;
                    }
                    only = src;
                }
            }
            return only == null ? null : new Hit(only, null, col);
        }

        List<ConfiguredIndex> indexesOf(TableSource src) {
            return SqlAnalyzer.this.indexesOf(src.name.schema(), src.name.name());
        }

        /** The single-column index of a column, exact ones first; null when it has none. */
        ConfiguredIndex singleIndex(TableSource src, String column) {
            ConfiguredIndex found = null;
            for (ConfiguredIndex ci : indexesOf(src)) {
                if (ci.columns().size() == 1 && ci.columns().get(0).equals(column)) {
                    if (ci.definition().exact()) {
                        return ci;
                    }
                    if (found == null) {
                        found = ci;
                    }
                }
            }
            return found;
        }

        IndexTarget indexTarget(TableSource src, ConfiguredIndex ci, String use) {
            String key = src.name.qualified() + "." + ci.name();
            IndexTarget it = indexTargets.get(key);
            if (it != null) {
                return it;
            }
            touched = true;
            Catalog.TableInfo info = info(src.name);
            if (info != null) {
                String type = info.typeOf(ci.name());
                if (type == null) {
                    boolean unique = use.contains("ON CONFLICT");
                    throw refuse(VeilSqlState.SCHEMA_MISMATCH, "blind index " + ci.qualified() + " (declared by "
                            + ci.origin() + ") has no companion column in table " + src.name + ", so Veil can neither "
                            + "fill it nor search through it (" + use + "). Create it: ALTER TABLE " + src.name.sql()
                            + " ADD COLUMN " + Identifiers.quoteIfNeeded(ci.name()) + " bytea; CREATE "
                            + (unique ? "UNIQUE " : "") + "INDEX "
                            + Identifiers.quoteIfNeeded(src.name.name() + "_" + ci.name() + "_idx") + " ON "
                            + src.name.sql() + " ("
                            + Identifiers.quoteIfNeeded(ci.name()) + ");");
                }
                if (!type.equalsIgnoreCase("bytea")) {
                    throw refuse(VeilSqlState.SCHEMA_MISMATCH, "blind index " + ci.qualified() + " is stored in "
                            + "column " + ci.name() + " of SQL type " + type + "; it must be bytea: ALTER TABLE "
                            + src.name.sql() + " ALTER COLUMN " + Identifiers.quoteIfNeeded(ci.name())
                            + " TYPE bytea USING NULL -- then rebuild the index");
                }
            }
            dev.veil.driver.codec.ValueType[] types = new dev.veil.driver.codec.ValueType[ci.columns().size()];
            List<String> window = new ArrayList<>();
            for (int i = 0; i < types.length; i++) {
                EncryptedColumn ec = src.enc.get(ci.columns().get(i));
                types[i] = ec == null ? null : ec.type();
                if (ec != null && config.allowsLegacyPlaintext(ec)) {
                    window.add(ec.name());
                }
            }
            it = new IndexTarget(ci, indexers.apply(ci), src.name, types, window);
            indexTargets.put(key, it);
            return it;
        }

        Column indexColumn(Column original, ConfiguredIndex ci) {
            return own(new Column(original.getTable(), Identifiers.quoteIfNeeded(ci.name())));
        }

        /** Not a value Veil can index (an expression, a column, DEFAULT). */
        private final Object notAValue = new Object();

        /**
         * Where an index part's value comes from: a parameter (kept in a buffer; {@code drop}: never sent, it is a
         * compared plaintext), a literal or NULL (a constant), or {@link #notAValue}.
         */
        Object valueSource(Expression v, Target t, boolean drop) {
            if (v instanceof JdbcParameter) {
                JdbcParameter p = (JdbcParameter) v;
                if (p.getIndex() == null || p.isUseFixedIndex()) {
                    return notAValue;
                }
                int i = p.getIndex();
                while (params.size() < i) {
                    params.add(null);
                }
                if (t != null) {
                    params.set(i - 1, t);
                }
                buffered.add(i);
                if (drop) {
                    dropped.add(i);
                }
                rewritten = true;
                return new ParameterMap.ParamRef(i);
            }
            if (v instanceof NullValue) {
                return null;
            }
            if (isLiteral(v)) {
                return literal(v, t);
            }
            return notAValue;
        }

        /** The expression carrying the index value a write stores: a derived parameter (a literal for a Statement). */
        Expression indexValue(IndexTarget ix, Object[] sources) {
            return derivedParameter(IndexValues.write(ix, sources), IndexValues.PRIMARY);
        }

        /** A {@code ?} Veil adds, carrying one slot of {@code values} (computed before each execution). */
        Expression derivedParameter(IndexValues values, int slot) {
            rewritten = true;
            JdbcParameter p = new JdbcParameter();
            p.setUseFixedIndex(true);
            p.setIndex(DERIVED_MARK + derived.size());
            derived.add(new DerivedRef(values, slot));
            return p;
        }

        Refusal.Signal refuseTruncated(Target t, IndexTarget ix, String construct, String why) {
            return refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: encrypted column "
                    + t.column().qualified() + " is searched with " + construct + " through blind index "
                    + ix.index().qualified() + ", which is truncated to " + ix.index().definition().bits()
                    + " bits and so also matches other values. Veil drops those false positives only in a plain SELECT "
                    + "(no aggregate, GROUP BY, DISTINCT, LIMIT/OFFSET/FETCH) whose WHERE compares the column with = "
                    + "or IN as a top-level AND condition; here it is " + why + ". Use an exact index (bits: "
                    + dev.veil.blindindex.BlindIndexDefinition.EXACT_BITS + " or more) for this statement");
        }

        /** Registers a post-filter for a truncated index: the column is appended as a hidden result column. */
        void postFilter(Column c, Target t, IndexTarget ix, int part, Object[] sources) {
            hiddenColumns.add(new Column(c.getTable(), c.getColumnName()));
            filters.add(new RowFilter(hiddenColumns.size() - 1, t, ix, part, sources));
            rewritten = true;
        }

        /** Why the outermost SELECT's rows cannot be post-filtered, or null when they can. */
        String postFilterBlock(PlainSelect ps) {
            if (ps != outermost) {
                return "inside a subquery";
            }
            if (ps.getLimit() != null || ps.getOffset() != null || ps.getFetch() != null || ps.getTop() != null
                    || ps.getLimitBy() != null) {
                return "in a query with LIMIT/OFFSET/FETCH";
            }
            if (ps.getDistinct() != null) {
                return "in a query with DISTINCT";
            }
            if (ps.getGroupBy() != null || ps.getHaving() != null) {
                return "in a query with GROUP BY/HAVING";
            }
            boolean[] aggregate = {false};
            for (SelectItem<?> item : ps.getSelectItems()) {
                item.getExpression().accept(new ExpressionVisitorAdapter<Void>() {
                    @Override
                    public <S> Void visit(Function f, S context) {
                        String n = f.getName() == null ? "" : f.getName().toLowerCase(Locale.ROOT);
                        if (AGGREGATES.contains(n)) {
                            aggregate[0] = true;
                        }
                        return super.visit(f, context);
                    }

                    @Override
                    public <S> Void visit(AnalyticExpression a, S context) {
                        aggregate[0] = true;
                        return null;
                    }
                }, null);
            }
            return aggregate[0] ? "in a query with an aggregate or window function" : null;
        }

        /**
         * A search condition (WHERE, JOIN … ON) with equality on encrypted columns rewritten through their blind
         * indexes; everything else is checked as before.
         *
         * @param block why rows cannot be post-filtered here (null: top-level AND of the outermost SELECT)
         */
        Expression cond(Expression e, Scope scope, String clause, String block) {
            if (e == null || rewrittenPredicates.contains(e)) {
                return e;
            }
            if (e instanceof AndExpression) {
                List<Expression> conjuncts = new ArrayList<>();
                flattenAnd(e, conjuncts);
                compound(conjuncts, scope, block);
                Expression out = null;
                for (Expression c : conjuncts) {
                    Expression r = cond(c, scope, clause, block);
                    out = out == null ? r : new AndExpression(out, r);
                }
                return out;
            }
            if (e instanceof OrExpression || e instanceof XorExpression) {
                BinaryExpression b = (BinaryExpression) e;
                String why = e instanceof OrExpression ? "under OR" : "under XOR";
                b.setLeftExpression(cond(b.getLeftExpression(), scope, clause, why));
                b.setRightExpression(cond(b.getRightExpression(), scope, clause, why));
                return b;
            }
            if (e instanceof net.sf.jsqlparser.expression.NotExpression) {
                var n = (net.sf.jsqlparser.expression.NotExpression) e;
                negations++;
                try {
                    n.setExpression(cond(n.getExpression(), scope, clause, "under NOT"));
                } finally {
                    negations--;
                }
                return n;
            }
            if (e instanceof ParenthesedExpressionList && ((ParenthesedExpressionList<?>) e).size() == 1) {
                @SuppressWarnings("unchecked")
                ParenthesedExpressionList<Expression> p = (ParenthesedExpressionList<Expression>) e;
                p.set(0, cond(p.get(0), scope, clause, block));
                return p;
            }
            if (e instanceof net.sf.jsqlparser.expression.operators.relational.EqualsTo
                    || e instanceof net.sf.jsqlparser.expression.operators.relational.NotEqualsTo) {
                Expression r = comparison((BinaryExpression) e, scope, clause, block);
                if (r != null) {
                    return r;
                }
            } else if (e instanceof InExpression) {
                Expression r = in((InExpression) e, scope, clause, block);
                if (r != null) {
                    return r;
                }
            }
            check(e, scope, clause);
            return e;
        }

        private void flattenAnd(Expression e, List<Expression> out) {
            if (e instanceof AndExpression) {
                flattenAnd(((AndExpression) e).getLeftExpression(), out);
                flattenAnd(((AndExpression) e).getRightExpression(), out);
            } else {
                out.add(e);
            }
        }

        private Hit encryptedHit(Expression e, Scope scope) {
            if (!(e instanceof Column)) {
                return null;
            }
            Hit h = hit((Column) e, scope);
            return h == null || h.target() == null ? null : h;
        }

        private TableSource indexable(Hit h, String construct) {
            if (!(h.source() instanceof TableSource)) {
                throw refuseUse(h.target(), construct + " on a column of a subquery or CTE", "Search through the "
                        + "blind index inside the subquery (compare the column there), where Veil sees the table");
            }
            return (TableSource) h.source();
        }

        private ConfiguredIndex requireIndex(Hit h, TableSource src, String construct) {
            ConfiguredIndex ci = singleIndex(src, h.column());
            if (ci == null) {
                throw refuseUse(h.target(), construct, "Declare a blind index on the column (blind-index: "
                        + h.column() + "_bidx, or @BlindIndex) to search it by equality; other comparisons cannot "
                        + "work on encrypted values");
            }
            return ci;
        }

        /** {@code col = v}, {@code v = col}, {@code col <> v}, {@code a.col = b.col}; null when no encrypted column. */
        private Expression comparison(BinaryExpression b, Scope scope, String clause, String block) {
            boolean negated = b instanceof net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
            String construct = "a comparison (" + b.getStringExpression().trim() + ")"
                    + (clause.equals("WHERE") ? "" : " in " + clause);
            Hit l = encryptedHit(b.getLeftExpression(), scope);
            Hit r = encryptedHit(b.getRightExpression(), scope);
            if (l == null && r == null) {
                return null;
            }
            if (l != null && r != null) {
                return join(b, l, r, construct);
            }
            Hit h = l != null ? l : r;
            Column col = (Column) (l != null ? b.getLeftExpression() : b.getRightExpression());
            Expression value = l != null ? b.getRightExpression() : b.getLeftExpression();
            if (!(value instanceof JdbcParameter || value instanceof NullValue || isLiteral(value))) {
                return null; // the checker refuses it with the construct's name
            }
            TableSource src = indexable(h, construct);
            ConfiguredIndex ci = requireIndex(h, src, construct);
            IndexTarget ix = indexTarget(src, ci, construct);
            queried.add(ix);
            if (!ix.exact() && (negated || block != null)) {
                throw refuseTruncated(h.target(), ix, construct, negated ? "a negation (<>)" : block);
            }
            LegacyComparison[] window = windowComparisons(src, ci, ix, construct, false);
            Object source = valueSource(value, h.target(), true);
            Object[] sources = {source};
            if (!ix.exact()) {
                postFilter(col, h.target(), ix, 0, sources);
            }
            return search(col, ci, List.of(IndexValues.search(ix, sources, window)), new Column[] {col}, window,
                    negated);
        }

        /**
         * The rewritten search predicate for searched values through an index: by index under every enabled key
         * version, with the plaintext branch when a part is in its migration window ({@link SearchPredicates}).
         *
         * @param columns each index part's column as the statement names it (null for parts not searched in SQL)
         */
        private Expression search(Column companionOf, ConfiguredIndex ci, List<IndexValues> values, Column[] columns,
                LegacyComparison[] window, boolean negated) {
            java.util.function.Supplier<Column> companion = () -> indexColumn(companionOf, ci);
            Expression r;
            if (window == null) {
                r = SearchPredicates.byIndex(companion, values, this::derivedParameter, negated);
            } else {
                List<SearchPredicates.WindowPart> parts = new ArrayList<>();
                for (int p = 0; p < window.length; p++) {
                    if (window[p] != null) {
                        Column c = columns[p];
                        parts.add(new SearchPredicates.WindowPart(p, () -> new Column(c.getTable(), c.getColumnName()),
                                window[p]));
                    }
                }
                r = SearchPredicates.window(companion, values, parts, this::derivedParameter, negated);
            }
            rewrittenPredicates.add(r);
            return r;
        }

        /**
         * How each part of an index in its migration window compares stored plaintext, or null when no part is in
         * one; refuses what cannot be compared exactly (a non-text column or declared type, a normalizer without an
         * exact SQL form, a compound index with an encrypted part outside the window).
         */
        private LegacyComparison[] windowComparisons(TableSource src, ConfiguredIndex ci, IndexTarget ix,
                String construct, boolean compound) {
            if (ix.windowColumns().isEmpty()) {
                return null;
            }
            Catalog.TableInfo info = info(src.name);
            MigrationWindow.Part[] parts = new MigrationWindow.Part[ci.columns().size()];
            for (int p = 0; p < parts.length; p++) {
                String c = ci.columns().get(p);
                parts[p] = new MigrationWindow.Part(src.enc.get(c), info == null ? null : info.typeOf(c),
                        info == null || info.deterministic(c));
            }
            MigrationWindow.Verdict v = MigrationWindow.comparisons(ci, parts, ix.windowColumns());
            if (v.refused()) {
                throw refuseWindow(src, v.column(), ix, construct, v);
            }
            return v.comparisons();
        }

        /** VE010 for a refused search in a migration window: the column, the construct, why and the fix. */
        private Refusal.Signal refuseWindow(TableSource src, EncryptedColumn column, IndexTarget ix,
                String construct, MigrationWindow.Verdict v) {
            EncryptedColumn c = column != null ? column : src.enc.get(ix.windowColumns().get(0));
            return refuseWindow(target(c, src.name), ix, construct, v.why(), v.fix());
        }

        Refusal.Signal refuseWindow(Target t, IndexTarget ix, String construct, String why, String fix) {
            return refuse(VeilSqlState.UNSUPPORTED_CONSTRUCT, "Veil refused the statement: encrypted column "
                    + t.column().qualified() + " is in its migration window (legacy-plaintext), where " + construct
                    + " through blind index " + ix.index().qualified() + " must also find the rows still in "
                    + "plaintext, and " + why + ". " + fix);
        }

        /**
         * Refuses, during a migration window, a construct that needs every row's index value (a join of two index
         * columns, GROUP BY, count(DISTINCT), ON CONFLICT): rows still in plaintext have none. Otherwise records it
         * as needing one enabled key version, checked before each execution.
         */
        private void storedValuesCompared(TableSource src, IndexTarget ix, String construct) {
            if (!ix.windowColumns().isEmpty()) {
                throw refuseWindow(src, null, ix, construct, MigrationWindow.storedValuesCompared(construct));
            }
            singleVersion.putIfAbsent(ix, construct + " through blind index " + ix.index().qualified());
        }

        /** {@code a.col = b.col}: both through exact indexes sharing a key (one index, or one join domain). */
        private Expression join(BinaryExpression b, Hit l, Hit r, String construct) {
            TableSource ls = indexable(l, construct);
            TableSource rs = indexable(r, construct);
            ConfiguredIndex li = singleIndex(ls, l.column());
            ConfiguredIndex ri = singleIndex(rs, r.column());
            String fix = "Compare two encrypted columns only through exact blind indexes (bits of "
                    + dev.veil.blindindex.BlindIndexDefinition.EXACT_BITS + " or more) that share a key: give both "
                    + "indexes the same join domain (domain: …) — " + l.target().column().qualified() + " and "
                    + r.target().column().qualified();
            if (li == null || ri == null || !li.definition().exact() || !ri.definition().exact()) {
                throw refuseUse(l.target(), construct + " with " + r.target().column().qualified(), fix);
            }
            boolean sameKey = li.definition().equals(ri.definition()) && li.table().equals(ri.table())
                    || li.definition().domain().isPresent()
                    && li.definition().domain().equals(ri.definition().domain());
            if (!sameKey) {
                throw refuseUse(l.target(), construct + " with " + r.target().column().qualified()
                        + " (their blind indexes have different keys)", fix);
            }
            IndexTarget lx = indexTarget(ls, li, construct);
            IndexTarget rx = indexTarget(rs, ri, construct);
            storedValuesCompared(ls, lx, "a join comparing two index columns (" + l.target().column().qualified()
                    + " = " + r.target().column().qualified() + ")");
            storedValuesCompared(rs, rx, "a join comparing two index columns (" + l.target().column().qualified()
                    + " = " + r.target().column().qualified() + ")");
            queried.add(lx);
            queried.add(rx);
            rewritten = true;
            b.setLeftExpression(indexColumn((Column) b.getLeftExpression(), li));
            b.setRightExpression(indexColumn((Column) b.getRightExpression(), ri));
            return b;
        }

        /** {@code col [NOT] IN (v, …)}; null when the left side is no encrypted column or the list holds no values. */
        private Expression in(InExpression in, Scope scope, String clause, String block) {
            Hit h = encryptedHit(in.getLeftExpression(), scope);
            if (h == null || !(in.getRightExpression() instanceof ExpressionList)
                    || in.getRightExpression() instanceof Select) {
                return null;
            }
            @SuppressWarnings("unchecked")
            ExpressionList<Expression> list = (ExpressionList<Expression>) in.getRightExpression();
            for (Expression v : list) {
                if (!(v instanceof JdbcParameter || v instanceof NullValue || isLiteral(v))) {
                    return null;
                }
            }
            String construct = (in.isNot() ? "NOT IN" : "an IN list") + (clause.equals("WHERE") ? "" : " in " + clause);
            TableSource src = indexable(h, construct);
            ConfiguredIndex ci = requireIndex(h, src, construct);
            IndexTarget ix = indexTarget(src, ci, construct);
            queried.add(ix);
            if (!ix.exact() && (in.isNot() || block != null)) {
                throw refuseTruncated(h.target(), ix, construct, in.isNot() ? "a negation (NOT IN)" : block);
            }
            LegacyComparison[] window = windowComparisons(src, ci, ix, construct, false);
            Object[] all = new Object[list.size()];
            List<IndexValues> values = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object[] sources = {valueSource(list.get(i), h.target(), true)};
                all[i] = sources[0];
                values.add(IndexValues.search(ix, sources, window));
            }
            Column col = (Column) in.getLeftExpression();
            if (!ix.exact()) {
                postFilter(col, h.target(), ix, 0, all);
            }
            return search(col, ci, values, new Column[] {col}, window, in.isNot());
        }

        /**
         * Within one AND group: a compound index whose every part is compared with {@code =} to a value becomes
         * {@code compound = ?}; the encrypted parts' comparisons go (their values are never sent), plain parts'
         * comparisons stay.
         */
        private void compound(List<Expression> conjuncts, Scope scope, String block) {
            for (Source s : scope.sources) {
                if (!(s instanceof TableSource)) {
                    continue;
                }
                TableSource ts = (TableSource) s;
                for (ConfiguredIndex ci : indexesOf(ts)) {
                    if (ci.columns().size() < 2 || (!ci.definition().exact() && block != null)) {
                        continue;
                    }
                    int n = ci.columns().size();
                    int[] at = new int[n];
                    Column[] cols = new Column[n];
                    Expression[] values = new Expression[n];
                    Hit[] hits = new Hit[n];
                    boolean all = true;
                    for (int k = 0; k < n && all; k++) {
                        at[k] = -1;
                        for (int j = 0; j < conjuncts.size() && at[k] < 0; j++) {
                            Expression c = conjuncts.get(j);
                            if (!(c instanceof net.sf.jsqlparser.expression.operators.relational.EqualsTo)) {
                                continue;
                            }
                            BinaryExpression b = (BinaryExpression) c;
                            for (int side = 0; side < 2; side++) {
                                Expression ce = side == 0 ? b.getLeftExpression() : b.getRightExpression();
                                Expression ve = side == 0 ? b.getRightExpression() : b.getLeftExpression();
                                if (!(ce instanceof Column) || !(ve instanceof JdbcParameter || isLiteral(ve))) {
                                    continue;
                                }
                                Hit h = hit((Column) ce, scope);
                                if (h != null && h.source() == ts && h.column().equals(ci.columns().get(k))) {
                                    at[k] = j;
                                    cols[k] = (Column) ce;
                                    values[k] = ve;
                                    hits[k] = h;
                                    break;
                                }
                            }
                        }
                        all = at[k] >= 0;
                    }
                    if (!all) {
                        continue;
                    }
                    String construct = "a search on every part of compound index " + ci.qualified();
                    if (negations > 0) {
                        // a row with a NULL part has no index value: NOT would turn the original's false into an
                        // unknown and drop the row
                        throw refuseUse(hits[firstEncrypted(hits)].target(), construct + " under NOT", "The "
                                + "compound index has no value for a row with a NULL part, so under NOT such a row "
                                + "would be missed where the original condition is false. Write the condition "
                                + "without NOT (e.g. the positive search and EXCEPT, or compare in the application)");
                    }
                    IndexTarget ix = indexTarget(ts, ci, construct);
                    queried.add(ix);
                    LegacyComparison[] window = windowComparisons(ts, ci, ix, construct, true);
                    Object[] sources = new Object[n];
                    int first = -1;
                    for (int k = 0; k < n; k++) {
                        boolean enc = hits[k].target() != null;
                        sources[k] = valueSource(values[k], hits[k].target(), enc);
                        if (enc && (first < 0 || at[k] < at[first])) {
                            first = k;
                        }
                    }
                    if (!ix.exact()) {
                        for (int k = 0; k < n; k++) {
                            if (hits[k].target() != null) {
                                postFilter(cols[k], hits[k].target(), ix, k, new Object[] {sources[k]});
                            }
                        }
                    }
                    Expression replacement = search(cols[first], ci, List.of(IndexValues.search(ix, sources, window)),
                            cols, window, false);
                    List<Expression> removed = new ArrayList<>();
                    for (int k = 0; k < n; k++) {
                        if (hits[k].target() != null && k != first) {
                            removed.add(conjuncts.get(at[k]));
                        }
                    }
                    conjuncts.set(at[first], replacement);
                    conjuncts.removeIf(c -> removed.stream().anyMatch(r -> r == c));
                }
            }
        }

        private int firstEncrypted(Hit[] hits) {
            for (int k = 0; k < hits.length; k++) {
                if (hits[k].target() != null) {
                    return k;
                }
            }
            throw new IllegalStateException("a compound index without an encrypted part");
        }

        // --------------------------------------------------------------------------------------------------------
        // literals

        private boolean isLiteral(Expression e) {
            if (e instanceof SignedExpression) {
                Expression inner = ((SignedExpression) e).getExpression();
                return inner instanceof LongValue || inner instanceof DoubleValue;
            }
            return (e instanceof StringValue && ((StringValue) e).getPrefix() == null) || e instanceof LongValue
                    || e instanceof DoubleValue || e instanceof BooleanValue || e instanceof DateValue
                    || e instanceof TimeValue || e instanceof TimestampValue || e instanceof DateTimeLiteralExpression;
        }

        private Object literal(Expression e, Target t) {
            if (e instanceof SignedExpression) {
                SignedExpression s = (SignedExpression) e;
                Object inner = literal(s.getExpression(), t);
                if (s.getSign() == '-') {
                    return inner instanceof Long ? (Object) (-(Long) inner) : ((BigDecimal) inner).negate();
                }
                return inner;
            } else if (e instanceof StringValue) {
                return ((StringValue) e).getNotExcapedValue();
            } else if (e instanceof LongValue) {
                LongValue l = (LongValue) e;
                try {
                    return Long.parseLong(l.getStringValue());
                } catch (NumberFormatException x) {
                    return new BigDecimal(l.getBigIntegerValue());
                }
            } else if (e instanceof DoubleValue) {
                return new BigDecimal(e.toString());
            } else if (e instanceof BooleanValue) {
                return ((BooleanValue) e).getValue();
            } else if (e instanceof DateValue) {
                return ((DateValue) e).getValue().toLocalDate();
            } else if (e instanceof TimeValue) {
                return ((TimeValue) e).getValue().toLocalTime();
            } else if (e instanceof TimestampValue) {
                return ((TimestampValue) e).getValue().toLocalDateTime();
            } else if (e instanceof DateTimeLiteralExpression) {
                DateTimeLiteralExpression d = (DateTimeLiteralExpression) e;
                String v = d.getValue();
                String text = v.length() >= 2 && v.startsWith("'") ? v.substring(1, v.length() - 1) : v;
                try {
                    switch (d.getType()) {
                        case DATE:
                            return LocalDate.parse(text.trim());
                        case TIME:
                            return LocalTime.parse(text.trim());
                        case TIMESTAMP:
                            return LocalDateTime.parse(text.trim().replace(' ', 'T'));
                        default:
                            return text;
                    }
                } catch (RuntimeException x) {
                    throw refuse(VeilSqlState.CONVERSION, "a " + d.getType() + " literal for encrypted column "
                            + t.column().qualified() + " is not in ISO form; use a ? parameter");
                }
            }
            throw new IllegalArgumentException(e.getClass().getName());
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<Class<?>, List<java.lang.reflect.Field>> AST_FIELDS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Every {@code ?} of a statement, wherever JSqlParser keeps it: a walk over the AST's fields (JSqlParser has no
     * visitor that reaches every parameter). Only used when Veil rewrites a statement, once per SQL text.
     */
    static List<JdbcParameter> jdbcParameters(Object root) {
        List<JdbcParameter> out = new ArrayList<>();
        java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Object> todo = new java.util.ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!seen.add(o)) {
                continue;
            }
            if (o instanceof JdbcParameter) {
                out.add((JdbcParameter) o);
            } else if (o instanceof java.util.Collection) {
                for (Object e : (java.util.Collection<?>) o) {
                    if (e != null) {
                        todo.push(e);
                    }
                }
            } else if (o instanceof Map) {
                for (Object e : ((Map<?, ?>) o).values()) {
                    if (e != null) {
                        todo.push(e);
                    }
                }
            } else if (o instanceof Object[]) {
                for (Object e : (Object[]) o) {
                    if (e != null) {
                        todo.push(e);
                    }
                }
            } else {
                String n = o.getClass().getName();
                if (!n.startsWith("net.sf.jsqlparser.") || n.startsWith("net.sf.jsqlparser.parser.")) {
                    continue;
                }
                for (java.lang.reflect.Field f : AST_FIELDS.computeIfAbsent(o.getClass(), SqlAnalyzer::astFields)) {
                    try {
                        Object v = f.get(o);
                        if (v != null) {
                            todo.push(v);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return out;
    }

    private static List<java.lang.reflect.Field> astFields(Class<?> c) {
        List<java.lang.reflect.Field> out = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()
                        || f.getType() == String.class || f.getType().isEnum()) {
                    continue;
                }
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }

    /** Carries a catalog failure out of the analysis as what it is. */
    private static final class CatalogFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatalogFailure(SQLException cause) {
            super(cause);
        }
    }

    /** Analyses, unwrapping a catalog failure into its SQLException. */
    public StatementPlan plan(String sql, Catalog catalog) throws SQLException {
        try {
            return analyze(sql, catalog);
        } catch (CatalogFailure f) {
            throw (SQLException) f.getCause();
        }
    }

    /**
     * How a column of this SQL type (PostgreSQL {@code typname} or a JDBC {@code TYPE_NAME}) stores ciphertext, or
     * null when it cannot: fixed-width {@code char(n)} pads and numeric types cannot hold it.
     */
    static ColumnCipher.Storage storageOf(String typeName) {
        switch (typeName.toLowerCase(Locale.ROOT)) {
            case "bytea": case "blob": case "longblob": case "mediumblob": case "varbinary": case "binary varying":
                return ColumnCipher.Storage.BINARY;
            case "text": case "varchar": case "character varying": case "citext": case "longtext": case "mediumtext":
            case "name":
                return ColumnCipher.Storage.TEXT;
            default:
                return null;
        }
    }

    static String describe(Expression e) {
        if (e instanceof BinaryExpression) {
            String op = ((BinaryExpression) e).getStringExpression();
            String kind;
            if (e instanceof net.sf.jsqlparser.expression.operators.relational.LikeExpression) {
                kind = op.trim().toUpperCase(Locale.ROOT);
                return kind;
            } else if (e instanceof net.sf.jsqlparser.expression.operators.relational.ComparisonOperator
                    || e instanceof net.sf.jsqlparser.expression.operators.relational.OldOracleJoinBinaryExpression) {
                kind = "a comparison";
            } else {
                kind = "an operator";
            }
            return kind + " (" + op.trim() + ")";
        } else if (e instanceof Function) {
            return "function " + ((Function) e).getName() + "()";
        } else if (e instanceof CastExpression) {
            return "a cast";
        } else if (e instanceof Column) {
            return "another column";
        } else if (e instanceof ParenthesedSelect) {
            return "a subquery";
        } else if (e instanceof CaseExpression) {
            return "a CASE expression";
        }
        return "an expression (" + e.getClass().getSimpleName() + ")";
    }
}
