package dev.veil.admin.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.admin.job.TableShape.Storage;
import dev.veil.testing.TestDatabaseExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Envelopes#notUnderVersion}, the re-encryption filter, selects exactly the rows that
 * {@code keyVersion(c) <> version} selects, for text and bytea storage, on values made to sit at every edge: the
 * version's own headers with each spelling of the 13th character, Tink prefix bytes other than 1, versions one bit
 * away, values too short for a header, {@code veil1:} followed by non-base64, plaintext and NULL.
 */
class EnvelopesIT {

    private static final long[] VERSIONS = {0L, 1L, 0xffffffffL, 0x48ad5455L, 0x80000000L, 123_456_789L};

    @RegisterExtension
    static final TestDatabaseExtension DB = new TestDatabaseExtension();

    @BeforeAll
    static void setUp() throws Exception {
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE v (id serial PRIMARY KEY, t text, b bytea)");
        }
        List<byte[]> headers = new ArrayList<>();
        Random random = new Random(42);
        for (long v : VERSIONS) {
            for (int tink : new int[] {1, 0, 2}) {
                for (int next = 0; next < 256; next += 37) {
                    headers.add(header(tink, v, next, random));
                }
                for (int bit = 0; bit < 32; bit++) {
                    headers.add(header(tink, v ^ (1L << bit), random.nextInt(256), random));
                }
            }
        }
        for (int i = 0; i < 200; i++) {
            headers.add(header(1, random.nextLong() & 0xffffffffL, random.nextInt(256), random));
        }
        try (Connection c = DB.plainConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO v (t, b) VALUES (?, ?)")) {
            for (byte[] h : headers) {
                byte[] binary = new byte[2 + h.length];
                binary[0] = 'V';
                binary[1] = 1;
                System.arraycopy(h, 0, binary, 2, h.length);
                add(ps, "veil1:" + Base64.getEncoder().encodeToString(h), binary);
            }
            for (String t : new String[] {"veil1:", "veil1:AUitVF", "veil1:AUitVFX", "veil1:AUitVFXe",
                    "veil1:AUitVFX!e+DDlexLtpp", "veil1:AUi=VFXe+DDlexLtpp", "veil1:AU tVFXe+DDlexLtpp",
                    "veil2:AUitVFXe+DDlexLtpp", "VEIL1:AUitVFXe+DDlexLtpp", "ana@example.com", "", null}) {
                add(ps, t, null);
            }
            for (String hex : new String[] {"", "56", "5601", "56010148ad54", "56010148ad5455", "56020148ad545512",
                    "57010148ad545512", "414243"}) {
                add(ps, null, hex(hex));
            }
            ps.executeBatch();
        }
    }

    @Test
    void textFilterSelectsExactlyTheRowsNotUnderTheVersion() throws Exception {
        for (long v : VERSIONS) {
            assertSameRows("t", Storage.TEXT, v);
        }
    }

    @Test
    void bytesFilterSelectsExactlyTheRowsNotUnderTheVersion() throws Exception {
        for (long v : VERSIONS) {
            assertSameRows("b", Storage.BINARY, v);
        }
    }

    @Test
    void versionOutsideTheTinkKeyIdRangeIsRefused() {
        assertThatThrownBy(() -> Envelopes.notUnderVersion("t", Storage.TEXT, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Envelopes.notUnderVersion("t", Storage.TEXT, 1L << 32))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertSameRows(String column, Storage storage, long version) throws Exception {
        String old = "coalesce(" + Envelopes.keyVersion(column, storage) + " <> " + version + ", false)";
        String fast = "coalesce(" + Envelopes.notUnderVersion(column, storage, version) + ", false)";
        try (Connection c = DB.plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE " + old + "), count(*) FILTER"
                        + " (WHERE " + old + " <> " + fast + ") FROM v")) {
            rs.next();
            assertThat(rs.getLong(3)).as("rows where the filters disagree, version %d, %s", version, storage)
                    .isZero();
            assertThat(rs.getLong(2)).as("rows selected").isPositive().isLessThan(rs.getLong(1));
        }
    }

    /** A Tink output prefix ({@code tink}, key id {@code version}) and a few bytes of nonce, {@code next} first. */
    private static byte[] header(int tink, long version, int next, Random random) {
        byte[] h = new byte[5 + 1 + random.nextInt(40)];
        random.nextBytes(h);
        h[0] = (byte) tink;
        h[1] = (byte) (version >>> 24);
        h[2] = (byte) (version >>> 16);
        h[3] = (byte) (version >>> 8);
        h[4] = (byte) version;
        h[5] = (byte) next;
        return h;
    }

    private static void add(PreparedStatement ps, String text, byte[] bytes) throws Exception {
        ps.setString(1, text);
        ps.setBytes(2, bytes);
        ps.addBatch();
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
