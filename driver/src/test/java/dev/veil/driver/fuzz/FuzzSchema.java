package dev.veil.driver.fuzz;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The fuzzer's schema, its plaintext twin, the value pools and the seed rows.
 *
 * <p>{@code people}: plain {@code id, grp, name}; {@code email} with an exact blind index in join domain
 * {@code person_email}; {@code ssn} with a truncated (4-bit) index, so false positives are certain;
 * {@code last_name, birth_date} under a compound index; {@code note} (stored in a {@code text} column) and
 * {@code score} encrypted without an index. {@code staff}: plain {@code id, person_id, title}; {@code mail} in the
 * same join domain, unique through its companion column; {@code secret} encrypted without an index.
 */
final class FuzzSchema {

    private FuzzSchema() {
    }

    static final String YAML = """
              people:
                email: { type: string, blind-index: { name: email_bidx, domain: person_email } }
                ssn: { type: string, blind-index: { name: ssn_bidx, bits: 4 } }
                last_name: { type: string }
                birth_date: { type: local-date }
                note: { type: string }
                score: { type: int }
                indexes:
                  name_dob_bidx: { columns: [last_name, birth_date] }
              staff:
                mail: { type: string, blind-index: { name: mail_bidx, domain: person_email } }
                secret: { type: string }
            """;

    static final List<String> VEIL_DDL = List.of(
            "CREATE TABLE people (id int PRIMARY KEY, grp int, name text, email bytea, email_bidx bytea, ssn bytea, "
                    + "ssn_bidx bytea, last_name bytea, birth_date bytea, name_dob_bidx bytea, note text, score bytea)",
            "CREATE INDEX ON people (email_bidx)",
            "CREATE TABLE staff (id int PRIMARY KEY, person_id int, title text, mail bytea, mail_bidx bytea, "
                    + "secret text)",
            "CREATE UNIQUE INDEX ON staff (mail_bidx)");

    static final List<String> TWIN_DDL = List.of(
            "CREATE TABLE people (id int PRIMARY KEY, grp int, name text, email text, ssn text, last_name text, "
                    + "birth_date date, note text, score int)",
            "CREATE TABLE staff (id int PRIMARY KEY, person_id int, title text, mail text UNIQUE, secret text)");

    /** Encrypted columns: table, column, whether stored as bytea (else text). */
    record Stored(String table, String column, boolean bytea) {
    }

    static final List<Stored> ENCRYPTED = List.of(new Stored("people", "email", true),
            new Stored("people", "ssn", true), new Stored("people", "last_name", true),
            new Stored("people", "birth_date", true), new Stored("people", "note", false),
            new Stored("people", "score", true), new Stored("staff", "mail", true),
            new Stored("staff", "secret", false));

    static final String PEOPLE_COLUMNS = "id, grp, name, email, ssn, last_name, birth_date, note, score";
    static final String STAFF_COLUMNS = "id, person_id, title, mail, secret";

    /** What both databases must hold, read through Veil on one side and plainly on the other. */
    static final List<String> DUMPS = List.of("SELECT " + PEOPLE_COLUMNS + " FROM people ORDER BY id",
            "SELECT " + STAFF_COLUMNS + " FROM staff ORDER BY id");

    /** One round trip: a digest of everything stored, as the server sees it (unchanged by a refusal). */
    static final String DIGEST = "SELECT (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM people "
            + "t) || (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM staff t)";

    // ------------------------------------------------------------------------------------------------------------
    // value pools: duplicates, NULLs, case, quotes, Unicode, text that looks like SQL or like ciphertext

    static final List<String> EMAILS = List.of("ada@example.com", "Ada@Example.com", "bob@example.com",
            "o'neil@example.ie", "ädä@müller.de", "例え@例え.jp", "😀@emoji.io", "back\\slash@x.org", "what?@x.org",
            "dash--dash@x.org", "star/*@x.org", "dollar$$@x.org", " padded@x.org ", "", "veil1:AAAAAAAA",
            "zoë@x.org", "semi;colon@x.org", "tab\tin@x.org");

    static final List<String> SSNS = List.of("111-11-1111", "222-22-2222", "333-33-3333", "444-44-4444",
            "555-55-5555", "666-66-6666", "777-77-7777", "888-88-8888", "999-99-9999", "123-45-6789",
            "987-65-4321", "000-00-0001", "000-00-0002", "000-00-0003", "000-00-0004", "000-00-0005",
            "000-00-0006", "000-00-0007", "000-00-0008", "000-00-0009", "010-10-1010", "020-20-2020");

    static final List<String> LAST_NAMES = List.of("Smith", "O'Neil", "Müller", "李", "Ng", "d'Arc", "Ω-mega");

    static final List<LocalDate> DATES = List.of(LocalDate.of(1980, 5, 6), LocalDate.of(1975, 1, 31),
            LocalDate.of(2000, 2, 29), LocalDate.of(1999, 12, 31), LocalDate.of(1960, 7, 4));

    static final List<String> NOTES = List.of("flu", "cold", "it's fine", "a ? mark", "$$dollar$$", "-- not a comment",
            "/* nor this */", "ünïcödé ✓", "", "veil1:", "line\nbreak", "back\\slash", "semi;colon", "\"quoted\"");

    static final List<Integer> SCORES = List.of(-3, 0, 7, 42, 100, 2_147_483_647);

    static final List<String> NAMES = List.of("Ada", "Bob", "Cy", "Dee", "Eve", "Zoë", "O'Hara", "名前");

    static final List<String> TITLES = List.of("nurse", "doctor", "it's admin", "Ärztin");

    static final int PEOPLE = 30;
    static final int STAFF = 12;

    /** Every plaintext of an encrypted column that may be written: none may appear in what Veil stores. */
    static Set<String> secrets() {
        Set<String> out = new LinkedHashSet<>();
        for (List<?> pool : List.of(EMAILS, SSNS, LAST_NAMES, NOTES)) {
            for (Object v : pool) {
                String s = String.valueOf(v);
                if (s.length() >= 5 && !s.startsWith("veil1:")) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------------------
    // seed rows, the same on both sides

    static List<Object[]> peopleRows() {
        Random r = new Random(7);
        List<Object[]> rows = new ArrayList<>();
        for (int id = 1; id <= PEOPLE; id++) {
            rows.add(new Object[] {id, id % 5, pick(r, NAMES, 0.1), pick(r, EMAILS, 0.15), pick(r, SSNS, 0.15),
                pick(r, LAST_NAMES, 0.1), pick(r, DATES, 0.1), pick(r, NOTES, 0.2), pick(r, SCORES, 0.2)});
        }
        return rows;
    }

    static List<Object[]> staffRows() {
        Random r = new Random(11);
        List<Object[]> rows = new ArrayList<>();
        for (int id = 1; id <= STAFF; id++) {
            // mail is unique: the first STAFF e-mails, every third one NULL
            Object mail = id % 3 == 0 ? null : EMAILS.get(id);
            rows.add(new Object[] {id, r.nextInt(4) == 0 ? null : 1 + r.nextInt(PEOPLE), pick(r, TITLES, 0.2), mail,
                pick(r, NOTES, 0.2)});
        }
        return rows;
    }

    static Object pick(Random r, List<?> values, double nulls) {
        return r.nextDouble() < nulls ? null : values.get(r.nextInt(values.size()));
    }

    /** Empties both tables through {@code plain} (no Veil needed) and writes the seed rows through {@code writer}. */
    static void reset(Connection plain, Connection writer) throws SQLException {
        try (Statement st = plain.createStatement()) {
            st.execute("DELETE FROM people");
            st.execute("DELETE FROM staff");
        }
        insert(writer, "INSERT INTO people (" + PEOPLE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", peopleRows());
        insert(writer, "INSERT INTO staff (" + STAFF_COLUMNS + ") VALUES (?, ?, ?, ?, ?)", staffRows());
    }

    private static void insert(Connection c, String sql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
