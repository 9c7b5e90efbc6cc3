package dev.veil.key;

import java.util.Objects;

/**
 * {@link CachingKeyRing}'s {@link KeyHandle}: it remembers the entry it last served fresh together with the ring's
 * change count just before it looked that entry up, and answers with it — one counter read and one clock read, no
 * cache lookup — while the count is unchanged and the entry is not due for refresh. Otherwise it asks the ring as
 * {@link CachingKeyRing#aead}/{@link CachingKeyRing#prf} do (refresh ahead, stale serving, loads and failures all
 * happen there). The ring's {@link CountedKeyCache} counts every change after making it, so a handle that read the
 * count before its lookup cannot keep an entry the lookup did not see replaced.
 */
final class RingKeyHandle<T> implements KeyHandle<T> {

    /** An entry served and the ring's change count just before the lookup that found it. */
    private record Served(CachingKeyRing.CachedKey key, long changes) { }

    private final CachingKeyRing ring;
    private final KeyScope scope;
    private final KeyPurpose purpose;
    private volatile Served served;

    RingKeyHandle(CachingKeyRing ring, KeyScope scope, KeyPurpose purpose) {
        this.ring = ring;
        this.scope = Objects.requireNonNull(scope, "scope");
        this.purpose = purpose;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get() throws KeyException {
        Served s = served;
        if (s != null && s.changes == ring.changes() && ring.now() - s.key.refreshAt < 0) {
            ring.hit(scope);
            return (T) s.key.primitive;
        }
        if (scope.purpose() != purpose) { // refused with the ring's own message
            return (T) (purpose == KeyPurpose.ENCRYPTION ? ring.aead(scope) : ring.prf(scope));
        }
        return (T) ring.primitive(scope, this);
    }

    /** Called by the ring with the fresh entry it served and the change count read before finding it. */
    void served(CachingKeyRing.CachedKey key, long changesBefore) {
        served = new Served(key, changesBefore);
    }

    @Override
    public String toString() {
        return "KeyHandle[" + scope + "]";
    }
}
