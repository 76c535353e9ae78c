package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.ChildResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uring4j shaded into consumers' jars with maven-shade-plugin (src/it/shaded-consumer, built by
 * the invoker against the classifier jar this build installed): relocated copies run on
 * io_uring, alone, two differently relocated copies in one JVM (one class path, or class
 * loaders of their own) and beside the unrelocated jar, each with the native library from its
 * own jar.
 */
class ShadedJarIT {
    private static final Path CLASSIFIER_JAR = Path.of(System.getProperty("uring4j.test.classifierJar"));
    private static final Path CONSUMER = Path.of(System.getProperty("uring4j.test.shadedConsumer"));
    private static final Path NATIVE_DIR = Path.of(System.getProperty("uring4j.test.nativeDir"));
    /** dev.uring4j -> com.acme.shaded.uring4j. */
    private static final Path ACME = CONSUMER.resolve("shaded-consumer-1-acme.jar");
    /** dev.uring4j -> org.other.shaded.uring4j, the consumer's com.acme.consumer -> org.other.consumer. */
    private static final Path OTHER = CONSUMER.resolve("shaded-consumer-1-other.jar");
    /** As ACME (dev.uring4j -> com.min.shaded.uring4j), shaded with minimizeJar. */
    private static final Path MIN = CONSUMER.resolve("shaded-consumer-1-min.jar");
    /** The consumer's own classes, unshaded: they need the uring4j jar beside them. */
    private static final Path UNSHADED = CONSUMER.resolve("shaded-consumer-1.jar");
    private static final Path JAVA25 = TestSupport.JAVA25;
    private static final String LIBRARY = "!/META-INF/native/linux-x86_64/liburing4j.so";
    private static final String TOGETHER = "com.acme.launch.Together";

    @TempDir
    static Path dir;
    private static Path data;

    @BeforeAll
    static void consumerBuilt() throws Exception {
        for (Path jar : List.of(ACME, OTHER, MIN, UNSHADED)) {
            assertTrue(Files.isRegularFile(jar), jar + " is built by maven-invoker-plugin from src/it/shaded-consumer");
        }
        data = dir.resolve("data.bin");
        byte[] b = new byte[10_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        Files.write(data, b);
    }

    private static ChildResult java(Path java, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(List.of(args));
        ChildResult r = TestSupport.run(cmd);
        assertEquals(0, r.exitCode, r.output);
        return r;
    }

    private static ChildResult java(String... args) throws Exception {
        return java(Path.of(System.getProperty("java.home"), "bin", "java"), args);
    }

    private static String cp(Path... jars) {
        List<String> s = new ArrayList<>();
        for (Path j : jars) {
            s.add(j.toString());
        }
        return String.join(File.pathSeparator, s);
    }

    private static String url(Path p) throws Exception {
        return p.toUri().toURL().toString();
    }

    /** The report of a copy that ran on io_uring: Ring under its (relocated) name, the library from {@code from}. */
    private static String onIoUring(String ringClass, String from) {
        return "ring=" + ringClass + " available=true location=" + from + " ring-read=OK asyncfile=IOURING OK";
    }

    private static boolean multiRelease(Path jar) throws Exception {
        try (JarFile j = new JarFile(jar.toFile())) {
            return Collections.list(j.entries()).stream().anyMatch(e -> e.getName().startsWith("META-INF/versions/"));
        }
    }

    private static void assertLine(String output, String line) {
        assertTrue(output.lines().anyMatch(l -> l.equals(line)), "expected the line\n  " + line + "\nin\n" + output);
    }

    @Test
    void uberJarsHoldOnlyRelocatedClassesAndTheLibrary() throws Exception {
        List<String> originals = new ArrayList<>();
        try (JarFile j = new JarFile(CLASSIFIER_JAR.toFile())) {
            for (ZipEntry e : Collections.list(j.entries())) {
                if (e.getName().endsWith(".class") && e.getName().contains("dev/uring4j/")) {
                    originals.add(e.getName()); // dev/uring4j/... and META-INF/versions/N/dev/uring4j/...
                }
            }
        }
        assertTrue(originals.size() > 50, originals.toString());
        for (Object[] c : new Object[][] {{ACME, "com/acme/shaded/uring4j/"}, {OTHER, "org/other/shaded/uring4j/"}}) {
            try (JarFile j = new JarFile(((Path) c[0]).toFile())) {
                List<String> names = Collections.list(j.entries()).stream().map(ZipEntry::getName).toList();
                assertTrue(names.contains("META-INF/native/linux-x86_64/liburing4j.so"), c[0] + ": " + names);
                assertFalse(names.stream().anyMatch(n -> n.contains("dev/uring4j/")), c[0] + " keeps unrelocated entries");
                assertFalse(names.stream().anyMatch(n -> n.endsWith("module-info.class")), c[0] + " has a module-info");
                for (String o : originals) {
                    String relocated = o.replace("dev/uring4j/", (String) c[1]); // versioned entries too
                    assertTrue(names.contains(relocated), c[0] + " lacks " + relocated);
                }
            }
        }
    }

    @Test
    void aRelocatedCopyRunsOnIoUring() throws Exception {
        ChildResult r = java("-jar", ACME.toString(), data.toString());
        assertLine(r.output, onIoUring("com.acme.shaded.uring4j.Ring", "jar:" + url(ACME) + LIBRARY));
        assertFalse(r.output.contains("WARNING"), r.output);
    }

    @Test
    void aRelocatedCopyOnJdk25NeedsNoFlagWithTheManifestEntry() throws Exception {
        assumeTrue(Files.isExecutable(JAVA25), "JDK 25 at " + JAVA25);
        ChildResult r = java(JAVA25, "-jar", OTHER.toString(), data.toString());
        assertLine(r.output, onIoUring("org.other.shaded.uring4j.Ring", "jar:" + url(OTHER) + LIBRARY));
        assertFalse(r.output.contains("restricted method"), "Enable-Native-Access in the uber jar's manifest: " + r.output);
        if (multiRelease(CLASSIFIER_JAR)) {
            // The JDK 22+ classes (no sun.misc.Unsafe) must be found under their relocated names.
            assertFalse(r.output.contains("WARNING"), r.output);
        }
    }

    @Test
    void aMinimizedRelocatedCopyRunsOnIoUringOnBothJdks() throws Exception {
        // minimizeJar keeps what the consumer's bytecode reaches; uring4j names no class of
        // its own by string (only JDK ones), so nothing it needs may be missing.
        ChildResult r = java("-jar", MIN.toString(), data.toString());
        assertLine(r.output, onIoUring("com.min.shaded.uring4j.Ring", "jar:" + url(MIN) + LIBRARY));
        assertFalse(r.output.contains("WARNING"), r.output);
        assumeTrue(Files.isExecutable(JAVA25), "JDK 25 at " + JAVA25);
        ChildResult r25 = java(JAVA25, "-jar", MIN.toString(), data.toString());
        assertLine(r25.output, onIoUring("com.min.shaded.uring4j.Ring", "jar:" + url(MIN) + LIBRARY));
        if (multiRelease(CLASSIFIER_JAR)) {
            // A minimized jar without its META-INF/versions classes would run the Unsafe ones (and warn).
            try (JarFile j = new JarFile(MIN.toFile())) {
                assertTrue(j.getEntry("META-INF/versions/22/com/min/shaded/uring4j/internal/Memory.class") != null,
                        MIN + " lost the JDK 22+ classes");
            }
            assertFalse(r25.output.contains("WARNING"), r25.output);
        }
    }

    @Test
    void aRelocatedProviderServesTheJdksFileChannels() throws Exception {
        String provider = "com.acme.shaded.uring4j.nio.UringFileSystemProvider";
        ChildResult r = java("-Djava.nio.file.spi.DefaultFileSystemProvider=" + provider, "-jar", ACME.toString(),
                data.toString());
        assertLine(r.output, onIoUring("com.acme.shaded.uring4j.Ring", "jar:" + url(ACME) + LIBRARY));
        assertLine(r.output, "provider=" + provider + " channel=com.acme.shaded.uring4j.nio." + TestSupport.jarFileChannelClass() + " size="
                + Files.size(data));
        assertFalse(r.output.contains("WARNING"), r.output);
    }

    @Test
    void twoRelocatedCopiesOnOneClassPathRunAtTheSameTimeEachWithItsOwnLibrary() throws Exception {
        // Both jars have META-INF/native/linux-x86_64/liburing4j.so: the second copy must not take the first's.
        ChildResult r = java("--enable-native-access=ALL-UNNAMED", "-cp", cp(ACME, OTHER), TOGETHER, data.toString(),
                "com.acme.consumer.UringRead", "org.other.consumer.UringRead");
        assertLine(r.output, "com.acme.consumer.UringRead -> "
                + onIoUring("com.acme.shaded.uring4j.Ring", "jar:" + url(ACME) + LIBRARY));
        assertLine(r.output, "org.other.consumer.UringRead -> "
                + onIoUring("org.other.shaded.uring4j.Ring", "jar:" + url(OTHER) + LIBRARY));
        assertFalse(r.output.contains("WARNING"), r.output);
    }

    @Test
    void relocatedCopiesInClassLoadersOfTheirOwnRunAtTheSameTime() throws Exception {
        // Two relocations, and the same relocated name in two loaders (each loads a library file of its own).
        String acme = "com.acme.consumer.UringRead@" + ACME;
        String other = "org.other.consumer.UringRead@" + OTHER;
        ChildResult r = java("-cp", ACME.toString(), TOGETHER, data.toString(), acme, other, acme,
                "com.acme.consumer.UringRead");
        String acmeReport = onIoUring("com.acme.shaded.uring4j.Ring", "jar:" + url(ACME) + LIBRARY);
        assertEquals(3, r.output.lines().filter(l -> l.endsWith(" -> " + acmeReport)).count(), r.output);
        assertLine(r.output, other + " -> " + onIoUring("org.other.shaded.uring4j.Ring", "jar:" + url(OTHER) + LIBRARY));
    }

    @Test
    void theUnrelocatedJarBesideARelocatedCopy() throws Exception {
        // The shaded jar first: the unrelocated copy must still take the classifier jar's library.
        ChildResult r = java("--enable-native-access=ALL-UNNAMED", "-cp", cp(OTHER, UNSHADED, CLASSIFIER_JAR), TOGETHER, data.toString(),
                "com.acme.consumer.UringRead", "org.other.consumer.UringRead");
        assertLine(r.output, "com.acme.consumer.UringRead -> "
                + onIoUring("dev.uring4j.Ring", "jar:" + url(CLASSIFIER_JAR) + LIBRARY));
        assertLine(r.output, "org.other.consumer.UringRead -> "
                + onIoUring("org.other.shaded.uring4j.Ring", "jar:" + url(OTHER) + LIBRARY));
        assertFalse(r.output.contains("WARNING"), r.output);
    }

    @Test
    void aLibraryPathServesTheUnrelocatedAndARelocatedCopy() throws Exception {
        // -During4j.library.path: the unrelocated copy loads the file, the relocated one a renamed copy of it.
        Path lib = NATIVE_DIR.resolve("liburing4j.so");
        ChildResult r = java("-During4j.library.path=" + NATIVE_DIR, "-cp", cp(UNSHADED, CLASSIFIER_JAR, OTHER), TOGETHER,
                data.toString(), "com.acme.consumer.UringRead", "org.other.consumer.UringRead");
        assertLine(r.output, "com.acme.consumer.UringRead -> " + onIoUring("dev.uring4j.Ring", lib.toString()));
        assertLine(r.output, "org.other.consumer.UringRead -> " + onIoUring("org.other.shaded.uring4j.Ring", lib.toString()));
    }
}
