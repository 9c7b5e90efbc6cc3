package dev.veil.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An application process for {@link IndexKeyRotationIT}: through Veil, in a loop, looks up rows known to exist by
 * email (the seeded ones and the ones it inserted itself), inserting a new row now and then, until the stop file
 * appears; then prints {@code searches=N misses=M inserts=K} and exits. Run in a JVM of its own, so its key cache
 * refreshes on its own schedule.
 *
 * <p>Arguments: Veil URL, seeded row count, process number, stop file.
 */
public final class SearchLoop {

    private SearchLoop() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long rows = Long.parseLong(args[1]);
        int me = Integer.parseInt(args[2]);
        Path stop = Path.of(args[3]);
        long searches = 0;
        long misses = 0;
        List<Long> mine = new ArrayList<>();
        long next = 100_000_000L * (me + 1);
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                PreparedStatement find = c.prepareStatement("SELECT id FROM users WHERE email = ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO users (id, email, ssn, name) VALUES (?, ?, ?, ?)")) {
            System.out.println("ready");
            System.out.flush();
            while (!Files.exists(stop)) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long id;
                if (r.nextInt(20) == 0) {
                    id = next++;
                    insert.setLong(1, id);
                    insert.setString(2, email(id));
                    insert.setString(3, "000-00-0000");
                    insert.setString(4, "p" + me);
                    insert.executeUpdate();
                    mine.add(id);
                } else if (!mine.isEmpty() && r.nextBoolean()) {
                    id = mine.get(r.nextInt(mine.size()));
                } else {
                    id = 1 + r.nextLong(rows);
                }
                find.setString(1, email(id));
                try (ResultSet rs = find.executeQuery()) {
                    searches++;
                    if (!rs.next() || rs.getLong(1) != id) {
                        if (++misses <= 20) {
                            System.out.println("miss " + id);
                        }
                    }
                }
            }
        }
        System.out.println("searches=" + searches + " misses=" + misses + " inserts=" + mine.size());
    }

    static String email(long id) {
        return "user" + id + "@example.com";
    }
}
