package dev.veil.driver.runtime;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.veil.driver.config.VeilConfig;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.sql.DerivedRelations;
import dev.veil.driver.sql.Inheritance;
import dev.veil.driver.sql.SchemaFingerprint;
import dev.veil.driver.sql.SqlAnalyzer;
import dev.veil.driver.sql.TableGuard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Watches the catalog for what Veil must know before it plans a statement: the child tables and partitions of
 * encrypted tables, the views, materialized views and functions that reach encrypted columns and the names that
 * resolve differently under different {@code search_path}s ({@link DerivedRelations}), and a fingerprint of the shapes of every table with a configured or child name. Read before the
 * first plan, after DDL through Veil ({@link #forget()}), and at most once a minute otherwise; when either changed —
 * a child, table or column created, altered or renamed around Veil — {@code onChange} resets what the runtime
 * learned from the catalog, so such a change is seen within that minute (the CHECK constraint of
 * docs/what-veil-sees.md, inherited by every child, covers the gap). Thread-safe.
 */
final class SchemaWatch {

    private final VeilConfig config;
    private final SqlAnalyzer analyzer;
    private final Runnable onChange;
    /** The runtime's clock ({@link Ticker#systemTicker()}; a fake one in tests). */
    private final Ticker ticker;
    private volatile long intervalNanos = TimeUnit.SECONDS.toNanos(60);
    private volatile boolean known;
    private volatile long readAt;
    private boolean everRead; // guarded by this
    private String fingerprint = ""; // guarded by this

    SchemaWatch(VeilConfig config, SqlAnalyzer analyzer, Runnable onChange, Ticker ticker) {
        this.ticker = ticker;
        this.config = config;
        this.analyzer = analyzer;
        this.onChange = onChange;
    }

    /**
     * Reads the catalog when due. Transaction control ({@code ROLLBACK}, {@code SET}, …) never waits for it (it must
     * work in an aborted transaction); a failed read keeps what is known and is tried again on the next statement,
     * except the first one: no plan without knowing the children of encrypted tables.
     */
    void refreshIfDue(String sql, Connection connection) throws SQLException {
        if (known && ticker.read() - readAt < intervalNanos || TableGuard.isTransactionControl(sql)) {
            return;
        }
        synchronized (this) {
            long now = ticker.read();
            if (known && now - readAt < intervalNanos) {
                return;
            }
            Inheritance next;
            DerivedRelations derived;
            String shapes;
            try {
                next = Inheritance.read(connection, t -> !config.columnsOf(t.schema(), t.name()).isEmpty());
                derived = DerivedRelations.read(connection, config, next, analyzer.derived());
                Set<String> names = new TreeSet<>(next.childNames());
                for (EncryptedColumn c : config.columns()) {
                    names.add(c.table().name());
                }
                names.addAll(derived.views().names());
                shapes = SchemaFingerprint.of(connection, names);
            } catch (SQLException e) {
                if (!everRead) {
                    throw e;
                }
                return; // e.g. an aborted transaction
            }
            if (!next.equals(analyzer.inheritance()) || !derived.equals(analyzer.derived())
                    || !shapes.equals(fingerprint)) {
                analyzer.inheritance(next);
                analyzer.derived(derived);
                fingerprint = shapes;
                onChange.run();
            }
            readAt = now;
            known = true;
            everRead = true;
        }
    }

    /** After DDL through Veil: read again before the next plan. */
    void forget() {
        known = false;
    }

    /** How often the catalog is read (one minute; shorter in tests). */
    void interval(Duration interval) {
        intervalNanos = interval.toNanos();
    }
}
