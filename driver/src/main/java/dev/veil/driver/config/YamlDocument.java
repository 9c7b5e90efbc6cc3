package dev.veil.driver.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.reader.UnicodeReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * One parsed YAML file: plain maps, lists and scalars from SnakeYAML's {@link SafeConstructor} (no bean binding,
 * no arbitrary tags), plus the position of every mapping key so that messages can name a line.
 */
final class YamlDocument {

    static final String CLASSPATH_PREFIX = "classpath:";
    private static final String FILE_PREFIX = "file:";

    private final String name;
    private final Object root;
    private final Map<Object, Map<Object, Mark>> keyMarks;
    private final Function<String, String> env;

    private YamlDocument(String name, Object root, Map<Object, Map<Object, Mark>> keyMarks,
            Function<String, String> env) {
        this.name = name;
        this.root = root;
        this.keyMarks = keyMarks;
        this.env = env;
    }

    /** Reads and parses {@code location}: a filesystem path, a {@code file:} URI or {@code classpath:path}. */
    static YamlDocument read(String location, ClassLoader loader, Function<String, String> env) {
        if (location == null || location.isBlank()) {
            throw new VeilConfigException("veil.config is empty; set it to a YAML file path "
                    + "(/etc/veil/config.yml) or a class path resource (classpath:veil.yml)");
        }
        String name = location.trim();
        try (InputStream in = open(name, loader)) {
            return parse(name, in, env);
        } catch (IOException e) {
            throw new VeilConfigException(name + ": cannot read the file (" + e + "). Check that it is readable "
                    + "by the application's user", e);
        }
    }

    private static InputStream open(String name, ClassLoader loader) throws IOException {
        if (name.startsWith(CLASSPATH_PREFIX)) {
            String resource = name.substring(CLASSPATH_PREFIX.length());
            while (resource.startsWith("/")) {
                resource = resource.substring(1);
            }
            ClassLoader cl = loader != null ? loader : defaultLoader();
            InputStream in = resource.isEmpty() ? null : cl.getResourceAsStream(resource);
            if (in == null) {
                throw new VeilConfigException(name + ": no such resource '" + resource + "' on the class path of "
                        + describe(cl) + ". veil.config expects a filesystem path (/etc/veil/config.yml) or "
                        + "classpath:path/inside/the/jar.yml; put the file under src/main/resources or fix the path");
            }
            return in;
        }
        Path path;
        try {
            path = name.startsWith(FILE_PREFIX) ? Paths.get(URI.create(name)) : Paths.get(name);
        } catch (RuntimeException e) {
            throw new VeilConfigException(name + ": not a valid file path or file: URI (" + e.getMessage()
                    + "). veil.config expects a filesystem path (/etc/veil/config.yml) or classpath:veil.yml", e);
        }
        if (Files.isDirectory(path)) {
            throw new VeilConfigException(name + ": is a directory (" + path.toAbsolutePath() + "). veil.config "
                    + "expects the YAML file itself, e.g. " + path.resolve("veil.yml"));
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new VeilConfigException(name + ": no such file (looked for " + path.toAbsolutePath()
                    + (path.isAbsolute() ? "" : ", relative to the working directory " + Paths.get("").toAbsolutePath())
                    + "). veil.config expects a filesystem path (/etc/veil/config.yml) or a class path resource "
                    + "(classpath:veil.yml); fix the path or create the file", e);
        }
    }

    static ClassLoader defaultLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : YamlDocument.class.getClassLoader();
    }

    static String describe(ClassLoader cl) {
        String n = cl.getName();
        return (n == null ? "" : "'" + n + "' ") + "(" + cl.getClass().getName() + ")";
    }

    static YamlDocument parse(String name, InputStream in, Function<String, String> env) {
        LoaderOptions options = new LoaderOptions();
        // a repeated key would silently replace the first (e.g. a second 'tables:' dropping every earlier table)
        options.setAllowDuplicateKeys(false);
        MarkingConstructor constructor = new MarkingConstructor(options);
        // what Yaml.load(InputStream) does, without the Yaml object: it would also build a Representer and
        // DumperOptions (the emitting side, ≈ 40 classes loaded at connect) that a loader never uses
        constructor.setAllowDuplicateKeys(options.isAllowDuplicateKeys());
        constructor.setWarnOnDuplicateKeys(options.isWarnOnDuplicateKeys());
        constructor.setWrappedToRootException(options.isWrappedToRootException());
        Object root;
        try {
            constructor.setComposer(new Composer(new ParserImpl(new StreamReader(new UnicodeReader(in)), options),
                    new Resolver(), options));
            root = constructor.getSingleData(Object.class);
        } catch (DuplicateKeyException e) {
            throw syntax(name, e, "Each key may appear only once in a mapping; merge the two entries");
        } catch (MarkedYAMLException e) {
            if (e.getProblem() != null && e.getProblem().contains(" tag")) {
                throw syntax(name, e, "Remove the !!tag; Veil reads plain mappings, lists and values only");
            }
            throw syntax(name, e, "Check the indentation (spaces, no tabs), colons and quoting near that line");
        } catch (YAMLException e) {
            throw new VeilConfigException(name + ": not valid YAML: " + e.getMessage()
                    + ". Fix the file; veil.config must be one YAML document", e);
        }
        return new YamlDocument(name, root, constructor.keyMarks, env);
    }

    private static VeilConfigException syntax(String name, MarkedYAMLException e, String fix) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        StringBuilder sb = new StringBuilder(name).append(": YAML syntax error");
        if (mark != null) {
            sb.append(" at line ").append(mark.getLine() + 1).append(", column ").append(mark.getColumn() + 1);
        }
        sb.append(": ");
        if (e.getContext() != null) {
            sb.append(e.getContext());
            Mark cm = e.getContextMark();
            if (cm != null && cm != mark) {
                sb.append(" (line ").append(cm.getLine() + 1).append(", column ").append(cm.getColumn() + 1).append(')');
            }
            sb.append(", ");
        }
        sb.append(e.getProblem() == null ? "malformed" : e.getProblem()).append(". ").append(fix);
        return new VeilConfigException(sb.toString(), e);
    }

    String name() {
        return name;
    }

    YamlValue root() {
        return new YamlValue(this, "", "", root, null);
    }

    /** Where a key of a mapping was written, or null. */
    Mark markOf(Map<?, ?> map, Object key) {
        Map<Object, Mark> marks = keyMarks.get(map);
        return marks == null ? null : marks.get(key);
    }

    String env(String variable) {
        return env.apply(variable);
    }

    /** Records the start of every key node, per constructed map (identity), while SnakeYAML builds the maps. */
    private static final class MarkingConstructor extends SafeConstructor {
        final Map<Object, Map<Object, Mark>> keyMarks = new IdentityHashMap<>();

        MarkingConstructor(LoaderOptions options) {
            super(options);
        }

        @Override
        protected void constructMapping2ndStep(MappingNode node, Map<Object, Object> mapping) {
            super.constructMapping2ndStep(node, mapping);
            Map<Object, Mark> marks = keyMarks.computeIfAbsent(mapping, m -> new HashMap<>());
            for (NodeTuple t : node.getValue()) {
                // already constructed (and cached per node) by the call above
                marks.putIfAbsent(constructObject(t.getKeyNode()), t.getKeyNode().getStartMark());
            }
        }
    }
}
