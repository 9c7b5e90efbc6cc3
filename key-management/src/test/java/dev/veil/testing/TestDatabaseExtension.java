package dev.veil.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class a {@link TestDatabase} of its own, and on request a fresh local master keyset, created
 * before the class's {@code @BeforeAll} methods and dropped (with the keyset's directory) after its
 * {@code @AfterAll} ones. Instead of each class copying the create / generate / drop set-up:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestDatabaseExtension DB = TestDatabaseExtension.withMasterKey();
 *
 * DB.ringBuilder().keyTable(table)   // KeyRing.builder() on the class's master key, database and connections
 * }</pre>
 *
 * or {@code @ExtendWith(TestDatabaseExtension.class)} and a {@link TestDatabase} parameter on a {@code @BeforeAll},
 * {@code @BeforeEach} or test method. Shared by every module through the key-management test-jar.
 */
public final class TestDatabaseExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final boolean withMasterKey;
    private volatile TestDatabase database;
    private volatile Path directory;

    /** A database only (the form {@code @ExtendWith} uses). */
    public TestDatabaseExtension() {
        this(false);
    }

    private TestDatabaseExtension(boolean withMasterKey) {
        this.withMasterKey = withMasterKey;
    }

    /** A database and a fresh local master keyset ({@code master-keyset.json} in a temporary directory). */
    public static TestDatabaseExtension withMasterKey() {
        return new TestDatabaseExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (context.getRequiredTestClass().getEnclosingClass() != null && database != null) {
            return; // a @Nested class shares its outer class's database
        }
        String label = context.getRequiredTestClass().getSimpleName();
        directory = withMasterKey ? TestMasterKeys.fresh(label).getParent()
                : Files.createTempDirectory("veil-" + label);
        database = TestDatabase.create(context.getRequiredTestClass());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass().getEnclosingClass() != null) {
            return;
        }
        TestDatabase db = database;
        database = null;
        if (db != null) {
            db.drop();
        }
        TestMasterKeys.delete(directory);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return database();
    }

    /** The class's database; only between its {@code @BeforeAll} and {@code @AfterAll}. */
    public TestDatabase database() {
        TestDatabase db = database;
        if (db == null) {
            throw new IllegalStateException("no test database outside the test class's lifecycle");
        }
        return db;
    }

    public String name() {
        return database().name();
    }

    /** The plain {@code jdbc:postgresql://} URL of the class's database. */
    public String url() {
        return database().url();
    }

    /** The URL with Veil's prefix: {@code jdbc:veil:postgresql://…}. */
    public String veilUrl() {
        return database().veilUrl();
    }

    /** User and password, when the server needs them. */
    public java.util.Properties properties() {
        return database().properties();
    }

    /** A plain pgjdbc connection to the class's database (what a DBA sees). */
    public java.sql.Connection plainConnection() throws java.sql.SQLException {
        return database().plainConnection();
    }

    /** The master keyset file ({@link #withMasterKey()} only). */
    public Path masterKeyFile() {
        if (!withMasterKey) {
            throw new IllegalStateException("this extension was registered without a master key: use withMasterKey()");
        }
        return directory.resolve(TestMasterKeys.FILE_NAME);
    }

    /** The master key as configured: {@code local-keyset:<file>}. */
    public String masterKey() {
        return "local-keyset:" + masterKeyFile();
    }

    /**
     * {@code KeyRing.builder()} on the class's master key ({@link #withMasterKey()} only), database and plain
     * connections; the caller adds the rest (key table, ticker, executor).
     */
    public dev.veil.key.KeyRingBuilder ringBuilder() {
        return dev.veil.key.KeyRing.builder().masterKey(masterKey()).database(name())
                .connections(this::plainConnection);
    }

    /** A temporary directory of the class's, deleted after it (the master keyset lives here). */
    public Path directory() {
        return directory;
    }
}
