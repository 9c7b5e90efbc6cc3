package dev.veil.driver.config;

import dev.veil.blindindex.BlindIndexDefinition;
import dev.veil.driver.schema.BlindIndexSpec;
import dev.veil.driver.schema.ConfiguredIndex;
import dev.veil.driver.schema.EncryptedColumn;
import dev.veil.driver.schema.Identifiers;
import dev.veil.driver.schema.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The blind-index rules of {@link VeilConfig.Builder#build()}: valid names, at least one encrypted source column,
 * no name used twice with different definitions or shared with a column, join domains that agree.
 */
final class IndexRules {

    private IndexRules() {
    }

    static List<ConfiguredIndex> indexes(List<BlindIndexSpec> indexSpecs, String source,
            List<EncryptedColumn> columns) {
        List<ConfiguredIndex> out = new ArrayList<>();
        Map<String, ConfiguredIndex> byName = new LinkedHashMap<>();
        for (BlindIndexSpec s : indexSpecs) {
            String origin = s.origin() == null ? source : s.origin();
            ConfiguredIndex index = index(s, origin, columns);
            String key = index.qualified();
            ConfiguredIndex earlier = byName.get(key);
            if (earlier != null) {
                if (!earlier.definition().equals(index.definition())) {
                    throw new VeilConfigException("conflicting configuration for blind index " + key + ": "
                            + earlier.origin() + " says " + earlier.definition() + ", " + origin + " says "
                            + index.definition() + ". Make both declarations agree or remove one");
                }
                continue;
            }
            for (EncryptedColumn c : columns) {
                if (c.table().equals(index.table()) && c.name().equals(index.name())) {
                    throw new VeilConfigException(origin + ": blind index " + key + " has the name of encrypted "
                            + "column " + c.qualified() + "; the companion column needs a name of its own");
                }
            }
            for (ConfiguredIndex other : out) {
                if (other.table().equals(index.table()) && other.columns().contains(index.name())) {
                    throw new VeilConfigException(origin + ": blind index " + key + " is named like a source "
                            + "column of " + other.qualified() + "; choose another name");
                }
            }
            byName.put(key, index);
            out.add(index);
        }
        try {
            BlindIndexDefinition.checkJoinDomains(
                    out.stream().map(ConfiguredIndex::definition).toList());
        } catch (IllegalArgumentException e) {
            throw new VeilConfigException(source + ": " + e.getMessage());
        }
        Map<String, EncryptedColumn> domainTypes = new LinkedHashMap<>();
        for (ConfiguredIndex i : out) {
            if (i.definition().domain().isEmpty()) {
                continue;
            }
            for (int p = 0; p < i.columns().size(); p++) {
                EncryptedColumn c = encrypted(columns, i.table(), i.columns().get(p));
                String key = i.definition().domain().get() + "#" + p;
                EncryptedColumn first = domainTypes.putIfAbsent(key, c);
                if (first != null && c != null && first.type() != null && c.type() != null
                        && first.type() != c.type()) {
                    throw new VeilConfigException(i.origin() + ": join domain " + i.definition().domain().get()
                            + " compares " + first.qualified() + " (" + first.type().configName() + ") with "
                            + c.qualified() + " (" + c.type().configName() + "); the columns of a domain need "
                            + "the same type");
                }
            }
        }
        return out;
    }

    private static EncryptedColumn encrypted(List<EncryptedColumn> columns, TableName table, String column) {
        for (EncryptedColumn c : columns) {
            if (c.table().equals(table) && c.name().equals(column)) {
                return c;
            }
        }
        return null;
    }

    private static ConfiguredIndex index(BlindIndexSpec s, String origin, List<EncryptedColumn> columns) {
        if (s.table() == null || s.table().isBlank()) {
            throw new VeilConfigException(origin + ": a blind index has no table name");
        }
        TableName t;
        try {
            t = TableName.parse(s.table());
        } catch (RuntimeException e) {
            throw new VeilConfigException(origin + ": '" + s.table() + "' is not a valid table name");
        }
        if (s.columns().isEmpty()) {
            throw new VeilConfigException(origin + ": blind index on table " + t + " lists no columns; name the "
                    + "source column(s), e.g. columns: [last_name, birth_date]");
        }
        BlindIndexDefinition.Builder b = BlindIndexDefinition.builder()
                .table(t.qualified());
        List<String> canonical = new ArrayList<>();
        for (String c : s.columns()) {
            String[] parts = c == null ? new String[0] : Identifiers.split(c);
            if (parts.length != 1 || parts[0].isEmpty()) {
                throw new VeilConfigException(origin + ": '" + c + "' in a blind index of table " + t
                        + " is not a valid column name");
            }
            canonical.add(parts[0]);
            b.column(parts[0]);
        }
        if (s.name() != null && !s.name().isBlank()) {
            String[] parts = Identifiers.split(s.name());
            b.name(parts.length == 1 ? parts[0] : s.name());
        }
        b.bits(s.bits()).normalize(s.normalize().toArray(new String[0])).domain(s.domain());
        if (s.argon2idCost() != null) {
            if (s.slow() != null && !s.slow().isBlank() && !s.slow().trim().equalsIgnoreCase("argon2id")) {
                throw new VeilConfigException(origin + ": an argon2id cost is given but slow is '" + s.slow()
                        + "'; write slow: argon2id or drop the cost");
            }
            b.argon2id(s.argon2idCost());
        } else {
            b.slow(s.slow());
        }
        BlindIndexDefinition d;
        try {
            d = b.build();
        } catch (IllegalArgumentException e) {
            throw new VeilConfigException(origin + ": " + e.getMessage());
        }
        int encryptedParts = 0;
        for (String c : canonical) {
            if (encrypted(columns, t, c) != null) {
                encryptedParts++;
            }
        }
        if (canonical.size() == 1 && encryptedParts == 0) {
            throw new VeilConfigException(origin + ": blind index " + t + "." + d.name() + " is on column "
                    + canonical.get(0) + ", which is not an encrypted column of " + t + ". Declare the column as "
                    + "encrypted, or index it in the database as usual");
        }
        if (encryptedParts == 0) {
            throw new VeilConfigException(origin + ": compound blind index " + t + "." + d.name() + " covers "
                    + canonical + ", none of which is an encrypted column of " + t + "; at least one must be");
        }
        return new ConfiguredIndex(t, d, origin);
    }
}
