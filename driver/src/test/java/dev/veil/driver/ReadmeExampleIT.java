package dev.veil.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.veil.testing.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's Quick start as written, in a fresh project directory: the dependency block becomes the project's
 * {@code pom.xml} dependencies, the YAML block {@code veil.yml}, the Java block {@code src/main/java/QuickStart.java},
 * and every {@code bash} block runs in order (the key generator through Maven, {@code createdb}, {@code psql}, the
 * program through Maven). Two substitutions only: the database name {@code clinic} becomes a fresh name (dropped
 * afterwards), and {@code localhost:5432} the test server's address; credentials come, as the README says, from
 * {@code PGHOST}/{@code PGUSER}/{@code PGPASSWORD}. Maven resolves Veil from a throwaway local repository that this
 * test fills from the modules' {@code target/classes} (standing in for step 1's {@code mvn install}), and everything
 * else from the shared local repository (read-only) or, for what it lacks, Maven Central.
 */
class ReadmeExampleIT {

    private static final Path README = Path.of("..", "README.md");
    private static final String[] MODULES = {"annotations", "key-management", "blind-index", "driver"};

    private TestDatabase database;
    private Path project;
    private Map<String, String> environment;
    private String databaseName;
    private String hostAndPort;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(onPath("psql") && onPath("createdb") && onPath("mvn"), "needs psql, createdb and mvn on PATH");
        // a fresh name and the server's coordinates; the README's createdb creates the database itself
        database = TestDatabase.create("readme");
        database.drop();
        databaseName = database.name();
        Matcher url = Pattern.compile("jdbc:postgresql://([^/:]+)(?::(\\d+))?/.*").matcher(database.url());
        assertThat(url.matches()).as("test server URL %s", database.url()).isTrue();
        String host = url.group(1);
        String port = url.group(2) == null ? "5432" : url.group(2);
        hostAndPort = host + ":" + port;
        environment = Map.of("PGHOST", host, "PGPORT", port,
                "PGUSER", database.properties().getProperty("user", System.getProperty("user.name")),
                "PGPASSWORD", database.properties().getProperty("password", ""));
        project = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "readme-quick-start-");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (database != null) {
            database.drop();
        }
        if (project != null) {
            try (Stream<Path> files = Files.walk(project)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theQuickStartRunsAsWrittenAndTheDatabaseSeesOnlyCiphertext() throws Exception {
        String section = quickStart();
        List<Block> blocks = blocks(section);
        assertThat(blocks).extracting(Block::language)
                .containsExactly("xml", "bash", "yaml", "bash", "java", "bash", "bash");
        String yaml = blocks.get(2).text();
        String javaCode = blocks.get(4).text();

        writeProject(blocks.get(0).text());

        // step 2: the generator, from the user's project, prints exactly the master-key line veil.yml uses
        String generated = run(blocks.get(1).text());
        String masterKeyLine = yaml.lines().findFirst().orElseThrow().replaceFirst("\\s+#.*", "");
        assertThat(masterKeyLine).startsWith("master-key: local-keyset:");
        assertThat(generated.lines()).contains(masterKeyLine);
        assertThat(section).contains("It prints the line for step 3: `" + masterKeyLine + "`");
        assertThat(Files.readString(project.resolve(".gitignore"))).contains("/veil/");
        assertThat(project.resolve("veil/master-keyset.json")).exists();

        // step 3
        Files.writeString(project.resolve("veil.yml"), yaml);

        // step 4
        run(blocks.get(3).text());

        // step 5: the program, compiled and run by Maven in the project
        Path source = project.resolve("src/main/java/QuickStart.java");
        assertThat(section).contains("Write `src/main/java/QuickStart.java`");
        Files.createDirectories(source.getParent());
        Files.writeString(source, substitute(javaCode));
        Matcher prints = Pattern.compile("it prints `([^`]+)`").matcher(section);
        assertThat(prints.find()).isTrue();
        assertThat(run(blocks.get(5).text()).lines()).contains(prints.group(1));

        // step 6: what the database stores
        String stored = run(blocks.get(6).text());
        assertThat(stored).contains("Ada", "veil1:", "\\x5601")
                .doesNotContain("123-45-6789", "ada@example.com");
    }

    private void writeProject(String dependencies) throws IOException, URISyntaxException {
        Path sharedRepository = Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).getParent().getParent().getParent().getParent().getParent();
        Path repository = Path.of("target", "readme-m2").toAbsolutePath();
        installVeil(repository);
        Path settings = project.resolve(".mvn/settings.xml");
        Files.createDirectories(settings.getParent());
        // the shared local repository first (read as a remote one, so nothing is written into it), then Central
        String shared = "<id>shared-local</id><url>" + sharedRepository.toUri() + "</url>";
        Files.writeString(settings, "<settings><profiles><profile><id>shared</id>"
                + "<repositories><repository>" + shared + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + shared + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>shared</activeProfile></activeProfiles>"
                + "</settings>\n");
        Files.writeString(project.resolve(".mvn/maven.config"),
                "-s\n" + settings + "\n-Dmaven.repo.local=" + repository + "\n");
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>clinic</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                """ + dependencies + """
                  </dependencies>
                  <build>
                    <pluginManagement>
                      <plugins>
                        <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
                        <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      </plugins>
                    </pluginManagement>
                  </build>
                </project>
                """);
    }

    /** What {@code mvn install} would put in a local repository, from the reactor's {@code target/classes}. */
    private static void installVeil(Path repository) throws IOException {
        String version = "0.1.0-SNAPSHOT";
        installFile(repository, "veil-parent", version, "pom", Path.of("..", "pom.xml"), null);
        for (String module : MODULES) {
            Path dir = Path.of("..", module);
            String artifact = "veil-" + module;
            installFile(repository, artifact, version, "pom", dir.resolve("pom.xml"), null);
            installFile(repository, artifact, version, "jar", null, dir.resolve("target/classes"));
        }
    }

    private static void installFile(Path repository, String artifact, String version, String extension, Path copy,
            Path classes) throws IOException {
        Path dir = repository.resolve("dev/veil").resolve(artifact).resolve(version);
        Files.createDirectories(dir);
        String file = artifact + "-" + version + "." + extension;
        if (copy != null) {
            Files.copy(copy, dir.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
            try (OutputStream out = Files.newOutputStream(dir.resolve(file));
                    JarOutputStream jar = new JarOutputStream(out, manifest);
                    Stream<Path> files = Files.walk(classes)) {
                for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    jar.putNextEntry(new ZipEntry(classes.relativize(p).toString().replace('\\', '/')));
                    Files.copy(p, jar);
                    jar.closeEntry();
                }
            }
        }
        // recorded as installed locally, as maven-install-plugin does
        Path tracking = dir.resolve("_remote.repositories");
        String line = file + ">=\n";
        String existing = Files.exists(tracking) ? Files.readString(tracking) : "";
        if (!existing.contains(line)) {
            Files.writeString(tracking, existing + line);
        }
    }

    private String run(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", substitute(script))
                .directory(project.toFile()).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process process = pb.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit status of\n%s\noutput:\n%s", script, text).isZero();
        return text;
    }

    private String substitute(String text) {
        return text.replace("localhost:5432", hostAndPort).replaceAll("\\bclinic\\b", databaseName);
    }

    private static String quickStart() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Quick start\n");
        assertThat(start).isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end);
    }

    record Block(String language, String text) {
    }

    /** Fenced blocks, each with the list item's indentation removed. */
    static List<Block> blocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^( *)```(\\w+)\\n(.*?)^ *```$", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            String indent = m.group(1);
            StringBuilder text = new StringBuilder();
            m.group(3).lines().forEach(l -> text.append(l.startsWith(indent) ? l.substring(indent.length()) : l)
                    .append('\n'));
            blocks.add(new Block(m.group(2), text.toString()));
        }
        return blocks;
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
