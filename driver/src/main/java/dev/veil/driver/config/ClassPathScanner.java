package dev.veil.driver.config;

import dev.veil.driver.VeilConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Lists the class names of a package and its sub-packages as a class loader sees them, from {@code file:}
 * directories and {@code jar:} entries found by {@link ClassLoader#getResources(String)}. Loads nothing.
 */
final class ClassPathScanner {

    /** What one package scan found: class names and the locations the class loader returned. */
    record Result(SortedSet<String> classNames, List<String> locations, List<String> unsupported) {
    }

    private ClassPathScanner() {
    }

    static Result scan(String packageName, ClassLoader loader) {
        String dir = packageName.replace('.', '/') + "/";
        SortedSet<String> names = new TreeSet<>();
        List<String> locations = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        try {
            Enumeration<URL> urls = loader.getResources(dir);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                locations.add(url.toString());
                if ("file".equals(url.getProtocol())) {
                    scanDirectory(Paths.get(url.toURI()), packageName, names);
                } else {
                    URLConnection connection = url.openConnection();
                    if (connection instanceof JarURLConnection) {
                        scanJar((JarURLConnection) connection, dir, names);
                    } else {
                        unsupported.add(url.toString());
                    }
                }
            }
        } catch (IOException | UncheckedIOException | URISyntaxException e) {
            throw new VeilConfigException("veil.entity-packages=" + packageName + ": cannot list the package's classes ("
                    + e + "). Check that the class path entries are readable", e);
        }
        return new Result(names, locations, unsupported);
    }

    private static void scanDirectory(Path root, String packageName, SortedSet<String> names) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.getFileName().toString().endsWith(".class") && Files.isRegularFile(p))
                    .forEach(p -> add(packageName.replace('.', '/') + "/" + root.relativize(p).toString()
                            .replace(p.getFileSystem().getSeparator(), "/"), names));
        }
    }

    private static void scanJar(JarURLConnection connection, String dir, SortedSet<String> names) throws IOException {
        JarFile jar = connection.getJarFile();
        try {
            // the entry name the URL points at (for nested jars the layout prefix is already removed)
            String prefix = connection.getEntryName() == null ? "" : connection.getEntryName();
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix += "/";
            }
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (!e.isDirectory() && e.getName().startsWith(prefix)) {
                    add(dir + e.getName().substring(prefix.length()), names);
                }
            }
        } finally {
            if (!connection.getUseCaches()) {
                jar.close();
            }
        }
    }

    /** Adds {@code com/acme/Patient.class} as {@code com.acme.Patient}; skips descriptors and anonymous classes. */
    private static void add(String resource, SortedSet<String> names) {
        if (!resource.endsWith(".class")) {
            return;
        }
        String name = resource.substring(0, resource.length() - ".class".length()).replace('/', '.');
        String simple = name.substring(name.lastIndexOf('.') + 1);
        if (simple.equals("module-info") || simple.equals("package-info") || simple.matches(".*\\$\\d.*")) {
            return;
        }
        names.add(name);
    }
}
