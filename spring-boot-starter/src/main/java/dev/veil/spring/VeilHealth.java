package dev.veil.spring;

import dev.veil.driver.runtime.VeilRuntime;
import dev.veil.key.KeyAccessDeniedException;
import dev.veil.key.KeyException;
import dev.veil.key.KeyRingHealth;
import dev.veil.key.KeyRingListener;
import dev.veil.key.KeyScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The state behind the {@code veil} health indicator, independent of Spring Boot's health API (which moved between
 * 3.x and 4.x; one thin adapter each). Follows every Veil runtime's key ring:
 * <ul>
 *   <li>{@code UP}: no master-key failure within the cache time-to-live;</li>
 *   <li>{@code DEGRADED}: the master key (KMS) fails, but every failing data key is still cached and served (stale,
 *       within {@code key-cache.max-staleness}) — the application works, the KMS needs attention;</li>
 *   <li>{@code DOWN}: a data key is unavailable — it was never loaded, its staleness window ran out, or the KMS
 *       refused access — so statements on its column fail with VE002/VE003.</li>
 * </ul>
 */
final class VeilHealth implements VeilRuntimeCustomizer {

    static final String UP = "UP";
    static final String DEGRADED = "DEGRADED";
    static final String DOWN = "DOWN";

    /** A status code and its details. */
    record Result(String status, Map<String, Object> details) {
    }

    private final List<Tracker> trackers = new ArrayList<>();
    private final LongSupplier nanoTime;

    VeilHealth() {
        this(System::nanoTime);
    }

    VeilHealth(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized void customize(VeilRuntime runtime) {
        Tracker tracker = new Tracker(runtime, nanoTime,
                runtime.config().keyCacheTtl().plus(runtime.config().keyMaxStaleness()));
        runtime.addKeyRingListener(tracker);
        trackers.add(tracker);
    }

    synchronized Result check() {
        String status = UP;
        Map<String, Object> details = new LinkedHashMap<>();
        int failing = 0;
        long staleServes = 0;
        List<String> unavailable = new ArrayList<>();
        String lastFailure = null;
        for (Tracker t : trackers) {
            KeyRingHealth h = t.runtime.keys().health();
            staleServes += h.staleServes();
            if (!h.degraded()) {
                continue;
            }
            failing += h.failingScopes();
            lastFailure = h.lastFailure();
            List<String> down = t.unavailableScopes();
            unavailable.addAll(down);
            status = !down.isEmpty() || status.equals(DOWN) ? DOWN : DEGRADED;
        }
        details.put("runtimes", trackers.size());
        details.put("degraded", !status.equals(UP));
        details.put("failingKeys", failing);
        details.put("staleServes", staleServes);
        if (!unavailable.isEmpty()) {
            details.put("unavailableKeys", unavailable);
        }
        if (lastFailure != null) {
            details.put("lastFailure", lastFailure);
        }
        return new Result(status, details);
    }

    /** Per scope: when its key was last loaded, and whether its latest load failed (and how). */
    private static final class Tracker implements KeyRingListener {
        private final VeilRuntime runtime;
        private final LongSupplier nanoTime;
        private final long usableNanos;
        private final Map<KeyScope, Long> loadedAt = new ConcurrentHashMap<>();
        private final Map<KeyScope, KeyException> failed = new ConcurrentHashMap<>();

        Tracker(VeilRuntime runtime, LongSupplier nanoTime, Duration usable) {
            this.runtime = runtime;
            this.nanoTime = nanoTime;
            this.usableNanos = usable.toNanos();
        }

        @Override
        public void keyLoaded(KeyScope scope, Duration duration, boolean created) {
            loadedAt.put(scope, nanoTime.getAsLong());
            failed.remove(scope);
        }

        @Override
        public void keyLoadFailed(KeyScope scope, KeyException error) {
            failed.put(scope, error);
        }

        /** Failing scopes with no cached key left to serve. */
        List<String> unavailableScopes() {
            List<String> out = new ArrayList<>();
            long now = nanoTime.getAsLong();
            failed.forEach((scope, error) -> {
                Long at = loadedAt.get(scope);
                boolean cached = at != null && now - (at + usableNanos) < 0 && !(error instanceof KeyAccessDeniedException)
                        && error instanceof dev.veil.key.KeyUnavailableException;
                if (!cached) {
                    out.add(scope.toString());
                }
            });
            return out;
        }
    }
}
