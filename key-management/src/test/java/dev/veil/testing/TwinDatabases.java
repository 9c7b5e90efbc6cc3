package dev.veil.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A Veil database and its plaintext twin, for tests that compare Veil's answers with PostgreSQL's own: the Veil side
 * ({@link VeilFixture}: its own database, fresh keys, the tables in their stored layout) and a twin database with
 * the same tables in their plaintext layout, reached through plain pgjdbc. Connections: {@link #veil()} (through
 * Veil), {@link #raw()} (plain, to Veil's database: what is stored) and {@link #twin()} (plain, to the twin).
 */
public final class TwinDatabases implements AutoCloseable {

    private final VeilFixture fx;
    private final TestDatabase twinDb;
    private final Connection veil;
    private final Connection raw;
    private final Connection twin;

    private TwinDatabases(VeilFixture fx, TestDatabase twinDb, Connection veil, Connection raw, Connection twin) {
        this.fx = fx;
        this.twinDb = twinDb;
        this.veil = veil;
        this.raw = raw;
        this.twin = twin;
    }

    /**
     * @param yaml the {@code tables:} body of Veil's configuration
     * @param stored the DDL of Veil's database (ciphertext columns as {@code bytea} or {@code text})
     * @param plaintext the DDL of the twin (the same tables with their logical types)
     */
    public static TwinDatabases create(Class<?> owner, String yaml, List<String> stored, List<String> plaintext)
            throws SQLException {
        VeilFixture fx = VeilFixture.create(owner, yaml);
        TestDatabase twinDb = null;
        try {
            fx.plainExecute(stored.toArray(new String[0]));
            twinDb = TestDatabase.create(owner.getSimpleName() + "Twin");
            Connection twin = twinDb.plainConnection();
            try (Statement st = twin.createStatement()) {
                for (String ddl : plaintext) {
                    st.execute(ddl);
                }
            }
            return new TwinDatabases(fx, twinDb, fx.veil(), fx.plain(), twin);
        } catch (SQLException | RuntimeException e) {
            if (twinDb != null) {
                twinDb.drop();
            }
            fx.close();
            throw e;
        }
    }

    public Connection veil() {
        return veil;
    }

    public Connection raw() {
        return raw;
    }

    public Connection twin() {
        return twin;
    }

    @Override
    public void close() throws SQLException {
        try {
            for (Connection c : new Connection[] {veil, twin, raw}) {
                c.close();
            }
        } finally {
            twinDb.drop();
            fx.close();
        }
    }
}
