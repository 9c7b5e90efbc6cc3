package dev.veil.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
