package dev.veil.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.admin.job.JobOptions;
import dev.veil.admin.job.JobResult;
import dev.veil.driver.VeilDriver;
import dev.veil.testing.VeilFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job engine walks any primary key: composite (text, int) with names that need quoting, uuid, timestamp — in
 * key order, split over workers and shards — and refuses a table without one, saying why and what to add.
 */
class KeyShapesIT {

    static VeilFixture fx;
    static VeilAdmin admin;

    @BeforeAll
    static void setUp() throws Exception {
        fx = VeilFixture.create(KeyShapesIT.class, """
                  orders:
                    card: {}
                  tokens:
                    secret: {}
                  events:
                    payload: {}
                  heap:
                    note: {}
                allow-legacy-plaintext: true
                """);
        fx.plainExecute(
                "CREATE TABLE orders (\"Region\" text, seq int, card text, PRIMARY KEY (\"Region\", seq))",
                "INSERT INTO orders SELECT r, s, 'card-' || r || '-' || s FROM unnest(ARRAY['eu', 'us', 'Ä, \"x\"',"
                        + " '']) r, generate_series(1, 700) s",
                "CREATE TABLE tokens (id uuid PRIMARY KEY, secret text)",
                "INSERT INTO tokens SELECT md5(i::text)::uuid, 'secret-' || i FROM generate_series(1, 1500) i",
                "CREATE TABLE events (at timestamptz PRIMARY KEY, payload text)",
                "INSERT INTO events SELECT timestamptz '2026-01-01' + i * interval '1 second', 'p' || i"
                        + " FROM generate_series(1, 1200) i",
                "CREATE TABLE heap (note text)",
                "INSERT INTO heap VALUES ('no key')");
        Properties p = new Properties();
        p.setProperty("veil.config", fx.configFile().toString());
        admin = VeilAdmin.open(VeilDriver.configFrom(p), fx::plain, fx.database().name());
    }

    @AfterAll
    static void tearDown() {
        admin.close();
        fx.close();
    }

    @Test
    void compositeQuotedKeyOverWorkersAndShards() throws Exception {
        JobOptions o = JobOptions.defaults().withBatchSize(37).withWorkers(3);
        JobResult first = admin.migrateEncrypt(List.of("orders.card"), o.withShard(JobOptions.Shard.parse("0/2")))
                .get(0);
        JobResult second = admin.migrateEncrypt(List.of("orders.card"), o.withShard(JobOptions.Shard.parse("1/2")))
                .get(0);
        assertThat(first.rowsChanged() + second.rowsChanged()).isEqualTo(2_800);
        assertThat(first.rowsChanged()).isBetween(1_000L, 1_800L); // the shards split the table, neither did it all
        assertThat(plaintext("orders", "card")).isZero();
        try (Connection v = fx.veil(); Statement st = v.createStatement();
                ResultSet rs = st.executeQuery("SELECT card FROM orders WHERE \"Region\" = 'Ä, \"x\"' AND seq = 9")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("card-Ä, \"x\"-9");
        }
    }

    @Test
    void uuidAndTimestampKeys() throws Exception {
        assertThat(admin.migrateEncrypt(List.of("tokens.secret"), JobOptions.defaults().withBatchSize(100)
                .withWorkers(2)).get(0).rowsChanged()).isEqualTo(1_500);
        assertThat(admin.migrateEncrypt(List.of("events.payload"), JobOptions.defaults().withBatchSize(100)
                .withWorkers(2)).get(0).rowsChanged()).isEqualTo(1_200);
        assertThat(plaintext("tokens", "secret")).isZero();
        assertThat(plaintext("events", "payload")).isZero();
    }

    @Test
    void aTableWithoutPrimaryKeyIsRefusedWithTheReason() {
        assertThatThrownBy(() -> admin.migrateEncrypt(List.of("heap.note"), JobOptions.defaults()))
                .isInstanceOf(AdminException.class)
                .satisfies(e -> assertThat(((AdminException) e).outcome()).isEqualTo(AdminException.Outcome.USAGE))
                .hasMessageContaining("needs a primary key on heap").hasMessageContaining("ADD PRIMARY KEY");
    }

    static long plaintext(String table, String column) throws Exception {
        try (Connection c = fx.plain(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM " + table + " WHERE " + column + " NOT LIKE 'veil1:%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
