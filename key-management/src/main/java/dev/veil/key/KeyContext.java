package dev.veil.key;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a wrapped data key is bound to: {@code database}, {@code table}, {@code column} (encryption) or
 * {@code index} (blind index), and {@code purpose}. A master key must refuse to unwrap under a different
 * context, so a wrapped key copied to another scope or database is useless. AWS KMS receives it as the
 * encryption context (and shows it in CloudTrail); local keys use {@link #associatedData()}.
 *
 * <p>Entries are kept sorted by name, so the serialized form is deterministic.
 */
public final class KeyContext {

    private static final byte[] MAGIC = "veil-key-context-v1".getBytes(StandardCharsets.US_ASCII);

    private final SortedMap<String, String> entries;

    private KeyContext(SortedMap<String, String> entries) {
        this.entries = Collections.unmodifiableSortedMap(entries);
    }

    /** The context of a scope's data key in a database. */
    public static KeyContext of(String database, KeyScope scope) {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("database", database);
        m.put("table", scope.table());
        m.put(scope.purpose() == KeyPurpose.ENCRYPTION ? "column" : "index", scope.name());
        m.put("purpose", scope.purpose().name().toLowerCase(Locale.ROOT));
        return new KeyContext(m);
    }

    /** Any context (for other key kinds and tests); names and values must not be null. */
    public static KeyContext of(Map<String, String> entries) {
        TreeMap<String, String> m = new TreeMap<>();
        entries.forEach((k, v) -> m.put(java.util.Objects.requireNonNull(k), java.util.Objects.requireNonNull(v)));
        return new KeyContext(m);
    }

    /** The entries, sorted by name, unmodifiable. */
    public SortedMap<String, String> asMap() {
        return entries;
    }

    /**
     * Deterministic bytes for use as AEAD associated data: ASCII {@code veil-key-context-v1}, then for each
     * entry in name order the 4-byte big-endian length and UTF-8 bytes of the name, then of the value.
     */
    public byte[] associatedData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(MAGIC);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            writeLengthPrefixed(out, e.getKey());
            writeLengthPrefixed(out, e.getValue());
        }
        return out.toByteArray();
    }

    private static void writeLengthPrefixed(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >>> 24);
        out.write(b.length >>> 16);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyContext other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    /** Names and values (no key material), for messages. */
    @Override
    public String toString() {
        return entries.toString();
    }
}
