package dev.veil.admin;

import dev.veil.admin.job.Envelopes;
import dev.veil.admin.job.JobException;
import dev.veil.admin.job.JobSpec;
import dev.veil.admin.job.TableShape;
import dev.veil.blindindex.BlindIndexer;
import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.codec.Conversions;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.key.KeyException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds the {@link JobSpec}s of the column jobs: encrypt plaintext in place, decrypt back, re-encrypt under the
 * primary data-key version, and compute blind-index values. Each rewriter checks what it wrote before the batch
 * commits: a new ciphertext must decrypt to the value it was made from.
 */
final class ColumnJobs {

    private final Function<EncryptedColumn, ColumnCipher> ciphers;
    private final Function<ConfiguredIndex, BlindIndexer> indexers;

    ColumnJobs(Function<EncryptedColumn, ColumnCipher> ciphers, Function<ConfiguredIndex, BlindIndexer> indexers) {
        this.ciphers = ciphers;
        this.indexers = indexers;
    }

    /** Columns a job reads: the job's columns, the companions of the indexes over them and those indexes' sources. */
    private static List<String> reads(List<EncryptedColumn> columns, List<ConfiguredIndex> indexes) {
        Set<String> read = new LinkedHashSet<>();
        columns.forEach(c -> read.add(c.name()));
        for (ConfiguredIndex ix : indexes) {
            read.add(ix.name());
            read.addAll(ix.columns());
        }
        return new ArrayList<>(read);
    }

    private static List<String> writes(List<EncryptedColumn> columns, List<ConfiguredIndex> indexes) {
        List<String> out = new ArrayList<>();
        columns.forEach(c -> out.add(c.name()));
        indexes.forEach(ix -> out.add(ix.name()));
        return out;
    }

    /** Encrypts plaintext values of {@code columns} in place and fills the indexes over them. */
    JobSpec encrypt(String id, TableShape shape, ConfiguredSchema.Table table, List<EncryptedColumn> columns) {
        List<ConfiguredIndex> indexes = table.indexesOver(columns);
        List<String> read = reads(columns, indexes);
        List<String> filter = new ArrayList<>();
        for (EncryptedColumn c : columns) {
            filter.add(Envelopes.isPlaintext(c.name(), storage(shape, c)));
        }
        for (ConfiguredIndex ix : indexes) {
            filter.add(missingIndex(ix));
        }
        JobSpec.Rewriter rewriter = row -> {
            Object[] out = new Object[columns.size() + indexes.size()];
            boolean changed = false;
            Map<String, Object> plain = new java.util.HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                EncryptedColumn c = columns.get(i);
                Object raw = row.get(c.name());
                out[i] = raw;
                if (raw == null) {
                    continue;
                }
                ColumnCipher cipher = ciphers.apply(c);
                Object value = decrypt(cipher, raw, row, shape, c);
                plain.put(c.name(), value);
                if (!Values.isEnvelope(raw)) {
                    out[i] = encryptChecked(cipher, value, storage(shape, c), row, shape);
                    changed = true;
                }
            }
            changed |= indexValues(indexes, row, shape, table, plain, out, columns.size(), changed);
            return changed ? out : null;
        };
        return new JobSpec("migrate encrypt", id, shape, read, writes(columns, indexes), read, String.join(" OR ", filter),
                rewriter);
    }

    /** Decrypts ciphertext of {@code columns} back to plaintext (text columns; bytea only for bytes values). */
    JobSpec decrypt(String id, TableShape shape, List<EncryptedColumn> columns) {
        List<String> read = reads(columns, List.of());
        List<String> filter = new ArrayList<>();
        for (EncryptedColumn c : columns) {
            filter.add(Envelopes.isEnvelope(c.name(), storage(shape, c)));
        }
        JobSpec.Rewriter rewriter = row -> {
            Object[] out = new Object[columns.size()];
            boolean changed = false;
            for (int i = 0; i < columns.size(); i++) {
                EncryptedColumn c = columns.get(i);
                Object raw = row.get(c.name());
                out[i] = raw;
                if (Values.isEnvelope(raw)) {
                    Object value = decrypt(ciphers.apply(c), raw, row, shape, c);
                    out[i] = plaintextForm(value, storage(shape, c), c, row, shape);
                    changed = true;
                }
            }
            return changed ? out : null;
        };
        return new JobSpec("migrate decrypt", id, shape, read, writes(columns, List.of()), read,
                String.join(" OR ", filter), rewriter);
    }

    /**
     * Re-encrypts every envelope of {@code columns} not written by {@code primaryVersion}; with {@code all}, every
     * envelope (so that values are padded as the columns' {@code pad:} now says). The filter compares header bytes
     * ({@link Envelopes#notUnderVersion}), bytea columns first: they are the cheaper test, and a row they select
     * does not evaluate the text columns' at all.
     */
    JobSpec reencrypt(String id, TableShape shape, List<EncryptedColumn> columns, long primaryVersion, boolean all) {
        List<String> read = reads(columns, List.of());
        List<String> filter = new ArrayList<>();
        for (TableShape.Storage s : List.of(TableShape.Storage.BINARY, TableShape.Storage.TEXT)) {
            for (EncryptedColumn c : columns) {
                if (storage(shape, c) == s) {
                    filter.add(Envelopes.notUnderVersion(c.name(), s, primaryVersion));
                }
            }
        }
        // all: every row is walked (no filter, so no "remaining" count: every envelope would match again)
        return new JobSpec("reencrypt", id, shape, read, writes(columns, List.of()), read,
                all ? null : String.join(" OR ", filter), new Reencryption(shape, columns, primaryVersion, all));
    }

    /**
     * The re-encryption of one batch: first every value not under the primary version is decrypted, then each is
     * encrypted under the primary and checked. In that order the batch switches keys twice. Value by value (old
     * key, primary, old key, …) nearly every operation would expand an AES key schedule: Tink shares one JDK
     * {@code Cipher} per thread among all keys, and the JDK expands the schedule again whenever the key differs
     * from the one before. Per batch, each column's key is looked up once for all its decryptions
     * ({@link ColumnCipher#reader()}), and where each column sits in a row and how it stores ciphertext is decided
     * once per job.
     */
    private final class Reencryption implements JobSpec.Rewriter {

        /** Marks a value already under the primary version (or not an envelope): written back as read. */
        private static final Object KEEP = new Object();

        private final TableShape shape;
        private final List<EncryptedColumn> columns;
        private final ColumnCipher[] cipher;
        private final TableShape.Storage[] storage;
        private final long primaryVersion;
        /** Every envelope, also those under the primary version (re-padding). */
        private final boolean all;

        Reencryption(TableShape shape, List<EncryptedColumn> columns, long primaryVersion, boolean all) {
            this.all = all;
            this.shape = shape;
            this.columns = columns;
            this.primaryVersion = primaryVersion;
            this.cipher = new ColumnCipher[columns.size()];
            this.storage = new TableShape.Storage[columns.size()];
            for (int i = 0; i < cipher.length; i++) {
                cipher[i] = ciphers.apply(columns.get(i));
                storage[i] = storage(shape, columns.get(i));
            }
        }

        @Override
        public Object[] rewrite(JobSpec.Row row) throws SQLException, JobException {
            return rewriteAll(List.of(row))[0];
        }

        @Override
        public Object[][] rewriteAll(List<JobSpec.Row> rows) throws SQLException, JobException {
            ColumnCipher.Reader[] reader = new ColumnCipher.Reader[cipher.length];
            for (int i = 0; i < reader.length; i++) {
                reader[i] = cipher[i].reader(); // this batch's: looks the key up on first use
            }
            Object[][] plain = new Object[rows.size()][];
            for (int r = 0; r < plain.length; r++) {
                JobSpec.Row row = rows.get(r);
                Object[] p = null;
                for (int i = 0; i < cipher.length; i++) {
                    EncryptedColumn c = columns.get(i);
                    Object raw = row.get(c.name());
                    long v = Values.keyVersion(raw);
                    if (v >= 0 && (all || v != primaryVersion)) {
                        if (p == null) {
                            p = new Object[cipher.length];
                            java.util.Arrays.fill(p, KEEP);
                        }
                        p[i] = decrypt(reader[i]::decrypt, raw, row, shape, c);
                    }
                }
                plain[r] = p;
            }
            Object[][] out = new Object[rows.size()][];
            for (int r = 0; r < out.length; r++) {
                if (plain[r] == null) {
                    continue;
                }
                JobSpec.Row row = rows.get(r);
                out[r] = new Object[cipher.length];
                for (int i = 0; i < cipher.length; i++) {
                    EncryptedColumn c = columns.get(i);
                    if (plain[r][i] == KEEP) {
                        out[r][i] = row.get(c.name());
                        continue;
                    }
                    out[r][i] = encryptChecked(cipher[i], reader[i]::decrypt, plain[r][i], storage[i], row, shape);
                    if (Values.keyVersion(out[r][i]) != primaryVersion) {
                        throw JobException.failed("re-encrypting " + c + " produced a value under key version "
                                + Values.keyVersion(out[r][i]) + " instead of the primary " + primaryVersion + "; "
                                + "another rotation changed the primary meanwhile. Run reencrypt again", null);
                    }
                }
            }
            return out;
        }
    }

    /**
     * Computes the values of {@code index}: with {@code onlyMissing}, for rows that have none (backfill); otherwise
     * for every row whose value differs from the primary key version's (re-indexing after an index-key rotation).
     */
    JobSpec index(String command, String id, TableShape shape, ConfiguredSchema.Table table, ConfiguredIndex index,
            boolean onlyMissing) {
        List<ConfiguredIndex> indexes = List.of(index);
        List<String> read = reads(List.of(), indexes);
        String filter = onlyMissing ? missingIndex(index) : anySource(index);
        JobSpec.Rewriter rewriter = row -> {
            Object[] out = new Object[1];
            boolean changed = indexValues(indexes, row, shape, table, new java.util.HashMap<>(), out, 0, true);
            return changed ? out : null;
        };
        return new JobSpec(command, id, shape, read, List.of(index.name()), read, filter, rewriter);
    }

    /**
     * Sets {@code out[at + k]} to index {@code k}'s value where it must be (re)computed: when {@code force}, when
     * a source changed in this row, or when it is missing; true when some value differs from the stored one.
     */
    private boolean indexValues(List<ConfiguredIndex> indexes, JobSpec.Row row, TableShape shape,
            ConfiguredSchema.Table table, Map<String, Object> plain, Object[] out, int at, boolean force)
            throws SQLException, JobException {
        boolean changed = false;
        for (int k = 0; k < indexes.size(); k++) {
            ConfiguredIndex ix = indexes.get(k);
            byte[] stored = (byte[]) row.get(ix.name());
            out[at + k] = stored;
            boolean sourcesPresent = true;
            for (String s : ix.columns()) {
                sourcesPresent &= row.get(s) != null;
            }
            if (!sourcesPresent || !(force || stored == null)) {
                continue;
            }
            Object[] values = new Object[ix.columns().size()];
            for (int p = 0; p < values.length; p++) {
                String s = ix.columns().get(p);
                EncryptedColumn ec = table.column(s);
                values[p] = ec == null ? row.get(s)
                        : plain.containsKey(s) ? plain.get(s) : decrypt(ciphers.apply(ec), row.get(s), row, shape, ec);
            }
            byte[] value;
            try {
                value = indexers.apply(ix).indexOrNull(values);
            } catch (KeyException e) {
                throw JobException.failed("the key of blind index " + ix.qualified() + " cannot be used: "
                        + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw JobException.failed("cannot index row " + row.describe(shape.key()) + " for " + ix.qualified()
                        + ": " + e.getMessage(), e);
            }
            if (!Arrays.equals(value, stored)) {
                out[at + k] = value;
                changed = true;
            }
        }
        return changed;
    }

    /** A decryption: {@link ColumnCipher#decrypt} or a batch's {@link ColumnCipher.Reader#decrypt}. */
    @FunctionalInterface
    private interface Decryption {
        Object decrypt(Object stored) throws SQLException;
    }

    private static Object decrypt(ColumnCipher cipher, Object raw, JobSpec.Row row, TableShape shape,
            EncryptedColumn c) throws JobException {
        return decrypt(cipher::decrypt, raw, row, shape, c);
    }

    private static Object decrypt(Decryption cipher, Object raw, JobSpec.Row row, TableShape shape,
            EncryptedColumn c) throws JobException {
        try {
            return cipher.decrypt(raw);
        } catch (SQLException e) {
            throw JobException.failed("the value of " + c + " in row " + row.describe(shape.key())
                    + " cannot be read (" + e.getSQLState() + ": " + e.getMessage() + "); the job stopped there, "
                    + "every batch before it is committed. Inspect that row, then run the command again", e);
        }
    }

    private static Object encryptChecked(ColumnCipher cipher, Object value, TableShape.Storage storage,
            JobSpec.Row row, TableShape shape) throws SQLException, JobException {
        return encryptChecked(cipher, cipher::decrypt, value, storage, row, shape);
    }

    /** Encrypts {@code value} and decrypts the result back with {@code check}: it must give {@code value}. */
    private static Object encryptChecked(ColumnCipher cipher, Decryption check, Object value,
            TableShape.Storage storage, JobSpec.Row row, TableShape shape) throws SQLException, JobException {
        Object ct = cipher.encrypt(value, storage == TableShape.Storage.BINARY ? ColumnCipher.Storage.BINARY
                : ColumnCipher.Storage.TEXT);
        if (!Values.isEnvelope(ct) || !Values.same(check.decrypt(ct), value)) {
            throw JobException.failed("a new ciphertext for " + cipher.column() + " in row "
                    + row.describe(shape.key()) + " did not decrypt to its value; nothing of this batch was written", null);
        }
        return ct;
    }

    private static Object plaintextForm(Object value, TableShape.Storage storage, EncryptedColumn c,
            JobSpec.Row row, TableShape shape) throws JobException {
        if (value == null) {
            return null;
        }
        if (storage == TableShape.Storage.TEXT) {
            return Conversions.asString(value);
        }
        if (value instanceof byte[]) {
            return value;
        }
        throw JobException.usage("cannot decrypt " + c + " back to plaintext in place: it is a bytea column and "
                + "row " + row.describe(shape.key()) + " holds a " + value.getClass().getSimpleName() + " value; only "
                + "bytes values go back into bytea. Change the column to text first (ALTER TABLE … ALTER COLUMN … TYPE "
                + "text) or export the values through Veil");
    }

    static TableShape.Storage storage(TableShape shape, EncryptedColumn c) {
        return TableShape.storageOf(shape.type(c.name()));
    }

    private static String missingIndex(ConfiguredIndex ix) {
        StringBuilder s = new StringBuilder("(").append(TableShape.q(ix.name())).append(" IS NULL");
        for (String c : ix.columns()) {
            s.append(" AND ").append(TableShape.q(c)).append(" IS NOT NULL");
        }
        return s.append(')').toString();
    }

    private static String anySource(ConfiguredIndex ix) {
        StringBuilder s = new StringBuilder("(");
        for (String c : ix.columns()) {
            s.append(s.length() == 1 ? "" : " AND ").append(TableShape.q(c)).append(" IS NOT NULL");
        }
        return s.append(')').toString();
    }
}
