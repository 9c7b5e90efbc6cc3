package dev.veil.benchmarks;

import dev.veil.benchmarks.PatientsSchema.Patient;
import dev.veil.key.aws.FakeKmsServer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Cold start: from starting a JVM to the first row read (decrypted), in fresh JVMs started in turn by this one, one
 * of each variant per round:
 * <ul>
 * <li>{@code plain}: pgjdbc alone, {@code SELECT … FROM orm_plain WHERE email = ?};</li>
 * <li>{@code floor}: {@link LibraryFloor}, the same search done with the libraries alone and no Veil code (pgjdbc,
 * Tink's registration, a keyset parsed, the data keys unwrapped, one JSqlParser parse, the index HMAC, the row's
 * AES-GCM decryptions) — what no driver on these libraries can go below on this JVM;</li>
 * <li>{@code veil}: Veil with a local keyset: the driver loaded, the configuration read, the statement analysed, the
 * data and index keys loaded and unwrapped, row 42 read through the blind index;</li>
 * <li>{@code veil-kms} and {@code floor-kms}: the same with the master key an AWS KMS key served by
 * {@link FakeKmsServer} in this JVM (the AWS SDK's {@code KmsClient} built, the data keys unwrapped by KMS
 * {@code Decrypt} over HTTP on 127.0.0.1);</li>
 * <li>with the {@code peers} profile's jar, ShardingSphere-JDBC's encrypt feature ({@link ShardingPeer}; its start-up
 * includes loading its YAML, its metadata and its SQL parser);</li>
 * <li>with a jar of the AWS Advanced JDBC Wrapper added to {@code -cp}, its KMS encryption plugin
 * ({@link AwsWrapperPeer}; its start-up includes its SQL parser, its metadata tables and one KMS {@code Decrypt} per
 * column's data key at a fake KMS this JVM runs). That plugin cannot search an encrypted column, so its child reads
 * row 42 by primary key and checks the e-mail it decrypts; the others search by e-mail.</li>
 * </ul>
 * Each child ({@code java -cp <this jar> dev.veil.benchmarks.ColdStart$FirstRow …} or {@link LibraryFloor}) prints
 * {@code first-row} after its row; the time is the parent's, from {@code ProcessBuilder.start()} to that line, and the
 * CPU time is the child's process CPU (all threads: JIT, GC, class loading) read from the OS at that line — less
 * sensitive than the wall clock to other processes on a shared machine. The tables hold 1,000 rows, written once.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.veil.benchmarks.ColdStart [pairs=11] [variants=plain,floor,…]</pre>
 *
 * The system property {@code veil.bench.child-jvm-args} adds JVM options to every child (e.g.
 * {@code -Xlog:class+load:file=/tmp/cold-%p.txt}, {@code -Dveil.warm-up=false} or a JFR recording, to see where a
 * start spends its time).
 */
public final class ColdStart {

    private static final int ROWS = 1_000;
    private static final String KMS_TABLE = "cold_kms_patients";

    private ColdStart() {
    }

    /** One kind of child: its name, its main class and arguments, extra environment and JVM options. */
    private record Variant(String name, String mainClass, List<String> args, Map<String, String> env,
            List<String> jvmArgs) {
        Variant(String name, String mainClass, List<String> args) {
            this(name, mainClass, args, Map.of());
        }

        Variant(String name, String mainClass, List<String> args, Map<String, String> env) {
            this(name, mainClass, args, env, List.of());
        }
    }

    /** What one child measured: wall-clock and process CPU milliseconds to its first row. */
    private record Sample(double wallMs, double cpuMs) { }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        List<String> only = args.length > 1 ? List.of(args[1].replaceFirst("^variants=", "").split(",")) : null;
        System.setProperty("sun.net.httpserver.nodelay", "true"); // as the key-management tests run the fake
        try (FakeKmsServer kms = FakeKmsServer.start()) {
            String arn = kms.createKey();
            run(pairs, only, kms, arn);
        }
    }

    private static void run(int pairs, List<String> only, FakeKmsServer kms, String arn) throws Exception {
        try (BenchmarkDatabase db = BenchmarkDatabase.open(OrmSchema.TABLES_YAML);
                BenchmarkDatabase kmsDb = BenchmarkDatabase.open("master-key: " + FakeKmsServer.uri(arn) + "\n"
                        + "master-key-options: { region: " + FakeKmsServer.REGION + ", endpoint: " + kms.endpoint()
                        + " }\n", OrmSchema.TABLES_YAML.replace(OrmSchema.VEIL, KMS_TABLE));
                AwsWrapperPeer aws = AwsWrapperPeer.available() ? AwsWrapperPeer.start() : null) {
            List<Variant> variants = setUp(db, kmsDb, kms, arn, aws);
            if (only != null) {
                variants.removeIf(v -> !only.contains(v.name()));
            }
            kms.resetCounts();
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            for (Variant v : variants) {
                samples.put(v.name(), new ArrayList<>());
            }
            for (int i = 0; i < pairs; i++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %2d:", i));
                double plain = Double.NaN;
                for (Variant v : variants) {
                    Sample s = child(v);
                    if (v.name().equals("plain")) {
                        plain = s.wallMs();
                    }
                    line.append(String.format(Locale.ROOT, " %s %.0f ms (cpu %.0f)", v.name(), s.wallMs(), s.cpuMs()));
                    if (i > 0) {
                        samples.get(v.name()).add(s);
                    }
                }
                System.out.println(line + (i == 0 ? " (warm-up: page cache, class data; left out)" : ""));
            }
            report(samples);
            if (aws != null) {
                System.out.println("fake KMS calls (AWS wrapper side, set-up and children): " + aws.kmsCalls());
            }
            System.out.printf(Locale.ROOT, "KMS Decrypt calls per KMS child: %.1f%n", (double) kms.calls("Decrypt")
                    / Math.max(1, pairs * variants.stream().filter(v -> v.name().endsWith("-kms")).count()));
        }
    }

    /** Creates and seeds every variant's tables; returns the variants in the order each round starts them. */
    private static List<Variant> setUp(BenchmarkDatabase db, BenchmarkDatabase kmsDb, FakeKmsServer kms, String arn,
            AwsWrapperPeer awsPeer) throws SQLException {
        db.execute("DROP TABLE IF EXISTS " + KMS_TABLE);
        OrmSchema.create(db);
        try (Connection p = db.plain(); Connection v = db.veil()) {
            OrmSchema.seed(db, p, v, ROWS);
        }
        db.execute("CREATE TABLE " + KMS_TABLE + " (id bigserial PRIMARY KEY, name text, ssn bytea, email bytea, "
                        + "heart_rate bytea, " + OrmSchema.INDEX_COLUMN + " bytea)",
                "CREATE INDEX " + KMS_TABLE + "_" + OrmSchema.INDEX_COLUMN + "_idx ON " + KMS_TABLE + " ("
                        + OrmSchema.INDEX_COLUMN + ")");
        try (Connection k = kmsDb.veil()) {
            PatientsSchema.seed(kmsDb, k, KMS_TABLE, ROWS);
        }
        LibraryFloor.Keys floorKeys = LibraryFloor.create(db, ROWS, kms.endpoint(), arn);
        String email = Patient.pool(ROWS)[41].email();
        String firstRow = FirstRow.class.getName();
        String floor = LibraryFloor.class.getName();
        // the fake's credentials (FakeKmsServer.start set them as this JVM's system properties), for the SDK's chain
        Map<String, String> aws = Map.of("AWS_ACCESS_KEY_ID", System.getProperty("aws.accessKeyId"),
                "AWS_SECRET_ACCESS_KEY", System.getProperty("aws.secretAccessKey"));
        List<Variant> variants = new ArrayList<>(List.of(
                new Variant("plain", firstRow, List.of(db.plainUrl(), OrmSchema.PLAIN, email)),
                new Variant("floor", floor, LibraryFloor.arguments(db.plainUrl(), floorKeys, false, email)),
                new Variant("veil", firstRow, List.of(db.veilUrl(), OrmSchema.VEIL, email)),
                new Variant("floor-kms", floor, LibraryFloor.arguments(db.plainUrl(), floorKeys, true, email), aws),
                new Variant("veil-kms", firstRow, List.of(kmsDb.veilUrl(), KMS_TABLE, email), aws)));
        if (ShardingPeer.available()) {
            ShardingPeer.create(db);
            String peerUrl = ShardingPeer.url(db);
            try (Connection s = ShardingPeer.connect(peerUrl)) {
                PatientsSchema.seed(db, s, ShardingPeer.TABLE, ROWS);
            }
            variants.add(new Variant("sharding", firstRow, List.of(peerUrl, ShardingPeer.TABLE, email)));
        }
        if (awsPeer != null) {
            awsPeer.create(db);
            try (Connection s = AwsWrapperPeer.connect(db)) {
                PatientsSchema.seed(db, s, AwsWrapperPeer.TABLE, ROWS);
                AwsWrapperPeer.verify(db, s, 42, Patient.pool(ROWS)[41]);
            }
            variants.add(new Variant("aws", firstRow, List.of(AwsWrapperPeer.url(db), AwsWrapperPeer.TABLE, email, "42"),
                    Map.of(), awsPeer.childJvmArgs()));
        }
        return variants;
    }

    private static void report(Map<String, List<Sample>> samples) {
        List<Sample> plain = samples.get("plain");
        System.out.printf(Locale.ROOT, "JVM start to first row, median of %d fresh JVMs each [interquartile range]; "
                + "ratios per round:%n", plain == null ? 0 : plain.size());
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            List<Double> wall = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            List<Double> ratio = new ArrayList<>();
            List<Sample> s = e.getValue();
            for (int i = 0; i < s.size(); i++) {
                wall.add(s.get(i).wallMs());
                cpu.add(s.get(i).cpuMs());
                if (plain != null) {
                    ratio.add(s.get(i).wallMs() / plain.get(i).wallMs());
                }
            }
            String vsFloor = "";
            String floorName = e.getKey().endsWith("-kms") ? "floor-kms" : "floor";
            List<Sample> floor = samples.get(floorName);
            if (e.getKey().startsWith("veil") && floor != null) {
                List<Double> above = new ArrayList<>();
                List<Double> cpuAbove = new ArrayList<>();
                for (int i = 0; i < s.size(); i++) {
                    above.add(s.get(i).wallMs() / floor.get(i).wallMs());
                    cpuAbove.add(s.get(i).cpuMs() - floor.get(i).cpuMs());
                }
                vsFloor = String.format(Locale.ROOT, ", ÷ %s %s, CPU − %s %s ms", floorName,
                        OrmAlternation.spread(above, "%.2f"), floorName, OrmAlternation.spread(cpuAbove, "%.0f"));
            }
            System.out.printf(Locale.ROOT, "  %-9s %s ms, CPU %s ms%s%s%n", e.getKey(),
                    OrmAlternation.spread(wall, "%.0f"), OrmAlternation.spread(cpu, "%.0f"),
                    plain == null ? "" : ", ÷ plain " + OrmAlternation.spread(ratio, "%.2f"), vsFloor);
        }
    }

    /** Runs one child JVM; milliseconds from its start to its {@code first-row} line, and its CPU time then. */
    private static Sample child(Variant v) throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        String extra = System.getProperty("veil.bench.child-jvm-args", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(v.jvmArgs());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), v.mainClass()));
        command.addAll(v.args());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(v.env());
        long started = System.nanoTime();
        Process p = pb.start();
        double ms = Double.NaN;
        double cpu = Double.NaN;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals("first-row") && Double.isNaN(ms)) {
                    ms = (System.nanoTime() - started) / 1e6;
                    cpu = p.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L) / 1e6;
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        if (p.waitFor() != 0 || Double.isNaN(ms)) {
            throw new IllegalStateException("the " + v.name() + " child JVM failed:\n" + output);
        }
        return new Sample(ms, cpu);
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
