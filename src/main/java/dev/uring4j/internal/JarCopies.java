package dev.uring4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The copies of uring4j a JVM can see, for the loader's explanations: the same classes
 * twice on the class path (e.g. the plain jar and the classifier jar), or on the module path
 * a plain jar that shadows the classifier jar (the module system takes the first module of a
 * name and ignores the rest silently, resources included); and, on the class path, which
 * copy's native library is this copy's own.
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
     * On the class path, the resource from these classes' own jar or directory. A resource name
     * is not private to a jar there: beside a shaded (relocated) copy of uring4j, possibly of
     * another version, the class loader's first {@code META-INF/native/...} can be that copy's.
     * Taken in this order: the location these classes were loaded from, else one that holds
     * these same classes (the classifier jar behind the plain jar), else the class loader's
     * first. Null on the module path, without a class loader, or if the class loader lists none:
     * the caller then asks the class itself.
     */
    static URL ownResource(String resource) {
        ClassLoader cl = Native.class.getClassLoader();
        if (cl == null || Native.class.getModule().isNamed()) {
            return null;
        }
        String entry = resource.startsWith("/") ? resource.substring(1) : resource;
        try {
            List<URL> found = Collections.list(cl.getResources(entry));
            if (found.isEmpty()) {
                return null;
            }
            CodeSource cs = Native.class.getProtectionDomain().getCodeSource();
            String own = cs == null || cs.getLocation() == null ? null : cs.getLocation().toString();
            for (URL u : found) {
                String base = base(u, entry);
                if (own != null && (own.equals(base) || ("jar:" + own + "!/").equals(base))) {
                    return u;
                }
            }
            Set<String> copies = new HashSet<>();
            for (URL u : Collections.list(cl.getResources(NATIVE_CLASS_FILE))) {
                String base = base(u, NATIVE_CLASS_FILE);
                if (base != null) {
                    copies.add(base);
                }
            }
            for (URL u : found) {
                String base = base(u, entry);
                if (base != null && copies.contains(base)) {
                    return u;
                }
            }
            return found.get(0);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The resource's contents, without the JDK's cache of open jars (the jar is closed with the stream). */
    static InputStream open(URL resource) throws IOException {
        URLConnection c = resource.openConnection();
        c.setUseCaches(false);
        return c.getInputStream();
    }

    /** "jar:file:/a.jar!/" or "file:/dir/" for a resource URL of that entry; null if it does not end with it. */
    private static String base(URL u, String entry) {
        String s = u.toString();
        return s.endsWith(entry) ? s.substring(0, s.length() - entry.length()) : null;
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
