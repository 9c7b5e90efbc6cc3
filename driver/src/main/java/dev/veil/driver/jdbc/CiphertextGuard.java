package dev.veil.driver.jdbc;

import dev.veil.driver.codec.Envelope;
import dev.veil.driver.error.VeilSqlState;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;

/**
 * The read-side backstop: a value Veil hands out from a column it does not decrypt must not be Veil ciphertext.
 * A view or function created outside Veil is unknown until the next catalog read, and a copy of an encrypted column
 * ({@code CREATE TABLE … AS SELECT}, dynamic SQL) is never known; their values would otherwise reach the application
 * as if they were data. A value with the shape of an envelope ({@link Envelope}) is refused with
 * {@link VeilSqlState#CIPHERTEXT_FROM_UNKNOWN_SOURCE}, naming the result column, and the catalog is read again
 * before the next statement is planned, so a retry over a new view decrypts.
 *
 * <p>Cost on the fast path: one null check and one length comparison per value (a text shorter than 41
 * characters, bytes shorter than 35), then one character or byte comparison; for {@code getObject} of a number,
 * boolean or date, a few class comparisons. See {@code docs/what-veil-sees.md}
 * §10.
 */
final class CiphertextGuard {

    private CiphertextGuard() {
    }

    /** Where a value came from, for the refusal: a result column or an out-parameter. */
    interface Source {
        /** The column label or parameter name; never the value. */
        String describe(int index);

        /** The connection whose runtime must re-read the catalog, or null. */
        DelegatingConnection connection();
    }

    static String text(Source source, int index, String s) throws SQLException {
        if (s != null && s.length() >= Envelope.MIN_STRING && Envelope.isText(s)) {
            throw refuse(source, index);
        }
        return s;
    }

    static byte[] bytes(Source source, int index, byte[] b) throws SQLException {
        if (b != null && b.length >= Envelope.MIN_BINARY && Envelope.isBinary(b)) {
            throw refuse(source, index);
        }
        return b;
    }

    /**
     * A value of {@code getObject}: checked when it is text, bytes or a LOB (what can hold an envelope whole).
     * Numbers, booleans and dates leave after class checks that cost a comparison each: {@code instanceof} of an
     * interface ({@link Blob}, {@link Clob}) that a value's class does not implement walks the class's list of
     * interfaces on every call (HotSpot caches hits only), and a {@code bigint} key read with {@code getObject} on
     * every row made that walk the largest single cost of reading a result through Veil.
     */
    static <T> T object(Source source, int index, T v) throws SQLException {
        if (v instanceof String) {
            text(source, index, (String) v);
        } else if (v instanceof byte[]) {
            bytes(source, index, (byte[]) v);
        } else if (v == null || v instanceof Number || v instanceof Boolean || v instanceof java.util.Date) {
            return v;
        } else if (v instanceof Blob) {
            blob(source, index, (Blob) v);
        } else if (v instanceof Clob) {
            clob(source, index, (Clob) v);
        }
        return v;
    }

    static <T extends Blob> T blob(Source source, int index, T b) throws SQLException {
        if (b != null && b.length() >= Envelope.MIN_BINARY && Envelope.isBinary(b.getBytes(1, Envelope.MIN_BINARY))) {
            throw refuse(source, index);
        }
        return b;
    }

    static <T extends Clob> T clob(Source source, int index, T c) throws SQLException {
        if (c != null && c.length() >= Envelope.MIN_TEXT
                && Envelope.startsLikeText(c.getSubString(1, Envelope.MIN_TEXT))) {
            throw refuse(source, index);
        }
        return c;
    }

    /** A byte stream, its first bytes looked at and pushed back; {@code ascii}: a text column's bytes. */
    static InputStream stream(Source source, int index, InputStream in, boolean ascii) throws SQLException {
        if (in == null) {
            return null;
        }
        int want = ascii ? Envelope.MIN_TEXT : Envelope.MIN_BINARY;
        PushbackInputStream p = new PushbackInputStream(in, want);
        byte[] head = new byte[want];
        int n = 0;
        try {
            while (n < want) {
                int r = p.read(head, n, want - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            p.unread(head, 0, n);
        } catch (IOException e) {
            throw VeilSqlState.STREAM_READ_FAILED.exception("reading the result stream of " + source.describe(index)
                    + " failed: " + e.getMessage(), e);
        }
        boolean envelope = ascii ? n == want && Envelope.startsLikeText(new String(head, 0, n,
                StandardCharsets.ISO_8859_1)) : Envelope.isBinary(head, n);
        if (envelope) {
            throw refuse(source, index);
        }
        return p;
    }

    static Reader reader(Source source, int index, Reader in) throws SQLException {
        if (in == null) {
            return null;
        }
        int want = Envelope.MIN_TEXT;
        PushbackReader p = new PushbackReader(in, want);
        char[] head = new char[want];
        int n = 0;
        try {
            while (n < want) {
                int r = p.read(head, n, want - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            p.unread(head, 0, n);
        } catch (IOException e) {
            throw VeilSqlState.STREAM_READ_FAILED.exception("reading the result stream of " + source.describe(index)
                    + " failed: " + e.getMessage(), e);
        }
        if (n == want && Envelope.startsLikeText(java.nio.CharBuffer.wrap(head))) {
            throw refuse(source, index);
        }
        return p;
    }

    private static SQLException refuse(Source source, int index) {
        DelegatingConnection c = source.connection();
        if (c instanceof VeilConnection) {
            ((VeilConnection) c).runtime().catalogMayBeStale();
        }
        String where = source.describe(index);
        return VeilSqlState.CIPHERTEXT_FROM_UNKNOWN_SOURCE.exception("Veil refused to hand out " + where + ": the "
                + "result holds Veil ciphertext from a relation Veil does not know yet — a view or function created "
                + "outside Veil, or a copy of an encrypted column (CREATE TABLE … AS SELECT, dynamic SQL in a "
                + "function). Veil re-reads the catalog before the next statement: retry it (prepare it again), "
                + "and a view created since the last read decrypts; a copy of an encrypted column never does — "
                + "query the encrypted table instead, or drop the copy");
    }
}
