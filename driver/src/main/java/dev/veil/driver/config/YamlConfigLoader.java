package dev.veil.driver.config;

import dev.veil.blindindex.Argon2idCost;
import dev.veil.driver.codec.Padding;
import dev.veil.driver.codec.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Reads a Veil YAML file ({@code veil.config}) into a {@link VeilConfig.Builder}. The loader only translates: each
 * key becomes one builder call, and {@link VeilConfig.Builder#build()} validates the result. The format is documented
 * in {@code docs/configuration.md}:
 *
 * <pre>{@code
 * master-key: aws-kms://arn:aws:kms:eu-west-1:111122223333:key/…
 * tables:
 *   patients:
 *     ssn: {}
 *     heart_rate: { type: int }
 * }</pre>
 *
 * <p>Unknown keys, values of the wrong kind, unknown type names, bad durations, unset {@code ${VARIABLES}} and YAML
 * syntax errors throw {@link dev.veil.driver.config.VeilConfigException}; every message starts with the file name and names
 * the YAML path and the fix.
 */
public final class YamlConfigLoader {

    /** One encrypted column's entry; fields are filled by {@link #COLUMN}. */
    private static final class ColumnEntry {
        ValueType type;
        String renamedFrom;
        boolean legacyPlaintext;
        Padding padding = Padding.NONE;
        List<YamlValue> indexes = List.of();
    }

    private static final YamlKeys<ColumnEntry> COLUMN = new YamlKeys<ColumnEntry>("a column entry",
            "{} or { type: int, renamed-from: people.social_security_number, blind-index: email_bidx, "
                    + "legacy-plaintext: true, pad: 16 }")
            .key("type", (v, c) -> c.type = v.valueType())
            .key("renamed-from", (v, c) -> c.renamedFrom = v.string())
            .key("legacy-plaintext", (v, c) -> c.legacyPlaintext = v.bool())
            .key("blind-index", (v, c) -> c.indexes = v.items())
            .key("pad", (v, c) -> c.padding = padding(v));

    /** The mapping form of {@code pad:}; fields are filled by {@link #PAD}. */
    private static final class PadEntry {
        Long multiple;
        String buckets;
        Long min;
        Long max;
        Padding.OverMax overMax;
    }

    private static final String PAD_FORMS = "pad: 16 (a multiple of 16 bytes) or pad: { buckets: power-of-two, "
            + "max: 4096 } (optionally min: 16, over-max: refuse | round-up)";

    private static final YamlKeys<PadEntry> PAD = new YamlKeys<PadEntry>("pad",
            "{ buckets: power-of-two, min: 16, max: 4096, over-max: refuse } or { multiple: 16 }")
            .key("multiple", (v, p) -> p.multiple = v.longValue())
            .key("buckets", (v, p) -> p.buckets = v.string())
            .key("min", (v, p) -> p.min = v.longValue())
            .key("max", (v, p) -> p.max = v.longValue())
            .key("over-max", (v, p) -> {
                p.overMax = Padding.OverMax.ofConfigName(v.string());
                if (p.overMax == null) {
                    throw v.fail("over-max '" + v.string() + "' is not known", "Write over-max: refuse (the "
                            + "default: longer values are refused) or over-max: round-up (rounded up to a multiple "
                            + "of max)");
                }
            });

    /** {@code pad: N} or its mapping form; range checks are {@link Padding}'s, reported at this value. */
    private static Padding padding(YamlValue v) {
        if (v.isNull()) {
            throw v.fail("pad has no value", "Write " + PAD_FORMS + ", or remove pad");
        }
        try {
            if (!v.isMap()) {
                return Padding.multipleOf(clamp(v.longValue()));
            }
            PadEntry p = new PadEntry();
            PAD.apply(v, p);
            if (p.multiple != null && p.buckets != null) {
                throw v.fail("pad has both multiple and buckets", "Choose one: " + PAD_FORMS);
            }
            if (p.multiple != null) {
                if (p.min != null || p.max != null || p.overMax != null) {
                    throw v.fail("min, max and over-max apply to buckets, not to multiple", "Write " + PAD_FORMS);
                }
                return Padding.multipleOf(clamp(p.multiple));
            }
            if (p.buckets == null) {
                throw v.fail("pad has neither multiple nor buckets", "Write " + PAD_FORMS);
            }
            if (!p.buckets.trim().equals("power-of-two")) {
                throw v.fail("buckets '" + p.buckets + "' is not known", "Write buckets: power-of-two");
            }
            return Padding.powerOfTwo(p.min == null ? Padding.DEFAULT_MIN : clamp(p.min),
                    p.max == null ? 0 : clamp(p.max), p.overMax == null ? Padding.OverMax.REFUSE : p.overMax);
        } catch (dev.veil.driver.config.VeilConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw v.fail(e.getMessage(), "Write " + PAD_FORMS);
        }
    }

    private static int clamp(long n) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n));
    }

    /** One blind index entry, simple (on a column) or compound (under {@code indexes:}). */
    private static final class IndexEntry {
        List<String> columns;
        String name;
        int bits;
        List<String> normalize = List.of();
        String slow;
        Argon2idCost cost;
        String domain;
    }

    private static final String NORMALIZE_EXAMPLE = "[nfkc, trim, lowercase]";

    private static final YamlKeys<int[]> ARGON2ID_COST = new YamlKeys<int[]>("argon2id-cost",
            "{ memory-kib: 19456, iterations: 2, parallelism: 1 }")
            .key("memory-kib", (v, c) -> c[0] = (int) v.longValue())
            .key("iterations", (v, c) -> c[1] = (int) v.longValue())
            .key("parallelism", (v, c) -> c[2] = (int) v.longValue());

    /** {@code argon2id-cost:}; each part left out keeps {@link Argon2idCost#PRODUCTION}'s. */
    private static Argon2idCost cost(YamlValue v) {
        Argon2idCost p = Argon2idCost.PRODUCTION;
        int[] c = {p.memoryKiB(), p.iterations(), p.parallelism()};
        ARGON2ID_COST.apply(v, c);
        try {
            return new Argon2idCost(c[0], c[1], c[2]);
        } catch (IllegalArgumentException e) {
            throw v.fail(e.getMessage(), "Write argon2id-cost: { memory-kib: 19456, iterations: 2, parallelism: 1 } "
                    + "(the production cost) or omit it");
        }
    }

    private static YamlKeys<IndexEntry> indexKeys(String what, String example) {
        return new YamlKeys<IndexEntry>(what, example)
                .key("bits", (v, i) -> i.bits = (int) v.longValue())
                .key("normalize", (v, i) -> i.normalize = v.strings(NORMALIZE_EXAMPLE))
                .key("slow", (v, i) -> i.slow = v.string())
                .key("argon2id-cost", (v, i) -> i.cost = cost(v))
                .key("domain", (v, i) -> i.domain = v.string());
    }

    private static final YamlKeys<IndexEntry> COLUMN_INDEX = indexKeys("a blind-index entry",
            "email_bidx or { name: email_bidx, bits: 32, normalize: [lowercase, trim], slow: argon2id, "
                    + "domain: person_email }")
            .key("name", (v, i) -> i.name = v.string())
            .key("column", (v, i) -> i.name = v.string());

    private static final YamlKeys<IndexEntry> TABLE_INDEX = indexKeys("a compound index entry",
            "name_dob_bidx: { columns: [last_name, birth_date], bits: 64, normalize: [lowercase] }")
            .key("columns", (v, i) -> i.columns = v.strings("[last_name, birth_date]"));

    /** What a table-level option fills: the table as written, the builder and the row binding read so far. */
    private static final class TableContext {
        final String table;
        final VeilConfig.Builder builder;
        /** {@code row-binding}: null when absent or false, empty for the primary key, else the key columns. */
        List<String> rowKey;
        YamlValue rowBinding;
        YamlValue acceptUnbound;

        TableContext(String table, VeilConfig.Builder builder) {
            this.table = table;
            this.builder = builder;
        }

        String table() {
            return table;
        }

        VeilConfig.Builder builder() {
            return builder;
        }
    }

    /**
     * Table-level keys that are not column names: {@code indexes:}, {@code row-binding:} and
     * {@code accept-unbound-values:}; every other key of a table is a column.
     */
    private static final YamlKeys<TableContext> TABLE_OPTIONS = new YamlKeys<TableContext>("a table", "{ ssn: {} }")
            .key("indexes", YamlConfigLoader::tableIndexes)
            .key("row-binding", (v, t) -> {
                t.rowBinding = v;
                if (v.isList()) {
                    t.rowKey = v.strings("[tenant_id, id]");
                    if (t.rowKey.isEmpty()) {
                        throw v.fail("row-binding of table '" + t.table + "' lists no key columns",
                                "Write row-binding: true for the table's primary key, or name the key columns: "
                                        + "row-binding: [tenant_id, id]");
                    }
                } else {
                    t.rowKey = v.bool() ? List.of() : null;
                }
            })
            .key("accept-unbound-values", (v, t) -> t.acceptUnbound = v);

    /** Hands the table's {@code row-binding} to the builder once its entries are read. */
    private static void rowBinding(TableContext t) {
        boolean accept = t.acceptUnbound != null && t.acceptUnbound.bool();
        if (t.rowKey == null) {
            if (accept) {
                throw t.acceptUnbound.fail("accept-unbound-values is set on table '" + t.table + "' without "
                        + "row-binding", "Set row-binding: true (or row-binding: [key columns]) on the table, or "
                        + "remove accept-unbound-values");
            }
            return;
        }
        t.builder.rowBinding(t.table, t.rowKey, accept, t.rowBinding.origin());
    }

    private static void tableIndexes(YamlValue indexes, TableContext table) {
        for (YamlValue entry : indexes.entries("a mapping of compound index names to their entries",
                "indexes: { name_dob_bidx: { columns: [last_name, birth_date] } }")) {
            IndexEntry index = new IndexEntry();
            if (!entry.isNull()) {
                TABLE_INDEX.apply(entry, index);
            }
            if (index.columns == null || index.columns.isEmpty()) {
                throw entry.fail("index '" + entry.key() + "' lists no columns",
                        "Write " + entry.key() + ": { columns: [last_name, birth_date] }");
            }
            table.builder().blindIndex(new dev.veil.driver.schema.BlindIndexSpec(table.table(), index.columns, entry.key(),
                    index.bits, index.normalize, index.slow, index.cost, index.domain, entry.origin()));
        }
    }

    /** Examples of the settings' groups, for messages. */
    private static final Map<String, String> GROUP_EXAMPLES = Map.of(
            "master-key-options", "{ region: eu-west-1, endpoint: http://127.0.0.1:4566, profile: prod, "
                    + "api-call-timeout: PT2S }",
            "key-cache", "{ ttl: PT5M, max-staleness: PT1H, eager: false }");

    /**
     * The top level: every setting of the catalogue ({@link VeilProperty} with {@link VeilProperty.Yaml#KEY}) at its
     * path, grouped by its first segment ({@code key-cache: { ttl: … }}), then {@code tables}.
     */
    private static final YamlKeys<VeilConfig.Builder> ROOT = root();

    private static YamlKeys<VeilConfig.Builder> root() {
        YamlKeys<VeilConfig.Builder> root = new YamlKeys<>("the Veil configuration",
                "a mapping with master-key and tables at the top level");
        Map<String, YamlKeys<VeilConfig.Builder>> groups = new LinkedHashMap<>();
        for (VeilProperty p : VeilProperty.values()) {
            if (p.yaml() != VeilProperty.Yaml.KEY) {
                continue;
            }
            BiConsumer<YamlValue, VeilConfig.Builder> handler = (v, b) -> p.apply(b, value(p, v));
            int dot = p.path().indexOf('.');
            if (dot < 0) {
                root.key(p.path(), handler);
                continue;
            }
            String group = p.path().substring(0, dot);
            groups.computeIfAbsent(group, g -> {
                YamlKeys<VeilConfig.Builder> keys = new YamlKeys<>(g, GROUP_EXAMPLES.getOrDefault(g, "a mapping"));
                root.key(g, keys::apply);
                return keys;
            }).key(p.path().substring(dot + 1), handler);
        }
        return root.key("tables", YamlConfigLoader::tables);
    }

    /** A setting's value as its kind reads it from YAML; the same grammar as the text the JDBC properties hold. */
    private static Object value(VeilProperty p, YamlValue v) {
        switch (p.kind()) {
            case BOOLEAN:
                return v.bool();
            case COUNT:
                return v.longValue();
            case DURATION:
                return v.duration();
            case LIST:
                return v.strings("[aws-kms://arn:aws:kms:…:key/old-key-id]");
            case CHOICE:
                return v.string();
            default:
                return p == VeilProperty.MASTER_KEY || p == VeilProperty.KEY_TABLE ? v.string() : v.scalar();
        }
    }

    private YamlConfigLoader() {
    }

    /**
     * Loads {@code location} into {@code into} and sets {@link VeilConfig.Builder#source} to the location.
     *
     * @param location a filesystem path (relative to the working directory), a {@code file:} URI, or
     *        {@code classpath:path/to/file.yml}
     * @param loader the class loader for {@code classpath:} locations; null for the thread's context class loader
     * @throws dev.veil.driver.config.VeilConfigException when the file is missing, malformed or holds an invalid entry
     */
    public static void load(String location, ClassLoader loader, VeilConfig.Builder into) {
        load(location, loader, into, System::getenv);
    }

    /** As {@link #load(String, ClassLoader, VeilConfig.Builder)}, with {@code ${VARIABLE}} values from {@code env}. */
    static void load(String location, ClassLoader loader, VeilConfig.Builder into, Function<String, String> env) {
        Objects.requireNonNull(into, "into");
        YamlDocument doc = YamlDocument.read(location, loader, env);
        into.source(doc.name());
        YamlValue root = doc.root();
        if (root.isNull()) {
            throw root.fail("the file is empty", "Write at least master-key and tables; see docs/configuration.md");
        }
        ROOT.apply(root, into);
    }

    private static void tables(YamlValue tables, VeilConfig.Builder into) {
        for (YamlValue table : tables.entries("a mapping of table names to their encrypted columns",
                "tables: { patients: { ssn: {}, email: {} } }")) {
            String noColumns = "table '" + table.key() + "' lists no columns";
            String listThem = "List its encrypted columns (" + table.key() + ": { ssn: {} }) or remove the table";
            if (table.isNull()) {
                throw table.fail(noColumns, listThem);
            }
            List<YamlValue> entries = table.entries("a mapping of column names to column entries",
                    table.key() + ": { ssn: {}, heart_rate: { type: int } }");
            if (entries.isEmpty()) {
                throw table.fail(noColumns, listThem);
            }
            TableContext context = new TableContext(table.key(), into);
            for (YamlValue entry : entries) {
                if (TABLE_OPTIONS.has(entry.key())) {
                    TABLE_OPTIONS.handle(entry, context);
                    continue;
                }
                ColumnEntry column = new ColumnEntry();
                if (!entry.isNull()) {
                    COLUMN.apply(entry, column);
                }
                into.column(table.key(), entry.key(), column.type, column.renamedFrom, column.padding,
                        entry.origin());
                if (column.legacyPlaintext) {
                    into.legacyPlaintext(table.key(), entry.key(), entry.origin());
                }
                for (YamlValue i : column.indexes) {
                    IndexEntry index = new IndexEntry();
                    if (i.isMap()) {
                        COLUMN_INDEX.apply(i, index);
                    } else if (!i.isNull()) {
                        index.name = i.string();
                    }
                    into.blindIndex(new dev.veil.driver.schema.BlindIndexSpec(table.key(), List.of(entry.key()), index.name,
                            index.bits, index.normalize, index.slow, index.cost, index.domain, i.origin()));
                }
            }
            rowBinding(context);
        }
    }
}
