package dev.veil.driver.config;

import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassGraphException;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.ScanResult;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Lists the class names of a package and its sub-packages as a class loader sees them, with ClassGraph: directories,
 * jars with or without directory entries, nested (Spring Boot) jars, and the module path. Reads class files only;
 * loads and initialises nothing.
 */
final class ClassPathScanner {

    /**
     * What one package scan found: the class names visible to the class loader, and the class path elements or
     * modules that ClassGraph looked in (for the error message when nothing was found).
     */
    record Result(SortedSet<String> classNames, List<String> scanned) {
    }

    private ClassPathScanner() {
    }

    static Result scan(String packageName, ClassLoader loader) {
        SortedSet<String> names = new TreeSet<>();
        List<String> scanned;
        try (ScanResult result = new ClassGraph().addClassLoader(loader).acceptPackages(packageName)
                .ignoreClassVisibility().enableClassInfo().scan()) {
            for (ClassInfo c : result.getAllClasses()) {
                // ClassGraph also reads the system class path and module layers; keep what this loader sees
                if (!c.isAnonymousInnerClass() && !c.getSimpleName().matches(".*\\$\\d.*")
                        && loader.getResource(c.getName().replace('.', '/') + ".class") != null) {
                    names.add(c.getName());
                }
            }
            scanned = result.getClasspathURIs().stream().map(Object::toString).toList();
        } catch (ClassGraphException e) {
            throw new VeilConfigException("veil.entity-packages=" + packageName + ": cannot list the package's classes ("
                    + e.getMessage() + "). Check that the class path entries are readable", e);
        }
        return new Result(names, scanned);
    }
}
