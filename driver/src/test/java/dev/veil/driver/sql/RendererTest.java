package dev.veil.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.schema.BlindIndexSpec;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.codec.ValueType;
import java.sql.SQLException;
import java.util.List;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The renderer on its own (in-memory catalog, no keys): PostgreSQL's lexical forms and pgjdbc's escapes around a
 * statement Veil rewrites for a blind index — the text sent and where each parameter goes — and its accounting:
 * what it refuses, and the fault-injection seam.
 */
class RendererTest {

    private static final VeilConfig CONFIG = VeilConfig.builder()
            .masterKey("local-keyset:/nonexistent/keyset.json")
            .encrypt("people", "email", ValueType.STRING)
            .encrypt("people", "note", ValueType.STRING)
            .blindIndex(new BlindIndexSpec("people", List.of("email"), null, 0, List.of(), null, null, null,
                    "test"))
            .build();

    private final SqlAnalyzerTest.FakeCatalog catalog = new SqlAnalyzerTest.FakeCatalog()
            .table("people", "id int4", "name text", "tags jsonb", "email bytea", "email_bidx bytea", "note bytea",
                    "a?b text", "we?ird\"col text")
            .table("audit", "id int4", "what text");

    private final SqlAnalyzer analyzer = new SqlAnalyzer(CONFIG, c -> null);

    @AfterEach
    void noFault() {
        Renderer.faultForTests = null;
    }

    private StatementPlan plan(String sql) throws SQLException {
        StatementPlan p = analyzer.plan(sql, catalog);
        p.checkAllowed();
        return p;
    }

    private SQLException refusal(String sql) throws SQLException {
        StatementPlan p = analyzer.plan(sql, catalog);
        assertThat(p.isRefused()).as("refused: %s", sql).isTrue();
        return catchThrowableOfType(SQLException.class, p::checkAllowed);
    }

    private static String sent(StatementPlan p) throws SQLException {
        return p.sqlToSend("original");
    }

    @Test
    void escapeStringHoldingAQuoteAndAQuestionMarkIsSentAsAStandardStringAndCountsNoParameter()
            throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE email = ? AND name = E'it\\'s ?' AND id = ?");
        assertThat(sent(p)).isEqualTo(
                "SELECT id FROM people WHERE email_bidx IN (?, ?) AND name = 'it''s ?' AND id = ?");
        assertThat(p.parameterMap().position(1)).isZero();
        assertThat(p.parameterMap().position(2)).isEqualTo(3);
    }

    @Test
    void dollarQuotedBodyHoldingQuestionMarksAndQuotesIsSentAsAStandardString() throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE name = $q$what? it's $$?$$$q$ AND email = ? AND id = ?");
        assertThat(sent(p)).isEqualTo(
                "SELECT id FROM people WHERE name = 'what? it''s $$?$$' AND email_bidx IN (?, ?) AND id = ?");
        assertThat(p.parameterMap().derivedPosition(0)).isEqualTo(1);
        assertThat(p.parameterMap().position(2)).isEqualTo(3);
    }

    @Test
    void commentsHoldingQuestionMarksAreDroppedAndCountNoParameter() throws SQLException {
        StatementPlan p = plan("SELECT id /* why? 'x */ FROM people -- really? \"y\n WHERE email = ? /* ? */ AND id = ?");
        assertThat(sent(p)).isEqualTo("SELECT id FROM people WHERE email_bidx IN (?, ?) AND id = ?");
        assertThat(p.parameterMap().position(2)).isEqualTo(3);
    }

    @Test
    void jsonOperatorsWrittenInPgjdbcsEscapeAreReadAsOperatorsAndSentEscaped() throws SQLException {
        StatementPlan p = plan("SELECT id FROM people WHERE email = ? AND tags ?? 'a' AND tags ??| array['b'] "
                + "AND tags ??& array['c'] AND id = ?");
        assertThat(sent(p)).isEqualTo("SELECT id FROM people WHERE email_bidx IN (?, ?) AND tags ?? 'a' AND "
                + "tags ??| ARRAY['b'] AND tags ??& ARRAY['c'] AND id = ?");
        assertThat(p.parameterMap().position(2)).isEqualTo(3);
        StatementPlan path = plan("SELECT id FROM people WHERE tags->'k' ?? 'a' AND email = ?");
        assertThat(sent(path)).isEqualTo("SELECT id FROM people WHERE tags->'k' ?? 'a' AND email_bidx IN (?, ?)");
    }

    @Test
    void unescapedJsonOperatorIsAPlaceholderToPgjdbcAndRefused() throws SQLException {
        // pgjdbc binds the lone ? (and ?|): the parser's operator would shift every parameter after it
        SQLException e = refusal("SELECT id FROM people WHERE tags ? 'a' AND email = ?");
        assertThat(e.getSQLState()).isEqualTo("VE011");
        assertThat(refusal("SELECT id FROM people WHERE tags ?| array['a'] AND email = ?").getSQLState())
                .isEqualTo("VE011");
    }

    @Test
    void quotedIdentifiersHoldingQuestionMarksAndQuotesAreNoParameters() throws SQLException {
        StatementPlan p = plan("SELECT \"we?ird\"\"col\" FROM people WHERE \"a?b\" = ? AND email = ?");
        assertThat(sent(p)).isEqualTo(
                "SELECT \"we?ird\"\"col\" FROM people WHERE \"a?b\" = ? AND email_bidx IN (?, ?)");
        assertThat(p.parameterMap().position(1)).isEqualTo(1);
        assertThat(p.parameterMap().position(2)).isZero();
        assertThat(p.parameterMap().derivedPosition(0)).isEqualTo(2);
    }

    @Test
    void parametersTheDeparserReordersAreMappedByTheirPlace() throws SQLException {
        // JSqlParser writes OFFSET ? LIMIT ? as LIMIT ? OFFSET ?: the record follows the output
        StatementPlan p = plan("SELECT id FROM people WHERE email = ? OFFSET ? LIMIT ?");
        assertThat(sent(p)).isEqualTo("SELECT id FROM people WHERE email_bidx IN (?, ?) LIMIT ? OFFSET ?");
        assertThat(p.parameterMap().position(2)).isEqualTo(4);
        assertThat(p.parameterMap().position(3)).isEqualTo(3);
    }

    @Test
    void literalTemplateWithParametersTheDeparserReordersMapsThem() throws SQLException {
        // no blind index involved: sent as the literal template, whose parameters the deparser reordered
        StatementPlan p = plan("UPDATE people SET note = 'x' WHERE id IN (SELECT id FROM audit ORDER BY id OFFSET ? "
                + "LIMIT ?)");
        assertThat(p.hasLiterals()).isTrue();
        assertThat(p.parameterMap().position(1)).isEqualTo(2);
        assertThat(p.parameterMap().position(2)).isEqualTo(1);
        assertThat(plan("UPDATE people SET note = 'x' WHERE id = ?").parameterMap()).isNull();
    }

    @Test
    void clausesJSqlParserWritesByToStringAreRenderedThroughTheVisitor() throws SQLException {
        assertThat(sent(plan("UPDATE people SET name = ? FROM audit a WHERE a.id = people.id AND email = ? "
                + "RETURNING people.id, ?"))).isEqualTo("UPDATE people SET name = ? FROM audit a WHERE a.id = "
                        + "people.id AND email_bidx IN (?, ?) RETURNING people.id, ?");
        assertThat(sent(plan("WITH w AS (SELECT id FROM audit WHERE what = ?) DELETE FROM people WHERE email = ? "
                + "AND id IN (SELECT id FROM w) RETURNING id"))).isEqualTo("WITH w AS (SELECT id FROM audit WHERE "
                        + "what = ?) DELETE FROM people WHERE email_bidx IN (?, ?) AND id IN (SELECT id FROM w) "
                        + "RETURNING id");
        StatementPlan upsert = plan("INSERT INTO people (id, email) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET "
                + "email = ?, name = ? WHERE people.id > ? RETURNING id");
        assertThat(sent(upsert)).isEqualTo("INSERT INTO people (id, email, email_bidx) VALUES (?, ?, ?) ON CONFLICT "
                + "(id) DO UPDATE SET email = ?, name = ?, email_bidx = ? WHERE people.id > ? RETURNING id");
        assertThat(upsert.parameterMap().position(3)).isEqualTo(4);
        assertThat(upsert.parameterMap().position(5)).isEqualTo(7);
        assertThat(sent(plan("SELECT id FROM people WHERE email = ? AND name IS DISTINCT FROM ?"))).isEqualTo(
                "SELECT id FROM people WHERE email_bidx IN (?, ?) AND name IS DISTINCT FROM ?");
    }

    @Test
    void statementTouchingNoEncryptedColumnIsNeverRendered() throws SQLException {
        Renderer.faultForTests = Renderer.Fault.DROP_PARAMETER; // would refuse anything rendered
        assertThat(analyzer.plan("SELECT id, name FROM people WHERE id = ? OFFSET ?", catalog))
                .isSameAs(StatementPlan.PASS_THROUGH);
        assertThat(analyzer.plan("SELECT what FROM audit WHERE id = ?", catalog)).isSameAs(StatementPlan.PASS_THROUGH);
    }

    @Test
    void droppedParameterIsRefusedBeforeAnythingIsSent() throws SQLException {
        Renderer.faultForTests = Renderer.Fault.DROP_PARAMETER;
        SQLException e = refusal("SELECT id FROM people WHERE email = ? AND id = ?");
        assertThat(e.getSQLState()).isEqualTo("VE011");
        assertThat(e.getMessage()).contains("people.email", "rendering", "? parameters");
        // also where nothing is rewritten: the renderer accounts for the statement sent as written
        assertThat(refusal("INSERT INTO people (id, note) VALUES (?, ?)").getMessage()).contains("rendering");
    }

    @Test
    void swappedParametersPassTheAccountingSoOnlyAComparisonOfResultsCatchesThem() throws SQLException {
        StatementPlan right = plan("SELECT id FROM people WHERE email = ? AND id = ?");
        Renderer.faultForTests = Renderer.Fault.SWAP_PARAMETERS;
        StatementPlan wrong = analyzer.plan("SELECT id FROM people WHERE email = ? AND name = ? AND id = ?",
                catalog);
        wrong.checkAllowed();
        // name's value is bound at id's place and id's at name's: RendererFaultIT shows the results differ
        assertThat(wrong.parameterMap().position(2)).isEqualTo(4);
        assertThat(wrong.parameterMap().position(3)).isEqualTo(3);
        assertThat(right.parameterMap().position(2)).isEqualTo(3);
    }

    @Test
    void referenceToAnEncryptedColumnTheAnalysisDidNotResolveIsRefused() throws Exception {
        Statement st = CCJSqlParserUtil.parse("SELECT note FROM people WHERE id = ?");
        EncryptionSchema schema = new EncryptionSchema(CONFIG, c -> null, i -> null, new EncryptedTables(CONFIG));
        Analysis unanalysed = new Analysis("SELECT note FROM people WHERE id = ?", schema, catalog);
        Refusal.Signal s = catchThrowableOfType(Refusal.Signal.class, () -> Renderer.render(st, unanalysed, 1));
        assertThat(s.refusal.message()).contains("a reference to note the analysis did not resolve");
        assertThat(s.refusal.state().state()).isEqualTo("VE011");
    }

    @Test
    void parameterOfAnotherFormIsRefused() throws SQLException {
        // pgjdbc binds neither $1 nor the 1 of ?1 as Veil would number them
        assertThat(refusal("SELECT id FROM people WHERE email = $1").getSQLState()).isEqualTo("VE011");
    }
}
