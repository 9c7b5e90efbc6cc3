package dev.veil.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unique plaintexts ("canaries") and a byte search for them. Every canary of one search contains the same random
 * run token of decimal digits ({@code canary-<token>-<n>}), so one search for the token finds any canary, in any
 * case (digits have none) and whether the canary was trimmed, padded or upper-cased on the way. The token is what is
 * searched for, as UTF-8 bytes; a random 16-digit sequence does not occur by chance in ciphertext, its hex or its
 * base64 (chance per position 16^-16 or less).
 */
final class LeakSearch {

    /** Where a token was found: the haystack's name, the byte offset and up to 80 bytes either side. */
    record Hit(String where, long offset, String context) {
        @Override
        public String toString() {
            return where + " @" + offset + ": …" + context + "…";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CHUNK = 8 << 20;
    private static final int CONTEXT = 80;

    private final String prefix;
    private final String token;
    private final byte[] needle;
    private final AtomicInteger counter = new AtomicInteger();
    private long bytesSearched;
    private int haystacks;

    LeakSearch(String prefix) {
        this.prefix = prefix;
        this.token = String.format("%016d", Math.floorMod(RANDOM.nextLong(), 10_000_000_000_000_000L));
        this.needle = token.getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh canary: {@code <prefix>-<token>-<n>}. */
    String next() {
        return prefix + "-" + token + "-" + counter.incrementAndGet();
    }

    /** How many canaries were handed out. */
    int issued() {
        return counter.get();
    }

    String token() {
        return token;
    }

    /** Bytes and haystacks searched so far (for the report). */
    String searched() {
        return haystacks + " haystacks, " + bytesSearched + " bytes";
    }

    List<Hit> in(String where, String text) {
        return in(where, text.getBytes(StandardCharsets.UTF_8));
    }

    List<Hit> in(String where, byte[] data) {
        haystacks++;
        bytesSearched += data.length;
        return search(where, data, data.length, 0);
    }

    /**
     * Searches a file in chunks; each chunk starts with the previous one's last {@code token length - 1} bytes, too
     * few to hold a match on their own, so a match across a boundary is found once.
     */
    List<Hit> inFile(String where, Path file) throws IOException {
        List<Hit> hits = new ArrayList<>();
        haystacks++;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[needle.length - 1 + CHUNK];
            int kept = 0;
            long base = 0; // file offset of buf[0]
            while (true) {
                int n = in.readNBytes(buf, kept, CHUNK);
                if (n == 0) {
                    break;
                }
                int len = kept + n;
                hits.addAll(search(where, buf, len, base));
                bytesSearched += n;
                int keep = Math.min(needle.length - 1, len);
                System.arraycopy(buf, len - keep, buf, 0, keep);
                base += len - keep;
                kept = keep;
            }
        }
        return hits;
    }

    private List<Hit> search(String where, byte[] data, int length, long base) {
        List<Hit> hits = new ArrayList<>();
        byte first = needle[0];
        outer:
        for (int i = 0, last = length - needle.length; i <= last; i++) {
            if (data[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            int from = Math.max(0, i - CONTEXT);
            int to = Math.min(length, i + needle.length + CONTEXT);
            String context = new String(data, from, to - from, StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]",
                    "·");
            hits.add(new Hit(where, base + i, context));
        }
        return hits;
    }
}
