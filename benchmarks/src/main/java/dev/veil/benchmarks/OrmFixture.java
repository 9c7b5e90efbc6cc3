package dev.veil.benchmarks;

import dev.veil.benchmarks.OrmSchema.Stored;
import dev.veil.benchmarks.PatientsSchema.Patient;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The seeded ORM-shape schema and one {@link OrmSide} per {@link OrmSide.Kind}, each on its own connection:
 * a fresh local keyset, {@link OrmSchema#create}, the seed, a check of every variant, then the lookup and write
 * pools. W2 looks up {@value OrmSide#POOL} rows spread over the second half of the table (W1/W4 write copies of the
 * first {@value OrmSide#POOL} patients, so a lookup never finds a written row twice).
 */
final class OrmFixture implements AutoCloseable {

    private final BenchmarkDatabase db;
    private final int rows;
    private final Map<OrmSide.Kind, OrmSide> sides = new EnumMap<>(OrmSide.Kind.class);
    private final Set<OrmSide.Kind> peers;
    private AwsWrapperPeer aws;
    private FloorCrypto crypto;

    private OrmFixture(BenchmarkDatabase db, int rows, Set<OrmSide.Kind> peers) {
        this.db = db;
        this.rows = rows;
        this.peers = peers;
    }

    /** Creates and seeds the schema with {@code rows} patients and connects the plain, twin, floor and Veil sides. */
    static OrmFixture open(int rows) throws SQLException {
        return open(rows, EnumSet.noneOf(OrmSide.Kind.class));
    }

    /**
     * Like {@link #open(int)}, with the {@code peers} ({@link OrmSide.Kind#SHARDING}: {@link ShardingPeer},
     * {@link OrmSide.Kind#AWS}: {@link AwsWrapperPeer}), each on its own table, seeded with the same patients
     * through it.
     */
    static OrmFixture open(int rows, Set<OrmSide.Kind> peers) throws SQLException {
        BenchmarkDatabase db = BenchmarkDatabase.open(OrmSchema.TABLES_YAML);
        OrmFixture f = new OrmFixture(db, rows, peers.isEmpty() ? EnumSet.noneOf(OrmSide.Kind.class)
                : EnumSet.copyOf(peers));
        try {
            f.start();
            return f;
        } catch (SQLException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private void start() throws SQLException {
        OrmSchema.create(db);
        Connection plain = db.plain();
        Connection veil = db.veil();
        Connection twin = db.plain();
        Connection floor = db.plain();
        try {
            start(plain, veil, twin, floor);
        } catch (SQLException | RuntimeException e) {
            if (sides.isEmpty()) {
                for (Connection c : new Connection[] {plain, veil, twin, floor}) {
                    c.close();
                }
            }
            throw e;
        }
    }

    private void start(Connection plain, Connection veil, Connection twin, Connection floor) throws SQLException {
        Patient[] all = Patient.pool(rows);
        OrmSchema.seed(db, plain, veil, rows);
        crypto = new FloorCrypto();
        OrmSchema.seedFloor(db, floor, crypto, rows);
        long[] lookupIds = new long[OrmSide.POOL];
        String[] lookupEmails = new String[OrmSide.POOL];
        for (int i = 0; i < OrmSide.POOL; i++) {
            lookupIds[i] = rows / 2 + 1 + (long) i * (rows / 2) / OrmSide.POOL;
            lookupEmails[i] = all[(int) lookupIds[i] - 1].email();
        }
        Stored[] lookedUp = OrmSchema.stored(db, lookupIds);
        byte[][] lookupIndexes = new byte[OrmSide.POOL][];
        for (int i = 0; i < OrmSide.POOL; i++) {
            lookupIndexes[i] = lookedUp[i].emailIndex();
        }
        OrmSchema.verify(db, plain, veil, all[(int) lookupIds[7] - 1], lookedUp[7]);
        OrmSchema.verifyFloor(floor, crypto, all[(int) lookupIds[7] - 1]);
        long[] firstIds = new long[OrmSide.POOL];
        for (int i = 0; i < OrmSide.POOL; i++) {
            firstIds[i] = i + 1;
        }
        Patient[] inserts = Patient.pool(OrmSide.POOL);
        Stored[] storedInserts = OrmSchema.stored(db, firstIds);
        sides.put(OrmSide.Kind.PLAIN, new OrmSide(OrmSide.Kind.PLAIN, plain, inserts, null, lookupIds, lookupEmails,
                null));
        sides.put(OrmSide.Kind.TWIN, new OrmSide(OrmSide.Kind.TWIN, twin, null, storedInserts, lookupIds, null,
                lookupIndexes));
        sides.put(OrmSide.Kind.FLOOR, new OrmSide(floor, inserts, lookupIds, lookupEmails, crypto));
        sides.put(OrmSide.Kind.VEIL, new OrmSide(OrmSide.Kind.VEIL, veil, inserts, null, lookupIds, lookupEmails,
                null));
        if (peers.contains(OrmSide.Kind.SHARDING)) {
            ShardingPeer.create(db);
            Connection peer = ShardingPeer.connect(ShardingPeer.url(db));
            PatientsSchema.seed(db, peer, ShardingPeer.TABLE, rows);
            db.execute("VACUUM ANALYZE " + ShardingPeer.TABLE);
            ShardingPeer.verify(db, peer, all[(int) lookupIds[7] - 1]);
            sides.put(OrmSide.Kind.SHARDING, new OrmSide(OrmSide.Kind.SHARDING, peer, inserts, null, lookupIds,
                    lookupEmails, null));
        }
        if (peers.contains(OrmSide.Kind.AWS)) {
            aws = AwsWrapperPeer.start();
            aws.create(db);
            Connection peer = AwsWrapperPeer.connect(db);
            PatientsSchema.seed(db, peer, AwsWrapperPeer.TABLE, rows);
            db.execute("VACUUM ANALYZE " + AwsWrapperPeer.TABLE);
            AwsWrapperPeer.verify(db, peer, lookupIds[7], all[(int) lookupIds[7] - 1]);
            sides.put(OrmSide.Kind.AWS, new OrmSide(OrmSide.Kind.AWS, peer, inserts, null, lookupIds, lookupEmails,
                    null));
        }
    }

    /** The in-process KMS stand-in of the AWS wrapper's side, or {@code null} without that side. */
    AwsWrapperPeer aws() {
        return aws;
    }

    /** The floor side's keys (what its table was seeded under; Tink's primitives are thread-safe). */
    FloorCrypto crypto() {
        return crypto;
    }

    /** The sides of this run, in {@link OrmSide.Kind} order. */
    OrmSide.Kind[] kinds() {
        return sides.keySet().toArray(new OrmSide.Kind[0]);
    }

    /** Makes every side's W3 read the first {@code w3Rows} rows (at most the seeded rows). */
    void w3Rows(int w3Rows) {
        if (w3Rows < 1 || w3Rows > rows) {
            throw new IllegalArgumentException("w3 must be between 1 and rows (" + rows + ")");
        }
        for (OrmSide s : sides.values()) {
            s.w3Rows(w3Rows);
        }
    }

    OrmSide side(OrmSide.Kind kind) {
        return sides.get(kind);
    }

    int rows() {
        return rows;
    }

    /** Deletes the rows W1/W4 wrote and vacuums the tables (untimed, between rounds or iterations). */
    void removeWrites() throws SQLException {
        OrmSchema.removeWrites(db, rows);
        for (OrmSide.Kind peer : peers) {
            String table = peer == OrmSide.Kind.SHARDING ? ShardingPeer.TABLE : AwsWrapperPeer.TABLE;
            db.execute("DELETE FROM " + table + " WHERE id > " + rows, "VACUUM " + table);
        }
    }

    BenchmarkDatabase database() {
        return db;
    }

    @Override
    public void close() throws SQLException {
        try {
            for (OrmSide s : sides.values()) {
                s.close();
            }
        } finally {
            if (aws != null) {
                aws.close();
            }
            db.close();
        }
    }
}
