package dev.veil.key;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import java.util.Arrays;

/** The versions of one keyset, as a {@link KeysetAead} answers for them: sorted unsigned key ids. Immutable. */
final class KeysetVersions {

    private final long[] enabled;
    private final long[] all;

    private KeysetVersions(long[] enabled, long[] all) {
        this.enabled = enabled;
        this.all = all;
    }

    static KeysetVersions of(KeysetHandle handle) {
        return new KeysetVersions(ids(handle, true), ids(handle, false));
    }

    /** {@link KeysetAead#holdsVersion}. */
    boolean holds(long keyId) {
        return Arrays.binarySearch(enabled, keyId) >= 0;
    }

    /** {@link KeysetAead#knowsVersion}. */
    boolean knows(long keyId) {
        return Arrays.binarySearch(all, keyId) >= 0;
    }

    private static long[] ids(KeysetHandle handle, boolean enabledOnly) {
        long[] ids = new long[handle.size()];
        int n = 0;
        for (int i = 0; i < handle.size(); i++) {
            if (!enabledOnly || handle.getAt(i).getStatus() == KeyStatus.ENABLED) {
                ids[n++] = Integer.toUnsignedLong(handle.getAt(i).getId());
            }
        }
        long[] sorted = Arrays.copyOf(ids, n);
        Arrays.sort(sorted);
        return sorted;
    }

    @Override
    public String toString() {
        return "KeysetVersions[" + enabled.length + " enabled of " + all.length + "]";
    }
}
