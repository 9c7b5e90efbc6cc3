package dev.veil.driver.sql;

import dev.veil.driver.schema.TableName;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.refresh.RefreshMaterializedViewStatement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * The analysis of one parsed statement: the per-statement state (each part a small object of its own) and the
 * stages that walk the AST — {@link NameResolution} (scopes, aliases, CTEs, catalog), {@link ReadPath} (which
 * result columns decrypt), {@link WritePath} (which values encrypt), {@link PredicateRewriter} (search conditions
 * through blind indexes) and {@link ExpressionChecker} (everything else that may touch an encrypted column). The
 * result is assembled by {@link PlanAssembly}; refusals are built by {@link Refusals}. One instance per statement,
 * never shared between threads.
 */
final class Analysis {

    final String sql;
    final EncryptionSchema schema;
    final CatalogView catalog;
    /** Row binding: which tables bind their values to rows, resolved once per table. */
    final RowKeys rowKeys;
    final Reach reach = new Reach();
    final Rewrites rewrites = new Rewrites();
    final Bindings bindings = new Bindings(this);
    final IndexUse indexes = new IndexUse(this);
    final PostFilters filters = new PostFilters(rewrites);
    final NameResolution names = new NameResolution(this);
    final ReadPath read = new ReadPath(this);
    final RowBoundReads rowReads = new RowBoundReads(this);
    final WritePath write = new WritePath(this);
    final PredicateRewriter predicates = new PredicateRewriter(this);

    Analysis(String sql, EncryptionSchema schema, Catalog catalog) {
        this.sql = sql;
        this.schema = schema;
        this.catalog = new CatalogView(catalog);
        this.rowKeys = new RowKeys(schema.config(), catalog);
    }

    /** Abandons the analysis with this refusal (cacheable when everything it depends on was known). */
    Refusal.Signal refuse(Refusal refusal) {
        return new Refusal.Signal(refusal, catalog.cacheable());
    }

    /** The encrypted tables the text mentions, for messages. */
    String mentioned() {
        return schema.mentioned(sql);
    }

    /** Checks an expression that is no search condition: an encrypted column in it is refused (see the checker). */
    void check(Expression e, Scope scope, String construct) {
        if (e != null) {
            e.accept(new ExpressionChecker(this, scope, construct), construct);
        }
    }

    /** The outputs of a statement (null when it returns none); dispatches by statement kind, refusing the unknown. */
    List<Out> statement(Statement st) {
        if (st instanceof Select) {
            Select s = (Select) st;
            if (s instanceof PlainSelect) {
                filters.outermost((PlainSelect) s);
            }
            List<Out> outs = read.select(s, null);
            if (s instanceof PlainSelect && ((PlainSelect) s).getIntoTables() != null) {
                read.refuseCopy(outs, "SELECT … INTO");
            }
            return outs;
        } else if (st instanceof Insert) {
            return write.insert((Insert) st, null);
        } else if (st instanceof Update) {
            return write.update((Update) st, null);
        } else if (st instanceof Delete) {
            return write.delete((Delete) st, null);
        } else if (st instanceof Merge) {
            return write.merge((Merge) st);
        } else if (st instanceof CreateTable) {
            CreateTable ct = (CreateTable) st;
            if (ct.getSelect() != null) {
                read.refuseCopy(read.select(ct.getSelect(), null), "CREATE TABLE … AS SELECT");
            }
            reach.schemaChange(true); // names an encrypted table or child (why it is analysed): re-read shapes
            return null;
        } else if (st instanceof net.sf.jsqlparser.statement.CreateFunctionalStatement) {
            // function and procedure bodies are strings to Veil: it cannot see what they do
            reach.touch();
            throw new Refusal.Signal(Refusals.serverSideCode("CREATE FUNCTION/PROCEDURE", mentioned()), true);
        } else if (st instanceof CreateView) {
            CreateView cv = (CreateView) st;
            for (Out o : read.select(cv.getSelect(), null)) {
                if (o.target() != null) {
                    throw refuse(Refusals.createView(o.target()));
                }
            }
            return null;
        } else if (st instanceof Alter || st instanceof Drop || st instanceof Truncate || st instanceof CreateIndex
                || st instanceof Comment || st instanceof RefreshMaterializedViewStatement) {
            reach.schemaChange(st instanceof Alter || st instanceof Drop); // e.g. ATTACH PARTITION, INHERIT
            return null;
        }
        // any other statement kind that names an encrypted table: refuse, it may move values around Veil
        if (mentionsEncryptedTable(st)) {
            reach.touch();
            throw refuse(Refusals.statementKind(st.getClass().getSimpleName().toUpperCase(Locale.ROOT), mentioned()));
        }
        return null;
    }

    private boolean mentionsEncryptedTable(Statement st) {
        try {
            net.sf.jsqlparser.util.TablesNamesFinder<Void> finder = new net.sf.jsqlparser.util.TablesNamesFinder<>();
            for (String name : finder.getTables(st)) {
                TableName tn = TableName.parse(name);
                if (!schema.columnsOf(tn.schema(), tn.name()).isEmpty()) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return true; // cannot tell: assume it does
        }
    }
}
