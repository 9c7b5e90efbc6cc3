package dev.veil.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tree tells the architecture; these rules keep it so ({@code docs/architecture.md}). The driver's packages are
 * layers, each using only the layers below it: the facade (the root package), jdbc, runtime, sql, config, schema,
 * codec, error.
 */
class ArchitectureTest {

    /** The layers, top to bottom: the order is the rule. */
    private static final String[][] LAYERS = {
            {"facade", "dev.veil.driver"},
            {"jdbc", "dev.veil.driver.jdbc.."},
            {"runtime", "dev.veil.driver.runtime.."},
            {"sql", "dev.veil.driver.sql.."},
            {"config", "dev.veil.driver.config.."},
            {"schema", "dev.veil.driver.schema.."},
            {"codec", "dev.veil.driver.codec.."},
            {"error", "dev.veil.driver.error.."},
    };

    static JavaClasses driver;

    @BeforeAll
    static void importClasses() {
        driver = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.veil.driver");
    }

    @Test
    void onlyTheCodecUsesTink() {
        noClasses().that().resideOutsideOfPackage("dev.veil.driver.codec..")
                .should().dependOnClassesThat().resideInAPackage("com.google.crypto.tink..")
                .check(driver);
    }

    @Test
    void jsqlParserStaysInsideTheSqlPackage() {
        noClasses().that().resideOutsideOfPackage("dev.veil.driver.sql..")
                .should().dependOnClassesThat().resideInAPackage("net.sf.jsqlparser..")
                .check(driver);
    }

    /** Every package is its own slice, the root package included ({@code (**)} captures {@code driver} for it). */
    @Test
    void theDriversPackagesHaveNoCyclesTheRootIncluded() {
        slices().matching("dev.veil.(**)").should().beFreeOfCycles().check(driver);
    }

    /** Dependencies point one way: a layer uses only the layers below it; nothing uses the facade. */
    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        Architectures.LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String[] layer : LAYERS) {
            rule = rule.layer(layer[0]).definedBy(layer[1]);
        }
        rule = rule.whereLayer(LAYERS[0][0]).mayNotBeAccessedByAnyLayer();
        for (int i = 1; i < LAYERS.length; i++) {
            String[] above = new String[i];
            for (int j = 0; j < i; j++) {
                above[j] = LAYERS[j][0];
            }
            rule = rule.whereLayer(LAYERS[i][0]).mayOnlyBeAccessedByLayers(above);
        }
        rule.check(driver);
    }

    /** A new package must take its place in the layers (and in {@code docs/architecture.md}) before it compiles in. */
    @Test
    void everyClassBelongsToALayer() {
        String[] packages = new String[LAYERS.length];
        for (int i = 0; i < LAYERS.length; i++) {
            packages[i] = LAYERS[i][1];
        }
        classes().should().resideInAnyPackage(packages).check(driver);
    }

    @Test
    void snakeYamlStaysInsideTheConfigPackage() {
        noClasses().that().resideOutsideOfPackage("dev.veil.driver.config..")
                .should().dependOnClassesThat().resideInAPackage("org.yaml.snakeyaml..")
                .check(driver);
    }

    /** The SQL layer is a pipeline of stages each readable in one sitting (issue 10): no source file over 500 lines. */
    @Test
    void noClassOfTheSqlPackageIsOverFiveHundredLines() throws IOException {
        Path sql = Path.of("src/main/java/dev/veil/driver/sql");
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(sql)) {
            tooLong = files.filter(f -> f.toString().endsWith(".java")).filter(f -> lines(f) > 500)
                    .map(f -> sql.relativize(f) + " (" + lines(f) + " lines)").collect(Collectors.toList());
        }
        assertThat(tooLong).isEmpty();
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theDriverNeverImportsSpringOrTheAwsSdk() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "software.amazon..")
                .check(driver);
    }

    @Test
    void forwardingWrappersHoldNoVeilLogic() {
        noClasses().that().haveSimpleNameStartingWith("Delegating")
                .should().dependOnClassesThat().resideInAnyPackage("dev.veil.driver.sql..", "dev.veil.driver.codec..",
                        "dev.veil.key..")
                .check(driver);
    }

    @Test
    void libraryCodeDoesNotPrint() {
        noClasses().should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .check(driver);
    }
}
