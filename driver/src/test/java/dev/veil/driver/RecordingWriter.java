package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * One application thread: owns its rows and, for each, the states it may be in — one when the last write was
 * acknowledged, two (before and after; {@code null} = absent) when its connection died under it, since the
 * server may or may not have committed it. A read of the row settles which.
 */
final class RecordingWriter {

    /** What a writer last wrote to one of its rows. */
    record Row(long id, String email, String secret, long counter) {
    }

    @FunctionalInterface
    interface SqlWork {
        void run() throws SQLException;
    }

    static final Set<String> CONNECTION_CLASS_EXACT = Set.of("57P01", "57P02", "57P03");
    static final String SECRET = ServerRestartIT.SECRET;

    final int owner;
    final DataSource pool;
    final SplittableRandom random;
    final Map<Long, List<Row>> rows = new HashMap<>();
    final List<Long> ids = new ArrayList<>();
    final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    final LongAdder successes = new LongAdder();
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    long seq;

    RecordingWriter(int owner, DataSource pool, SplittableRandom random) {
        this.owner = owner;
        this.pool = pool;
        this.random = random;
    }

    Void run(AtomicBoolean stop) throws InterruptedException {
        while (!stop.get()) {
            Connection c;
            try {
                c = pool.getConnection();
            } catch (SQLException e) {
                failed("borrow", e);
                Thread.sleep(20);
                continue;
            }
            try (c) {
                step(c);
                successes.increment();
            } catch (SQLException e) {
                failed(null, e);
                Thread.sleep(20); // an application backs off before retrying
            } catch (RuntimeException | AssertionError e) {
                unexpected.add("writer " + owner + ": " + e);
                return null;
            }
        }
        return null;
    }

    private void failed(String where, SQLException e) {
        String kind = kind(e);
        if (kind == null) {
            java.io.StringWriter w = new java.io.StringWriter();
            e.printStackTrace(new PrintWriter(w));
            unexpected.add("writer " + owner + (where == null ? "" : " (" + where + ")") + ": state "
                    + e.getSQLState() + ": " + w);
            return;
        }
        failures.computeIfAbsent(where == null ? kind : where + " " + kind, k -> new LongAdder()).increment();
    }

    /**
     * "connection" for pgjdbc's connection failures (the state or a chained one 08xxx or 57P01–3, and no Veil
     * state), "VE002" for Veil's transient key failure (never with an 08 state), "pool" for HikariCP's own
     * timeout while the server is down; null for anything else.
     */
    static String kind(SQLException e) {
        boolean connection = false;
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String s = x.getSQLState();
            if (s != null && s.startsWith("VE") && x != e) {
                return null;
            }
            connection |= s != null && (s.startsWith("08") || CONNECTION_CLASS_EXACT.contains(s));
        }
        if (connection && !String.valueOf(e.getSQLState()).startsWith("VE")) {
            return "connection";
        }
        if ("VE002".equals(e.getSQLState()) && e instanceof SQLTransientConnectionException) {
            return "VE002";
        }
        if (e instanceof SQLTransientConnectionException && e.getSQLState() == null
                && String.valueOf(e.getMessage()).contains("Connection is not available")) {
            return "pool";
        }
        return null;
    }

    void step(Connection c) throws SQLException {
        Long unsettled = ids.stream().filter(id -> rows.get(id).size() > 1).findFirst().orElse(null);
        if (unsettled != null) {
            lookup(c, unsettled); // settles it
            return;
        }
        int r = random.nextInt(100);
        if (ids.size() < 3 || r < 35) {
            insert(c);
        } else if (r < 60) {
            update(c, pick());
        } else if (r < 75) {
            updateByEmail(c, pick());
        } else {
            lookup(c, pick());
        }
    }

    long pick() {
        return ids.get(random.nextInt(ids.size()));
    }

    Row current(long id) {
        List<Row> states = rows.get(id);
        assertThat(states).as("row %d settled", id).hasSize(1);
        return states.get(0);
    }

    /** Runs a write; records its outcome as certain, or as uncertain when the connection died under it. */
    void write(long id, Row before, Row after, SqlWork work) throws SQLException {
        try {
            work.run();
        } catch (SQLException e) {
            if ("connection".equals(kind(e))) {
                List<Row> states = new ArrayList<>();
                states.add(before);
                states.add(after);
                rows.put(id, states);
            } // VE002: refused before anything was sent; nothing changed
            throw e;
        }
        rows.put(id, new ArrayList<>(Collections.singletonList(after)));
    }

    void insert(Connection c) throws SQLException {
        long id = owner * 1_000_000L + seq++;
        Row r = new Row(id, "user-" + id + "@example.com", SECRET + random.nextLong(), random.nextLong());
        ids.add(id);
        rows.put(id, new ArrayList<>(Collections.singletonList(null)));
        write(id, null, r, () -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO accounts (id, owner, email, secret, counter) VALUES (?, ?, ?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setInt(2, owner);
                ps.setString(3, r.email());
                ps.setString(4, r.secret());
                ps.setLong(5, r.counter());
                ps.executeUpdate();
            }
        });
    }

    void update(Connection c, long id) throws SQLException {
        Row before = current(id);
        if (before == null) {
            return;
        }
        Row after = new Row(id, before.email(), SECRET + random.nextLong(), before.counter() + 1);
        write(id, before, after, () -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE accounts SET secret = ?, counter = ? WHERE id = ?")) {
                ps.setString(1, after.secret());
                ps.setLong(2, after.counter());
                ps.setLong(3, id);
                assertThat(ps.executeUpdate()).as("update of row %d", id).isOne();
            }
        });
    }

    void updateByEmail(Connection c, long id) throws SQLException {
        Row before = current(id);
        if (before == null) {
            return;
        }
        Row after = new Row(id, before.email(), before.secret(), before.counter() + 1);
        write(id, before, after, () -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET counter = ? WHERE email = ?")) {
                ps.setLong(1, after.counter());
                ps.setString(2, before.email());
                assertThat(ps.executeUpdate()).as("update through the blind index of row %d", id).isOne();
            }
        });
    }

    /** Looks the row up through the blind index; it must be in one of its possible states, which settles it. */
    void lookup(Connection c, long id) throws SQLException {
        List<Row> states = rows.get(id);
        String email = states.stream().filter(Objects::nonNull).findFirst().map(Row::email).orElse(null);
        if (email == null) {
            return; // absent for certain
        }
        Row found = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, email, secret, counter FROM accounts WHERE email = ?")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    found = new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4));
                    assertThat(rs.next()).as("one row per e-mail").isFalse();
                }
            }
        }
        assertThat(states).as("row %d read as %s", id, found).contains(found);
        rows.put(id, new ArrayList<>(Collections.singletonList(found)));
    }

    /** After the restarts: every row is in one of its possible states, found through its blind index. */
    void verify() throws SQLException {
        Map<Long, Row> stored = new HashMap<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, email, secret, counter FROM accounts WHERE owner = ?")) {
            ps.setInt(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getLong(1), new Row(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getLong(4)));
                }
            }
            for (long id : ids) {
                assertThat(rows.get(id)).as("writer %d, row %d", owner, id).contains(stored.get(id));
                if (stored.containsKey(id)) {
                    lookup(c, id);
                }
            }
        }
        assertThat(ids).as("writer %d: no row it did not write", owner).containsAll(stored.keySet());
        assertThat(stored).as("writer %d wrote rows", owner).isNotEmpty();
    }
}
