package dev.veil.driver.config;

import static dev.veil.driver.config.YamlConfigLoaderTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.annotation.Encrypted;
import dev.veil.driver.codec.ValueType;
import jakarta.persistence.Entity;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotationConfigLoaderTest {

    private static final String FIXTURES = "dev.veil.driver.config.fixtures.";

    @TempDir
    Path dir;

    @Test
    void tableAndColumnAnnotationsNameTheColumnAndTheFieldTypeIsTheDeclaredType() {
        List<String> columns = scan(FIXTURES + "clinic");

        assertThat(columns).contains(
                "clinic.patients.ssn string -> clinic.patients.ssn",
                "clinic.patients.hr int -> clinic.patients.hr",
                "clinic.patients.pulse_rate int -> clinic.patients.pulse_rate",
                "clinic.patients.tax_id string -> people.social_security_number");
        assertThat(columns).noneMatch(c -> c.startsWith("clinic.patients.name") || c.startsWith("clinic.patients.id"));
    }

    @Test
    void withoutAnnotationsTheTableAndColumnsAreSnakeCaseAndGettersCount() {
        assertThat(scan(FIXTURES + "clinic")).contains(
                "lab_result.scan_image bytes -> lab_result.scan_image",
                "lab_result.positive boolean -> lab_result.positive",
                "lab_result.taken_on local-date -> lab_result.taken_on",
                "lab_result.measured_value decimal -> lab_result.measured_value",
                "lab_result.sample_id uuid -> lab_result.sample_id",
                "lab_result.recorded_at sql-timestamp -> lab_result.recorded_at",
                "lab_result.notes string -> lab_result.notes",
                "lab_result.verified boolean -> lab_result.verified",
                "lab_result.signature_time instant -> lab_result.signature_time");
    }

    @Test
    void classThatIsNotAnEntityIsMappedByItsOwnName() {
        assertThat(scan(FIXTURES + "clinic")).contains("plain_record.secret_code string -> plain_record.secret_code");
    }

    @Test
    void mappedSuperclassFieldsBelongToTheSubclassTableAndHaveNoTableOfTheirOwn() {
        List<String> columns = scan(FIXTURES + "clinic");

        assertThat(columns).contains("invoices.created_by string -> invoices.created_by",
                "invoices.iban string -> invoices.iban");
        assertThat(columns).noneMatch(c -> c.startsWith("audited_entity."));
    }

    @Test
    void embeddableFieldsAreMappedIntoEachEmbeddingEntityWithAttributeOverrides() {
        List<String> columns = scan(FIXTURES + "clinic");

        assertThat(columns).contains(
                "customers.street string -> customers.street",
                "customers.zip_code string -> customers.zip_code",
                "customers.latitude double -> customers.latitude",
                "customers.work_street string -> customers.work_street",
                "customers.work_zip string -> customers.work_zip",
                "customers.work_latitude double -> customers.work_latitude");
        assertThat(columns).noneMatch(c -> c.startsWith("address.") || c.startsWith("geo_point.")
                || c.startsWith("customers.city") || c.startsWith("customers.longitude"));
    }

    @Test
    void scanningFindsExactlyTheAnnotatedMembersOfThePackage() {
        assertThat(scan(FIXTURES + "clinic")).hasSize(4 + 9 + 1 + 2 + 6);
    }

    @Test
    void entityInheritanceFollowsTheStrategy() {
        assertThat(scan(FIXTURES + "inheritance")).containsExactlyInAnyOrder(
                // JOINED: inherited columns stay in the parent's table
                "animal.chip_number string -> animal.chip_number",
                "dog.owner_phone string -> dog.owner_phone",
                // SINGLE_TABLE (default): the subclass's columns live in the root's table
                "vehicles.vin string -> vehicles.vin",
                "vehicles.licence_plate string -> vehicles.licence_plate",
                // TABLE_PER_CLASS: each concrete table repeats the inherited columns
                "shape.label string -> shape.label",
                "circle.label string -> circle.label",
                "circle.radius double -> circle.radius");
    }

    @Test
    void sameClassesFoundThroughOverlappingPackagesAreMappedOnce() {
        VeilConfig.Builder b = builder();
        AnnotationConfigLoader.scan(List.of(FIXTURES + "inheritance", FIXTURES + "inheritance"), null, b);

        assertThat(b.build().columns()).hasSize(7);
    }

    @Test
    void unsupportedFieldTypeNamesTheFieldTheTypeAndTheSupportedTypes() {
        assertThatThrownBy(() -> scan(FIXTURES + "unsupported"))
                .isInstanceOf(VeilConfigException.class)
                .hasMessageStartingWith("@Encrypted on " + FIXTURES + "unsupported.Gadget.colour: type "
                        + FIXTURES + "unsupported.Gadget$Colour is not supported")
                .hasMessageContaining("Supported: String, byte[], boolean/Boolean, short/Short, int/Integer")
                .hasMessageContaining("java.time.LocalDate")
                .hasMessageContaining("AttributeConverter");
    }

    @Test
    void packageWithoutClassesIsAnErrorNamingThePackageAndTheClassLoader() {
        assertThatThrownBy(() -> scan("com.acme.modle"))
                .isInstanceOf(VeilConfigException.class)
                .hasMessageStartingWith("veil.entity-packages=com.acme.modle found no classes: class loader ")
                .hasMessageContaining("sees no class in com.acme.modle or its sub-packages")
                .hasMessageContaining("Check the package name's spelling");
    }

    @Test
    void directoryWithoutClassFilesIsAnError() throws IOException {
        Files.createDirectories(dir.resolve("empty/pkg"));
        try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.resolve("empty").toUri().toURL()}, null)) {
            assertThatThrownBy(() -> AnnotationConfigLoader.scan(List.of("pkg"), cl, builder()))
                    .hasMessageStartingWith("veil.entity-packages=pkg found no classes")
                    .hasMessageContaining("sees no class in pkg");
        }
    }

    @Test
    void invalidPackageNameIsRefused() {
        assertThatThrownBy(() -> scan("com/acme/model"))
                .hasMessageStartingWith("veil.entity-packages: 'com/acme/model' is not a Java package name");
    }

    @Test
    void classesInJarFilesAreFoundIncludingSubPackages() throws Exception {
        Path jar = compileToJar("jarred.model.Account",
                "package jarred.model;\n"
                + "@jakarta.persistence.Entity @jakarta.persistence.Table(name = \"accounts\")\n"
                + "public class Account { @dev.veil.annotation.Encrypted String iban; }\n",
                "jarred.model.sub.Card",
                "package jarred.model.sub;\n"
                + "public class Card { @dev.veil.annotation.Encrypted Long number; }\n");
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            VeilConfig.Builder b = builder();
            AnnotationConfigLoader.scan(List.of("jarred.model"), cl, b);

            assertThat(describe(b.build().columns())).containsExactly("accounts.iban string -> accounts.iban",
                    "card.number long -> card.number");
        }
    }

    @Test
    void classesInJarsWithoutDirectoryEntriesAreFound() throws Exception {
        // jar tools and shading plugins often write file entries only; ClassLoader.getResources("pkg/") finds nothing
        Path jar = compileToJar(false, "flat.model.Account",
                "package flat.model;\n"
                        + "public class Account { @dev.veil.annotation.Encrypted String iban; }\n",
                "flat.model.sub.Card",
                "package flat.model.sub;\n"
                        + "public class Card { @dev.veil.annotation.Encrypted Long number; }\n");
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            assertThat(cl.getResource("flat/model/")).as("no directory entry in the jar").isNull();
            VeilConfig.Builder b = builder();
            AnnotationConfigLoader.scan(List.of("flat.model"), cl, b);
            assertThat(describe(b.build().columns())).containsExactly("account.iban string -> account.iban",
                    "card.number long -> card.number");
        }
    }

    @Test
    void scanningDoesNotInitializeClasses() throws Exception {
        Path jar = compileToJar("boom.Exploding",
                "package boom;\n"
                + "public class Exploding {\n"
                + "  static { if (true) throw new IllegalStateException(\"initialized\"); }\n"
                + "  @dev.veil.annotation.Encrypted String secret;\n"
                + "}\n");
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            VeilConfig.Builder b = builder();
            AnnotationConfigLoader.scan(List.of("boom"), cl, b);

            assertThat(describe(b.build().columns())).containsExactly("exploding.secret string -> exploding.secret");
        }
    }

    @Test
    void withoutThePersistenceApiAtRuntimeNamesFallBackToSnakeCase() throws Exception {
        Path jar = compileToJar("nojpa.Account",
                "package nojpa;\n"
                + "@jakarta.persistence.Entity @jakarta.persistence.Table(name = \"accounts\")\n"
                + "public class Account {\n"
                + "  @dev.veil.annotation.Encrypted @jakarta.persistence.Column(name = \"iban_code\") String iban;\n"
                + "  @jakarta.persistence.Embedded Object ignored;\n"
                + "}\n");
        ClassLoader app = getClass().getClassLoader();
        ClassLoader withoutJpa = new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("jakarta.persistence.")) {
                    throw new ClassNotFoundException(name);
                }
                return app.loadClass(name);
            }
        };
        try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, withoutJpa)) {
            assertThatThrownBy(() -> cl.loadClass("jakarta.persistence.Entity")).isInstanceOf(ClassNotFoundException.class);
            VeilConfig.Builder b = builder();
            AnnotationConfigLoader.scan(List.of("nojpa"), cl, b);

            assertThat(describe(b.build().columns())).containsExactly("account.iban string -> account.iban");
        }
    }

    @Test
    void originNamesTheAnnotatedField() {
        VeilConfig.Builder b = builder();
        AnnotationConfigLoader.scan(List.of(FIXTURES + "clinic"), null, b);
        b.column("clinic.patients", "ssn", ValueType.LONG, null, "test");

        assertThatThrownBy(b::build).hasMessageContaining(
                "@Encrypted on " + FIXTURES + "clinic.Patient.ssn says {type: string");
    }

    private static VeilConfig.Builder builder() {
        return VeilConfig.builder().masterKey("local-keyset:/etc/veil/master-keyset.json");
    }

    private static List<String> scan(String pkg) {
        VeilConfig.Builder b = builder();
        AnnotationConfigLoader.scan(List.of(pkg), AnnotationConfigLoaderTest.class.getClassLoader(), b);
        return describe(b.build().columns());
    }

    /** Compiles pairs of (class name, source) against the annotation jars and packs the classes into a jar. */
    private Path compileToJar(String... namesAndSources) throws Exception {
        return compileToJar(true, namesAndSources);
    }

    private Path compileToJar(boolean directoryEntries, String... namesAndSources) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-proc:none", "-cp",
                location(Encrypted.class) + File.pathSeparator + location(Entity.class)));
        for (int i = 0; i < namesAndSources.length; i += 2) {
            Path file = src.resolve(namesAndSources[i].replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, namesAndSources[i + 1]);
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(new String[0]))).isZero();
        Path jar = dir.resolve("fixtures.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                if (p.equals(classes)) {
                    continue;
                }
                String name = classes.relativize(p).toString().replace(File.separatorChar, '/');
                boolean directory = Files.isDirectory(p);
                if (directory && !directoryEntries) {
                    continue;
                }
                out.putNextEntry(new JarEntry(directory ? name + "/" : name));
                if (!directory) {
                    Files.copy(p, out); // does not close the jar stream
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
