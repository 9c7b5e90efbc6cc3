package dev.veil.driver.sql;

import dev.veil.blindindex.BlindIndexer;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;

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
 *
 * <p>This class is the entry of the pipeline: the text pre-check, the {@link AnalysisBounds}, lexing and the
 * lexical gate through the {@link Dialect}, parsing, and the parameter-count cross-check. Each parsed statement
 * is then walked by one {@link Analysis} (name resolution, read path, write path, predicate rewriting), rendered
 * and accounted for by the {@link Renderer} and its plan put together by {@link PlanAssembly};
 * docs/what-veil-sees.md §8 maps the stages and docs/design.md describes rendering.
 */
public final class SqlAnalyzer {

    /** The configuration's view of tables and columns; its child tables are replaced as the catalog changes. */
    private final EncryptedTables tables;
    private final EncryptionSchema schema;
    private final Dialect dialect = PostgresDialect.INSTANCE;
    private final AnalysisBounds bounds;

    public SqlAnalyzer(VeilConfig config, Function<EncryptedColumn, ColumnCipher> ciphers) {
        this(config, ciphers, i -> null);
    }

    /**
     * @param indexers the indexer of each configured blind index (one instance per index)
     */
    public SqlAnalyzer(VeilConfig config, Function<EncryptedColumn, ColumnCipher> ciphers,
            Function<ConfiguredIndex, BlindIndexer> indexers) {
        this(config, ciphers, indexers, AnalysisBounds.DEFAULT);
    }

    SqlAnalyzer(VeilConfig config, Function<EncryptedColumn, ColumnCipher> ciphers,
            Function<ConfiguredIndex, BlindIndexer> indexers, AnalysisBounds bounds) {
        this.bounds = bounds;
        this.tables = new EncryptedTables(config);
        this.schema = new EncryptionSchema(config, ciphers, indexers, tables);
    }

    /** Statements of the shapes applications send first, for {@link #warmUp()}. */
    private static final String[] WARM_UP = {
        "SELECT a.id, a.name FROM warm_up a JOIN warm_up_b b ON b.id = a.id WHERE a.email = ? AND a.x IN (?, ?) "
                + "ORDER BY a.id LIMIT 10",
        "INSERT INTO warm_up (id, name, email) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        "UPDATE warm_up SET name = ?, email = ? WHERE id = ?",
        "DELETE FROM warm_up WHERE id = ?",
    };

    /**
     * Loads the lexer's and the SQL parser's classes ahead of the first statement, by lexing and parsing a few
     * statements of everyday shapes (nothing is kept, nothing is sent). Called once per JVM on a background thread
     * when the first Veil runtime is created; a failure here is the first real statement's to report.
     */
    public static void warmUp() {
        for (String sql : WARM_UP) {
            try {
                PostgresDialect.INSTANCE.lex(sql);
                PostgresDialect.INSTANCE.parse(sql, AnalysisBounds.DEFAULT);
            } catch (Exception e) {
                return;
            }
        }
    }

    /** See {@link EncryptedTables#inheritance(Inheritance)}. */
    public void inheritance(Inheritance children) {
        tables.inheritance(children);
    }

    public Inheritance inheritance() {
        return tables.inheritance();
    }

    /** See {@link EncryptedTables#derived(DerivedRelations)}. */
    public void derived(DerivedRelations derived) {
        tables.derived(derived);
    }

    public DerivedRelations derived() {
        return tables.derived();
    }

    /** See {@link EncryptedTables#mayTouchEncrypted(String)}. */
    public boolean mayTouchEncrypted(String sql) {
        return tables.mayTouchEncrypted(sql);
    }

    /** Analyses, unwrapping a catalog failure into its SQLException. */
    public StatementPlan plan(String sql, Catalog catalog) throws SQLException {
        try {
            return analyze(sql, catalog);
        } catch (CatalogFailure f) {
            throw f.sqlException();
        }
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
        String lower = original.toLowerCase(Locale.ROOT);
        String tooLarge = bounds.exceeded(original);
        if (tooLarge != null && tables.namesTable(lower)) {
            // not cached: a refused plan would keep the text
            return StatementPlan.refused(Refusals.tooLarge(mentionedTables(original), tooLarge), false);
        }
        PgLexer.Lexed lexed;
        try {
            lexed = dialect.lex(original);
        } catch (PgLexer.LexException e) {
            return StatementPlan.refused(Refusals.unlexable(mentionedTables(original), e.getMessage()),
                    tooLarge == null);
        }
        String sql = lexed.canonical();
        if (!tables.namesTable(lower) && !tables.namesTable(sql.toLowerCase(Locale.ROOT))) {
            return StatementPlan.PASS_THROUGH;
        }
        if (tooLarge != null) {
            // names an encrypted table only through a Unicode escape
            return StatementPlan.refused(Refusals.tooLarge(mentionedTables(sql), tooLarge), false);
        }
        Refusal lexical = dialect.lexicalRefusal(original, lexed, tables.mentioned(original));
        if (lexical != null) {
            return StatementPlan.refused(lexical, true);
        }
        Refusal call = tables.call(sql); // functions reading encrypted tables, see DerivedRelations
        if (call != null) {
            return StatementPlan.refused(call, true);
        }
        String beyond = bounds.exceeded(lexed);
        if (beyond != null) {
            return StatementPlan.refused(Refusals.tooLarge(mentionedTables(sql), beyond), true);
        }
        StatementPlan plan = analyzeCanonical(sql, lexed, catalog);
        return lexed.changed(original) ? plan.sending(sql) : plan;
    }

    private StatementPlan analyzeCanonical(String sql, PgLexer.Lexed lexed, Catalog catalog) throws SQLException {
        Dialect.Parsed parsed;
        try {
            parsed = dialect.parse(lexed.parserText(), bounds);
        } catch (Dialect.ParseTimeout e) {
            return StatementPlan.refused(Refusals.parseTimeout(mentionedTables(sql), bounds.parseTime()), false);
        } catch (Exception | StackOverflowError e) {
            return StatementPlan.refused(Refusals.unparsable(mentionedTables(sql),
                    e instanceof Exception ? position(e) : null), true);
        }
        // the parser's own count of the ? it read; the renderer later accounts for each of them in the AST
        if (parsed.placeholders() != lexed.placeholders()) {
            return StatementPlan.refused(Refusals.parameterCount(mentionedTables(sql), parsed.placeholders(),
                    lexed.placeholders()), true);
        }
        Statements statements = parsed.statements();
        Analysis run = new Analysis(sql, schema, catalog);
        try {
            if (statements.size() != 1) {
                for (Statement st : statements) {
                    Analysis probe = new Analysis(sql, schema, catalog);
                    String column;
                    try {
                        probe.statement(st);
                        column = probe.reach.first();
                    } catch (Refusal.Signal refused) {
                        // refused on its own as well: still name the first encrypted column it reaches
                        column = probe.reach.first() != null ? probe.reach.first() : mentionedTables(sql);
                    }
                    if (probe.reach.touched() || column != null) {
                        throw run.refuse(Refusals.multipleStatements(statements.size(),
                                column == null ? "(" + mentionedTables(sql) + ")" : column));
                    }
                }
                return StatementPlan.PASS_THROUGH;
            }
            Statement st = statements.get(0);
            List<Out> outs = run.statement(st);
            if (run.reach.schemaChange()) {
                return StatementPlan.schemaChange();
            }
            if (!run.reach.touched()) {
                return StatementPlan.PASS_THROUGH;
            }
            return new PlanAssembly(run).plan(st, outs, lexed.placeholders());
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
}
