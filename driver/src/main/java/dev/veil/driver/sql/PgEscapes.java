package dev.veil.driver.sql;

import dev.veil.driver.sql.PgLexer.LexException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * PostgreSQL's escapes inside string constants, as the server decodes them: the backslash escapes of
 * {@code E'…'} strings (octal and hex bytes, backslash-u and backslash-U code points, decoded as strict UTF-8) and the
 * Unicode escapes of {@code U&'…'} strings and {@code U&"…"} identifiers. A value the server would reject is a
 * {@link LexException}. Used by {@link PgLexer}.
 */
final class PgEscapes {

    private PgEscapes() {
    }

    /** Appends one character: to {@code value}, or as UTF-8 to {@code bytes} when decoding an escape string. */
    static void add(StringBuilder value, ByteArrayOutputStream bytes, char c) {
        if (bytes == null) {
            value.append(c);
        } else {
            byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            bytes.write(b, 0, b.length);
        }
    }

    /** Appends the character at {@code i} (both halves of a surrogate pair); returns the index after it. */
    static int append(String sql, int i, StringBuilder value, ByteArrayOutputStream bytes) {
        char c = sql.charAt(i);
        if (bytes != null && Character.isHighSurrogate(c) && i + 1 < sql.length()
                && Character.isLowSurrogate(sql.charAt(i + 1))) {
            byte[] b = sql.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
            bytes.write(b, 0, b.length);
            return i + 2;
        }
        add(value, bytes, c);
        return i + 1;
    }

    /** One backslash escape of an {@code E'…'} string at {@code i}; returns the index after it. */
    static int escape(String sql, int i, ByteArrayOutputStream bytes) throws LexException {
        int n = sql.length();
        if (i + 1 >= n) {
            throw new LexException("unterminated quoted string", i);
        }
        char e = sql.charAt(i + 1);
        switch (e) {
            case 'b': bytes.write('\b'); return i + 2;
            case 'f': bytes.write('\f'); return i + 2;
            case 'n': bytes.write('\n'); return i + 2;
            case 'r': bytes.write('\r'); return i + 2;
            case 't': bytes.write('\t'); return i + 2;
            case 'x': {
                int j = i + 2;
                int v = 0;
                while (j < n && j < i + 4 && Character.digit(sql.charAt(j), 16) >= 0) {
                    v = v * 16 + Character.digit(sql.charAt(j), 16);
                    j++;
                }
                if (j == i + 2) {
                    bytes.write('x');
                    return i + 2;
                }
                writeByte(bytes, v, i);
                return j;
            }
            case 'u': case 'U': {
                int digits = e == 'u' ? 4 : 8;
                int cp = hex(sql, i + 2, digits);
                if (cp < 0) {
                    throw new LexException("invalid Unicode escape", i);
                }
                int j = i + 2 + digits;
                if (Character.isHighSurrogate((char) cp) && cp <= 0xFFFF) {
                    if (j + 1 < n && sql.charAt(j) == '\\' && sql.charAt(j + 1) == 'u') {
                        int low = hex(sql, j + 2, 4);
                        if (low >= 0 && Character.isLowSurrogate((char) low)) {
                            writeCodePoint(bytes, Character.toCodePoint((char) cp, (char) low), i);
                            return j + 6;
                        }
                    }
                    throw new LexException("invalid Unicode surrogate pair", i);
                }
                writeCodePoint(bytes, cp, i);
                return j;
            }
            default:
                if (e >= '0' && e <= '7') {
                    int j = i + 1;
                    int v = 0;
                    while (j < n && j < i + 4 && sql.charAt(j) >= '0' && sql.charAt(j) <= '7') {
                        v = v * 8 + (sql.charAt(j) - '0');
                        j++;
                    }
                    writeByte(bytes, v & 0xFF, i);
                    return j;
                }
                return append(sql, i + 1, null, bytes);
        }
    }

    private static void writeByte(ByteArrayOutputStream bytes, int v, int at) throws LexException {
        if (v == 0) {
            throw new LexException("a zero byte in a string", at);
        }
        bytes.write(v);
    }

    private static void writeCodePoint(ByteArrayOutputStream bytes, int cp, int at) throws LexException {
        if (cp <= 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw new LexException("invalid Unicode escape value", at);
        }
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
    }

    private static int hex(String sql, int from, int digits) {
        return from + digits > sql.length() ? -1 : hexOf(sql, from, digits);
    }

    /** The bytes of an escape string as the server decodes them (UTF-8, strictly). */
    static String utf8(ByteArrayOutputStream bytes, int at) throws LexException {
        byte[] raw = bytes.toByteArray();
        return decodeStrict(raw, 0, raw.length, at);
    }

    private static String decodeStrict(byte[] raw, int from, int to, int at) throws LexException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new LexException("invalid byte sequence for encoding UTF8", at);
        }
    }

    /** The value of a {@code U&'…'} string or {@code U&"…"} identifier body with escape character {@code esc}. */
    static String decodeUnicode(String s, char esc, int at) throws LexException {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != esc) {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < s.length() && s.charAt(i + 1) == esc) {
                out.append(esc);
                i += 2;
                continue;
            }
            int digits = i + 1 < s.length() && s.charAt(i + 1) == '+' ? 6 : 4;
            int from = digits == 6 ? i + 2 : i + 1;
            if (from + digits > s.length()) {
                throw new LexException("invalid Unicode escape", at);
            }
            int cp = hexOf(s, from, digits);
            if (cp < 0) {
                throw new LexException("invalid Unicode escape", at);
            }
            i = from + digits;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                // a high surrogate must be followed by an escaped low surrogate
                if (i < s.length() && s.charAt(i) == esc) {
                    int f2 = i + 1 < s.length() && s.charAt(i + 1) == '+' ? i + 2 : i + 1;
                    int d2 = f2 == i + 2 ? 6 : 4;
                    int low = f2 + d2 <= s.length() ? hexOf(s, f2, d2) : -1;
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        out.appendCodePoint(Character.toCodePoint((char) cp, (char) low));
                        i = f2 + d2;
                        continue;
                    }
                }
                throw new LexException("invalid Unicode surrogate pair", at);
            }
            if (cp == 0 || cp > Character.MAX_CODE_POINT || (cp >= 0xDC00 && cp <= 0xDFFF)) {
                throw new LexException("invalid Unicode escape value", at);
            }
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    private static int hexOf(String s, int from, int digits) {
        int v = 0;
        for (int k = from; k < from + digits; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
