package dev.veil.driver.fuzz;

import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.driver.jdbc.VeilConnection;
import dev.veil.testing.TestDatabase;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two databases of one fuzzing test class: Veil's (encrypted columns, companion columns) and the plaintext twin,
 * with the fuzzer's schema created in both, and Veil's runtime for that configuration.
 */
public final class FuzzDatabases implements AutoCloseable {

    private final VeilFixture fixture;
    private final TestDatabase twin;
    private final Connection anchor;

    private FuzzDatabases(VeilFixture fixture, TestDatabase twin, Connection anchor) {
        this.fixture = fixture;
        this.twin = twin;
        this.anchor = anchor;
    }

    public static FuzzDatabases create(Class<?> owner) throws SQLException {
        VeilFixture fx = VeilFixture.create(owner, FuzzSchema.YAML);
        fx.plainExecute(FuzzSchema.VEIL_DDL.toArray(String[]::new));
        TestDatabase twin = TestDatabase.create(owner.getSimpleName() + "Twin");
        try (Connection c = twin.plainConnection(); Statement st = c.createStatement()) {
            for (String ddl : FuzzSchema.TWIN_DDL) {
                st.execute(ddl);
            }
        }
        // a commit need not wait for the disk: the fuzzer compares outcomes, it never survives a crash
        for (String db : new String[] {fx.database().name(), twin.name()}) {
            fx.plainExecute("ALTER DATABASE " + db + " SET synchronous_commit = off");
        }
        return new FuzzDatabases(fx, twin, fx.veil());
    }

    /** The runtime (configuration, keys, plans) Veil's connections to this database share. */
    public VeilRuntime runtime() throws SQLException {
        return anchor.unwrap(VeilConnection.class).runtime();
    }

    /** A plain pgjdbc connection to Veil's database: what the server stores. */
    public Connection plain() throws SQLException {
        return fixture.plain();
    }

    /** A plain pgjdbc connection to the plaintext twin. */
    public Connection twin() throws SQLException {
        return twin.plainConnection();
    }

    @Override
    public void close() {
        try {
            anchor.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
        twin.drop();
        fixture.close();
    }
}
