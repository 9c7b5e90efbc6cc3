package dev.veil.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tree tells the architecture; these rules keep it so. */
class ArchitectureTest {

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

    @Test
    void theDriversPackagesHaveNoCycles() {
        slices().matching("dev.veil.driver.(*)..").should().beFreeOfCycles().check(driver);
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
