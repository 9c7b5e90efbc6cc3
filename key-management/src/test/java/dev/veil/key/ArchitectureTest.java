package dev.veil.key;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Key management is a leaf: the SPI in {@code dev.veil.key}, each master-key kind in a package of its own below it. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.veil.key");

    @Test
    void noPackageCycles() {
        slices().matching("dev.veil.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theSpiKnowsNoMasterKeyKind() {
        noClasses().that().resideInAPackage("dev.veil.key").should().dependOnClassesThat()
                .resideInAnyPackage("dev.veil.key.aws..", "dev.veil.key.local..").check(CLASSES);
    }

    @Test
    void onlyTheAwsPackageImportsTheAwsSdk() {
        noClasses().that().resideOutsideOfPackage("dev.veil.key.aws..").should().dependOnClassesThat()
                .resideInAPackage("software.amazon..").check(CLASSES);
    }

    @Test
    void keyManagementKnowsNothingAboveIt() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.veil.driver..", "dev.veil.blindindex..",
                "dev.veil.spring..", "dev.veil.admin..", "dev.veil.cli..", "net.sf.jsqlparser..", "org.yaml..")
                .check(CLASSES);
    }
}
