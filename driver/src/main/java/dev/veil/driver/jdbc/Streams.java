package dev.veil.driver.jdbc;

import dev.veil.driver.error.VeilSqlState;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;

/**
 * Reads a streamed parameter bound for an encrypted column into memory: a value is encrypted whole. A length of
 * -1 reads to the end; otherwise exactly {@code length} units are read, as JDBC specifies.
 */
final class Streams {

    private Streams() {
    }

    static byte[] bytes(InputStream in, long length) throws SQLException {
        if (in == null) {
            return null;
        }
        try {
            if (length < 0) {
                return in.readAllBytes();
            }
            if (length > Integer.MAX_VALUE - 16) {
                throw VeilSqlState.VALUE_TOO_LONG.exception("a stream bound for an encrypted column must fit in memory (2 GiB)");
            }
            return in.readNBytes((int) length);
        } catch (IOException e) {
            throw VeilSqlState.STREAM_READ_FAILED.exception("reading the stream bound for an encrypted column failed", e);
        }
    }

    static String ascii(InputStream in, long length) throws SQLException {
        byte[] b = bytes(in, length);
        return b == null ? null : new String(b, StandardCharsets.US_ASCII);
    }

    static String utf8(InputStream in, long length) throws SQLException {
        byte[] b = bytes(in, length);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static String chars(Reader in, long length) throws SQLException {
        if (in == null) {
            return null;
        }
        try {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            long remaining = length < 0 ? Long.MAX_VALUE : length;
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                if (n < 0) {
                    break;
                }
                sb.append(buf, 0, n);
                remaining -= n;
            }
            return sb.toString();
        } catch (IOException e) {
            throw VeilSqlState.STREAM_READ_FAILED.exception("reading the reader bound for an encrypted column failed", e);
        }
    }

    static byte[] blob(Blob b) throws SQLException {
        return b == null ? null : b.getBytes(1, Math.toIntExact(b.length()));
    }

    static String clob(Clob c) throws SQLException {
        return c == null ? null : c.getSubString(1, Math.toIntExact(c.length()));
    }
}
