package dev.veil.examples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns a {@link DemoReport} into a short console report. ASCII only, so any terminal encoding shows it. */
final class ConsoleReport {

    /** Ciphertexts are cut to this many characters, then "...". */
    static final int CIPHERTEXT_WIDTH = 24;

    private ConsoleReport() {
    }

    static String format(DemoReport report) {
        StringBuilder out = new StringBuilder();
        out.append("Veil JDBC demo\n==============\n");
        out.append("Database   : ").append(report.database()).append('\n');
        out.append("Master key : ").append(report.masterKey())
                .append("\n             (a fresh CLEARTEXT local keyset: DEVELOPMENT ONLY, never for real data)\n");
        out.append("Config     : ").append(report.config()).append('\n');
        out.append("Veil URL   : ").append(report.veilUrl()).append("\n\n");
        for (String line : report.configText().split("\n")) {
            if (!line.startsWith("#")) {
                out.append("    ").append(line).append('\n');
            }
        }

        out.append("\n1. Wrote ").append(report.written())
                .append(" rows through Veil (PreparedStatement: INSERT INTO patients ... VALUES (?, ?, ?, ?, ?))\n");

        out.append("\n2. The same rows, side by side\n");
        for (int row = 0; row < report.application().size(); row++) {
            Map<String, String> app = report.application().get(row);
            Map<String, String> db = report.stored().get(row);
            List<List<String>> lines = new ArrayList<>();
            lines.add(List.of("row id=" + app.get("id"), "application reads (Veil)", "database stores (plain pgjdbc)"));
            for (String column : app.keySet()) {
                if (!column.equals("id")) {
                    lines.add(List.of(column, app.get(column), shorten(db.get(column))));
                }
            }
            for (String column : db.keySet()) {
                if (!app.containsKey(column)) {
                    lines.add(List.of(column, "(never shown to it)", shorten(db.get(column))));
                }
            }
            out.append('\n');
            table(out, lines, false);
        }
        out.append('\n');
        envelopes(out, report.stored().get(0), report.encryptedColumns());

        out.append("\n3. SELECT * FROM patients ORDER BY id, through Veil\n\n");
        List<List<String>> all = new ArrayList<>();
        all.add(List.copyOf(report.application().get(0).keySet()));
        for (Map<String, String> row : report.application()) {
            all.add(List.copyOf(row.values()));
        }
        table(out, all, true);

        DemoReport.Search search = report.search();
        out.append("\n4. Equality search through the blind index email_bidx (the database sees only the index)\n\n");
        out.append("    ").append(search.sql()).append("   with ? = '").append(search.value()).append("'\n");
        out.append("    -> ").append(search.found().isEmpty() ? "nothing" : String.join(", ", search.found()))
                .append(" (normalized: trim, lowercase)\n");

        DemoReport.Refusal refusal = report.refusal();
        out.append("\n5. A statement Veil refuses (ssn has no blind index; the database cannot compare ciphertexts)\n\n");
        out.append("    ").append(refusal.sql()).append('\n');
        out.append("    -> ").append(refusal.exceptionType()).append(", SQLState ").append(refusal.sqlState())
                .append('\n');
        wrap(out, refusal.message(), "       ", 100);

        List<String> leaks = report.plaintextInDatabase();
        out.append('\n');
        if (leaks.isEmpty()) {
            out.append("OK: the database holds only ciphertext for ")
                    .append(String.join(", ", report.encryptedColumns())).append(".\n");
        } else {
            out.append("FAILED: the database holds plaintext at ").append(String.join("; ", leaks)).append(".\n");
        }
        return out.toString();
    }

    /** Why one column shows {@code veil1:} and the others {@code \\x5601}: the envelope follows the column's type. */
    static void envelopes(StringBuilder out, Map<String, String> stored, List<String> encrypted) {
        List<String> text = new ArrayList<>();
        List<String> binary = new ArrayList<>();
        for (String column : encrypted) {
            String value = stored.get(column);
            if (value != null && value.startsWith("veil1:")) {
                text.add(column);
            } else if (value != null && value.startsWith("\\x5601")) {
                binary.add(column);
            }
        }
        out.append("    Why two forms? The envelope follows the column's SQL type (docs/design.md, \"Column envelope\"):\n");
        if (!text.isEmpty()) {
            out.append("    - text column ").append(String.join(", ", text))
                    .append(": the text envelope, \"veil1:\" + base64(ciphertext)\n");
        }
        if (!binary.isEmpty()) {
            out.append("    - bytea columns ").append(String.join(", ", binary))
                    .append(": the binary envelope, 'V' (0x56), format version 0x01, then the\n")
                    .append("      ciphertext; PostgreSQL prints bytea as hex, hence \\x5601...\n");
        }
        List<String> indexes = stored.keySet().stream().filter(c -> !encrypted.contains(c) && c.endsWith("_bidx"))
                .toList();
        if (!indexes.isEmpty()) {
            out.append("    - ").append(String.join(", ", indexes))
                    .append(": a blind index, a keyed HMAC of the normalized value (not a ciphertext)\n");
        }
    }

    static String shorten(String value) {
        boolean ciphertext = value.startsWith("veil1:") || value.startsWith("\\x");
        return ciphertext && value.length() > CIPHERTEXT_WIDTH ? value.substring(0, CIPHERTEXT_WIDTH) + "..." : value;
    }

    /** Appends {@code text} in lines of at most {@code width} characters (longer words stay whole). */
    private static void wrap(StringBuilder out, String text, String indent, int width) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                out.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            line.append(line.length() > indent.length() ? " " : "").append(word);
        }
        out.append(line).append('\n');
    }

    /** Columns padded to their widest cell; a rule under the first line when {@code header}. */
    private static void table(StringBuilder out, List<List<String>> lines, boolean header) {
        int[] widths = new int[lines.get(0).size()];
        for (List<String> line : lines) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        String separator = header ? " | " : "   ";
        for (int n = 0; n < lines.size(); n++) {
            StringBuilder text = new StringBuilder("    ");
            for (int i = 0; i < widths.length; i++) {
                text.append(i == 0 ? "" : separator).append(pad(lines.get(n).get(i), widths[i]));
            }
            out.append(text.toString().stripTrailing()).append('\n');
            if (header && n == 0) {
                StringBuilder rule = new StringBuilder("    ");
                for (int i = 0; i < widths.length; i++) {
                    rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
                }
                out.append(rule).append('\n');
            }
        }
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
