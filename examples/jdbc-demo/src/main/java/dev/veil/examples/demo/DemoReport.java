package dev.veil.examples.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What one run of the demo saw. Values are kept whole; {@link ConsoleReport} shortens them for the screen.
 *
 * @param database where the rows went
 * @param veilUrl the Veil URL the application used (without pgjdbc parameters)
 * @param masterKey the development-only local master keyset
 * @param config the YAML configuration file
 * @param configText its content
 * @param written how many rows were inserted through Veil
 * @param application every row as the application reads it through Veil, column name to value, in id order
 * @param stored the same rows as a plain pgjdbc connection reads them: what the database holds
 * @param encryptedColumns the columns Veil encrypts
 * @param search an equality search answered through a blind index
 * @param refusal the statement Veil refused, and why
 */
public record DemoReport(String database, String veilUrl, Path masterKey, Path config, String configText,
        int written, List<Map<String, String>> application, List<Map<String, String>> stored,
        List<String> encryptedColumns, Search search, Refusal refusal) {

    public DemoReport {
        application = List.copyOf(application);
        stored = List.copyOf(stored);
        encryptedColumns = List.copyOf(encryptedColumns);
    }

    /**
     * Encrypted values that the database holds in a form other than Veil ciphertext ({@code veil1:…} in text
     * columns, {@code \x5601…} in bytea ones), or whose stored form contains the value the application reads (as
     * text, or UTF-8 hex in bytea; values under five characters are too short to search for). Empty when all is
     * well.
     */
    public List<String> plaintextInDatabase() {
        List<String> found = new ArrayList<>();
        for (int row = 0; row < application.size(); row++) {
            for (String column : encryptedColumns) {
                String plain = application.get(row).get(column);
                String held = stored.get(row).get(column);
                boolean ciphertext = held.startsWith("veil1:") || held.startsWith("\\x5601");
                boolean searchable = plain.length() >= 5;
                if (!ciphertext || searchable && (held.contains(plain) || held.contains(hex(plain)))) {
                    found.add("row " + (row + 1) + ", column " + column);
                }
            }
        }
        return found;
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An equality search on an encrypted column, answered through its blind index.
     *
     * @param sql the statement the application ran
     * @param value the search value it bound (the plaintext; the database only sees its blind index)
     * @param found the names of the rows found
     */
    public record Search(String sql, String value, List<String> found) {
        public Search {
            found = List.copyOf(found);
        }
    }

    /**
     * A statement Veil would not run.
     *
     * @param sql the statement
     * @param exceptionType the simple name of the {@link java.sql.SQLException} subclass
     * @param sqlState its SQLState
     * @param message its message
     */
    public record Refusal(String sql, String exceptionType, String sqlState, String message) {
    }
}
