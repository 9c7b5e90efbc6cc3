package dev.veil.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

/**
 * Runs the forwarding wrappers over a real pgjdbc connection: everything below goes through the wrappers only,
 * except where a test unwraps on purpose. The server comes from {@link TestDatabase} ({@code VEIL_TEST_JDBC_URL},
 * else {@code postgres@127.0.0.1:5432}); each run gets a database of its own.
 */
class DelegatingPostgresIT {

    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.create(DelegatingPostgresIT.class);
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.drop();
        }
    }

    @Test
    void createInsertSelectAndMetadataRoundTripStaysInsideTheWrappers() throws SQLException {
        try (Connection connection = new DelegatingConnection(database.plainConnection())) {
            try (Statement ddl = connection.createStatement()) {
                assertThat(ddl).isExactlyInstanceOf(DelegatingStatement.class);
                ddl.execute("CREATE TABLE patient (id serial PRIMARY KEY, name text NOT NULL, born date)");
            }

            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO patient (name, born) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                assertThat(insert).isExactlyInstanceOf(DelegatingPreparedStatement.class);
                insert.setString(1, "Ada");
                insert.setDate(2, Date.valueOf(LocalDate.of(1815, 12, 10)));
                assertThat(insert.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys).isInstanceOf(DelegatingResultSet.class);
                    assertThat(keys.getStatement()).isSameAs(insert);
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt("id")).isEqualTo(1);
                }
                insert.setString(1, "Grace");
                insert.setObject(2, LocalDate.of(1906, 12, 9));
                assertThat(insert.executeLargeUpdate()).isEqualTo(1L);
            }
            connection.commit();

            try (PreparedStatement select =
                    connection.prepareStatement("SELECT id, name, born FROM patient WHERE name = ?")) {
                select.setString(1, "Ada");
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs).isInstanceOf(DelegatingResultSet.class);
                    assertThat(rs.getStatement()).isSameAs(select);
                    ResultSetMetaData columns = rs.getMetaData();
                    assertThat(columns).isInstanceOf(DelegatingResultSetMetaData.class);
                    assertThat(columns.getColumnCount()).isEqualTo(3);
                    assertThat(columns.getColumnName(2)).isEqualTo("name");
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("name")).isEqualTo("Ada");
                    assertThat(rs.getObject("born", LocalDate.class)).isEqualTo(LocalDate.of(1815, 12, 10));
                    assertThat(rs.next()).isFalse();
                }
                assertThat(select.getConnection()).isSameAs(connection);
            }

            try (Statement update = connection.createStatement()) {
                assertThat(update.executeLargeUpdate("UPDATE patient SET born = born")).isEqualTo(2L);
                assertThat(update.executeQuery("SELECT count(*) FROM patient").getStatement()).isSameAs(update);
            }
            connection.rollback();

            DatabaseMetaData meta = connection.getMetaData();
            assertThat(meta).isExactlyInstanceOf(DelegatingDatabaseMetaData.class);
            assertThat(meta.getConnection()).isSameAs(connection);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = meta.getColumns(null, "public", "patient", null)) {
                assertThat(rs).isInstanceOf(DelegatingResultSet.class);
                assertThat(rs.getStatement()).isNull();
                while (rs.next()) {
                    names.add(rs.getString("COLUMN_NAME"));
                }
            }
            assertThat(names).containsExactly("id", "name", "born");
        }
    }

    @Test
    void unwrapToPgConnectionReachesTheDriverButUnwrapToConnectionReturnsTheWrapper() throws SQLException {
        Connection raw = database.plainConnection();
        try (DelegatingConnection connection = new DelegatingConnection(raw)) {
            assertThat(connection.isWrapperFor(PGConnection.class)).isTrue();
            PGConnection pg = connection.unwrap(PGConnection.class);
            assertThat(pg).isSameAs(raw);
            assertThat(pg.getBackendPID()).isPositive();

            assertThat(connection.unwrap(Connection.class)).isSameAs(connection);
            assertThatThrownBy(() -> connection.unwrap(Runnable.class)).isInstanceOf(SQLException.class);
            assertThat(connection.isWrapperFor(Runnable.class)).isFalse();

            try (PreparedStatement ps = connection.prepareStatement("SELECT 1")) {
                assertThat(ps.isWrapperFor(PGStatement.class)).isTrue();
                assertThat(ps.unwrap(PGStatement.class)).isNotSameAs(ps).isInstanceOf(PGStatement.class);
            }
        }
    }

    @Test
    void toStringOfAPreparedStatementDoesNotShowBoundValues() throws SQLException {
        try (Connection connection = new DelegatingConnection(database.plainConnection());
                PreparedStatement ps = connection.prepareStatement("SELECT ?::text")) {
            ps.setString(1, "123-45-6789");

            // the reason: pgjdbc's own toString prints the SQL with the bound value in it
            assertThat(ps.unwrap(PGStatement.class).toString()).contains("123-45-6789");
            assertThat(ps.toString()).startsWith("DelegatingPreparedStatement@").doesNotContain("6789");
        }
    }
}
