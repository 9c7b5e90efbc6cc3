package dev.veil.key;

/**
 * What a health indicator needs to know about a {@link KeyRing}.
 *
 * @param degraded true while a master-key call failed within the last cache time-to-live for a scope still in
 *     use; data keys may be served from cache past their time-to-live (see {@code maxStaleness})
 * @param failingScopes how many scopes' latest master-key attempt failed
 * @param staleServes how many times since start a cached key was handed out past its time-to-live
 * @param lastFailure message of the latest failure (no key material), or {@code null}
 */
public record KeyRingHealth(boolean degraded, int failingScopes, long staleServes, String lastFailure) {

    public static final KeyRingHealth HEALTHY = new KeyRingHealth(false, 0, 0, null);
}
