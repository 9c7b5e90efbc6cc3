package dev.veil.benchmarks;

import dev.veil.benchmarks.OrmSchema.Stored;
import dev.veil.benchmarks.PatientsSchema.Patient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One side of the ORM-shape comparison: a connection and table, and W1–W4 in both shapes on it.
 *
 * <ul>
 * <li>{@link Shape#REUSE}: statements prepared once and reused (what {@link PatientsBenchmark} measures); W2 by
 * primary key, each column read once.</li>
 * <li>{@link Shape#ORM}: {@code prepareStatement()} and {@code close()} for every operation, as Hibernate and
 * Spring Data do (the statement cache is the driver's job); W2 by e-mail through the index, each encrypted
 * column read twice (an application touching a property twice).</li>
 * </ul>
 *
 * {@link Kind#PLAIN} and {@link Kind#VEIL} run the same SQL texts and getters on their tables; {@link Kind#TWIN}
 * runs plain pgjdbc on the physical twin, binding and reading the stored bytes ({@code setBytes}/{@code getBytes})
 * and searching by the stored index value as Veil does ({@code email_bidx IN (?, ?)}: the value under the primary
 * and the other enabled key version of the index, the same value twice while it has one): the statements Veil
 * sends, without Veil. {@link Kind#FLOOR} runs the twin's statements on its own table and does the cryptography
 * with Tink alone ({@link FloorCrypto}): it encrypts what it writes, computes the index value it searches by, and
 * decrypts each value it reads once (a second read of a column uses the value it decrypted).
 * {@link Kind#SHARDING} runs the plain side's texts and getters through the peer,
 * {@link ShardingPeer} (only with the {@code peers} profile); {@link Kind#AWS} likewise through
 * {@link AwsWrapperPeer} (only with a wrapper jar on the class path), except W2 by e-mail, which it cannot search
 * ({@link #supports}).
 */
final class OrmSide {

    /** Which driver and table. */
    enum Kind {
        PLAIN, TWIN, FLOOR, VEIL, SHARDING, AWS;

        String label() {
            return switch (this) {
                case SHARDING -> "ShardingSphere";
                case AWS -> "AWS wrapper";
                default -> name().toLowerCase(Locale.ROOT);
            };
        }
    }

    /** How the application uses its statements. */
    enum Shape {
        ORM, REUSE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final int BATCH_ROWS = 1_000;
    static final int POOL = 1_024; // a power of two: next() masks

    private final Kind kind;
    private final Connection connection;
    private final String insertSql;
    private final String byIdSql;
    private final String byEmailSql;
    private final String upToIdSql;
    private final Patient[] inserts;
    private final Stored[] storedInserts;
    /** The floor side's cryptography; null for the others. */
    private final FloorCrypto crypto;
    private final long[] lookupIds;
    private final String[] lookupEmails;
    private final byte[][] lookupIndexes;
    private final PreparedStatement insert;
    private final PreparedStatement byId;
    private final PreparedStatement upToId;
    private int counter;
    private int w3Rows = OrmSchema.W3_ROWS;
    /** W3B's result, fetched on first use and read again by every operation ({@link #readAgain}). */
    private PreparedStatement fetchedStatement;
    private ResultSet fetched;

    /**
     * @param inserts the patients W1/W4 write (plain, Veil); {@code storedInserts} their stored form (twin)
     * @param lookupIds rows W2 reads; {@code lookupEmails} and {@code lookupIndexes} their e-mails and index values
     */
    OrmSide(Kind kind, Connection connection, Patient[] inserts, Stored[] storedInserts, long[] lookupIds,
            String[] lookupEmails, byte[][] lookupIndexes) throws SQLException {
        this(kind, connection, inserts, storedInserts, lookupIds, lookupEmails, lookupIndexes, null);
    }

    /** The floor side: {@code crypto} encrypts the {@code inserts}, indexes the {@code lookupEmails}, decrypts. */
    OrmSide(Connection connection, Patient[] inserts, long[] lookupIds, String[] lookupEmails, FloorCrypto crypto)
            throws SQLException {
        this(Kind.FLOOR, connection, inserts, null, lookupIds, lookupEmails, null, crypto);
    }

    private OrmSide(Kind kind, Connection connection, Patient[] inserts, Stored[] storedInserts, long[] lookupIds,
            String[] lookupEmails, byte[][] lookupIndexes, FloorCrypto crypto) throws SQLException {
        this.kind = kind;
        this.crypto = crypto;
        this.connection = connection;
        String table = switch (kind) {
            case PLAIN -> OrmSchema.PLAIN;
            case VEIL -> OrmSchema.VEIL;
            case TWIN -> OrmSchema.TWIN;
            case FLOOR -> OrmSchema.FLOOR;
            case SHARDING -> ShardingPeer.TABLE;
            case AWS -> AwsWrapperPeer.TABLE;
        };
        boolean stored = kind == Kind.TWIN || kind == Kind.FLOOR;
        this.insertSql = stored ? OrmSchema.storedInsertSql(table) : PatientsSchema.insertSql(table);
        this.byIdSql = "SELECT " + OrmSchema.COLUMNS + " FROM " + table + " WHERE id = ?";
        this.byEmailSql = "SELECT " + OrmSchema.COLUMNS + " FROM " + table + " WHERE "
                + (stored ? OrmSchema.INDEX_COLUMN + " IN (?, ?)" : "email = ?");
        this.upToIdSql = "SELECT " + OrmSchema.COLUMNS + " FROM " + table + " WHERE id <= ?";
        this.inserts = inserts;
        this.storedInserts = storedInserts;
        this.lookupIds = lookupIds;
        this.lookupEmails = lookupEmails;
        this.lookupIndexes = lookupIndexes;
        this.insert = connection.prepareStatement(insertSql);
        this.byId = connection.prepareStatement(byIdSql);
        this.upToId = connection.prepareStatement(upToIdSql);
    }

    Kind kind() {
        return kind;
    }

    Connection connection() {
        return connection;
    }

    /** Whether this side can run {@code workload} in {@code shape}: all but W2 by e-mail on {@link Kind#AWS}. */
    boolean supports(String workload, Shape shape) {
        return !(kind == Kind.AWS && workload.equals("W2") && shape == Shape.ORM);
    }

    private int next() {
        return counter++ & (POOL - 1);
    }

    private void bindInsert(PreparedStatement ps) throws SQLException {
        int i = next();
        if (kind == Kind.TWIN) {
            OrmSchema.bindStored(ps, storedInserts[i]);
        } else if (kind == Kind.FLOOR) {
            OrmSchema.bindStored(ps, crypto.seal(inserts[i]));
        } else {
            PatientsSchema.bind(ps, inserts[i]);
        }
    }

    /** Reads every column once; the encrypted ones ({@code twice}) a second time. */
    private void read(ResultSet rs, boolean twice, Blackhole bh) throws SQLException {
        bh.consume(rs.getObject(1));
        bh.consume(rs.getString(2));
        if (kind == Kind.FLOOR) {
            String ssn = crypto.ssn(rs.getBytes(3));
            String email = crypto.email(rs.getBytes(4));
            Integer heartRate = crypto.heartRate(rs.getBytes(5));
            for (int k = twice ? 2 : 1; k > 0; k--) {
                bh.consume(ssn);
                bh.consume(email);
                bh.consume(heartRate);
            }
            return;
        }
        for (int k = twice ? 2 : 1; k > 0; k--) {
            if (kind == Kind.TWIN) {
                bh.consume(rs.getBytes(3));
                bh.consume(rs.getBytes(4));
                bh.consume(rs.getBytes(5));
            } else {
                bh.consume(rs.getString(3));
                bh.consume(rs.getString(4));
                bh.consume(rs.getObject(5));
            }
        }
    }

    /** W1: one row (three encrypted values and an index value through Veil), autocommit. */
    int w1(Shape shape) throws SQLException {
        if (shape == Shape.REUSE) {
            bindInsert(insert);
            return insert.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement(insertSql)) {
            bindInsert(ps);
            return ps.executeUpdate();
        }
    }

    /** W2: a point SELECT: by primary key, read once (reuse); by e-mail, encrypted columns read twice (ORM). */
    void w2(Shape shape, Blackhole bh) throws SQLException {
        int i = next();
        if (shape == Shape.REUSE) {
            byId.setLong(1, lookupIds[i]);
            try (ResultSet rs = byId.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException(kind.label() + ": no row " + lookupIds[i]);
                }
                read(rs, false, bh);
            }
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(byEmailSql)) {
            if (kind == Kind.TWIN || kind == Kind.FLOOR) {
                byte[] index = kind == Kind.TWIN ? lookupIndexes[i] : crypto.index(lookupEmails[i]);
                ps.setBytes(1, index);
                ps.setBytes(2, index);
            } else {
                ps.setString(1, lookupEmails[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException(kind.label() + ": no row for lookup " + i);
                }
                read(rs, true, bh);
            }
        }
    }

    /** Sets how many rows W3 reads (the first {@code rows} of the seed; {@value OrmSchema#W3_ROWS} by default). */
    void w3Rows(int rows) {
        this.w3Rows = rows;
    }

    /** W3: {@value OrmSchema#W3_ROWS} rows (or {@link #w3Rows(int)}), every column read once. */
    int w3(Shape shape, Blackhole bh) throws SQLException {
        if (shape == Shape.REUSE) {
            return readAll(upToId, bh);
        }
        try (PreparedStatement ps = connection.prepareStatement(upToIdSql)) {
            return readAll(ps, bh);
        }
    }

    private int readAll(PreparedStatement ps, Blackhole bh) throws SQLException {
        ps.setLong(1, w3Rows);
        try (ResultSet rs = ps.executeQuery()) {
            return readRows(rs, "W3", bh);
        }
    }

    /** Reads every remaining row of {@code rs} as W3 does; checks that they are W3's {@link #w3Rows} rows. */
    private int readRows(ResultSet rs, String workload, Blackhole bh) throws SQLException {
        int rows = 0;
        while (rs.next()) {
            read(rs, false, bh);
            rows++;
        }
        if (rows != w3Rows) {
            throw new IllegalStateException(kind.label() + ": " + workload + " read " + rows + " rows");
        }
        return rows;
    }

    /**
     * W3's client path alone: the rows of W3, fetched once into a scroll-insensitive result (pgjdbc holds them in
     * memory), read again from the first row — {@code beforeFirst}, then every column of every row once, as W3
     * reads them — so the time is the drivers' and the decryptions' only, without the query, the transfer and the
     * server. The result is kept open between operations; {@link #close} closes it.
     */
    int readAgain(Blackhole bh) throws SQLException {
        if (fetched == null) {
            fetchedStatement = connection.prepareStatement(upToIdSql, ResultSet.TYPE_SCROLL_INSENSITIVE,
                    ResultSet.CONCUR_READ_ONLY);
            fetchedStatement.setLong(1, w3Rows);
            fetched = fetchedStatement.executeQuery();
        }
        fetched.beforeFirst();
        return readRows(fetched, "W3B", bh);
    }

    /** W4: {@value #BATCH_ROWS} rows by addBatch/executeBatch, autocommit (one commit). */
    int w4(Shape shape) throws SQLException {
        return batch(shape, true);
    }

    /**
     * W4's client path alone: {@value #BATCH_ROWS} rows bound and added to the batch, then the batch cleared instead
     * of executed (pgjdbc keeps a batch in memory until {@code executeBatch}), so nothing reaches the server and
     * the time is the drivers' and the cryptography's only.
     */
    int bindBatch(Shape shape) throws SQLException {
        return batch(shape, false);
    }

    private int batch(Shape shape, boolean execute) throws SQLException {
        if (shape == Shape.REUSE) {
            return batch(insert, execute);
        }
        try (PreparedStatement ps = connection.prepareStatement(insertSql)) {
            return batch(ps, execute);
        }
    }

    private int batch(PreparedStatement ps, boolean execute) throws SQLException {
        for (int r = 0; r < BATCH_ROWS; r++) {
            bindInsert(ps);
            ps.addBatch();
        }
        if (execute) {
            return ps.executeBatch().length;
        }
        ps.clearBatch();
        return BATCH_ROWS;
    }

    /** The server process serving this side's connection ({@code pg_backend_pid()}). */
    int backendPid() throws SQLException {
        try (var st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    void close() throws SQLException {
        try {
            if (fetchedStatement != null) {
                fetchedStatement.close(); // and its result
            }
            insert.close();
            byId.close();
            upToId.close();
        } finally {
            connection.close();
        }
    }
}
