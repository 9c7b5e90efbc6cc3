package dev.veil.blindindex;

import dev.veil.key.KeyScope;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one blind index is: the table, the index name, the source column(s) with their normalizers, the output
 * length, the slow mode and the join domain. Immutable; built by {@link #builder()}, which validates everything
 * in {@link Builder#build()}. YAML ({@code blind-index: email_bidx} or
 * {@code {column, bits, normalize, slow, domain}}), the {@code @BlindIndex}/{@code @CompoundBlindIndex}
 * annotations and the Spring properties all map onto this one model.
 *
 * <p>Everything here except the table and the index name of a domain index is part of what the index values
 * are: changing the source columns' order, the bits, a normalizer, the slow mode or the domain makes the stored
 * values unreachable until they are rebuilt. See {@code docs/blind-index.md}.
 */
public final class BlindIndexDefinition {

    /** Default output length: the whole HMAC-SHA256 output. */
    public static final int DEFAULT_BITS = 256;
    /** Smallest accepted output length. */
    public static final int MIN_BITS = 1;
    /** Largest accepted output length (the PRF's and Argon2id's output size here). */
    public static final int MAX_BITS = 256;
    /**
     * From this length on an index is {@linkplain #exact() exact}: among 2^40 distinct values the chance that
     * any two share an index value is about 2^-49, and a single lookup's false-positive chance is below 2^-88.
     */
    public static final int EXACT_BITS = 128;
    /** Most source columns in one compound index. */
    public static final int MAX_COLUMNS = 16;
    /**
     * The pseudo table of a join domain's key scope ({@code KeyScope.blindIndex(JOIN_DOMAIN_TABLE, domain)}).
     * A configured table may not have this name.
     */
    public static final String JOIN_DOMAIN_TABLE = "veil:join-domain";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** Whose name the PRF input carries: byte values are part of the format. */
    enum LabelKind {
        INDEX(0x01), DOMAIN(0x02);

        final int code;

        LabelKind(int code) {
            this.code = code;
        }
    }

    private final String table;
    private final String name;
    private final List<SourceColumn> columns;
    private final int bits;
    private final Argon2idCost slowHash;
    private final String domain;

    private BlindIndexDefinition(String table, String name, List<SourceColumn> columns, int bits,
            Argon2idCost slowHash, String domain) {
        this.table = table;
        this.name = name;
        this.columns = List.copyOf(columns);
        this.bits = bits;
        this.slowHash = slowHash;
        this.domain = domain;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The table holding the source columns and the companion column, e.g. {@code public.patients}. */
    public String table() {
        return table;
    }

    /** The index name, which is also the companion column's name, e.g. {@code email_bidx}. */
    public String name() {
        return name;
    }

    /** The source columns in index order (one for a simple index). */
    public List<SourceColumn> columns() {
        return columns;
    }

    /** The source column names in index order. */
    public List<String> columnNames() {
        return columns.stream().map(SourceColumn::name).collect(Collectors.toList());
    }

    /** Whether the index covers more than one column. */
    public boolean compound() {
        return columns.size() > 1;
    }

    /** Output length in bits. */
    public int bits() {
        return bits;
    }

    /** Length of an index value in bytes: {@code ceil(bits / 8)}; unused low bits of the last byte are zero. */
    public int outputBytes() {
        return (bits + 7) / 8;
    }

    /**
     * Whether equal index values mean equal (normalized) values for all practical purposes: {@code bits >=}
     * {@value #EXACT_BITS}. When false the index is <em>truncated</em>: a lookup returns false positives (on
     * average {@code otherRows / 2^bits}) and the driver must decrypt and compare the candidates.
     */
    public boolean exact() {
        return bits >= EXACT_BITS;
    }

    /**
     * Whether a normalizer applies to some column. Then index equality is equality of the normalized values
     * ({@code "Alice"} matches {@code "alice"} under {@code lowercase}); a query that needs SQL's exact
     * comparison must compare the decrypted candidates too.
     */
    public boolean normalizes() {
        return columns.stream().anyMatch(c -> !c.normalizers().isEmpty());
    }

    /** The Argon2id cost when the index uses the slow mode; empty for the fast keyed hash. */
    public Optional<Argon2idCost> slowHash() {
        return Optional.ofNullable(slowHash);
    }

    /** The join domain whose key and label this index shares; empty when the index has its own key. */
    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    /**
     * The data key of this index: {@code blindIndex(table, name)}, or for a join domain
     * {@code blindIndex(}{@value #JOIN_DOMAIN_TABLE}{@code , domain)} so every column of the domain uses the same key.
     */
    public KeyScope keyScope() {
        return domain == null ? KeyScope.blindIndex(table, name) : KeyScope.blindIndex(JOIN_DOMAIN_TABLE, domain);
    }

    LabelKind labelKind() {
        return domain == null ? LabelKind.INDEX : LabelKind.DOMAIN;
    }

    /** The name the PRF input carries: the index name, or the domain name for a domain index. */
    String label() {
        return domain == null ? name : domain;
    }

    /** {@code public.patients.email_bidx} for messages. */
    String where() {
        return table + "." + name;
    }

    /**
     * Checks that every join domain is used consistently: the indexes sharing a domain must agree on bits, slow
     * mode, number of columns and each column's normalizers, or equal values would not give equal index values.
     *
     * @throws IllegalArgumentException naming the domain, both indexes and the first difference
     */
    public static void checkJoinDomains(Collection<BlindIndexDefinition> definitions) {
        Map<String, BlindIndexDefinition> first = new LinkedHashMap<>();
        for (BlindIndexDefinition d : definitions) {
            if (d.domain == null) {
                continue;
            }
            BlindIndexDefinition f = first.putIfAbsent(d.domain, d);
            if (f == null) {
                continue;
            }
            String difference = f.joinDifference(d);
            if (difference != null) {
                throw new IllegalArgumentException("join domain " + d.domain + ": " + f.where() + " and " + d.where()
                        + " differ in " + difference + "; every index of a domain needs the same bits, slow mode, "
                        + "number of columns and normalizers");
            }
        }
    }

    private String joinDifference(BlindIndexDefinition o) {
        if (bits != o.bits) {
            return "bits (" + bits + " vs " + o.bits + ")";
        }
        if (!Objects.equals(slowHash, o.slowHash)) {
            return "slow mode (" + slowName() + " vs " + o.slowName() + ")";
        }
        if (columns.size() != o.columns.size()) {
            return "number of columns (" + columns.size() + " vs " + o.columns.size() + ")";
        }
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.get(i).normalizerNames().equals(o.columns.get(i).normalizerNames())) {
                return "normalizers of part " + (i + 1) + " (" + columns.get(i).normalizerNames() + " vs "
                        + o.columns.get(i).normalizerNames() + ")";
            }
        }
        return null;
    }

    private String slowName() {
        return slowHash == null ? "none" : slowHash.toString();
    }

    /**
     * {@code public.patients.email_bidx(email[trim, lowercase]) bits=256 exact, fast, domain=person_email};
     * no key material.
     */
    @Override
    public String toString() {
        return where() + columns + " bits=" + bits + (exact() ? " exact" : " truncated") + ", "
                + (slowHash == null ? "fast" : slowHash.toString()) + (domain == null ? "" : ", domain=" + domain);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BlindIndexDefinition)) {
            return false;
        }
        BlindIndexDefinition d = (BlindIndexDefinition) o;
        return bits == d.bits && table.equals(d.table) && name.equals(d.name) && Objects.equals(domain, d.domain)
                && Objects.equals(slowHash, d.slowHash) && columns.toString().equals(d.columns.toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, name, columns.toString(), bits, slowHash, domain);
    }

    /**
     * Collects a definition; nothing is checked until {@link #build()}. Setters replace earlier values, except
     * {@link #column(String, String...)} which appends a part.
     */
    public static final class Builder {
        private String table;
        private String name;
        private final List<String> columnNames = new ArrayList<>();
        private final List<List<Object>> columnNormalizers = new ArrayList<>();
        private Integer bits;
        private List<Object> normalizers = List.of();
        private String slow;
        private Argon2idCost cost;
        private int[] rawCost;
        private String domain;
        private NormalizerRegistry registry;

        private Builder() {
        }

        /** The table, as the driver names it in key scopes, e.g. {@code public.patients}. Required. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** The index (and companion column) name; default {@code <column>_bidx}, for a compound index the column names joined by {@code _} plus {@code _bidx}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Appends a source column. With normalizer names, those apply to this column instead of the index-wide
         * {@link #normalize(String...)} list; without, the index-wide list applies.
         */
        public Builder column(String column, String... normalizers) {
            columnNames.add(column);
            columnNormalizers.add(normalizers == null || normalizers.length == 0 ? null : List.of((Object[]) normalizers));
            return this;
        }

        /** Appends a source column with its own normalizer instances (see {@link #column(String, String...)}). */
        public Builder column(String column, List<? extends Normalizer> normalizers) {
            columnNames.add(column);
            columnNormalizers.add(normalizers == null || normalizers.isEmpty() ? null : List.copyOf(normalizers));
            return this;
        }

        /** Appends several source columns (a compound index), in index order. */
        public Builder columns(String... columns) {
            for (String c : columns) {
                column(c);
            }
            return this;
        }

        /** Output length in bits, {@value BlindIndexDefinition#MIN_BITS}..{@value BlindIndexDefinition#MAX_BITS}; default {@value BlindIndexDefinition#DEFAULT_BITS}. {@code 0} means the default (as in {@code @BlindIndex(bits = 0)}). */
        public Builder bits(int bits) {
            this.bits = bits == 0 ? null : bits;
            return this;
        }

        /** Index-wide normalizers by name, applied in this order to every text part; resolved in {@link #build()}. */
        public Builder normalize(String... names) {
            this.normalizers = names == null ? List.of() : List.of((Object[]) names);
            return this;
        }

        /** Index-wide normalizer instances, applied in this order to every text part. */
        public Builder normalize(List<? extends Normalizer> normalizers) {
            this.normalizers = normalizers == null ? List.of() : List.copyOf(normalizers);
            return this;
        }

        /** Where normalizer names are resolved; default {@link NormalizerRegistry#standard()}. */
        public Builder normalizers(NormalizerRegistry registry) {
            this.registry = registry;
            return this;
        }

        /**
         * The slow mode by configuration name: {@code none} (or empty or {@code null}) for the fast keyed hash,
         * {@code argon2id} for Argon2id with {@link Argon2idCost#PRODUCTION} unless a cost is set.
         */
        public Builder slow(String mode) {
            this.slow = mode;
            return this;
        }

        /** Argon2id slow mode with the production cost. */
        public Builder argon2id() {
            return slow("argon2id");
        }

        /** Argon2id slow mode with this cost (e.g. {@link Argon2idCost#INSECURE_FOR_TESTS} in a test suite). */
        public Builder argon2id(Argon2idCost cost) {
            this.cost = Objects.requireNonNull(cost, "cost");
            this.rawCost = null;
            return slow("argon2id");
        }

        /** Argon2id slow mode with this cost, validated in {@link #build()}. */
        public Builder argon2id(int memoryKiB, int iterations, int parallelism) {
            this.rawCost = new int[] {memoryKiB, iterations, parallelism};
            this.cost = null;
            return slow("argon2id");
        }

        /** The fast keyed hash (the default). */
        public Builder fast() {
            this.cost = null;
            this.rawCost = null;
            return slow("none");
        }

        /**
         * A join domain: every index with the same domain uses the domain's key and label, so equal values give
         * equal index values across columns and tables ({@code a.email = b.email} via the companion columns).
         * {@code null} or empty for none.
         */
        public Builder domain(String domain) {
            this.domain = domain == null || domain.isEmpty() ? null : domain;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the index, the bad value and the allowed range
         */
        public BlindIndexDefinition build() {
            String cols = String.join(", ", columnNames.stream().map(String::valueOf).collect(Collectors.toList()));
            String subject = "blind index " + (name != null ? (table == null ? "" : table + ".") + name
                    : "on " + (table == null ? "" : table) + (cols.isEmpty() ? "" : "(" + cols + ")"));
            if (table == null || table.isBlank()) {
                throw new IllegalArgumentException(subject + ": table is missing; set the table of the source columns, "
                        + "e.g. public.patients");
            }
            if (table.equals(JOIN_DOMAIN_TABLE)) {
                throw new IllegalArgumentException(subject + ": table '" + table + "' is reserved for join-domain keys");
            }
            if (columnNames.isEmpty()) {
                throw new IllegalArgumentException(subject + ": no source column; add column(...)");
            }
            if (columnNames.size() > MAX_COLUMNS) {
                throw new IllegalArgumentException(subject + ": " + columnNames.size() + " source columns; allowed 1.."
                        + MAX_COLUMNS);
            }
            Set<String> seen = new HashSet<>();
            for (String c : columnNames) {
                if (c == null || c.isBlank()) {
                    throw new IllegalArgumentException(subject + ": a source column name is empty");
                }
                if (!seen.add(c)) {
                    throw new IllegalArgumentException(subject + ": column '" + c + "' is listed twice");
                }
            }
            String indexName = name != null ? name : String.join("_", columnNames) + "_bidx";
            subject = "blind index " + table + "." + indexName;
            if (!IDENTIFIER.matcher(indexName).matches()) {
                throw new IllegalArgumentException(subject + ": name '" + indexName + "' is not allowed; use 1..63 "
                        + "letters, digits and '_', not starting with a digit" + (name == null ? " (set name(...))" : ""));
            }
            int b = bits == null ? DEFAULT_BITS : bits;
            if (b < MIN_BITS || b > MAX_BITS) {
                throw new IllegalArgumentException(subject + ": bits " + b + " is out of range " + MIN_BITS + ".."
                        + MAX_BITS + " (" + EXACT_BITS + " and more is exact; fewer is truncated)");
            }
            NormalizerRegistry reg = registry != null ? registry : NormalizerRegistry.standard();
            List<Normalizer> common = resolve(subject, normalizers, reg);
            List<SourceColumn> parts = new ArrayList<>();
            for (int i = 0; i < columnNames.size(); i++) {
                List<Object> own = columnNormalizers.get(i);
                parts.add(new SourceColumn(columnNames.get(i), own == null ? common : resolve(subject, own, reg)));
            }
            Argon2idCost slowHash = slowHash(subject);
            if (domain != null && !IDENTIFIER.matcher(domain).matches()) {
                throw new IllegalArgumentException(subject + ": domain '" + domain + "' is not allowed; use 1..63 "
                        + "letters, digits and '_', not starting with a digit");
            }
            return new BlindIndexDefinition(table, indexName, parts, b, slowHash, domain);
        }

        private Argon2idCost slowHash(String subject) {
            String mode = slow == null ? "" : slow.trim().toLowerCase(java.util.Locale.ROOT);
            switch (mode) {
                case "":
                case "none":
                    return null;
                case "argon2id":
                    if (cost != null) {
                        return cost;
                    }
                    if (rawCost != null) {
                        String problem = Argon2idCost.problem(rawCost[0], rawCost[1], rawCost[2]);
                        if (problem != null) {
                            throw new IllegalArgumentException(subject + ": argon2id " + problem);
                        }
                        return new Argon2idCost(rawCost[0], rawCost[1], rawCost[2]);
                    }
                    return Argon2idCost.PRODUCTION;
                default:
                    throw new IllegalArgumentException(subject + ": slow mode '" + slow + "' is not known; allowed: "
                            + "none, argon2id");
            }
        }

        private static List<Normalizer> resolve(String subject, List<Object> specs, NormalizerRegistry reg) {
            List<Normalizer> out = new ArrayList<>();
            for (Object spec : specs) {
                if (spec instanceof Normalizer) {
                    out.add((Normalizer) spec);
                } else if (spec instanceof String) {
                    String n = ((String) spec).trim();
                    out.add(reg.find(n).orElseThrow(() -> new IllegalArgumentException(subject + ": normalizer '" + n
                            + "' is not known; known: " + reg.names() + " (custom normalizers: "
                            + "META-INF/services/dev.veil.blindindex.Normalizer or NormalizerRegistry.builder())")));
                } else {
                    throw new IllegalArgumentException(subject + ": a normalizer is null");
                }
            }
            return out;
        }
    }
}
