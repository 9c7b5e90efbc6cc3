package dev.veil.blindindex;

import com.google.crypto.tink.prf.Prf;
import com.google.crypto.tink.prf.PrfSet;
import dev.veil.key.KeyException;
import dev.veil.key.KeyHandle;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes the values of one blind index: HMAC-SHA256 (the primary key of the index's Tink {@link PrfSet} from the
 * {@link KeyRing}) over the canonical encoding of the normalized values, optionally through Argon2id, truncated to
 * {@link BlindIndexDefinition#bits()}. The same call serves writes (the companion column's value) and queries
 * (the value to compare it with).
 *
 * <p>Thread-safe and cheap to keep: it holds no key, asking the ring for the PRF on every call (a cache hit), so
 * a new primary key version is picked up when the ring refreshes. It caches nothing derived from values — in
 * particular not slow-mode results (see {@code docs/blind-index.md}, "No cache").
 *
 * <p>Failures: {@link KeyException} (and its subclasses) when the key cannot be had; {@link IllegalArgumentException}
 * for a wrong number of values, an unsupported type or malformed text — messages name the index and the column,
 * never the value.
 */
public final class BlindIndexer {

    private static final int PRF_BYTES = 32;
    private static final int ARGON2_SALT_BYTES = 16;
    private static final byte[] NO_ASSOCIATED_DATA = new byte[0];

    private final BlindIndexDefinition definition;
    private final KeyRing keys;
    private final KeyScope scope;
    /** The index key as {@link #keys} hands it out, without a cache lookup while it is unchanged. */
    private final KeyHandle<PrfSet> key;
    private final byte[] argon2Salt;
    /** The value-independent start of every fast-mode PRF input ({@link CanonicalEncoder#prefix}). */
    private final byte[] fastPrefix;

    private BlindIndexer(BlindIndexDefinition definition, KeyRing keys) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.scope = definition.keyScope();
        this.key = keys.prfHandle(scope);
        this.argon2Salt = definition.slowHash().isPresent() ? argon2Salt(definition) : null;
        this.fastPrefix = CanonicalEncoder.prefix(CanonicalEncoder.MODE_FAST, definition);
    }

    /** An indexer for {@code definition} taking its key from {@code keys} (the scope {@link BlindIndexDefinition#keyScope()}). */
    public static BlindIndexer of(BlindIndexDefinition definition, KeyRing keys) {
        return new BlindIndexer(definition, keys);
    }

    public BlindIndexDefinition definition() {
        return definition;
    }

    /**
     * The index value of one row (or one query): {@code values} are the source columns' values in
     * {@link BlindIndexDefinition#columns()} order. {@code null} parts are encoded as NULL, distinct from every
     * value (use {@link #indexOrNull(Object...)} for SQL's semantics). For a single {@code null} value write
     * {@code index((Object) null)}.
     *
     * @return {@link BlindIndexDefinition#outputBytes()} bytes, the first {@code bits} bits of the PRF output
     */
    public byte[] index(Object... values) throws KeyException {
        checkArity(values);
        PrfSet set = key.get();
        return truncate(compute(set::computePrimary, values));
    }

    /**
     * Like {@link #index(Object...)} but {@code null} when any value is {@code null}: SQL's {@code =} never
     * matches NULL, so a companion column holding NULL for such rows behaves like the source columns.
     */
    public byte[] indexOrNull(Object... values) throws KeyException {
        checkArity(values);
        for (Object v : values) {
            if (v == null) {
                return null;
            }
        }
        return index(values);
    }

    /**
     * The index value under every enabled key version of the index's keyset, primary first. After a new primary
     * version is added, stored rows keep values of the old version until re-indexed; a query can look for all
     * of these ({@code bidx IN (?, ?)}) in the meantime. In slow mode each version costs one Argon2id run.
     */
    public List<byte[]> indexAllVersions(Object... values) throws KeyException {
        checkArity(values);
        PrfSet set = key.get();
        Map<Integer, Prf> prfs;
        try {
            prfs = set.getPrfs();
        } catch (GeneralSecurityException e) {
            throw new KeyException("blind index computation failed for " + definition.where(), e);
        }
        if (prfs.size() == 1) { // no rotation under way (the common case): the primary's value alone
            return List.of(truncate(compute(set::computePrimary, values)));
        }
        List<byte[]> out = new ArrayList<>(prfs.size());
        Prf primary = prfs.get(set.getPrimaryId());
        if (primary != null) {
            out.add(truncate(compute(primary::compute, values)));
        }
        for (Map.Entry<Integer, Prf> e : prfs.entrySet()) {
            if (e.getKey() != set.getPrimaryId()) {
                out.add(truncate(compute(e.getValue()::compute, values)));
            }
        }
        return out;
    }

    /**
     * How many enabled key versions the index's keyset has now: 1 normally, 2 while its key is being rotated
     * (old and new version both enabled). A search must then look for the value under each
     * ({@link #indexAllVersions(Object...)}), and comparing two stored index values is not meaningful.
     */
    public int enabledVersions() throws KeyException {
        try {
            return key.get().getPrfs().size();
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot read the key versions of blind index " + definition.where(), e);
        }
    }

    @Override
    public String toString() {
        return "BlindIndexer[" + definition + "]";
    }

    private byte[] compute(PrfFunction prf, Object[] values) throws KeyException {
        try {
            if (definition.slowHash().isEmpty()) {
                return prf.compute(CanonicalEncoder.message(fastPrefix, definition, values), PRF_BYTES);
            }
            byte[] password = CanonicalEncoder.message(CanonicalEncoder.MODE_ARGON2ID_PASSWORD, definition, values);
            byte[] secret = prf.compute(CanonicalEncoder.header(CanonicalEncoder.MODE_ARGON2ID_SECRET, definition), PRF_BYTES);
            try {
                return Argon2idHasher.hash(password, argon2Salt, secret, NO_ASSOCIATED_DATA,
                        definition.slowHash().get(), PRF_BYTES);
            } finally {
                Arrays.fill(secret, (byte) 0);
                Arrays.fill(password, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new KeyException("blind index computation failed for " + definition.where(), e);
        }
    }

    private void checkArity(Object[] values) {
        if (values == null) {
            throw new IllegalArgumentException("blind index " + definition.where() + ": values array is null; "
                    + "for a single NULL value call index((Object) null)");
        }
        if (values.length != definition.columns().size()) {
            throw new IllegalArgumentException("blind index " + definition.where() + " has "
                    + definition.columns().size() + " column(s) " + definition.columnNames() + " but got "
                    + values.length + " value(s)");
        }
    }

    /** The first {@code bits} bits of {@code full}, big-endian bit order; unused low bits of the last byte are zero. */
    private byte[] truncate(byte[] full) {
        int bits = definition.bits();
        if (bits == full.length * 8) {
            return full; // the whole PRF output (a fresh array): nothing to cut, nothing to copy
        }
        byte[] out = Arrays.copyOf(full, definition.outputBytes());
        int spare = out.length * 8 - bits;
        if (spare > 0) {
            out[out.length - 1] &= (byte) (0xFF << spare);
        }
        Arrays.fill(full, (byte) 0);
        return out;
    }

    /** Public, per-index Argon2id salt: the first 16 bytes of SHA-256 over the secret-derivation header. */
    static byte[] argon2Salt(BlindIndexDefinition definition) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(CanonicalEncoder.header(CanonicalEncoder.MODE_ARGON2ID_SECRET, definition));
            return Arrays.copyOf(digest, ARGON2_SALT_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @FunctionalInterface
    private interface PrfFunction {
        byte[] compute(byte[] input, int outputBytes) throws GeneralSecurityException;
    }
}
