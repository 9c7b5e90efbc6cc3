package dev.veil.key.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.key.KeyContext;
import dev.veil.key.KeyException;
import dev.veil.key.KeyScope;
import dev.veil.key.MasterKey;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Known-answer tests: the local master-key format must never change under existing key tables. */
class LocalKeysetMasterKeyTest {

    static final String FIXED_KEYSET = "{\"primaryKeyId\":1449051315,\"key\":[{\"keyData\":{\"typeUrl\":"
            + "\"type.googleapis.com/google.crypto.tink.AesGcmKey\",\"value\":"
            + "\"GiD5gnHxlstvQVZv5pBAT8qQsWgW6mv9UYpLu/06RhmbMg==\",\"keyMaterialType\":\"SYMMETRIC\"},"
            + "\"status\":\"ENABLED\",\"keyId\":1449051315,\"outputPrefixType\":\"TINK\"}]}";

    static final KeyContext CONTEXT = KeyContext.of("clinic", KeyScope.encryption("public.patients", "ssn"));

    /** "veil-key-context-v1", then (len, name, len, value) for column, database, purpose, table. */
    static final String CONTEXT_AD = "7665696c2d6b65792d636f6e746578742d763100000006636f6c756d6e0000000373736e"
            + "00000008646174616261736500000006636c696e696300000007707572706f73650000000a656e6372797074696f6e"
            + "000000057461626c650000000f7075626c69632e70617469656e7473";

    /** Bytes 0..31 wrapped under {@link #FIXED_KEYSET} and {@link #CONTEXT}: 5-byte Tink prefix, nonce, ct, tag. */
    static final String WRAPPED = "01565ec4b309b7c35df10d7507e847d80b6a558b2029c8b02c9742215cf58a3478b129474fd"
            + "04d47aeaf4b93c0b7b1d02f83871f413f28c0459f1155d2c5f19a8b";

    @Test
    void contextSerializesDeterministicallyInNameOrder() {
        assertThat(HexFormat.of().formatHex(CONTEXT.associatedData())).isEqualTo(CONTEXT_AD);
        assertThat(CONTEXT.asMap()).containsExactly(Map.entry("column", "ssn"), Map.entry("database", "clinic"),
                Map.entry("purpose", "encryption"), Map.entry("table", "public.patients"));
        assertThat(KeyContext.of("clinic", KeyScope.blindIndex("public.patients", "ssn_bidx")).asMap())
                .containsEntry("index", "ssn_bidx").containsEntry("purpose", "blind_index");
    }

    @Test
    void unwrapsTheKnownAnswer() throws Exception {
        MasterKey key = LocalKeysetMasterKey.fromJson("local-keyset:kat.json", FIXED_KEYSET);
        byte[] expected = new byte[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = (byte) i;
        }
        assertThat(key.unwrap(HexFormat.of().parseHex(WRAPPED), CONTEXT)).isEqualTo(expected);
        assertThat(key.unwrap(key.wrap(expected, CONTEXT), CONTEXT)).isEqualTo(expected);
    }

    @Test
    void refusesAnotherContextOrAlteredBytes() throws Exception {
        MasterKey key = LocalKeysetMasterKey.fromJson("local-keyset:kat.json", FIXED_KEYSET);
        KeyContext otherDb = KeyContext.of("other", KeyScope.encryption("public.patients", "ssn"));
        assertThatThrownBy(() -> key.unwrap(HexFormat.of().parseHex(WRAPPED), otherDb))
                .isExactlyInstanceOf(KeyException.class)
                .hasMessageContaining("local-keyset:kat.json").hasMessageContaining("database=other");
        byte[] altered = HexFormat.of().parseHex(WRAPPED);
        altered[20] ^= 1;
        assertThatThrownBy(() -> key.unwrap(altered, CONTEXT)).isExactlyInstanceOf(KeyException.class);
    }

    @Test
    void refusesAnotherKeyset(@TempDir Path dir) throws Exception {
        LocalKeysetGenerator.generate(dir.resolve("other.json"));
        MasterKey other = LocalKeysetMasterKey.read(dir.resolve("other.json"));
        assertThat(other.id()).isEqualTo("local-keyset:other.json");
        assertThatThrownBy(() -> other.unwrap(HexFormat.of().parseHex(WRAPPED), CONTEXT))
                .isExactlyInstanceOf(KeyException.class).hasMessageContaining("another master key");
    }

    @Test
    void generatorRefusesToOverwrite(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("master.json");
        LocalKeysetGenerator.generate(file);
        String before = Files.readString(file);
        assertThatThrownBy(() -> LocalKeysetGenerator.generate(file)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(MasterKey.open("local-keyset:" + file, Map.of()).id()).isEqualTo("local-keyset:master.json");
    }

    @Test
    void notAKeysetIsAClearError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("junk.json");
        Files.writeString(file, "{\"secret\":\"do-not-print\"}");
        ownerOnly(file);
        assertThatThrownBy(() -> LocalKeysetMasterKey.read(file)).isInstanceOf(KeyException.class)
                .hasMessageContaining("local-keyset:junk.json").hasMessageNotContaining("do-not-print");
    }

    @Test
    void missingFileNamesTheConfiguredUriAndTheCommandThatCreatesIt() {
        assertThatThrownBy(() -> MasterKey.open("local-keyset:no-such-dir/master-keyset.json", Map.of()))
                .isInstanceOf(KeyException.class)
                .hasMessageContaining("master key local-keyset:no-such-dir/master-keyset.json: no file at "
                        + Path.of("no-such-dir/master-keyset.json").toAbsolutePath())
                .hasMessageContaining("resolved against the working directory")
                .hasMessageContaining("create one with: mvn -q org.codehaus.mojo:exec-maven-plugin:3.5.1:java "
                        + "-Dexec.mainClass=dev.veil.key.local.LocalKeysetGenerator "
                        + "-Dexec.args=no-such-dir/master-keyset.json");
    }

    @Test
    void generatorPrintsTheYamlLineForThePathAsGiven() {
        assertThat(LocalKeysetGenerator.yamlLine("veil/master-keyset.json"))
                .isEqualTo("master-key: local-keyset:veil/master-keyset.json");
    }

    // ------------------------------------------------------------------ file permissions (POSIX)

    @Test
    void generatorCreatesTheFileReadableAndWritableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        assumePosix();
        Path file = dir.resolve("new/master.json");
        LocalKeysetGenerator.generate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "rw-rw-rw-", "rw---x---",
        "r-----r--"})
    void aKeysetFileThatGroupOrOthersMayAccessIsRefusedNamingTheChmodToRun(String mode, @TempDir Path dir)
            throws Exception {
        assumePosix();
        Path file = dir.resolve("master.json");
        LocalKeysetGenerator.generate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        assertThatThrownBy(() -> MasterKey.open("local-keyset:" + file, Map.of()))
                .isExactlyInstanceOf(KeyException.class)
                .hasMessageContaining("master key local-keyset:" + file)
                .hasMessageContaining("accessible by its group or others (mode " + mode + ")")
                .hasMessageEndingWith("Run: chmod 600 " + file.toAbsolutePath())
                .hasMessageNotContaining(Files.readString(file).substring(0, 40));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-------", "r--------"})
    void aKeysetFileOnlyItsOwnerMayAccessIsAccepted(String mode, @TempDir Path dir) throws Exception {
        assumePosix();
        Path file = dir.resolve("master.json");
        LocalKeysetGenerator.generate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        assertThat(MasterKey.open("local-keyset:" + file, Map.of()).id()).isEqualTo("local-keyset:master.json");
    }

    @Test
    void theModeOfASymbolicLinksTargetCounts(@TempDir Path dir) throws Exception {
        assumePosix();
        Path target = dir.resolve("real.json");
        LocalKeysetGenerator.generate(target);
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), target);
        assertThat(MasterKey.open("local-keyset:" + link, Map.of()).id()).isEqualTo("local-keyset:link.json");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> MasterKey.open("local-keyset:" + link, Map.of()))
                .hasMessageContaining("chmod 600 " + link.toAbsolutePath());
    }

    @Test
    void theChmodCommandQuotesAPathTheShellWouldSplit() {
        assertThat(LocalKeysetMasterKey.shellQuoted("/srv/veil/master-keyset.json"))
                .isEqualTo("/srv/veil/master-keyset.json");
        assertThat(LocalKeysetMasterKey.shellQuoted("/home/a b/it's.json")).isEqualTo("'/home/a b/it'\\''s.json'");
    }

    private static void assumePosix() {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "the default file system has no POSIX permissions");
    }

    private static void ownerOnly(Path file) throws java.io.IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
