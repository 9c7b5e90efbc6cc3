package dev.veil.driver.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which names a misspelling of a configured name may be: the same letters in another case, a plural or singular
 * form, or an edit distance of one for names of three letters or more (two from six letters). For did-you-mean hints and for
 * recognising a table the configuration probably meant.
 */
final class NearMiss {

    private NearMiss() {
    }

    /** Whether {@code candidate} (a different name) is a probable misspelling of {@code configured}, or vice versa. */
    static boolean near(String configured, String candidate) {
        if (configured.equals(candidate)) {
            return false;
        }
        String a = configured.toLowerCase(Locale.ROOT);
        String b = candidate.toLowerCase(Locale.ROOT);
        if (a.equals(b) || plural(a, b) || plural(b, a)) {
            return true;
        }
        int shorter = Math.min(a.length(), b.length());
        if (shorter < 3) {
            return false;
        }
        int max = shorter >= 6 ? 2 : 1;
        return Math.abs(a.length() - b.length()) <= max && distance(a, b) <= max;
    }

    private static boolean plural(String one, String many) {
        return many.equals(one + "s") || many.equals(one + "es")
                || one.endsWith("y") && many.equals(one.substring(0, one.length() - 1) + "ies");
    }

    /** The names of {@code names} near {@code wanted}, closest first. */
    static List<String> closest(String wanted, Collection<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (near(wanted, n)) {
                out.add(n);
            }
        }
        String w = wanted.toLowerCase(Locale.ROOT);
        out.sort(Comparator.comparingInt(n -> distance(w, n.toLowerCase(Locale.ROOT))));
        return out;
    }

    /** Levenshtein distance, with a transposition counting as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
