package dev.veil.driver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.driver.codec.ValueType;
import dev.veil.driver.schema.EncryptedColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigLoaderTest {

    private static final String MASTER_KEY = "master-key: local-keyset:/etc/veil/master-keyset.json\n";

    @TempDir
    Path dir;

    @Test
    void classpathFileWithEveryKeyFillsEveryBuilderSetting() {
        VeilConfig.Builder b = VeilConfig.builder();
        YamlConfigLoader.load("classpath:config/full.yml", getClass().getClassLoader(), b);
        VeilConfig config = b.build();

        assertThat(config.source()).isEqualTo("classpath:config/full.yml");
        assertThat(config.masterKey()).startsWith("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/");
        assertThat(config.masterKeyOptions()).containsExactly(Map.entry("region", "eu-west-1"),
                Map.entry("endpoint", "http://127.0.0.1:4566"), Map.entry("profile", "prod"),
                Map.entry("api-call-timeout", "PT2S"));
        assertThat(config.keyTable()).isEqualTo("vault.veil_data_keys");
        assertThat(config.allowLegacyPlaintext()).isTrue();
        assertThat(config.keyCacheTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.keyMaxStaleness()).isEqualTo(Duration.ofHours(2));
        assertThat(config.statementCacheSize()).isEqualTo(5000);
        assertThat(describe(config.columns())).containsExactly(
                "patients.ssn any -> patients.ssn",
                "patients.email any -> patients.email",
                "patients.heart_rate int -> patients.heart_rate",
                "patients.old_col any -> people.social_security_number",
                "clinic.visits.notes string -> clinic.visits.notes",
                "Patients.Secret string -> Patients.Secret");
        assertThat(config.columnsOf("clinic", "visits")).containsKey("notes");
        assertThat(config.columnsOf("any_schema", "patients")).containsKeys("ssn", "heart_rate");
    }

    @Test
    void optionalKeysLeftOutKeepTheBuilderDefaults() {
        VeilConfig config = load(MASTER_KEY + "tables: { patients: { ssn: {} } }").build();

        assertThat(config.keyTable()).isEqualTo(VeilConfig.DEFAULT_KEY_TABLE);
        assertThat(config.allowLegacyPlaintext()).isFalse();
        assertThat(config.keyCacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.keyMaxStaleness()).isEqualTo(Duration.ofHours(1));
        assertThat(config.statementCacheSize()).isEqualTo(10_000);
        assertThat(config.masterKeyOptions()).isEmpty();
    }

    @Test
    void filesystemPathAndFileUriBothLoadAndNameTheSource() throws IOException {
        Path file = write("veil.yml", MASTER_KEY + "tables: { patients: { ssn: {} } }");

        VeilConfig.Builder byPath = VeilConfig.builder();
        YamlConfigLoader.load(file.toString(), null, byPath);
        VeilConfig.Builder byUri = VeilConfig.builder();
        YamlConfigLoader.load(file.toUri().toString(), null, byUri);

        assertThat(byPath.build().source()).isEqualTo(file.toString());
        assertThat(describe(byPath.build().columns())).containsExactly("patients.ssn any -> patients.ssn");
        assertThat(describe(byUri.build().columns())).containsExactly("patients.ssn any -> patients.ssn");
    }

    @Test
    void originOfAColumnIsFileAndYamlPath() throws IOException {
        Path file = write("config.yml", MASTER_KEY + "tables: { patients: { ssn: { type: int } } }");
        VeilConfig.Builder b = VeilConfig.builder();
        YamlConfigLoader.load(file.toString(), null, b);
        b.column("patients", "ssn", ValueType.LONG, null, "test");

        assertThatThrownBy(b::build).isInstanceOf(VeilConfigException.class)
                .hasMessageContaining(file + ": tables.patients.ssn says {type: int");
    }

    @Test
    void aDeclarationWithoutTypeGivesWayToATypedOne() throws IOException {
        Path file = write("config.yml", MASTER_KEY + "tables: { patients: { ssn: {} } }");
        VeilConfig.Builder b = VeilConfig.builder();
        YamlConfigLoader.load(file.toString(), null, b);
        b.column("patients", "ssn", ValueType.LONG, null, "test");

        assertThat(describe(b.build().columns())).containsExactly("patients.ssn long -> patients.ssn");
    }

    @Test
    void durationsAcceptIsoAndShortForms() {
        assertThat(ttl("PT5M")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ttl("pt1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ttl("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ttl("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ttl("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ttl("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ttl("2d")).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void typeNamesAcceptConfigNamesAndSqlAliases() {
        VeilConfig config = load(MASTER_KEY + "tables:\n  t:\n    a: { type: long }\n    b: { type: bigint }\n"
                + "    c: { type: local-date }\n    d: { type: timestamptz }\n    e: { type: BYTES }\n").build();

        assertThat(config.columns()).extracting(EncryptedColumn::type).containsExactly(ValueType.LONG,
                ValueType.LONG, ValueType.LOCAL_DATE, ValueType.OFFSET_DATE_TIME, ValueType.BYTES);
    }

    @Test
    void environmentVariablesAreSubstitutedInTextValues() throws IOException {
        Path file = write("config.yml", "master-key: ${VEIL_MASTER_KEY}\n"
                + "master-key-options: { region: '${AWS_REGION}' }\n"
                + "allow-legacy-plaintext: ${VEIL_LEGACY}\n"
                + "statement-cache-size: ${VEIL_CACHE}\n"
                + "key-table: 'keys_$${literal}'\n"
                + "tables: { patients: { ssn: {} } }\n");
        Map<String, String> env = Map.of("VEIL_MASTER_KEY", "aws-kms://arn:aws:kms:eu-west-1:1:key/k",
                "AWS_REGION", "eu-west-1", "VEIL_LEGACY", "true", "VEIL_CACHE", "2048");
        VeilConfig.Builder b = VeilConfig.builder();
        YamlConfigLoader.load(file.toString(), null, b, env::get);
        VeilConfig config = b.build();

        assertThat(config.masterKey()).isEqualTo("aws-kms://arn:aws:kms:eu-west-1:1:key/k");
        assertThat(config.masterKeyOptions()).containsEntry("region", "eu-west-1");
        assertThat(config.allowLegacyPlaintext()).isTrue();
        assertThat(config.statementCacheSize()).isEqualTo(2048);
        assertThat(config.keyTable()).isEqualTo("keys_${literal}");
    }

    @Test
    void unsetEnvironmentVariableIsAnErrorNamingIt() throws IOException {
        Path file = write("config.yml", "master-key: ${VEIL_MASTER_KEY}\n");

        assertThatThrownBy(() -> YamlConfigLoader.load(file.toString(), null, VeilConfig.builder(), v -> null))
                .isInstanceOf(VeilConfigException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("master-key (line 1)")
                .hasMessageContaining("environment variable VEIL_MASTER_KEY is not set")
                .hasMessageContaining("Set VEIL_MASTER_KEY");
    }

    @Test
    void malformedVariableReferenceIsAnError() {
        assertThat(error("master-key: 'local-keyset:${HOME'\n"))
                .contains("master-key (line 1)", "malformed ${...} reference", "$${ for a literal");
    }

    // ---- errors: every message starts with the file and names the YAML path and the fix ----

    @Test
    void misspelledColumnKeyIsRefusedWithPathAllowedKeysAndFix() {
        String m = error(MASTER_KEY + "tables:\n  patients:\n    heart_rate: { tpye: int }\n");

        assertThat(m).contains("tables.patients.heart_rate.tpye (line 4)", "unknown key 'tpye'",
                "Allowed keys here: type, renamed-from", "Fix the spelling or remove the key");
    }

    @Test
    void legacyPlaintextOnAColumnPutsOnlyThatColumnInItsMigrationWindow() {
        VeilConfig config = load(MASTER_KEY + "tables:\n  patients:\n    ssn: { legacy-plaintext: true }\n"
                + "    email: { legacy-plaintext: false }\n  clinic.visits:\n    notes: { legacy-plaintext: true }\n")
                .build();
        Map<String, EncryptedColumn> patients = config.columnsOf(null, "patients");
        assertThat(config.allowLegacyPlaintext()).isFalse();
        assertThat(config.allowsLegacyPlaintext(patients.get("ssn"))).isTrue();
        assertThat(config.allowsLegacyPlaintext(patients.get("email"))).isFalse();
        assertThat(config.allowsLegacyPlaintext(config.columnsOf("clinic", "visits").get("notes"))).isTrue();
        assertThat(config.legacyPlaintextColumns()).containsExactlyInAnyOrder("patients.ssn", "clinic.visits.notes");
    }

    @Test
    void theGlobalSwitchStillMeansEveryColumn() {
        VeilConfig config = load(MASTER_KEY + "allow-legacy-plaintext: true\ntables: { patients: { ssn: {}, email: {} } }")
                .build();
        assertThat(config.columns()).allSatisfy(c -> assertThat(config.allowsLegacyPlaintext(c)).isTrue());
        assertThat(config.legacyPlaintextColumns()).isEmpty();
    }

    @Test
    void misspelledOrNonBooleanLegacyPlaintextIsRefused() {
        assertThat(error(MASTER_KEY + "tables:\n  patients:\n    ssn: { legacy-plaintxt: true }\n"))
                .contains("unknown key 'legacy-plaintxt'", "legacy-plaintext");
        assertThat(error(MASTER_KEY + "tables:\n  patients:\n    ssn: { legacy-plaintext: sometimes }\n"))
                .contains("legacy-plaintext");
    }

    @Test
    void encryptionDefaultsToAesGcmAndAcceptsXaes() {
        assertThat(load(MASTER_KEY).build().encryption()).isEqualTo(VeilConfig.Encryption.AES_256_GCM);
        assertThat(load(MASTER_KEY + "encryption: xaes-256-gcm\n").build().encryption())
                .isEqualTo(VeilConfig.Encryption.XAES_256_GCM);
        assertThat(load(MASTER_KEY + "encryption: aes-256-gcm\n").build().encryption())
                .isEqualTo(VeilConfig.Encryption.AES_256_GCM);
        VeilConfig.Builder bad = load(MASTER_KEY + "encryption: aes-128-gcm\n");
        assertThatThrownBy(bad::build).isInstanceOf(VeilConfigException.class)
                .hasMessageStartingWith(dir.resolve("config.yml").toString())
                .hasMessageContaining("encryption 'aes-128-gcm'").hasMessageContaining("xaes-256-gcm");
    }

    @Test
    void unknownKeysAreRefusedAtEveryLevel() {
        assertThat(error(MASTER_KEY + "master-keys: x\n"))
                .contains("master-keys (line 2)", "unknown key 'master-keys'", "Allowed keys here: master-key, "
                        + "previous-master-keys, master-key-options, key-table, encryption, allow-legacy-plaintext, key-cache, statement-cache-size, tables");
        assertThat(error(MASTER_KEY + "key-cache: { tll: PT5M }\n"))
                .contains("key-cache.tll", "Allowed keys here: ttl, eager, refresh-ahead, max-staleness");
        assertThat(error(MASTER_KEY + "master-key-options: { regoin: eu-west-1 }\n"))
                .contains("master-key-options.regoin", "Allowed keys here: region, endpoint, profile, api-call-timeout");
    }

    @Test
    void missingFileNamesThePathAndWhatVeilConfigExpects() {
        Path missing = dir.resolve("nope.yml");

        assertThatThrownBy(() -> YamlConfigLoader.load(missing.toString(), null, VeilConfig.builder()))
                .isInstanceOf(VeilConfigException.class)
                .hasMessageStartingWith(missing.toString())
                .hasMessageContaining("no such file")
                .hasMessageContaining("veil.config expects a filesystem path")
                .hasMessageContaining("classpath:");
    }

    @Test
    void missingRelativeFileNamesTheWorkingDirectory() {
        assertThatThrownBy(() -> YamlConfigLoader.load("conf/veil-missing.yml", null, VeilConfig.builder()))
                .hasMessageStartingWith("conf/veil-missing.yml: no such file")
                .hasMessageContaining("relative to the working directory");
    }

    @Test
    void missingClasspathResourceNamesTheResourceAndClassLoader() {
        assertThatThrownBy(() -> YamlConfigLoader.load("classpath:config/absent.yml", getClass().getClassLoader(),
                VeilConfig.builder()))
                .isInstanceOf(VeilConfigException.class)
                .hasMessageStartingWith("classpath:config/absent.yml: no such resource 'config/absent.yml'")
                .hasMessageContaining("veil.config expects")
                .hasMessageContaining("src/main/resources");
    }

    @Test
    void directoryIsRefused() {
        assertThatThrownBy(() -> YamlConfigLoader.load(dir.toString(), null, VeilConfig.builder()))
                .hasMessageStartingWith(dir.toString())
                .hasMessageContaining("is a directory");
    }

    @Test
    void syntaxErrorNamesLineAndColumn() {
        String m = error(MASTER_KEY + "tables:\n  patients:\n    ssn: {\n  email: {}\n");

        assertThat(m).contains("YAML syntax error at line ", ", column ", "Check the indentation");
    }

    @Test
    void tabIndentationIsASyntaxErrorWithPosition() {
        assertThat(error(MASTER_KEY + "tables:\n\tpatients: {}\n"))
                .contains("YAML syntax error at line 3, column 1");
    }

    @Test
    void duplicateKeyIsRefusedInsteadOfSilentlyReplacingTheFirst() {
        String m = error(MASTER_KEY + "tables:\n  patients: { ssn: {} }\ntables:\n  doctors: { phone: {} }\n");

        assertThat(m).contains("line 4", "duplicate key tables", "Each key may appear only once");
    }

    @Test
    void tablesThatIsNotAMappingIsRefused() {
        assertThat(error(MASTER_KEY + "tables: [patients]\n"))
                .contains("tables (line 2)", "expected a mapping of table names", "found a list",
                        "tables: { patients: { ssn: {}, email: {} } }");
    }

    @Test
    void typeThatIsNotTextIsRefused() {
        assertThat(error(MASTER_KEY + "tables: { patients: { heart_rate: { type: 42 } } }\n"))
                .contains("tables.patients.heart_rate.type", "expected a type name but found a number 42",
                        "Write one of: " + ValueType.configNames());
    }

    @Test
    void unknownTypeNameListsTheValidOnes() {
        assertThat(error(MASTER_KEY + "tables:\n  patients:\n    heart_rate: { type: integr }\n"))
                .contains("tables.patients.heart_rate.type (line 4)", "unknown type 'integr'",
                        ValueType.configNames(), "remove 'type'");
    }

    @Test
    void badDurationsAreRefused() {
        assertThat(error(MASTER_KEY + "key-cache: { ttl: 5 minutes }\n"))
                .contains("key-cache.ttl (line 2)", "'5 minutes' is not a duration", "PT5M", "250ms");
        assertThat(error(MASTER_KEY + "key-cache: { max-staleness: 300 }\n"))
                .contains("key-cache.max-staleness", "has no unit", "PT5M");
        assertThat(error(MASTER_KEY + "master-key-options: { api-call-timeout: soon }\n"))
                .contains("master-key-options.api-call-timeout", "'soon' is not a duration");
    }

    @Test
    void wrongScalarKindsAreRefused() {
        assertThat(error(MASTER_KEY + "statement-cache-size: lots\n"))
                .contains("statement-cache-size (line 2)", "expected a whole number but found 'lots'", "10000");
        assertThat(error(MASTER_KEY + "allow-legacy-plaintext: maybe\n"))
                .contains("allow-legacy-plaintext", "expected true or false but found 'maybe'", "Write true or false");
        assertThat(error("master-key: { uri: x }\n"))
                .contains("master-key (line 1)", "expected text but found a mapping");
        assertThat(error(MASTER_KEY + "key-cache: PT5M\n"))
                .contains("key-cache", "expected key-cache but found text", "{ ttl: PT5M, max-staleness: PT1H, eager: false }");
    }

    @Test
    void columnEntryMustBeAMappingOrEmpty() {
        assertThat(error(MASTER_KEY + "tables: { patients: { ssn: int } }\n"))
                .contains("tables.patients.ssn", "expected a column entry but found text", "{ type: int");
    }

    @Test
    void tableWithoutColumnsIsRefused() {
        assertThat(error(MASTER_KEY + "tables:\n  patients:\n"))
                .contains("tables.patients (line 3)", "lists no columns", "patients: { ssn: {} }");
        assertThat(error(MASTER_KEY + "tables: { patients: {} }\n")).contains("lists no columns");
    }

    @Test
    void keysYamlReadsAsBooleansMustBeQuoted() {
        assertThat(error(MASTER_KEY + "tables: { patients: { no: {} } }\n"))
                .contains("tables.patients.false", "read by YAML as a boolean", "Quote it");
    }

    @Test
    void emptyFileAndNonMappingRootAreRefused() {
        assertThat(error("# nothing\n")).contains("the file is empty", "master-key and tables");
        assertThat(error("- master-key\n")).contains("expected the Veil configuration but found a list");
    }

    @Test
    void arbitraryTagsAreRefusedBySafeLoading() {
        assertThat(error("master-key: !!javax.script.ScriptEngineManager [x]\n"))
                .contains("line 1, column 13", "Global tag is not allowed", "Remove the !!tag");
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private VeilConfig.Builder load(String yaml) {
        try {
            Path file = write("config.yml", yaml);
            VeilConfig.Builder b = VeilConfig.builder();
            YamlConfigLoader.load(file.toString(), null, b, v -> null);
            return b;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Loads {@code yaml} from config.yml and returns the failure, checking that it starts with the file name. */
    private String error(String yaml) {
        Path file = dir.resolve("config.yml");
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
        assertThat(t).isInstanceOf(VeilConfigException.class).hasMessageStartingWith(file.toString());
        return t.getMessage();
    }

    private Duration ttl(String value) {
        return load(MASTER_KEY + "key-cache: { ttl: '" + value + "' }\n").build().keyCacheTtl();
    }

    static List<String> describe(List<EncryptedColumn> columns) {
        return columns.stream().map(c -> c.qualified() + " " + (c.type() == null ? "any" : c.type().configName())
                + " -> " + c.boundName()).collect(Collectors.toList());
    }
}
