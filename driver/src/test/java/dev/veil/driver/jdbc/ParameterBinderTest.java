package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.schema.BlindIndexSpec;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.TableName;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.codec.Envelope;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.jdbc.JdbcTestSupport.Call;
import dev.veil.driver.sql.Catalog;
import dev.veil.driver.sql.SqlAnalyzer;
import dev.veil.driver.sql.StatementPlan;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parameter binder on its own (plans from the real analyser over an in-memory catalog, ciphers under a fixed
 * keyset, no database): where each parameter goes, in which stored form, what is kept and what is refused.
 */
class ParameterBinderTest {

    private static final VeilConfig CONFIG = VeilConfig.builder()
            .masterKey("local-keyset:/nonexistent/keyset.json")
            .encrypt("patients", "ssn", ValueType.STRING)
            .encrypt("patients", "note", ValueType.STRING)
            .encrypt("patients", "phone", ValueType.STRING)
            .encrypt("patients", "email", ValueType.STRING)
            .blindIndex(new BlindIndexSpec("patients", List.of("email"), null, 0, List.of(), null, null, null,
                    "test"))
            .blindIndex(new BlindIndexSpec("patients", List.of("ssn"), null, 16, List.of(), null, null, null,
                    "test"))
            .build();

    /** ssn, email and phone are bytea, note is text; phone and note have no blind index. */
    private static final Catalog CATALOG = name -> "patients".equals(name.name())
            ? new Catalog.TableInfo(
                    List.of("id", "name", "ssn", "ssn_bidx", "note", "email", "email_bidx", "phone"),
                    List.of("int4", "text", "bytea", "bytea", "text", "bytea", "bytea", "bytea"))
            : null;

    private final SqlAnalyzer analyzer = new SqlAnalyzer(CONFIG, JdbcTestSupport::cipher);
    private final List<Call> calls = new ArrayList<>();

    private ParameterBinder binder(String sql) throws SQLException {
        StatementPlan plan = analyzer.plan(sql, CATALOG);
        plan.checkAllowed();
        return new ParameterBinder(plan, JdbcTestSupport.recordingStatement(calls));
    }

    @Test
    void plainParametersForwardAndEncryptedOnesAreBoundInTheirColumnsStoredForm() throws SQLException {
        ParameterBinder b = binder("UPDATE patients SET phone = ?, note = ? WHERE id = ?");
        assertThat(b.forwards(1)).isFalse();
        assertThat(b.forwards(2)).isFalse();
        assertThat(b.forwards(3)).as("the fast path").isTrue();
        assertThat(b.position(3)).isEqualTo(3);

        b.bind(1, "123-45-6789");
        b.bind(2, "a note");
        assertThat(calls).extracting(Call::method).containsExactly("setBytes", "setString");
        byte[] ssn = (byte[]) calls.get(0).arg(1);
        String note = (String) calls.get(1).arg(1);
        assertThat(Envelope.isBinary(ssn)).as("bytea column: binary envelope").isTrue();
        assertThat(Envelope.isText(note)).as("text column: text envelope").isTrue();
        assertThat(new String(ssn, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("123-45");
        assertThat(calls.get(0).arg(0)).isEqualTo(1);
        assertThat(calls.get(1).arg(0)).isEqualTo(2);
    }

    @Test
    void aNullOfAnEncryptedColumnIsBoundTypedForItsStorage() throws SQLException {
        ParameterBinder b = binder("UPDATE patients SET phone = ?, note = ? WHERE id = ?");
        b.bindNull(1, Types.VARCHAR, null);
        b.bind(2, null);
        assertThat(calls).extracting(Call::toString).containsExactly("setNull[1, " + Types.BINARY + "]",
                "setNull[2, " + Types.VARCHAR + "]");
    }

    @Test
    void aComparedEncryptedValueIsKeptNotSentAndLaterParametersMove() throws SQLException {
        ParameterBinder b = binder("SELECT id FROM patients WHERE email = ? AND id > ?");
        assertThat(b.position(1)).as("only its index is sent").isZero();
        assertThat(b.forwards(2)).isTrue();
        assertThat(b.position(2)).isEqualTo(3);
        b.bind(1, "ada@example.com");
        assertThat(calls).as("nothing of the value reaches the driver").isEmpty();
        assertThat(b.filterValues()).as("an untruncated index needs no row filter").isNull();
    }

    @Test
    void filterValuesAreACopyOfTheKeptValuesAndClearForgetsThem() throws SQLException {
        ParameterBinder b = binder("SELECT id FROM patients WHERE ssn = ?"); // a 16-bit index: filtered rows
        b.bind(1, "123-45-6789");
        Object[] kept = b.filterValues();
        assertThat(kept).containsExactly("123-45-6789");
        b.bind(1, "987-65-4321");
        assertThat(kept).as("a copy: a later setter does not change a running result's filter").containsExactly(
                "123-45-6789");
        b.clear();
        assertThat(b.filterValues()).doesNotContain("987-65-4321");
        assertThat(calls).isEmpty();
    }

    @Test
    void arraysAndOtherUnsupportedValuesAreRefusedNamingTheColumn() throws SQLException {
        ParameterBinder b = binder("UPDATE patients SET phone = ? WHERE id = ?");
        SQLException array = catchThrowableOfType(SQLException.class, () -> b.bindArray(1, null));
        assertThat(array.getSQLState()).isEqualTo("22018");
        assertThat((Throwable) array).hasMessageContaining("Array").hasMessageContaining("patients.phone");
        assertThat((Throwable) b.unsupported(1, "Ref")).hasMessageContaining("Ref");
        assertThat(calls).isEmpty();
    }

    @Test
    void setObjectWithATargetTypeConvertsBeforeEncrypting() throws SQLException {
        ParameterBinder b = binder("UPDATE patients SET phone = ? WHERE id = ?");
        b.bind(1, 42, Types.VARCHAR, -1);
        byte[] stored = (byte[]) calls.get(0).arg(1);
        assertThat(JdbcTestSupport.cipher(new EncryptedColumn(TableName.parse("patients"), "phone",
                ValueType.STRING, "patients.phone")).decrypt(stored)).isEqualTo("42");
    }
}
