package dev.veil.admin;

import java.util.List;
import java.util.Map;

/**
 * What {@code veil status} reports. Counts come from the stored values' headers; nothing is decrypted.
 *
 * @param columns one entry per configured encrypted column
 * @param indexes one entry per configured blind index
 * @param jobs jobs with unfinished parts (running, or interrupted and resumable)
 * @param problems what {@code status --check} fails on; empty when every row is encrypted, on its table's primary
 *     key version and indexed, and no rotation is in progress
 */
public record StatusReport(List<ColumnStatus> columns, List<IndexStatus> indexes, List<JobStatus> jobs,
        List<String> problems) {

    /**
     * @param rowsByKeyVersion envelope rows per data-key version (the unsigned Tink key id, as a string)
     * @param primaryVersion the primary version of the column's data key (new values use it); −1 when it has none
     */
    public record ColumnStatus(String table, String column, long rows, long nullRows, long plaintextRows,
            Map<String, Long> rowsByKeyVersion, long primaryVersion) { }

    /**
     * @param state {@code ok}, {@code missing-values}, {@code no-companion-column}, or the phase of a key rotation
     * @param keyVersions the versions of the index key ({@code id:state[:primary]})
     */
    public record IndexStatus(String index, long rowsMissing, String state, List<String> keyVersions) { }

    public record JobStatus(String job, int parts, int partsDone, long rowsExamined, long rowsChanged,
            String updatedAt) { }
}
