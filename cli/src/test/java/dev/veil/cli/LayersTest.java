package dev.veil.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module's packages point one way: cli → admin → admin.job, and only cli knows picocli. The module reads the
 * driver through its facade, configuration, schema model, runtime and codec ({@code docs/architecture.md}): never
 * the SQL layer or the JDBC wrappers, and never the libraries the driver confines (Tink, JSqlParser, SnakeYAML).
 */
class LayersTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.veil.admin", "dev.veil.cli");

    @Test
    void noPackageCycles() {
        slices().matching("dev.veil.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theEngineKnowsNothingAboveIt() {
        noClasses().that().resideInAPackage("dev.veil.admin.job").should().dependOnClassesThat()
                .resideInAnyPackage("dev.veil.admin", "dev.veil.cli").check(CLASSES);
    }

    @Test
    void theApiKnowsNoCommandLine() {
        noClasses().that().resideInAPackage("dev.veil.admin..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.veil.cli..", "picocli..", "me.tongfei..").check(CLASSES);
    }

    @Test
    void theCliNeverReachesTheDriversSqlLayerOrJdbcWrappers() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.veil.driver.sql..",
                "dev.veil.driver.jdbc..").check(CLASSES);
    }

    @Test
    void theDriversConfinedLibrariesStayInTheDriver() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("com.google.crypto.tink..",
                "net.sf.jsqlparser..", "org.yaml.snakeyaml..").check(CLASSES);
    }
}
