package dev.veil.benchmarks;

import dev.veil.benchmarks.PatientsSchema.Patient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Cold start: from starting a JVM to the first row read (decrypted, through Veil), plain pgjdbc vs Veil with a local
 * keyset, each in fresh JVMs started alternately by this one ({@code java -cp <this jar>
 * dev.veil.benchmarks.ColdStart$FirstRow …}). The child loads the driver, connects, prepares
 * {@code SELECT … WHERE email = ?} (through the blind index for Veil: the statement analysed, the data and index
 * keys loaded and unwrapped), reads row 42 and prints {@code first-row}; the time is the parent's, from
 * {@code ProcessBuilder.start()} to that line. The tables are {@link OrmSchema}'s with 1,000 rows, written once.
 *
 * With the {@code peers} profile's jar, each round also starts a JVM reading the same row through ShardingSphere-JDBC's
 * encrypt feature ({@link ShardingPeer}; its start-up includes loading its YAML, its metadata and its SQL parser).
 * With a jar of the AWS Advanced JDBC Wrapper added to {@code -cp}, each round also starts a JVM reading the row
 * through its KMS encryption plugin ({@link AwsWrapperPeer}: its start-up includes its SQL parser, its metadata
 * tables and one KMS {@code Decrypt} of the column's data key, at the fake KMS this JVM runs). That plugin cannot
 * search an encrypted column, so its child reads the row by primary key ({@code WHERE id = 42}) and checks the
 * e-mail it reads; the others search by e-mail.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.veil.benchmarks.ColdStart [pairs=11]</pre>
 *
 * The system property {@code veil.bench.child-jvm-args} adds JVM options to every child (e.g.
 * {@code -Xlog:class+load:file=/tmp/cold-%p.txt} or a JFR recording, to see where a start spends its time).
 */
public final class ColdStart {

    private static final int ROWS = 1_000;

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        List<Double> plain = new ArrayList<>();
        List<Double> veil = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> peer = new ArrayList<>();
        List<Double> peerRatios = new ArrayList<>();
        List<Double> aws = new ArrayList<>();
        List<Double> awsRatios = new ArrayList<>();
        boolean sharding = ShardingPeer.available();
        try (BenchmarkDatabase db = BenchmarkDatabase.open(OrmSchema.TABLES_YAML);
                AwsWrapperPeer awsPeer = AwsWrapperPeer.available() ? AwsWrapperPeer.start() : null) {
            OrmSchema.create(db);
            try (Connection p = db.plain(); Connection v = db.veil()) {
                OrmSchema.seed(db, p, v, ROWS);
            }
            String peerUrl = null;
            if (sharding) {
                ShardingPeer.create(db);
                peerUrl = ShardingPeer.url(db);
                try (Connection s = ShardingPeer.connect(peerUrl)) {
                    PatientsSchema.seed(db, s, ShardingPeer.TABLE, ROWS);
                }
            }
            if (awsPeer != null) {
                awsPeer.create(db);
                try (Connection s = AwsWrapperPeer.connect(db)) {
                    PatientsSchema.seed(db, s, AwsWrapperPeer.TABLE, ROWS);
                    AwsWrapperPeer.verify(db, s, 42, Patient.pool(ROWS)[41]);
                }
            }
            String email = Patient.pool(ROWS)[41].email();
            for (int i = 0; i < pairs; i++) {
                double a = child(db.plainUrl(), OrmSchema.PLAIN, email, List.of(), false);
                double b = child(db.veilUrl(), OrmSchema.VEIL, email, List.of(), false);
                double c = sharding ? child(peerUrl, ShardingPeer.TABLE, email, List.of(), false) : Double.NaN;
                double d = awsPeer != null ? child(AwsWrapperPeer.url(db), AwsWrapperPeer.TABLE, email,
                        awsPeer.childJvmArgs(), true) : Double.NaN;
                System.out.printf(Locale.ROOT, "pair %2d: plain %.0f ms, veil %.0f ms, veil / plain %.2f%s%s%s%n", i, a,
                        b, b / a, sharding ? String.format(Locale.ROOT, ", ShardingSphere %.0f ms (%.2f)", c, c / a)
                                : "", awsPeer != null ? String.format(Locale.ROOT, ", AWS wrapper %.0f ms (%.2f)", d,
                                d / a) : "", i == 0 ? " (warm-up: page cache, class data)" : "");
                if (i > 0) {
                    plain.add(a);
                    veil.add(b);
                    ratios.add(b / a);
                    if (sharding) {
                        peer.add(c);
                        peerRatios.add(c / a);
                    }
                    if (awsPeer != null) {
                        aws.add(d);
                        awsRatios.add(d / a);
                    }
                }
            }
            if (awsPeer != null) {
                System.out.println("fake KMS calls (AWS wrapper side, set-up and children): " + awsPeer.kmsCalls());
            }
        }
        System.out.printf(Locale.ROOT, "JVM start to first row, median of %d fresh JVMs each [interquartile range]: "
                + "plain %s ms, veil %s ms, veil / plain %s%n", plain.size(), OrmAlternation.spread(plain, "%.0f"),
                OrmAlternation.spread(veil, "%.0f"), OrmAlternation.spread(ratios, "%.2f"));
        if (sharding) {
            System.out.printf(Locale.ROOT, "ShardingSphere %s ms, ShardingSphere / plain %s%n",
                    OrmAlternation.spread(peer, "%.0f"), OrmAlternation.spread(peerRatios, "%.2f"));
        }
        if (!aws.isEmpty()) {
            System.out.printf(Locale.ROOT, "AWS wrapper (KMS plugin, by primary key) %s ms, AWS wrapper / plain %s%n",
                    OrmAlternation.spread(aws, "%.0f"), OrmAlternation.spread(awsRatios, "%.2f"));
        }
    }

    /**
     * Runs {@link FirstRow} in a fresh JVM (with {@code jvmArgs}); milliseconds from start to its {@code first-row}
     * line. {@code byId}: the child reads row 42 by primary key instead of searching by e-mail.
     */
    private static double child(String url, String table, String email, List<String> jvmArgs, boolean byId)
            throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        String extra = System.getProperty("veil.bench.child-jvm-args", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FirstRow.class.getName(), url, table,
                email));
        if (byId) {
            command.add("42");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        long started = System.nanoTime();
        Process p = pb.start();
        double ms = Double.NaN;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals("first-row") && Double.isNaN(ms)) {
                    ms = (System.nanoTime() - started) / 1e6;
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        if (p.waitFor() != 0 || Double.isNaN(ms)) {
            throw new IllegalStateException("the child JVM failed:\n" + output);
        }
        return ms;
    }

    /** The child: connect, read one row by e-mail (or by the id given as a fourth argument), print {@code first-row}. */
    public static final class FirstRow {

        private FirstRow() {
        }

        public static void main(String[] args) throws SQLException {
            Properties credentials = new Properties();
            credentials.setProperty("user", System.getenv().getOrDefault("VEIL_BENCH_USER", "postgres"));
            String password = System.getenv("VEIL_BENCH_PASSWORD");
            if (password != null) {
                credentials.setProperty("password", password);
            }
            try (Connection c = DriverManager.getConnection(args[0], credentials);
                    PreparedStatement ps = c.prepareStatement("SELECT " + OrmSchema.COLUMNS + " FROM " + args[1]
                            + (args.length > 3 ? " WHERE id = ?" : " WHERE email = ?"))) {
                if (args.length > 3) {
                    ps.setLong(1, Long.parseLong(args[3]));
                } else {
                    ps.setString(1, args[2]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !args[2].equals(rs.getString(4)) || rs.getString(3) == null) {
                        throw new IllegalStateException("row not found");
                    }
                }
            }
            System.out.println("first-row");
        }
    }
}
