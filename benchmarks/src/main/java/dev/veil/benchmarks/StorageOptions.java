package dev.veil.benchmarks;

import dev.veil.benchmarks.OrmSchema.Stored;
import dev.veil.benchmarks.PatientsSchema.Patient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What Veil's physical layout costs the server, and what the alternatives would (issue 11, "Storage"): the same rows
 * stored in several layouts, written and read through plain pgjdbc with the values computed beforehand, so the
 * client does the same small work on every side and the differences are the server's (row and index size, WAL,
 * index maintenance, TOAST).
 *
 * <p><b>Row layouts</b> (W1 single-row INSERT with a prepare per operation, W4 1,000-row batch INSERT in one
 * transaction, W2 point SELECT through the index — {@code email = ?} on the plain table, Veil's
 * {@code email_bidx IN (?, ?)} on the others; rounds alternate the layouts):
 * <ul>
 * <li>{@code plain}: the application's table, {@code text} columns and an {@code int}, an index on {@code email};</li>
 * <li>{@code veil}: Veil's layout — {@code bytea} ciphertexts ({@code 'V' 0x01} + Tink AES-256-GCM), a 32-byte
 * {@code bytea} blind index ({@code bits: 256}, the default), a btree on it;</li>
 * <li>{@code bidx16}: the same with a 16-byte index ({@code bits: 128}, still exact: collisions expected only
 * after ≈ 2^64 distinct values);</li>
 * <li>{@code hash}: the 32-byte index under a hash index instead of a btree (equality only; no unique
 * constraint);</li>
 * <li>{@code text}: ciphertexts in {@code text} columns as Veil writes them there ({@code "veil1:" + base64}),
 * the 32-byte index in {@code bytea}.</li>
 * </ul>
 * Reported per layout: µs per operation (median of rounds, interquartile range), the ratio to {@code veil}, heap,
 * index and WAL bytes per row.
 *
 * <p><b>Large values</b> (a 4 KiB note's ciphertext per row, which PostgreSQL moves to TOAST): the column's storage
 * {@code EXTENDED} with pglz (the default), {@code EXTENDED} with lz4, {@code EXTERNAL} (no compression) and
 * {@code MAIN}. Ciphertext does not compress; the question is what the attempt costs. Reported: µs per 1,000-row
 * batch INSERT and per 1,000 reads by id, bytes per row (table + TOAST) and WAL per row.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.veil.benchmarks.StorageOptions [rows=100000] [rounds=7]
 * [parts=rows,large]</pre>
 */
public final class StorageOptions {

    private static final int W1_OPS = 1_000;
    private static final int W2_OPS = 2_000;
    private static final int BATCH = 1_000;
    private static final int NOTE_BYTES = 4_096;

    /** One row layout: its table DDL and how a stored row binds to it. */
    private enum Layout {
        PLAIN("ssn text, email text, heart_rate int", "email", "btree"),
        VEIL("ssn bytea, email bytea, heart_rate bytea, email_bidx bytea", "email_bidx", "btree"),
        BIDX16("ssn bytea, email bytea, heart_rate bytea, email_bidx bytea", "email_bidx", "btree"),
        HASH("ssn bytea, email bytea, heart_rate bytea, email_bidx bytea", "email_bidx", "hash"),
        TEXT("ssn text, email text, heart_rate text, email_bidx bytea", "email_bidx", "btree");

        final String columns;
        final String searched;
        final String method;

        Layout(String columns, String searched, String method) {
            this.columns = columns;
            this.searched = searched;
            this.method = method;
        }

        String table() {
            return "st_" + name().toLowerCase(Locale.ROOT);
        }

        String ddl() {
            return "CREATE TABLE " + table() + " (id bigserial PRIMARY KEY, name text, " + columns + ")";
        }

        String insertSql() {
            return this == PLAIN
                    ? "INSERT INTO " + table() + " (name, ssn, email, heart_rate) VALUES (?, ?, ?, ?)"
                    : "INSERT INTO " + table() + " (name, ssn, email, heart_rate, email_bidx) VALUES (?, ?, ?, ?, ?)";
        }

        String selectSql() {
            // Veil's form: the index value under each enabled key version, the same value twice while there is one
            return "SELECT id, name, ssn, email, heart_rate FROM " + table() + " WHERE " + searched
                    + (this == PLAIN ? " = ?" : " IN (?, ?)");
        }

        void bind(PreparedStatement ps, Patient p, Stored s) throws SQLException {
            ps.setString(1, p.name());
            switch (this) {
                case PLAIN -> {
                    ps.setString(2, p.ssn());
                    ps.setString(3, p.email());
                    ps.setInt(4, p.heartRate());
                }
                case TEXT -> {
                    ps.setString(2, text(s.ssn()));
                    ps.setString(3, text(s.email()));
                    ps.setString(4, text(s.heartRate()));
                    ps.setBytes(5, s.emailIndex());
                }
                default -> {
                    ps.setBytes(2, s.ssn());
                    ps.setBytes(3, s.email());
                    ps.setBytes(4, s.heartRate());
                    ps.setBytes(5, index(s));
                }
            }
        }

        void bindSearch(PreparedStatement ps, Patient p, Stored s) throws SQLException {
            if (this == PLAIN) {
                ps.setString(1, p.email());
            } else {
                ps.setBytes(1, index(s));
                ps.setBytes(2, index(s));
            }
        }

        byte[] index(Stored s) {
            return this == BIDX16 ? Arrays.copyOf(s.emailIndex(), 16) : s.emailIndex();
        }

        /** Veil's text envelope of a binary one: {@code "veil1:"} and the Tink ciphertext in base64, unpadded. */
        private static String text(byte[] binaryEnvelope) {
            return "veil1:" + Base64.getEncoder().withoutPadding()
                    .encodeToString(Arrays.copyOfRange(binaryEnvelope, 2, binaryEnvelope.length));
        }
    }

    private StorageOptions() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int rows = Integer.parseInt(o.getOrDefault("rows", "100000"));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "7"));
        List<String> parts = List.of(o.getOrDefault("parts", "rows,large").split(","));
        System.out.printf("load average at start: %s%n", OrmAlternation.loadAverage());
        try (BenchmarkDatabase db = BenchmarkDatabase.open("")) {
            if (parts.contains("rows")) {
                rows(db, rows, rounds);
            }
            if (parts.contains("large")) {
                large(db, rounds);
            }
        }
        System.out.printf("load average at end: %s%n", OrmAlternation.loadAverage());
    }

    // ------------------------------------------------------------------------------------------------ rows

    private static void rows(BenchmarkDatabase db, int rows, int rounds) throws SQLException {
        Patient[] patients = Patient.pool(rows + rounds * (W1_OPS + BATCH) + 2 * (W1_OPS + BATCH));
        FloorCrypto crypto = new FloorCrypto();
        Stored[] stored = new Stored[patients.length];
        for (int i = 0; i < patients.length; i++) {
            stored[i] = crypto.seal(patients[i]);
        }
        Layout[] layouts = Layout.values();
        Map<Layout, double[]> sizes = new LinkedHashMap<>();
        try (Connection c = db.plain()) {
            for (Layout l : layouts) {
                db.execute("DROP TABLE IF EXISTS " + l.table(), l.ddl(),
                        "CREATE INDEX " + l.table() + "_idx ON " + l.table() + " USING " + l.method + " ("
                                + l.searched + ")");
                long wal0 = walLsn(c);
                c.setAutoCommit(false);
                for (int from = 0; from < rows; from += BATCH) {
                    batch(c, l, patients, stored, from, Math.min(BATCH, rows - from));
                }
                c.commit();
                c.setAutoCommit(true);
                long wal = walLsn(c) - wal0;
                db.execute("VACUUM (ANALYZE) " + l.table());
                sizes.put(l, new double[] {relationSize(c, l.table()) / (double) rows,
                        relationSize(c, l.table() + "_idx") / (double) rows, wal / (double) rows});
            }
            System.out.printf("seeded %,d rows per layout; load %s%n", rows, OrmAlternation.loadAverage());
            Map<Layout, Map<String, List<Double>>> times = new LinkedHashMap<>();
            Map<Layout, List<Double>> w1Wal = new LinkedHashMap<>();
            int next = rows;
            SplittableRandom random = new SplittableRandom(11);
            for (int r = -2; r < rounds; r++) {
                for (int i = 0; i < layouts.length; i++) {
                    Layout l = layouts[Math.floorMod(i + r, layouts.length)];
                    long wal0 = walLsn(c);
                    double w1 = w1(c, l, patients, stored, next);
                    double walPerOp = (walLsn(c) - wal0) / (double) W1_OPS;
                    c.setAutoCommit(false);
                    long t0 = System.nanoTime();
                    batch(c, l, patients, stored, next + W1_OPS, BATCH);
                    c.commit();
                    double w4 = (System.nanoTime() - t0) / 1e3;
                    c.setAutoCommit(true);
                    double w2 = w2(c, l, patients, stored, rows, random.split());
                    if (r >= 0) {
                        Map<String, List<Double>> m = times.computeIfAbsent(l, x -> new LinkedHashMap<>());
                        m.computeIfAbsent("W1", x -> new ArrayList<>()).add(w1);
                        m.computeIfAbsent("W4", x -> new ArrayList<>()).add(w4);
                        m.computeIfAbsent("W2", x -> new ArrayList<>()).add(w2);
                        w1Wal.computeIfAbsent(l, x -> new ArrayList<>()).add(walPerOp);
                    }
                }
                // every layout wrote the same patients this round: the next round writes new ones
                next += W1_OPS + BATCH;
                System.out.printf("round %d done; load %s%n", r, OrmAlternation.loadAverage());
            }
            printRows(times, sizes, w1Wal);
        }
    }

    private static void batch(Connection c, Layout l, Patient[] p, Stored[] s, int from, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(l.insertSql())) {
            for (int i = from; i < from + n; i++) {
                l.bind(ps, p[i], s[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** W1: {@value #W1_OPS} single-row INSERTs, autocommit, a prepare per operation; µs per operation. */
    private static double w1(Connection c, Layout l, Patient[] p, Stored[] s, int from) throws SQLException {
        long t0 = System.nanoTime();
        for (int i = from; i < from + W1_OPS; i++) {
            try (PreparedStatement ps = c.prepareStatement(l.insertSql())) {
                l.bind(ps, p[i], s[i]);
                ps.executeUpdate();
            }
        }
        return (System.nanoTime() - t0) / 1e3 / W1_OPS;
    }

    /** W2: {@value #W2_OPS} point SELECTs of seeded rows through the index, every column read; µs per operation. */
    private static double w2(Connection c, Layout l, Patient[] p, Stored[] s, int rows, SplittableRandom random)
            throws SQLException {
        long sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < W2_OPS; i++) {
            int k = random.nextInt(rows);
            try (PreparedStatement ps = c.prepareStatement(l.selectSql())) {
                l.bindSearch(ps, p[k], s[k]);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException(l.table() + ": seeded row " + k + " not found");
                    }
                    sink += rs.getLong(1) + rs.getBytes(3).length + rs.getBytes(4).length + rs.getBytes(5).length;
                }
            }
        }
        double micros = (System.nanoTime() - t0) / 1e3 / W2_OPS;
        return sink == 42 ? micros + 1e-9 : micros;
    }

    private static void printRows(Map<Layout, Map<String, List<Double>>> times, Map<Layout, double[]> sizes,
            Map<Layout, List<Double>> w1Wal) {
        System.out.println();
        System.out.println("| layout | W1 µs/op | W4 µs/1,000 rows | W2 µs/op | W1 ÷ veil | W4 ÷ veil | W2 ÷ veil "
                + "| heap B/row | index B/row | WAL B/row (batch) | WAL B/op (W1) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Map<String, List<Double>> veil = times.get(Layout.VEIL);
        for (Map.Entry<Layout, Map<String, List<Double>>> e : times.entrySet()) {
            Map<String, List<Double>> m = e.getValue();
            double[] size = sizes.get(e.getKey());
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %.3f | %.3f | %.0f | %.0f | %.0f | %.0f |%n",
                    e.getKey().name().toLowerCase(Locale.ROOT),
                    OrmAlternation.spread(m.get("W1"), "%,.1f"), OrmAlternation.spread(m.get("W4"), "%,.0f"),
                    OrmAlternation.spread(m.get("W2"), "%,.1f"),
                    ratio(m.get("W1"), veil.get("W1")), ratio(m.get("W4"), veil.get("W4")),
                    ratio(m.get("W2"), veil.get("W2")), size[0], size[1], size[2],
                    OrmAlternation.quantile(w1Wal.get(e.getKey()), 0.5));
        }
        System.out.println();
    }

    /** The median of the per-round ratios of {@code a} over {@code b}. */
    private static double ratio(List<Double> a, List<Double> b) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return OrmAlternation.quantile(r, 0.5);
    }

    // ------------------------------------------------------------------------------------------------ large

    /** A large-value storage setting: the clause that sets it on the {@code note} column. */
    private static final Map<String, String> NOTE_STORAGE = new LinkedHashMap<>();

    static {
        NOTE_STORAGE.put("EXTENDED pglz (default)", "ALTER COLUMN note SET STORAGE EXTENDED, ALTER COLUMN note SET COMPRESSION pglz");
        NOTE_STORAGE.put("EXTENDED lz4", "ALTER COLUMN note SET STORAGE EXTENDED, ALTER COLUMN note SET COMPRESSION lz4");
        NOTE_STORAGE.put("EXTERNAL", "ALTER COLUMN note SET STORAGE EXTERNAL");
        NOTE_STORAGE.put("MAIN", "ALTER COLUMN note SET STORAGE MAIN");
    }

    private static void large(BenchmarkDatabase db, int rounds) throws SQLException {
        SplittableRandom random = new SplittableRandom(7);
        byte[][] notes = new byte[BATCH][];
        for (int i = 0; i < BATCH; i++) {
            notes[i] = new byte[NOTE_BYTES + 36]; // a 4 KiB value's Veil envelope: random to the server
            for (int j = 0; j < notes[i].length; j++) {
                notes[i][j] = (byte) random.nextInt(256);
            }
            notes[i][0] = 'V';
            notes[i][1] = 1;
        }
        List<String> names = new ArrayList<>(NOTE_STORAGE.keySet());
        Map<String, List<Double>> writes = new LinkedHashMap<>();
        Map<String, List<Double>> reads = new LinkedHashMap<>();
        Map<String, List<Double>> wal = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        try (Connection c = db.plain()) {
            for (int k = 0; k < names.size(); k++) {
                String t = "st_note_" + k;
                db.execute("DROP TABLE IF EXISTS " + t,
                        "CREATE TABLE " + t + " (id bigint PRIMARY KEY, note bytea)",
                        "ALTER TABLE " + t + " " + NOTE_STORAGE.get(names.get(k)));
            }
            for (int r = -1; r < rounds; r++) {
                for (int i = 0; i < names.size(); i++) {
                    int k = Math.floorMod(i + r, names.size());
                    String t = "st_note_" + k;
                    long base = (long) (r + 1) * BATCH;
                    c.setAutoCommit(false);
                    long wal0 = walLsn(c);
                    long t0 = System.nanoTime();
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, note) VALUES (?, ?)")) {
                        for (int j = 0; j < BATCH; j++) {
                            ps.setLong(1, base + j);
                            ps.setBytes(2, notes[j]);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    c.commit();
                    double write = (System.nanoTime() - t0) / 1e3;
                    double walPerRow = (walLsn(c) - wal0) / (double) BATCH;
                    c.setAutoCommit(true);
                    long sink = 0;
                    t0 = System.nanoTime();
                    for (int j = 0; j < BATCH; j++) {
                        try (PreparedStatement ps = c.prepareStatement("SELECT note FROM " + t + " WHERE id = ?")) {
                            ps.setLong(1, base + j);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                sink += rs.getBytes(1).length;
                            }
                        }
                    }
                    double read = (System.nanoTime() - t0) / 1e3;
                    if (sink != (long) BATCH * notes[0].length) {
                        throw new IllegalStateException(t + " read back " + sink + " bytes");
                    }
                    if (r >= 0) {
                        writes.computeIfAbsent(names.get(k), x -> new ArrayList<>()).add(write);
                        reads.computeIfAbsent(names.get(k), x -> new ArrayList<>()).add(read);
                        wal.computeIfAbsent(names.get(k), x -> new ArrayList<>()).add(walPerRow);
                    }
                }
            }
            for (int k = 0; k < names.size(); k++) {
                String t = "st_note_" + k;
                db.execute("VACUUM " + t);
                bytes.put(names.get(k), totalSize(c, t) / (double) ((rounds + 1) * BATCH));
            }
        }
        System.out.println();
        System.out.println("| note storage (" + (NOTE_BYTES + 36) + "-byte ciphertext) | µs per 1,000-row batch INSERT "
                + "| ÷ default | µs per 1,000 reads by id | ÷ default | bytes/row (table + TOAST) | WAL B/row |");
        System.out.println("|---|---|---|---|---|---|---|");
        String first = names.get(0);
        for (String n : names) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %s | %.3f | %.0f | %.0f |%n", n,
                    OrmAlternation.spread(writes.get(n), "%,.0f"), ratio(writes.get(n), writes.get(first)),
                    OrmAlternation.spread(reads.get(n), "%,.0f"), ratio(reads.get(n), reads.get(first)),
                    bytes.get(n), OrmAlternation.quantile(wal.get(n), 0.5));
        }
        System.out.println();
    }

    // ------------------------------------------------------------------------------------------------ catalog

    private static long walLsn(Connection c) throws SQLException {
        return longQuery(c, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint");
    }

    private static long relationSize(Connection c, String relation) throws SQLException {
        return longQuery(c, "SELECT pg_relation_size('" + relation + "')");
    }

    private static long totalSize(Connection c, String table) throws SQLException {
        return longQuery(c, "SELECT pg_table_size('" + table + "')");
    }

    private static long longQuery(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
