package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.veil.driver.error.VeilSqlState;
import dev.veil.testing.VeilFixture;
import java.io.InputStream;
import java.io.Reader;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read-side backstop: ciphertext reaching a result column Veil does not decrypt — a view or function created
 * on a plain connection after Veil read the catalog, a {@code CREATE TABLE … AS SELECT} copy, dynamic SQL in a
 * function — is refused with VE014 naming the column, never handed out; a retry over a new view decrypts. Plain
 * values that only resemble an envelope pass.
 */
class UnknownSourceCiphertextIT {

    static final String SSN = "123-45-6789";

    static VeilFixture fx;
    static Connection veil;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(UnknownSourceCiphertextIT.class, """
                  patients:
                    ssn: {}
                    pin: { type: int }
                """);
        fx.plainExecute("CREATE TABLE patients (id int PRIMARY KEY, name text, ssn text, pin bytea)",
                "CREATE TABLE blobs (id int PRIMARY KEY, b bytea, t text)");
        veil = fx.veil();
        try (Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO patients VALUES (1, 'Ada', '" + SSN + "', 1234)");
            try (ResultSet rs = st.executeQuery("SELECT ssn FROM patients")) {
                rs.next(); // the catalog is read now; what follows is created around Veil after it
            }
        }
        fx.plainExecute("CREATE TABLE ssn_copy AS SELECT id, ssn, pin FROM patients",
                "CREATE FUNCTION dyn_ssn(int) RETURNS text LANGUAGE plpgsql AS $$ DECLARE r text; BEGIN "
                        + "EXECUTE 'SELECT ss' || 'n FROM pati' || 'ents WHERE id = $1' INTO r USING $1; "
                        + "RETURN r; END $$",
                "CREATE FUNCTION dyn_pin(int, OUT p bytea) LANGUAGE plpgsql AS $$ BEGIN "
                        + "EXECUTE 'SELECT pi' || 'n FROM pati' || 'ents WHERE id = $1' INTO p USING $1; END $$");
    }

    @AfterAll
    static void tearDown() throws SQLException {
        veil.close();
        fx.close();
    }

    @Test
    void aViewCreatedOnAPlainConnectionAfterTheCatalogReadIsRefusedThenTheRetryDecrypts() throws SQLException {
        catalogRead();
        fx.plainExecute("CREATE VIEW late_ids AS SELECT id, ssn AS social, pin AS code FROM patients");
        SQLException e = refusal(() -> rows("SELECT id, social FROM late_ids"));
        assertThat(e.getMessage()).contains("result column social").contains("retry").doesNotContain("veil1:");
        // the refusal made Veil read the catalog again: the view is known now
        assertThat(rows("SELECT id, social FROM late_ids")).isEqualTo("1|" + SSN);
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT code FROM late_ids")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1234);
        }
    }

    @Test
    void aComputedColumnOfALateViewIsRefusedByTheViewRulesOnRetry() throws SQLException {
        catalogRead();
        fx.plainExecute("CREATE VIEW late_codes AS SELECT id, ssn || '' AS s FROM patients");
        // unknown: its value (a whole envelope) is refused by the backstop; known: the §9 computed-column refusal
        assertThat(refusal(() -> rows("SELECT s FROM late_codes")).getSQLState()).isEqualTo("VE014");
        SQLException retry = catchThrowableOfType(() -> rows("SELECT s FROM late_codes"), SQLException.class);
        assertThat(retry == null).as("refused").isFalse();
        assertThat(retry.getSQLState()).isEqualTo(VeilSqlState.UNSUPPORTED_CONSTRUCT.state());
    }

    @Test
    void aCopyMadeWithCreateTableAsIsRefusedEveryTimeTextAndBytes() throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThat(refusal(() -> rows("SELECT ssn FROM ssn_copy")).getMessage()).contains("result column ssn");
            assertThat(refusal(() -> rows("SELECT pin FROM ssn_copy")).getMessage()).contains("result column pin");
        }
        try (PreparedStatement ps = veil.prepareStatement("SELECT id, ssn, pin FROM ssn_copy WHERE id = ?")) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("id")).isEqualTo(1); // the plain column reads
                refusal(() -> rs.getString("ssn"));
                refusal(() -> rs.getObject(2));
                refusal(() -> rs.getObject(2, String.class));
                refusal(() -> rs.getCharacterStream(2));
                refusal(() -> rs.getAsciiStream(2));
                refusal(() -> rs.getBytes("pin"));
                refusal(() -> rs.getObject(3));
                refusal(() -> rs.getBinaryStream(3));
            }
        }
    }

    @Test
    void aFunctionReadingTheColumnThroughDynamicSqlIsRefusedAsResultAndAsOutParameter() throws SQLException {
        assertThat(refusal(() -> rows("SELECT dyn_ssn(1) AS x")).getMessage()).contains("result column x");
        refusal(() -> rows("SELECT dyn_pin(1)"));
        try (CallableStatement cs = veil.prepareCall("{? = call dyn_ssn(?)}")) {
            cs.registerOutParameter(1, Types.VARCHAR);
            cs.setInt(2, 1);
            cs.execute();
            assertThat(refusal(() -> cs.getString(1)).getMessage()).contains("out-parameter 1");
            refusal(() -> cs.getObject(1));
        }
        try (CallableStatement cs = veil.prepareCall("{call dyn_pin(?, ?)}")) {
            cs.setInt(1, 1);
            cs.registerOutParameter(2, Types.BINARY);
            cs.execute();
            refusal(() -> cs.getBytes(2));
        }
    }

    @Test
    void generatedKeysOfAPlainTableHoldingCiphertextAreRefused() throws SQLException {
        String ciphertext;
        try (Connection plain = fx.plain(); Statement st = plain.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssn FROM patients WHERE id = 1")) {
            rs.next();
            ciphertext = rs.getString(1);
        }
        fx.plainExecute("CREATE TABLE stash (id serial PRIMARY KEY, body text DEFAULT '" + ciphertext + "')");
        try (Statement st = veil.createStatement()) {
            st.executeUpdate("INSERT INTO stash DEFAULT VALUES", Statement.RETURN_GENERATED_KEYS);
            try (ResultSet keys = st.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getInt("id")).isPositive();
                assertThat(refusal(() -> keys.getString("body")).getMessage()).contains("result column body");
            }
        }
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO stash DEFAULT VALUES",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                refusal(() -> keys.getString("body"));
            }
        }
    }

    @Test
    void plainBytesAndTextThatOnlyResembleAnEnvelopePass() throws SQLException {
        Random random = new Random(42);
        String[] texts = {"veil1:", "veil1:hello", "veil1:" + "A".repeat(43), "veil1:B" + "Q".repeat(50),
                "veil1:AQ" + "x".repeat(40) + "!", "veil1:AA" + "x".repeat(50), "veil2:AQ" + "x".repeat(50),
                "Veil1:AQ" + "x".repeat(50)};
        try (PreparedStatement ps = veil.prepareStatement("INSERT INTO blobs VALUES (?, ?, ?)")) {
            for (int i = 0; i < 1000; i++) {
                byte[] b = new byte[random.nextInt(80)];
                random.nextBytes(b);
                if (i % 3 == 0 && b.length > 2) {
                    b[0] = 'V';
                    b[1] = 1; // a header without Tink's prefix byte
                }
                if (i % 7 == 0 && b.length > 2 && b.length < 35) {
                    b[0] = 'V';
                    b[1] = 1;
                    b[2] = 1; // the full header, too short to be an envelope
                } else if (i % 3 == 0 && b.length > 2 && b[2] == 1) {
                    b[2] = 2;
                }
                ps.setInt(1, i);
                ps.setBytes(2, b);
                ps.setString(3, texts[i % texts.length]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        int read = 0;
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery("SELECT b, t FROM blobs")) {
            while (rs.next()) {
                rs.getBytes(1);
                rs.getObject(1);
                try (InputStream in = rs.getBinaryStream(1)) {
                    in.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
                assertThat(rs.getString(2).substring(1)).startsWith("eil");
                try (Reader r = rs.getCharacterStream(2)) {
                    assertThat(r.read()).isEqualTo(rs.getString(2).charAt(0));
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
                read++;
            }
        }
        assertThat(read).isEqualTo(1000);
    }

    @Test
    void aStreamThatPassesTheCheckReadsWhole() throws SQLException, java.io.IOException {
        try (Statement st = veil.createStatement();
                ResultSet rs = st.executeQuery("SELECT repeat('x', 100), decode(repeat('ab', 60), 'hex')")) {
            rs.next();
            try (Reader r = rs.getCharacterStream(1)) {
                char[] all = new char[200];
                int n = 0;
                for (int c; (c = r.read(all, n, all.length - n)) > 0;) {
                    n += c;
                }
                assertThat(n).isEqualTo(100);
            }
            try (InputStream in = rs.getBinaryStream(2)) {
                assertThat(in.readAllBytes()).hasSize(60);
            }
        }
    }

    /** A statement that reads the catalog first if a refusal asked for that: what follows is created after it. */
    static void catalogRead() throws SQLException {
        rows("SELECT id FROM patients");
    }

    interface Call {
        void run() throws Exception;
    }

    static SQLException refusal(Call call) {
        SQLException e = catchThrowableOfType(() -> {
            try {
                call.run();
            } catch (SQLException s) {
                throw s;
            } catch (Exception other) {
                throw new AssertionError(other);
            }
        }, SQLException.class);
        assertThat(e == null).as("refused").isFalse();
        assertThat(e.getSQLState()).isEqualTo(VeilSqlState.CIPHERTEXT_FROM_UNKNOWN_SOURCE.state());
        assertThat(e.getMessage()).doesNotContain("veil1:A").doesNotContain(SSN);
        return e;
    }

    /** The rows of a query through Veil, each as its columns' getString values joined by {@code |}. */
    static String rows(String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Statement st = veil.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    out.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
            }
        }
        return out.toString();
    }
}
