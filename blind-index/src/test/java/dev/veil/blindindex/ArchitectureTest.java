package dev.veil.blindindex;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Blind indexes sit on key management only; the driver, the starter and the CLI build on them, never the reverse. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.veil.blindindex");

    @Test
    void noPackageCycles() {
        slices().matching("dev.veil.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void blindIndexesKnowNothingAboveThem() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.veil.driver..", "dev.veil.spring..",
                "dev.veil.admin..", "dev.veil.cli..", "net.sf.jsqlparser..", "org.yaml..", "software.amazon..")
                .check(CLASSES);
    }
}
