package dev.veil.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The starter reads Veil through the driver's facade, configuration, schema model, runtime, codec and SQL states
 * ({@code docs/architecture.md}); the SQL layer, the JDBC wrappers and the libraries the driver confines stay out.
 */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.veil.spring");

    @Test
    void noPackageCycles() {
        slices().matching("dev.veil.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theStarterNeverReachesTheSqlLayerOrTheJdbcWrappers() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.veil.driver.sql..",
                "dev.veil.driver.jdbc..").check(CLASSES);
    }

    @Test
    void theDriversConfinedLibrariesStayInTheDriver() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("com.google.crypto.tink..",
                "net.sf.jsqlparser..", "org.yaml.snakeyaml..", "software.amazon..").check(CLASSES);
    }
}
