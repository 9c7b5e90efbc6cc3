package dev.veil.benchmarks;

import dev.veil.driver.codec.ColumnCipher;
import dev.veil.driver.codec.Padding;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * The size cost and the remaining leakage of length hiding, measured: encrypts synthetic columns (fixed seed) through
 * {@link ColumnCipher} with each padding and prints, per column and padding, the mean stored {@code bytea} size, its
 * ratio to unpadded, and how many distinct stored lengths remain (what length still tells apart). Run with
 * {@code java -cp benchmarks/target/benchmarks.jar dev.veil.benchmarks.PaddingSizes [values per column]}.
 */
public final class PaddingSizes {

    private PaddingSizes() {
    }

    /** A synthetic column: a name and its value lengths in bytes. */
    private record Column(String name, IntSupplier length) {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Random random = new Random(20261202L);
        List<Column> columns = List.of(
                new Column("SSN, 11 bytes", () -> 11),
                new Column("last name, 3-20", () -> 3 + random.nextInt(18)),
                new Column("e-mail, 10-40", () -> 10 + random.nextInt(31)),
                new Column("note, 20-2000 log-uniform", () -> (int) Math.round(20 * Math.pow(100, random.nextDouble()))));
        List<String> pads = List.of("none", "16", "pow2");
        System.out.println("| column | pad | mean stored bytes | × unpadded | distinct stored lengths |");
        System.out.println("|---|---|---|---|---|");
        for (Column c : columns) {
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = c.length().getAsInt();
            }
            double unpadded = 0;
            for (String pad : pads) {
                ColumnCipher cipher = PaddingBenchmark.cipher(PaddingBenchmark.padding(pad));
                long total = 0;
                Set<Integer> distinct = new TreeSet<>();
                for (int len : lengths) {
                    int size = ((byte[]) cipher.encrypt("x".repeat(len), ColumnCipher.Storage.BINARY)).length;
                    total += size;
                    distinct.add(size);
                }
                double mean = (double) total / n;
                if (pad.equals("none")) {
                    unpadded = mean;
                }
                System.out.println(String.format(Locale.ROOT, "| %s | %s | %.1f | %.2f | %d |", c.name(),
                        pad.equals("pow2") ? "power-of-two, max 4096" : pad, mean, mean / unpadded, distinct.size()));
            }
        }
    }
}
