package dev.veil.admin.job;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * One online job over one table: which columns each batch reads, which it writes back, which a write compares
 * (compare-and-swap), which rows need work at all, and what to do with each row.
 *
 * @param command for messages and results, e.g. {@code migrate encrypt}
 * @param id names the job in the job table: the same id resumes, another starts afresh
 * @param shape the table
 * @param read the non-key columns each batch reads, raw
 * @param written the columns a changed row writes (a subset of {@code read})
 * @param compared the columns whose read values a write requires unchanged (a subset of {@code read})
 * @param filter a predicate selecting the rows that need work (the server skips the rest), or null for all rows
 * @param rewriter computes a row's new values
 */
public record JobSpec(String command, String id, TableShape shape, List<String> read, List<String> written,
        List<String> compared, String filter, Rewriter rewriter) {

    public JobSpec {
        Objects.requireNonNull(rewriter, "rewriter");
        read = List.copyOf(read);
        written = List.copyOf(written);
        compared = List.copyOf(compared);
        if (!read.containsAll(written) || !read.containsAll(compared)) {
            throw new IllegalArgumentException("written and compared columns must be read");
        }
    }

    /** Computes the new values of one row. Called from worker threads: implementations must be thread-safe. */
    @FunctionalInterface
    public interface Rewriter {

        /**
         * The values to write for {@link JobSpec#written()} (in that order), or null to leave the row as it is.
         * Throws for a value that cannot be handled (it does not decrypt): the job stops, naming the row's key.
         */
        Object[] rewrite(Row row) throws SQLException, JobException;

        /**
         * {@link #rewrite} of every row of one batch, in order. A rewriter may override it to do the batch's work
         * in a cheaper order (re-encryption: every decryption before every encryption); the result must be the
         * same as row by row.
         */
        default Object[][] rewriteAll(List<Row> rows) throws SQLException, JobException {
            Object[][] out = new Object[rows.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = rewrite(rows.get(i));
            }
            return out;
        }
    }

    /** One row as read: its key (PostgreSQL text forms) and the raw values of {@link JobSpec#read()}. */
    public static final class Row {

        private final String[] key;
        private final Object[] values;
        private final List<String> columns;

        Row(String[] key, Object[] values, List<String> columns) {
            this.key = key;
            this.values = values;
            this.columns = columns;
        }

        public String[] key() {
            return key;
        }

        /** The raw value of a read column: {@code byte[]} for bytea, {@code String} for text, else the driver's. */
        public Object get(String column) {
            int i = columns.indexOf(column);
            if (i < 0) {
                throw new IllegalArgumentException(column + " was not read");
            }
            return values[i];
        }

        /** The raw value of the {@code i}-th read column. */
        Object value(int i) {
            return values[i];
        }

        /** The row's key for messages: {@code (id)=(42)}, as PostgreSQL names a row in its own errors. */
        public String describe(List<String> keyColumns) {
            return "(" + String.join(", ", keyColumns) + ")=(" + String.join(", ", key) + ")";
        }

        @Override
        public String toString() {
            return "Row[" + String.join(",", key) + "]"; // the key only; values may be plaintext
        }
    }
}
