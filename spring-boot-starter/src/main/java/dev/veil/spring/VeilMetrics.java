package dev.veil.spring;

import dev.veil.driver.runtime.VeilListener;
import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRingListener;
import dev.veil.key.KeyScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Micrometer meters for Veil's events. Names and tags only — never values, ciphertext or key material:
 * <ul>
 *   <li>{@code veil.encryptions}, {@code veil.decryptions}: counters, tag {@code column} = {@code table.column};</li>
 *   <li>{@code veil.statements.refused}: counter, tag {@code sqlstate} (VE010, VE011, …);</li>
 *   <li>{@code veil.kms.calls}: timer, tags {@code operation} (wrap/unwrap) and {@code outcome}
 *       (success, unavailable, access_denied, failed);</li>
 *   <li>{@code veil.key.cache}: counter, tag {@code result} = hit, miss, load or failure;</li>
 *   <li>{@code veil.key.stale}: counter of data keys served past their time-to-live while the KMS failed.</li>
 * </ul>
 */
final class VeilMetrics implements VeilRuntimeCustomizer, VeilListener, KeyRingListener {

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> encryptions = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> decryptions = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> refusals = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> kmsCalls = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;
    private final Counter loads;
    private final Counter failures;
    private final Counter stale;

    VeilMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hits = cache("hit");
        this.misses = cache("miss");
        this.loads = cache("load");
        this.failures = cache("failure");
        this.stale = Counter.builder("veil.key.stale")
                .description("Data keys served past their time-to-live while the master key was unavailable")
                .register(registry);
    }

    private Counter cache(String result) {
        return Counter.builder("veil.key.cache").tag("result", result)
                .description("Data-key cache lookups and loads").register(registry);
    }

    @Override
    public void customize(VeilRuntime runtime) {
        runtime.addListener(this);
        runtime.addKeyRingListener(this);
    }

    @Override
    public void encrypted(String column) {
        encryptions.computeIfAbsent(column, c -> Counter.builder("veil.encryptions").tag("column", c)
                .description("Values encrypted before they were sent to the database").register(registry)).increment();
    }

    @Override
    public void decrypted(String column) {
        decryptions.computeIfAbsent(column, c -> Counter.builder("veil.decryptions").tag("column", c)
                .description("Values decrypted when read from the database").register(registry)).increment();
    }

    @Override
    public void refused(String sqlState) {
        refusals.computeIfAbsent(String.valueOf(sqlState), s -> Counter.builder("veil.statements.refused")
                .tag("sqlstate", s).description("Statements refused before anything was sent").register(registry))
                .increment();
    }

    @Override
    public void cacheHit(KeyScope scope) {
        hits.increment();
    }

    @Override
    public void cacheMiss(KeyScope scope) {
        misses.increment();
    }

    @Override
    public void keyLoaded(KeyScope scope, Duration duration, boolean created) {
        loads.increment();
    }

    @Override
    public void keyLoadFailed(KeyScope scope, KeyException error) {
        failures.increment();
    }

    @Override
    public void staleServed(KeyScope scope, Duration pastTimeToLive) {
        stale.increment();
    }

    @Override
    public void masterKeyCall(String masterKeyId, String operation, Duration duration, Outcome outcome) {
        String o = outcome.name().toLowerCase(Locale.ROOT);
        kmsCalls.computeIfAbsent(operation + '/' + o, k -> Timer.builder("veil.kms.calls").tag("operation", operation)
                .tag("outcome", o).description("Calls to the master key (KMS), retries included").register(registry))
                .record(duration);
    }
}
