package dev.veil.driver.sql;

import dev.veil.blindindex.BlindIndexer;
import dev.veil.blindindex.Normalizer;
import dev.veil.blindindex.SourceColumn;
import dev.veil.driver.codec.Conversions;
import dev.veil.driver.codec.ValueType;
import dev.veil.driver.error.VeilSqlState;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.TableName;
import dev.veil.key.KeyAccessDeniedException;
import dev.veil.key.KeyException;
import dev.veil.key.KeyUnavailableException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Objects;

/**
 * A blind index as a statement reaches it: the configured index, its indexer, the table as referenced (for the
 * backfill check) and each part's declared type. Values are converted to the part's declared type (as the codec
 * does before encrypting) before they are indexed, so {@code setInt} and {@code setLong} index alike.
 */
public final class IndexTarget {

    private final ConfiguredIndex index;
    private final BlindIndexer indexer;
    private final TableName referenced;
    private final ValueType[] partTypes;
    private final java.util.List<String> windowColumns;

    IndexTarget(ConfiguredIndex index, BlindIndexer indexer, TableName referenced, ValueType[] partTypes,
            java.util.List<String> windowColumns) {
        this.index = index;
        this.indexer = indexer;
        this.referenced = referenced;
        this.partTypes = partTypes;
        this.windowColumns = java.util.List.copyOf(windowColumns);
    }

    /**
     * The source columns in their migration window (legacy plaintext): rows where they still hold plaintext have
     * no index value and are found by the searches' plaintext branch instead. Empty normally.
     */
    public java.util.List<String> windowColumns() {
        return windowColumns;
    }

    public ConfiguredIndex index() {
        return index;
    }

    /** The table as the statement named it (resolves like the statement does, e.g. through search_path). */
    public TableName referenced() {
        return referenced;
    }

    public boolean exact() {
        return index.definition().exact();
    }

    /** The index value of one row or one query, SQL NULL (null) when a part is null. */
    public byte[] compute(Object[] parts) throws SQLException {
        Object[] values = converted(parts);
        if (values == null) {
            return null; // SQL NULL: as indexOrNull, and no key needed
        }
        try {
            return indexer().indexOrNull(values);
        } catch (KeyException e) {
            throw keyFailure(e);
        } catch (IllegalArgumentException e) {
            throw VeilSqlState.CONVERSION.exception(e.getMessage());
        }
    }

    /** The most enabled key versions a search looks under: the old and the new key of one rotation. */
    static final int SEARCHED_VERSIONS = 2;

    /**
     * The index values one searched value (or tuple) has under the enabled key versions of the index, primary
     * first: {@link #SEARCHED_VERSIONS} values, the primary's repeated when the keyset has one version (its HMAC
     * computed once); SQL NULL (nulls) when a part is null. Refused (VE010) when more versions are enabled than a
     * search looks under, rather than missing rows indexed under the others.
     */
    public byte[][] computeVersions(Object[] parts) throws SQLException {
        Object[] values = converted(parts);
        if (values == null) {
            return new byte[SEARCHED_VERSIONS][];
        }
        java.util.List<byte[]> all;
        try {
            all = indexer().indexAllVersions(values);
        } catch (KeyException e) {
            throw keyFailure(e);
        } catch (IllegalArgumentException e) {
            throw VeilSqlState.CONVERSION.exception(e.getMessage());
        }
        if (all.isEmpty() || all.size() > SEARCHED_VERSIONS) {
            throw tooManyVersions(all.size());
        }
        return new byte[][] {all.get(0), all.get(all.size() - 1)};
    }

    /** How many key versions of the index are enabled now (2 while its key is being rotated). */
    public int enabledVersions() throws SQLException {
        try {
            return indexer().enabledVersions();
        } catch (KeyException e) {
            throw keyFailure(e);
        }
    }

    /**
     * Refuses (VE010) a construct that compares stored index values with each other — a join through a shared
     * join domain, GROUP BY, count(DISTINCT), ON CONFLICT — while the index has more than one enabled key version:
     * rows indexed under the old and the new version would be split apart or not matched.
     */
    void requireOneVersion(String construct) throws SQLException {
        int versions = enabledVersions();
        if (versions > 1) {
            throw VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("Veil refused the statement: blind index "
                    + index.qualified() + " is being re-keyed (" + versions + " enabled key versions), so " + construct
                    + ", which compares stored index values with each other, would treat rows indexed under the old "
                    + "and the new key as different and silently split or miss them. Retry after `veil rotate "
                    + "index-key` finishes (one enabled version again); searches by value (col = ?, IN) keep working "
                    + "meanwhile");
        }
    }

    private SQLException tooManyVersions(int versions) {
        return VeilSqlState.UNSUPPORTED_CONSTRUCT.exception("Veil refused a search through blind index "
                + index.qualified() + ": its keyset has " + versions + " enabled key versions, and a search looks "
                + "for the value under at most " + SEARCHED_VERSIONS + " (the old and the new key of one rotation). "
                + "Finish the running rotation (`veil rotate index-key`), which disables the version no row is "
                + "indexed under any more, then retry");
    }

    private BlindIndexer indexer() {
        if (indexer == null) {
            throw new IllegalStateException("no indexer for " + index);
        }
        return indexer;
    }

    /** The parts converted to their declared types, or null when one is SQL NULL. */
    private Object[] converted(Object[] parts) throws SQLException {
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = convert(i, parts[i]);
            if (values[i] == null) {
                return null;
            }
        }
        return values;
    }

    private SQLException keyFailure(KeyException e) {
        if (e instanceof KeyUnavailableException) {
            return VeilSqlState.KEY_UNAVAILABLE.exception("key of blind index " + index.qualified()
                    + " is unavailable: " + e.getMessage() + ". Retry later", e);
        }
        if (e instanceof KeyAccessDeniedException) {
            return VeilSqlState.KEY_ACCESS_DENIED.exception("access to the key of blind index " + index.qualified()
                    + " was denied: " + e.getMessage(), e);
        }
        return VeilSqlState.DECRYPTION_FAILED.exception("key of blind index " + index.qualified()
                + " cannot be used: " + e.getMessage(), e);
    }

    /**
     * A searched value of one part as the text its plaintext comparison uses (migration window): converted to the
     * part's declared type as for the index; null for SQL NULL.
     */
    String searchedText(int part, Object value) throws SQLException {
        Object v = convert(part, value);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw VeilSqlState.CONVERSION.exception("a value searched in " + index.table().qualified() + "."
                + index.columns().get(part) + " through blind index " + index.qualified() + " is a "
                + v.getClass().getSimpleName() + ", but the column is in its migration window, where Veil compares "
                + "the stored plaintext as text; bind the value as a string");
    }

    private Object convert(int part, Object value) throws SQLException {
        if (value == null) {
            return null;
        }
        try {
            Object v = Conversions.toStored(value, partTypes[part]);
            return v instanceof Byte ? (Object) ((Byte) v).shortValue() : v;
        } catch (Conversions.ConversionException e) {
            throw VeilSqlState.CONVERSION.exception("cannot index a value for " + index.table().qualified() + "."
                    + index.columns().get(part) + " in blind index " + index.qualified() + ": " + e.getMessage());
        }
    }

    /**
     * Whether a decrypted stored value equals a queried value the way the index compares them: both in the
     * part's declared type, text after the part's normalizers (normalized equality), numbers by value, temporal
     * values with time zone by instant.
     */
    boolean sameValue(int part, Object stored, Object queried) throws SQLException {
        if (stored == null || queried == null) {
            return false;
        }
        Object a = normalize(part, convert(part, stored));
        Object b = normalize(part, convert(part, queried));
        return equal(a, b);
    }

    private Object normalize(int part, Object v) {
        if (!(v instanceof String)) {
            return v;
        }
        SourceColumn c = index.definition().columns().get(part);
        String s = (String) v;
        for (Normalizer n : c.normalizers()) {
            s = n.normalize(s);
        }
        return s;
    }

    private static boolean equal(Object a, Object b) {
        if (exactNumber(a) && exactNumber(b)) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        if ((a instanceof Float || a instanceof Double) && (b instanceof Float || b instanceof Double)) {
            double x = ((Number) a).doubleValue();
            double y = ((Number) b).doubleValue();
            return x == y || (Double.isNaN(x) && Double.isNaN(y));
        }
        if (a instanceof byte[] && b instanceof byte[]) {
            return Arrays.equals((byte[]) a, (byte[]) b);
        }
        if (a instanceof OffsetDateTime && b instanceof OffsetDateTime) {
            return ((OffsetDateTime) a).isEqual((OffsetDateTime) b);
        }
        return Objects.equals(a, b);
    }

    private static boolean exactNumber(Object o) {
        return o instanceof Short || o instanceof Integer || o instanceof Long || o instanceof BigInteger
                || o instanceof BigDecimal || o instanceof Byte;
    }

    @Override
    public String toString() {
        return "IndexTarget[" + index.qualified() + "]";
    }
}
