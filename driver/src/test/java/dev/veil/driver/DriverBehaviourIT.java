package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.driver.runtime.VeilListener;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.testing.VeilFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

class DriverBehaviourIT {

    static VeilFixture fx;

    @BeforeAll
    static void setUp() throws SQLException {
        fx = VeilFixture.create(DriverBehaviourIT.class, "  accounts:\n    iban: {}\n    pin: { type: int }\n");
        fx.plainExecute("CREATE TABLE accounts (id serial PRIMARY KEY, owner text, iban bytea, pin text)");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    @Test
    void generatedKeysAndReturningAreDecrypted() throws SQLException {
        try (Connection c = fx.veil();
                PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (owner, iban, pin) VALUES (?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, "ada");
            ps.setString(2, "DE89370400440532013000");
            ps.setInt(3, 1234);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getInt("id")).isPositive();
                assertThat(keys.getString("iban")).isEqualTo("DE89370400440532013000");
                assertThat(keys.getObject("pin")).isEqualTo(1234);
            }
        }
        try (Connection c = fx.veil();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO accounts (owner, iban) VALUES (?, ?) RETURNING id, iban")) {
            ps.setString(1, "bob");
            ps.setString(2, "GB33BUKB20201555555555");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("GB33BUKB20201555555555");
            }
        }
    }

    @Test
    void updatableResultSetsOverEncryptedColumnsAreRefused() throws SQLException {
        try (Connection c = fx.veil();
                Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE)) {
            ResultSet rs = st.executeQuery("SELECT id, iban FROM accounts");
            assertThatThrownBy(rs::next).isInstanceOf(java.sql.SQLFeatureNotSupportedException.class)
                    .hasMessageContaining("updatable");
            rs.close();
        }
    }

    @Test
    void prepareCallTouchingAnEncryptedColumnIsRefused() throws SQLException {
        try (Connection c = fx.veil()) {
            assertThatThrownBy(() -> c.prepareCall("SELECT iban FROM accounts"))
                    .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE010"));
            c.prepareCall("SELECT 1").close();
        }
    }

    @Test
    void unwrapToTheDriverConnectionBypassesVeil() throws SQLException {
        try (Connection c = fx.veil()) {
            assertThat(c.unwrap(Connection.class)).isSameAs(c);
            assertThat(c.unwrap(VeilConnection.class)).isSameAs(c);
            PGConnection pg = c.unwrap(PGConnection.class);
            assertThat(pg).isNotNull().isNotSameAs(c);
            assertThat(c.isWrapperFor(PGConnection.class)).isTrue();
        }
    }

    @Test
    void veilPropertiesAreListedAndStripped() throws SQLException {
        DriverPropertyInfo[] infos = DriverManager.getDriver(fx.veilUrl()).getPropertyInfo(fx.veilUrl(), new Properties());
        assertThat(Arrays.stream(infos).map(i -> i.name)).contains("veil.config", "veil.master-key",
                "veil.allow-legacy-plaintext");
        VeilUrl t = VeilUrl.parse("jdbc:veil:postgresql://h:5/db?ssl=false&veil.config=x.yml&a=b",
                new Properties());
        assertThat(t.delegateUrl()).isEqualTo("jdbc:postgresql://h:5/db?ssl=false&a=b");
        assertThat(t.veilProperties().getProperty("veil.config")).isEqualTo("x.yml");
        assertThatThrownBy(() -> VeilUrl.parse("jdbc:veil:postgresql://h/db?veil.confg=x", new Properties()))
                .hasMessageContaining("veil.confg").satisfies(e ->
                        assertThat(((SQLException) e).getSQLState()).isEqualTo("VE020"));
    }

    @Test
    void badConfigurationFailsAtConnectNamingTheFileAndEntry() throws Exception {
        Path bad = Files.createTempFile("veil-bad", ".yml");
        Files.writeString(bad, "master-key: local-keyset:" + fx.masterKeyFile() + "\ntables:\n  accounts:\n    iban: { tpye: int }\n");
        String url = fx.database().veilUrl() + "?veil.config=" + bad;
        assertThatThrownBy(() -> DriverManager.getConnection(url, fx.properties()))
                .isInstanceOf(SQLNonTransientConnectionException.class)
                .hasMessageContaining(bad.getFileName().toString()).hasMessageContaining("tpye")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("VE020"));
        Files.delete(bad);
    }

    @Test
    void dataSourceWorksByUrlAndByWrapping() throws SQLException {
        VeilDataSource ds = new VeilDataSource();
        ds.setUrl(fx.veilUrl());
        ds.setUser("postgres");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO accounts (owner, iban) VALUES ('ds', 'FR1420041010050500013M02606')");
        }
        org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
        pg.setUrl(fx.database().url());
        pg.setUser("postgres");
        VeilConfig config = VeilDriver.configFrom(props("veil.config", fx.configFile().toString()));
        VeilDataSource wrapped = VeilDataSource.wrap(pg, config, fx.database().name());
        try (Connection c = wrapped.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT iban FROM accounts WHERE owner = 'ds'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("FR1420041010050500013M02606");
        }
        assertThatThrownBy(() -> VeilDataSource.wrap(wrapped, config, "x")).hasMessageContaining("twice");
    }

    private static Properties props(String k, String v) {
        Properties p = new Properties();
        p.setProperty(k, v);
        return p;
    }

    @Test
    void listenersCountEncryptionsDecryptionsAndRefusalsByColumnNeverValues() throws SQLException {
        java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        VeilRuntime runtime = VeilDriver.instance().runtime(fx.veilUrl(), fx.properties());
        runtime.addListener(new VeilListener() {
            @Override
            public void encrypted(String column) {
                events.add("enc " + column);
            }

            @Override
            public void decrypted(String column) {
                events.add("dec " + column);
            }

            @Override
            public void refused(String sqlState) {
                events.add("refused " + sqlState);
            }
        });
        try (Connection c = fx.veil()) {
            assertThat(c.unwrap(VeilConnection.class).runtime()).isSameAs(runtime);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (owner, iban) VALUES (?, ?)")) {
                ps.setString(1, "listener");
                ps.setString(2, "NL91ABNA0417164300");
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT iban FROM accounts WHERE owner = 'listener'")) {
                rs.next();
                rs.getString(1);
                assertThatThrownBy(() -> st.executeQuery("SELECT owner FROM accounts ORDER BY iban"))
                        .isInstanceOf(SQLException.class);
            }
        }
        assertThat(events).containsExactly("enc accounts.iban", "dec accounts.iban", "refused VE010");
    }
}
