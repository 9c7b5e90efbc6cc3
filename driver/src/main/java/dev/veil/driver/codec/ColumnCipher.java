package dev.veil.driver.codec;

import com.google.crypto.tink.Aead;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.key.KeyAccessDeniedException;
import dev.veil.key.KeyException;
import dev.veil.key.KeyHandle;
import dev.veil.key.KeyReservationException;
import dev.veil.key.KeyRing;
import dev.veil.key.KeyScope;
import dev.veil.key.KeysetAead;
import dev.veil.key.KeyUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * Encrypts and decrypts the values of one column. What the column stores is an {@link Envelope} around the Tink
 * ciphertext, in the form its SQL type holds ({@link StoredCiphertext}: bytes for {@code bytea}, text otherwise).
 * The data key is the bound table's ({@link KeyScope#tableEncryption}, one per table, shared by its
 * columns); the associated data is {@code "veil/1:" || bound table.column}, so a ciphertext moved to another
 * column fails to decrypt. Under row binding it is {@code "veil/2:" || bound table.column || 0x00 || row key}
 * ({@link RowKey}), so a ciphertext moved to another row of the column fails as well. New values are padded as the
 * column's {@link Padding} says (length hiding); reads accept padded and unpadded values alike. See
 * {@code docs/design.md}.
 */
public final class ColumnCipher {

    /**
     * The start of a text envelope: {@link Envelope#TEXT_PREFIX}, kept here for the callers outside the codec that
     * name it (the layout itself lives in {@link Envelope}).
     */
    public static final String TEXT_PREFIX = Envelope.TEXT_PREFIX;

    /** How the column stores ciphertext, from its SQL type; {@link StoredCiphertext} reads and binds either form. */
    public enum Storage {
        /** {@code bytea}: raw envelope bytes. */
        BINARY,
        /** {@code text}/{@code varchar}: the text envelope. */
        TEXT
    }

    private final String column;
    private final KeyScope scope;
    private final byte[] associatedData;
    /** {@code "veil/2:" || bound name || 0x00}: the prefix of a row-bound value's associated data. */
    private final byte[] boundPrefix;
    private final ValueType declaredType;
    private final KeyRing keys;
    /** The table key as {@link #keys} hands it out for every value, without a cache lookup while it is unchanged. */
    private final KeyHandle<Aead> key;
    private final boolean allowLegacyPlaintext;
    private final Events events;
    private final Padding padding;
    /** The clock of the reload interval: {@link System#nanoTime()}, or the runtime's ticker. */
    private final LongSupplier nanoClock;
    /** When this column last reloaded its keys after an unreadable value ({@link #nanoClock}, 0 = never). */
    private volatile long lastReload;
    /** Why the last reload failed when the key was unavailable (KMS or key table down), else null. */
    private volatile KeyException lastReloadFailure;
    /** Versions a reload found the key table without, for the keyset that reload returned (null: none). */
    private volatile Absent absent;
    static final long RELOAD_INTERVAL_NANOS = 1_000_000_000L;

    /** Told of each encryption and decryption (for metrics); names the column only. */
    public interface Events {
        Events NONE = new Events() { };

        default void encrypted(String column) {
        }

        default void decrypted(String column) {
        }
    }

    /**
     * @param column {@code table.column} for messages
     * @param boundName {@code table.column} the ciphertext is bound to (associated data; its table selects the key)
     */
    public ColumnCipher(String column, String boundName, ValueType declaredType, KeyRing keys,
            boolean allowLegacyPlaintext) {
        this(column, boundName, declaredType, keys, allowLegacyPlaintext, Events.NONE);
    }

    public ColumnCipher(String column, String boundName, ValueType declaredType, KeyRing keys,
            boolean allowLegacyPlaintext, Events events) {
        this(column, boundName, declaredType, keys, allowLegacyPlaintext, events, Padding.NONE);
    }

    /** @param padding how new values are padded before encryption (length hiding); reads accept either form */
    public ColumnCipher(String column, String boundName, ValueType declaredType, KeyRing keys,
            boolean allowLegacyPlaintext, Events events, Padding padding) {
        this(column, boundName, declaredType, keys, allowLegacyPlaintext, events, padding, System::nanoTime);
    }

    /**
     * @param nanoClock the clock of the limit on key reloads after unreadable values ({@link #RELOAD_INTERVAL_NANOS};
     *     the runtime passes its ticker, so its tests advance a fake one instead of sleeping)
     */
    public ColumnCipher(String column, String boundName, ValueType declaredType, KeyRing keys,
            boolean allowLegacyPlaintext, Events events, Padding padding, LongSupplier nanoClock) {
        this.nanoClock = java.util.Objects.requireNonNull(nanoClock, "nanoClock");
        this.padding = java.util.Objects.requireNonNull(padding, "padding");
        this.column = column;
        this.scope = scopeOf(boundName);
        this.associatedData = ("veil/1:" + boundName).getBytes(StandardCharsets.UTF_8);
        this.boundPrefix = ("veil/2:" + boundName + "\0").getBytes(StandardCharsets.UTF_8);
        this.declaredType = declaredType;
        this.keys = keys;
        this.key = keys.aeadHandle(scope);
        this.allowLegacyPlaintext = allowLegacyPlaintext;
        this.events = events;
    }

    /** The data key of a bound name {@code table.column}: the table's ({@code table.*}). */
    public static KeyScope scopeOf(String boundName) {
        return KeyScope.tableEncryption(boundName.substring(0, boundName.lastIndexOf('.')));
    }

    public String column() {
        return column;
    }

    public ValueType declaredType() {
        return declaredType;
    }

    public KeyScope scope() {
        return scope;
    }

    /** How new values of this column are padded. */
    public Padding padding() {
        return padding;
    }

    /**
     * Encrypts a bound value (converted to the declared type first) into what the column stores: a
     * {@code byte[]} for binary storage, a {@code String} for text storage.
     */
    public Object encrypt(Object value, Storage storage) throws SQLException {
        return encrypt(value, storage, null);
    }

    /**
     * As {@link #encrypt(Object, Storage)}, bound to one row: {@code rowKey} is the row's {@link RowKey} encoding
     * (null: not bound, the {@code veil/1} associated data).
     */
    public Object encrypt(Object value, Storage storage, byte[] rowKey) throws SQLException {
        byte[] ct = encryptRaw(value, rowKey == null ? associatedData : boundData(rowKey));
        return StoredCiphertext.seal(ct, storage);
    }

    /** The associated data of a value bound to the row whose key encodes to {@code rowKey}. */
    private byte[] boundData(byte[] rowKey) {
        byte[] aad = java.util.Arrays.copyOf(boundPrefix, boundPrefix.length + rowKey.length);
        System.arraycopy(rowKey, 0, aad, boundPrefix.length, rowKey.length);
        return aad;
    }

    private byte[] encryptRaw(Object value, byte[] aad) throws SQLException {
        Object stored;
        ValueType type = declaredType != null ? null : TypedValues.typeOf(value);
        if (type != null && type.javaType().isInstance(value)) {
            stored = value; // no declared type and already its own type's Java type: what toStored would return
        } else {
            try {
                stored = Conversions.toStored(value, declaredType);
            } catch (Conversions.ConversionException e) {
                throw VeilSqlState.CONVERSION.exception("cannot encrypt into " + column
                        + (declaredType == null ? "" : " (declared " + declaredType.configName() + ")") + ": "
                        + e.getMessage());
            }
            type = declaredType != null ? declaredType : TypedValues.typeOf(stored);
        }
        byte[] plain;
        try {
            plain = padding.apply(TypedValues.encode(type, stored));
        } catch (Padding.TooLongException e) {
            throw VeilSqlState.VALUE_TOO_LONG.exception("cannot encrypt into " + column + ": " + e.getMessage()
                    + ". Raise max, set over-max: round-up (lengths above max then show to within max), or "
                    + "store a shorter value; see docs/configuration.md, \"Length hiding\"");
        }
        try {
            byte[] ct = aead().encrypt(plain, aad);
            events.encrypted(column);
            return ct;
        } catch (KeyReservationException e) {
            throw keyFailure(e.keyException());
        } catch (GeneralSecurityException e) {
            throw VeilSqlState.DECRYPTION_FAILED.exception("encryption failed for " + column, e);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    /** Decrypts what the column stored ({@code byte[]} or {@code String}) into the value that was written. */
    public Object decrypt(Object stored) throws SQLException {
        return decrypt(stored, null);
    }

    /**
     * A decrypting view for reading one result: it looks the column's key up once and keeps it for the life of the
     * result, instead of asking the key ring for every value. Not thread-safe (a ResultSet is not).
     */
    public Reader reader() {
        return new Reader();
    }

    /**
     * As {@link #reader()}, for one more column of a result whose other columns already have {@code siblings}
     * (null entries allowed): when a sibling's column uses the same data key — a table's columns share one — and it
     * has looked the key up, the new reader starts with that key instead of asking the key ring again, so a result
     * asks once per table key rather than once per column. Each reader still drops its key on a failed decryption.
     */
    public Reader reader(Reader[] siblings) {
        Reader r = new Reader();
        for (Reader other : siblings) {
            if (other != null && other.aead != null && other.cipher().keys == keys
                    && other.cipher().scope.equals(scope)) {
                r.aead = other.aead;
                break;
            }
        }
        return r;
    }

    /** See {@link #reader()}. */
    public final class Reader {
        private Aead aead;

        private Reader() {
        }

        private ColumnCipher cipher() {
            return ColumnCipher.this;
        }

        /** As {@link ColumnCipher#decrypt(Object)}. */
        public Object decrypt(Object stored) throws SQLException {
            return ColumnCipher.this.decrypt(stored, this);
        }

        /** As {@link ColumnCipher#decrypt(Object, byte[], boolean, String)}. */
        public Object decrypt(Object stored, byte[] rowKey, boolean acceptUnbound, String keyColumns)
                throws SQLException {
            return ColumnCipher.this.decrypt(stored, this, rowKey, acceptUnbound, keyColumns);
        }

        Aead aead() throws SQLException {
            Aead a = aead;
            if (a == null) {
                a = ColumnCipher.this.aead();
                aead = a;
            }
            return a;
        }
    }

    /**
     * Decrypts a value of a row-bound column: {@code rowKey} is the {@link RowKey} encoding of the row it was read
     * from. With {@code acceptUnbound} (a table's migration window into row binding) a value written before binding
     * was switched on ({@code veil/1} associated data) is accepted as well; otherwise it fails like a moved one.
     *
     * @param keyColumns the key column names, for the message (never their values)
     */
    public Object decrypt(Object stored, byte[] rowKey, boolean acceptUnbound, String keyColumns)
            throws SQLException {
        return decrypt(stored, null, rowKey, acceptUnbound, keyColumns);
    }

    private Object decrypt(Object stored, Reader reader) throws SQLException {
        return decrypt(stored, reader, null, false, null);
    }

    private Object decrypt(Object stored, Reader reader, byte[] rowKey, boolean acceptUnbound, String keyColumns)
            throws SQLException {
        if (stored == null) {
            return null;
        }
        byte[] ct = Envelope.open(stored, column);
        if (ct == null) {
            return legacy(stored);
        }
        byte[] aad = rowKey == null ? associatedData : boundData(rowKey);
        byte[] fallback = rowKey != null && acceptUnbound ? associatedData : null;
        byte[] plain;
        Aead aead = reader == null ? aead() : reader.aead();
        try {
            plain = open(aead, ct, aad, fallback);
        } catch (GeneralSecurityException e) {
            if (reader != null) {
                reader.aead = null; // look the key up again after a reload
            }
            plain = retryWithFreshKeys(ct, aead, aad, fallback, rowKey == null ? null : keyColumns);
        }
        events.decrypted(column);
        try {
            return TypedValues.decode(plain);
        } catch (IllegalArgumentException e) {
            throw VeilSqlState.UNRECOGNIZED_CIPHERTEXT.exception("value in " + column + " decrypted to an unknown "
                    + "encoding (" + e.getMessage() + "); upgrade Veil to read it");
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    private Object legacy(Object stored) throws SQLException {
        if (!allowLegacyPlaintext) {
            throw VeilSqlState.UNRECOGNIZED_CIPHERTEXT.exception("value in " + column + " is not Veil ciphertext "
                    + "(plaintext written before encryption was enabled, or written around Veil). To encrypt such "
                    + "values in place, connect with veil.legacy-plaintext-columns=" + column + " (or YAML "
                    + "legacy-plaintext: true on the column), read the rows through Veil and write each value back "
                    + "with a ? parameter (UPDATE … SET column = ? WHERE key = ?), then remove the setting; see "
                    + "docs/configuration.md, \"Encrypting existing values\"");
        }
        if (declaredType == null) {
            return stored;
        }
        try {
            return Conversions.to(stored, declaredType.javaType());
        } catch (Conversions.ConversionException e) {
            throw VeilSqlState.CONVERSION.exception("legacy plaintext in " + column + " does not convert to its "
                    + "declared type " + declaredType.configName());
        }
    }

    /**
     * A value this JVM cannot decrypt may carry a key version another JVM added since this one cached the keyset
     * (a rotation, or an automatic roll). The ciphertext names its version ({@link KeysetAead#versionOf}): when the
     * keyset that failed holds it, the value itself is unreadable (altered, truncated, moved) and fails with VE001
     * at once — no reload could help, so unreadable data costs no key-table or KMS round trip at all. Otherwise the
     * ring's current keyset is tried, when it is newer than the one that failed (another caller reloaded it); then
     * the keyset is reloaded once and the value retried. The reload is a refresh ({@link KeyRing#reloadAead}):
     * every other value keeps decrypting under the cached keyset while it loads, and when it cannot be loaded (the
     * KMS is down) only this value fails, with VE002 (retry), not VE001. Reloads are limited to one per
     * {@link #RELOAD_INTERVAL_NANOS} per column, so values under versions nobody has (a forged key id) cannot turn
     * every read into a key-table and KMS round trip. Within the interval a value is VE001 when its version is one
     * the current keyset knows as disabled, or one a reload found the key table without (remembered for the keyset
     * that reload returned, so a key row restored later is seen at the next refresh); a value under a version the
     * keyset does not know at all is VE002 (retry: where keys roll often, a version can be added after the last
     * reload), never VE001, which says the value is bad.
     */
    private static byte[] open(Aead aead, byte[] ct, byte[] aad, byte[] fallback) throws GeneralSecurityException {
        try {
            return aead.decrypt(ct, aad);
        } catch (GeneralSecurityException e) {
            if (fallback == null) {
                throw e;
            }
            return aead.decrypt(ct, fallback);
        }
    }

    private byte[] retryWithFreshKeys(byte[] ct, Aead failed, byte[] aad, byte[] fallback, String boundTo)
            throws SQLException {
        long version = KeysetAead.versionOf(ct);
        if (holds(failed, version)) {
            throw unreadable(boundTo, fallback); // its version is here: the value itself does not decrypt
        }
        Aead stale = failed;
        Aead current = aead();
        if (current != failed) {
            try {
                return open(current, ct, aad, fallback);
            } catch (GeneralSecurityException ignored) {
                stale = current;
            }
        }
        long now = nanoClock.getAsLong();
        long last = lastReload;
        if (now - last >= RELOAD_INTERVAL_NANOS || last == 0) {
            lastReload = now == 0 ? 1 : now;
            Aead fresh;
            try {
                fresh = keys.reloadAead(scope, stale);
            } catch (KeyException e) {
                lastReloadFailure = e instanceof KeyUnavailableException ? e : null;
                throw keyFailure(e);
            }
            lastReloadFailure = null;
            try {
                return open(fresh, ct, aad, fallback);
            } catch (GeneralSecurityException ignored) {
                // fall through: genuinely unreadable
            }
            if (version >= 0 && fresh instanceof KeysetAead && !((KeysetAead) fresh).knowsVersion(version)) {
                absent = Absent.add(absent, fresh, version); // the key table has no such version
            }
        } else {
            KeyException unavailable = lastReloadFailure;
            if (unavailable != null) {
                throw VeilSqlState.KEY_UNAVAILABLE.exception("data key for " + column + " is unavailable: a value "
                        + "did not decrypt under the cached keyset, and reloading it (for a key version added since) "
                        + "failed: " + unavailable.getMessage() + ". Retry later", unavailable);
            }
            if (version >= 0 && stale instanceof KeysetAead && !((KeysetAead) stale).knowsVersion(version)
                    && !Absent.confirmed(absent, stale, version)) {
                throw VeilSqlState.KEY_UNAVAILABLE.exception("data key for " + column + ": a value is under key "
                        + "version " + version + ", which the keyset cached here does not have; it was reloaded less "
                        + "than " + RELOAD_INTERVAL_NANOS / 1_000_000 + " ms ago (at most once per interval per "
                        + "column), so a version added since is loaded by the first read after the interval. Retry");
            }
        }
        throw unreadable(boundTo, fallback);
    }

    /**
     * Versions a reload found missing from the key table, valid for the keyset primitive that reload returned only
     * (a later keyset — a refresh, a restored key row — may hold them). Immutable; at most {@link #MAX} versions.
     */
    private record Absent(Aead in, long[] versions) {
        static final int MAX = 16;

        static Absent add(Absent a, Aead in, long version) {
            long[] v = a == null || a.in != in ? new long[0] : a.versions;
            if (confirmed(a, in, version)) {
                return a;
            }
            long[] next = java.util.Arrays.copyOfRange(v, Math.max(0, v.length + 1 - MAX), v.length + 1);
            next[next.length - 1] = version;
            return new Absent(in, next);
        }

        static boolean confirmed(Absent a, Aead in, long version) {
            if (a == null || a.in != in) {
                return false;
            }
            for (long v : a.versions) {
                if (v == version) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether {@code aead} is known to hold {@code version} (false when it cannot tell, or no version is known). */
    private static boolean holds(Aead aead, long version) {
        return version >= 0 && aead instanceof KeysetAead && ((KeysetAead) aead).holdsVersion(version);
    }

    /** VE001 for a value no key this JVM has or can load decrypts. */
    private SQLException unreadable(String boundTo, byte[] fallback) {
        if (boundTo != null) {
            return VeilSqlState.DECRYPTION_FAILED.exception("decryption failed for " + column + " (row binding on "
                    + boundTo + "): the value does not belong to the row it was read from — copied from another row "
                    + "or column, altered, truncated, "
                    + (fallback == null ? "written before row binding was switched on (accept-unbound-values), " : "")
                    + "or its key version is gone");
        }
        return VeilSqlState.DECRYPTION_FAILED.exception("decryption failed for " + column
                + ": the value was altered, truncated, copied from another column, or its key version is gone");
    }

    private Aead aead() throws SQLException {
        try {
            return key.get();
        } catch (KeyException e) {
            throw keyFailure(e);
        }
    }

    private SQLException keyFailure(KeyException e) {
        if (e instanceof KeyUnavailableException) {
            return VeilSqlState.KEY_UNAVAILABLE.exception("data key for " + column + " is unavailable: "
                    + e.getMessage() + ". Retry later", e);
        }
        if (e instanceof KeyAccessDeniedException) {
            return VeilSqlState.KEY_ACCESS_DENIED.exception("access to the data key for " + column + " was denied: "
                    + e.getMessage(), e);
        }
        return VeilSqlState.DECRYPTION_FAILED.exception("data key for " + column + " cannot be used: "
                + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "ColumnCipher[" + column + "]";
    }
}
