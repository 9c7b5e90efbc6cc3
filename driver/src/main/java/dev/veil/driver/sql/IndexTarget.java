package dev.veil.driver.sql;

import dev.veil.blindindex.BlindIndexer;
import dev.veil.blindindex.Normalizer;
import dev.veil.blindindex.SourceColumn;
import dev.veil.driver.ConfiguredIndex;
import dev.veil.driver.TableName;
import dev.veil.driver.VeilSqlState;
import dev.veil.driver.codec.Conversions;
import dev.veil.driver.codec.ValueType;
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

    IndexTarget(ConfiguredIndex index, BlindIndexer indexer, TableName referenced, ValueType[] partTypes) {
        this.index = index;
        this.indexer = indexer;
        this.referenced = referenced;
        this.partTypes = partTypes;
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
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = convert(i, parts[i]);
            if (values[i] == null) {
                return null; // SQL NULL: as indexOrNull, and no key needed
            }
        }
        if (indexer == null) {
            throw new IllegalStateException("no indexer for " + index);
        }
        try {
            return indexer.indexOrNull(values);
        } catch (KeyUnavailableException e) {
            throw VeilSqlState.KEY_UNAVAILABLE.exception("key of blind index " + index.qualified()
                    + " is unavailable: " + e.getMessage() + ". Retry later", e);
        } catch (KeyAccessDeniedException e) {
            throw VeilSqlState.KEY_ACCESS_DENIED.exception("access to the key of blind index " + index.qualified()
                    + " was denied: " + e.getMessage(), e);
        } catch (KeyException e) {
            throw VeilSqlState.DECRYPTION_FAILED.exception("key of blind index " + index.qualified()
                    + " cannot be used: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw VeilSqlState.CONVERSION.exception(e.getMessage());
        }
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
