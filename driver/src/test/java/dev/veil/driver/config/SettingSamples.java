package dev.veil.driver.config;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the settings tests of every source share (JDBC properties and YAML here, Spring's {@code veil.*} in the
 * starter): a sample value for each setting and a comparable view of a built configuration.
 */
public final class SettingSamples {

    private SettingSamples() {
    }

    /** A value for each setting other than its default, as text both sources accept. */
    public static final Map<VeilProperty, String> SAMPLES = Map.ofEntries(
            Map.entry(VeilProperty.MASTER_KEY, "local-keyset:/etc/veil/other.json"),
            Map.entry(VeilProperty.PREVIOUS_MASTER_KEYS, "local-keyset:/etc/veil/old.json"),
            Map.entry(VeilProperty.KMS_REGION, "eu-west-1"),
            Map.entry(VeilProperty.KMS_ENDPOINT, "http://127.0.0.1:4566"),
            Map.entry(VeilProperty.KMS_PROFILE, "prod"),
            Map.entry(VeilProperty.KMS_API_CALL_TIMEOUT, "2s"),
            Map.entry(VeilProperty.KMS_API_CALL_ATTEMPT_TIMEOUT, "PT1S"),
            Map.entry(VeilProperty.KMS_CONNECT_TIMEOUT, "500ms"),
            Map.entry(VeilProperty.KMS_MAX_ATTEMPTS, "5"),
            Map.entry(VeilProperty.KEY_TABLE, "vault_keys"),
            Map.entry(VeilProperty.ENCRYPTION, "xaes-256-gcm"),
            Map.entry(VeilProperty.ALLOW_LEGACY_PLAINTEXT, "true"),
            Map.entry(VeilProperty.KEY_CACHE_TTL, "10m"),
            Map.entry(VeilProperty.KEY_CACHE_EAGER, "true"),
            Map.entry(VeilProperty.KEY_CACHE_REFRESH_AHEAD, "30s"),
            Map.entry(VeilProperty.KEY_MAX_STALENESS, "30m"),
            Map.entry(VeilProperty.STATEMENT_CACHE_SIZE, "500"),
            Map.entry(VeilProperty.LEGACY_PLAINTEXT_COLUMNS, "patients.ssn"));

    /** Every catalogue setting that has a YAML form (the ones all sources can give). */
    public static Stream<Arguments> settings() {
        return Arrays.stream(VeilProperty.values()).filter(p -> p.yaml() != VeilProperty.Yaml.NONE)
                .map(Arguments::of);
    }

    /** The settings part of {@code c}, keyed by YAML path, for comparing configurations built from different sources. */
    public static Map<String, Object> view(VeilConfig c) {
        Map<String, Object> out = new TreeMap<>();
        out.put("master-key", c.masterKey());
        out.put("previous-master-keys", c.previousMasterKeys());
        out.put("master-key-options", new TreeMap<>(c.masterKeyOptions()));
        out.put("key-table", c.keyTable());
        out.put("encryption", c.encryption());
        out.put("allow-legacy-plaintext", c.allowLegacyPlaintext());
        out.put("legacy-plaintext-columns", c.legacyPlaintextColumns());
        out.put("key-cache.ttl", c.keyCacheTtl());
        out.put("key-cache.eager", c.eagerKeyLoading());
        out.put("key-cache.refresh-ahead", c.keyRefreshAhead());
        out.put("key-cache.max-staleness", c.keyMaxStaleness());
        out.put("statement-cache-size", c.statementCacheSize());
        return out;
    }
}
