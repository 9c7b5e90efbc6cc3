package dev.veil.scenario;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application's load through Veil on {@code users(id, email, ssn)}: threads that update the encrypted columns
 * of rows they own (thread t owns ids with {@code id % threads == t}), insert new rows, and look rows up by email,
 * recording every committed value so the test can check that no update was lost and no lookup missed.
 */
final class AppLoad implements AutoCloseable {

    /** Opens a connection through Veil. */
    interface Connections {
        Connection open() throws SQLException;
    }

    record Row(String email, String ssn) { }

    final Map<Long, Row> committed = new ConcurrentHashMap<>();
    final AtomicLong lookups = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong updates = new AtomicLong();
    final AtomicLong inserts = new AtomicLong();
    final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    AppLoad(Map<Long, Row> seeded) {
        committed.putAll(seeded);
    }

    void start(Connections connections, int threadCount, long rows) {
        for (int t = 0; t < threadCount; t++) {
            int me = t;
            Thread th = new Thread(() -> run(connections, me, threadCount, rows), "app-" + t);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
    }

    private void run(Connections connections, int me, int threadCount, long rows) {
        long nextInsert = 10_000_000L * (me + 1);
        try (Connection c = connections.open()) {
            while (running.get()) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long id = (r.nextLong(rows / threadCount)) * threadCount + me + 1;
                if (id > rows) {
                    continue;
                }
                int op = r.nextInt(10);
                if (op < 5) {
                    lookup(c, id);
                } else if (op < 9) {
                    String email = "u" + id + "." + r.nextInt(1_000_000) + "@changed.example";
                    String ssn = String.format("%03d-%02d-%04d", r.nextInt(1000), r.nextInt(100), r.nextInt(10000));
                    try (PreparedStatement ps = c.prepareStatement("UPDATE users SET email = ?, ssn = ? WHERE id = ?")) {
                        ps.setString(1, email);
                        ps.setString(2, ssn);
                        ps.setLong(3, id);
                        if (ps.executeUpdate() == 1) {
                            committed.put(id, new Row(email, ssn));
                            updates.incrementAndGet();
                        }
                    }
                } else {
                    long nid = nextInsert++;
                    String email = "new" + nid + "@example.com";
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO users (id, email, ssn, name) VALUES (?, ?, ?, ?)")) {
                        ps.setLong(1, nid);
                        ps.setString(2, email);
                        ps.setString(3, "999-99-9999");
                        ps.setString(4, "inserted");
                        ps.executeUpdate();
                    }
                    committed.put(nid, new Row(email, "999-99-9999"));
                    inserts.incrementAndGet();
                    lookup(c, nid);
                }
            }
        } catch (Throwable e) {
            errors.add(e);
        }
    }

    /** Looks an owned row up by its current email: it must be found, with its id. */
    private void lookup(Connection c, long id) throws SQLException {
        Row expected = committed.get(id);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, ssn FROM users WHERE email = ?")) {
            ps.setString(1, expected.email());
            try (ResultSet rs = ps.executeQuery()) {
                lookups.incrementAndGet();
                if (!rs.next() || rs.getLong(1) != id || !expected.ssn().equals(rs.getString(2))) {
                    misses.incrementAndGet();
                }
            }
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
