package dev.uring4j.internal;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The copies of uring4j a JVM can see, for the loader's explanations: the same classes
 * twice on the class path (e.g. the plain jar and the classifier jar), or on the module path
 * a plain jar that shadows the classifier jar (the module system takes the first module of a
 * name and ignores the rest silently, resources included).
 */
final class JarCopies {
    private static final String NATIVE_CLASS_FILE = Native.class.getName().replace('.', '/') + ".class";

    private JarCopies() {}

    /** Where these classes come from (a jar or a directory), or null if the JVM does not say. */
    static Path ownLocation() {
        try {
            CodeSource cs = Native.class.getProtectionDomain().getCodeSource();
            URL url = cs == null ? null : cs.getLocation();
            return url == null || !"file".equals(url.getProtocol()) ? null : Paths.get(url.toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Every class-path location holding these classes, in the class loader's order (the first one is in use). */
    static List<String> classPathCopies() {
        ClassLoader cl = Native.class.getClassLoader();
        if (cl == null || Native.class.getModule().isNamed()) {
            return List.of();
        }
        try {
            List<String> out = new ArrayList<>();
            for (URL u : Collections.list(cl.getResources(NATIVE_CLASS_FILE))) {
                String s = u.toString();
                out.add(s.endsWith("!/" + NATIVE_CLASS_FILE) ? s.substring(0, s.length() - NATIVE_CLASS_FILE.length() - 2)
                        : s);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * On the module path: a jar other than the one this module was resolved from that holds
     * these classes and the resource (the classifier jar behind a plain jar), or null.
     */
    static Path shadowedJarWith(String resource) {
        if (!Native.class.getModule().isNamed()) {
            return null;
        }
        String modulePath = System.getProperty("jdk.module.path", "");
        Path own = ownLocation();
        String entry = resource.startsWith("/") ? resource.substring(1) : resource;
        for (String element : modulePath.split(java.io.File.pathSeparator)) {
            if (element.isEmpty()) {
                continue;
            }
            for (Path jar : jarsAt(Paths.get(element))) {
                if (own != null && jar.toAbsolutePath().normalize().equals(own.toAbsolutePath().normalize())) {
                    continue;
                }
                try (JarFile j = new JarFile(jar.toFile())) {
                    if (j.getEntry(entry) != null && j.getEntry(NATIVE_CLASS_FILE) != null) {
                        return jar;
                    }
                } catch (IOException | RuntimeException e) {
                    // not a jar we can read: not the one we look for
                }
            }
        }
        return null;
    }

    private static List<Path> jarsAt(Path p) {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                return s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
        }
        return p.getFileName() != null && p.getFileName().toString().endsWith(".jar") ? List.of(p) : List.of();
    }
}
