package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.outside.MultiReleaseMain;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-release jars: on JDK 22+ the JVM takes Memory and BufferLifetime from
 * META-INF/versions/22 (java.lang.foreign, no sun.misc.Unsafe), so that JDK 25 with native
 * access enabled prints no warning; JDK 17 keeps the Unsafe classes. Both paths: raw access
 * on, and no allocation per Ring operation.
 */
class MultiReleaseIT {
    private static final Path CLASSIFIER_JAR = Path.of(System.getProperty("uring4j.test.classifierJar"));
    private static final Path PLAIN_JAR = Path.of(System.getProperty("uring4j.test.plainJar"));
    private static final Path JAVA25 = TestSupport.JAVA25;
    private static final String VERSIONED = "META-INF/versions/22/dev/uring4j/internal/";
    private static final String ROUNDS = "20000"; // x 32 operations, twice (warm-up, measured), as RingAllocationTest

    @TempDir
    Path dir;

    /** stdout and stderr of a child JVM, apart: the JDK's warnings go to stderr. */
    private static final class Child {
        final int exitCode;
        final String out;
        final String err;

        Child(int exitCode, String out, String err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Child run(Path java, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail("child did not finish within 60 s: " + cmd);
        }
        return new Child(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String testClasses() throws Exception {
        return Path.of(MultiReleaseIT.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /**
     * A JDK before 22, which must take the base classes: the JVM running the tests when it is
     * one (the default run on JDK 17), else the Debian JDK 17 where installed; the JDK 25 run of
     * the suite (scripts/test-jdk25) has no other.
     */
    private static Path java17() {
        if (Runtime.version().feature() < 22) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        Path debian = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        assumeTrue(Files.isExecutable(debian), "a JDK 17-21 (the multi-release jar's base classes) besides the test JVM "
                + Runtime.version());
        return debian;
    }

    private static void assumeJava25() {
        assumeTrue(Files.isExecutable(JAVA25), "JDK 25 (the multi-release classes' JDK) at " + JAVA25);
    }

    private Child main(Path java, String... jvmArgs) throws Exception {
        Path work = Files.createTempDirectory(dir, "work");
        List<String> args = new ArrayList<>(List.of(jvmArgs));
        args.addAll(List.of("-cp", CLASSIFIER_JAR + File.pathSeparator + testClasses(), MultiReleaseMain.class.getName(),
                work.toString(), ROUNDS));
        return run(java, args.toArray(new String[0]));
    }

    private static double bytesPerOp(Child c) {
        Matcher m = Pattern.compile("bytesPerOp=([0-9.]+)").matcher(c.out);
        assertTrue(m.find(), c.toString());
        return Double.parseDouble(m.group(1));
    }

    private static String line(Child c, String key) {
        return c.out.lines().filter(l -> l.startsWith(key + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " line: " + c));
    }

    @Test
    void jdk25WithNativeAccessUsesTheJava22ClassesAndPrintsNoWarning() throws Exception {
        assumeJava25();
        Child c = main(JAVA25, "--enable-native-access=ALL-UNNAMED");
        assertEquals(0, c.exitCode, c.toString());
        assertFalse(c.err.contains("sun.misc.Unsafe"), c.toString());
        List<String> warnings = c.err.lines().filter(l -> l.contains("WARNING")).collect(Collectors.toList());
        assertEquals(List.of(), warnings, c.toString());
        assertTrue(line(c, "memoryClass").endsWith("!/" + VERSIONED + "Memory.class"), c.toString());
        assertTrue(line(c, "bufferLifetimeClass").endsWith("!/" + VERSIONED + "BufferLifetime.class"), c.toString());
        assertTrue(c.out.contains("available=true"), c.toString());
        assertTrue(c.out.contains("rawAccess=true"), "the FFM segment over all memory: " + c);
        assertTrue(c.out.contains("ringRead=5 byte4=5"), c.toString());
        assertTrue(c.out.contains("asyncRead=5 backend=IOURING byte4=5"), c.toString());
        assertTrue(bytesPerOp(c) < 1.0, "steady-state Ring reads and NOPs on the FFM classes: " + c);
    }

    @Test
    void jdk17UsesTheBaseClassesWithUnsafe() throws Exception {
        Child c = main(java17());
        assertEquals(0, c.exitCode, c.toString());
        assertFalse(line(c, "memoryClass").contains("META-INF/versions"), c.toString());
        assertTrue(line(c, "memoryClass").endsWith("!/dev/uring4j/internal/Memory.class"), c.toString());
        assertTrue(c.out.contains("rawAccess=true"), c.toString());
        assertTrue(c.out.contains("ringRead=5 byte4=5"), c.toString());
        assertTrue(c.out.contains("asyncRead=5 backend=IOURING byte4=5"), c.toString());
        assertTrue(bytesPerOp(c) < 1.0, "steady-state Ring reads and NOPs on the Unsafe classes: " + c);
    }

    /**
     * Without escape analysis (C1 only) nothing per operation is allocated either: the JDK 22+
     * classes do not depend on C2 removing MemorySegment.ofBuffer's objects, which it does not
     * where the call site is too deep ("inlining too deep": 32-64 B per read in a benchmark that
     * reads from its completion handler, before Memory remembered the buffers it has seen).
     */
    @Test
    void jdk25AllocatesNothingPerOperationWithoutEscapeAnalysis() throws Exception {
        assumeJava25();
        Child c = main(JAVA25, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(line(c, "memoryClass").endsWith("!/" + VERSIONED + "Memory.class"), c.toString());
        assertTrue(bytesPerOp(c) < 1.0, "C1 only, FFM classes: " + c);
    }

    @Test
    void jdk17AllocatesNothingPerOperationWithoutEscapeAnalysis() throws Exception {
        Child c = main(java17(), "-XX:TieredStopAtLevel=1");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(bytesPerOp(c) < 1.0, "C1 only, Unsafe classes: " + c);
    }

    @Test
    void bothVersionsHaveTheSamePublicMembers() throws Exception {
        assumeJava25();
        Child base = main(java17());
        Child versioned = main(JAVA25, "--enable-native-access=ALL-UNNAMED");
        assertTrue(line(base, "api").contains("hasRawAccess()"), base.toString());
        assertEquals(line(base, "api"), line(versioned, "api"), "Memory and BufferLifetime, JDK 17 vs JDK 25 classes");
    }

    @Test
    void jdk25WithNativeAccessDeniedLeavesRawAccessOffAndNioWorks() throws Exception {
        assumeJava25();
        Child c = main(JAVA25, "--illegal-native-access=deny");
        assertEquals(0, c.exitCode, c.toString());
        assertTrue(c.out.contains("available=false"), c.toString());
        assertTrue(c.out.contains("rawAccess=false"), "reinterpret is not called: " + c);
        assertTrue(c.out.contains("asyncRead=5 backend=NIO byte4=5"), c.toString());
        assertFalse(c.err.contains("sun.misc.Unsafe") || c.err.contains("ExceptionInInitializerError")
                || c.err.contains("NoClassDefFoundError"), c.toString());
    }

    /**
     * BufferLifetime's JDK 22+ version (MemorySegment.ofBuffer) decides every Arena case as the
     * base version (Buffer.segment through Unsafe) does: src/test/java25/ArenaBuffers.java
     * against the same jar, once as a multi-release jar and once with multi-release off.
     */
    @Test
    void arenaBufferOutcomesAreTheSameOnBothVersions() throws Exception {
        assumeJava25();
        Path program = Path.of(System.getProperty("user.dir"), "src", "test", "java25", "ArenaBuffers.java");
        assumeTrue(Files.isRegularFile(program), "ArenaBuffers.java of this checkout at " + program);
        Child versioned = run(JAVA25, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", CLASSIFIER_JAR.toString(), program.toString(), Files.createTempDirectory(dir, "a").toString());
        Child base = run(JAVA25, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-Djdk.util.jar.enableMultiRelease=false",
                "-cp", CLASSIFIER_JAR.toString(), program.toString(), Files.createTempDirectory(dir, "b").toString());
        assertEquals(0, versioned.exitCode, versioned.toString());
        assertEquals(0, base.exitCode, base.toString());
        List<String> v = cases(versioned);
        assertTrue(v.size() > 20 && versioned.out.contains("DONE " + v.size()), versioned.toString());
        assertEquals(cases(base), v, "outcomes with the base classes vs the JDK 22+ classes");
        assertFalse(versioned.err.contains("sun.misc.Unsafe"), versioned.toString());
        assertTrue(base.err.contains("sun.misc.Unsafe"), "multi-release off runs the Unsafe classes: " + base);
    }

    private static List<String> cases(Child c) {
        return c.out.lines().filter(l -> l.startsWith("CASE ")).map(l -> l.replaceAll(" \\| .*", ""))
                .collect(Collectors.toList());
    }

    @Test
    void jarsAreMultiReleaseWithJava22ClassesThatDoNotNameUnsafe() throws Exception {
        List<Path> jars = new ArrayList<>(List.of(PLAIN_JAR, CLASSIFIER_JAR));
        Path aarch64 = CLASSIFIER_JAR.resolveSibling(CLASSIFIER_JAR.getFileName().toString()
                .replace("linux-x86_64", "linux-aarch_64"));
        if (Files.isRegularFile(aarch64)) {
            jars.add(aarch64); // -Paarch64
        }
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                assertEquals("true", j.getManifest().getMainAttributes().getValue("Multi-Release"), jar.toString());
                for (String name : List.of("Memory", "Memory$All", "Memory$Known", "BufferLifetime")) {
                    ZipEntry e = j.getEntry(VERSIONED + name + ".class");
                    assertTrue(e != null, jar + " lacks " + VERSIONED + name + ".class");
                    byte[] b = read(j, e);
                    assertEquals(66, ((b[6] & 0xff) << 8) | (b[7] & 0xff), name + ": class file of release 22");
                    String text = new String(b, StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains("sun/misc/Unsafe") || text.contains("setAccessible"), name + " in " + jar);
                }
            }
        }
    }

    @Test
    void sourcesJarHoldsBothSourceTreesInTheMultiReleaseLayout() throws Exception {
        Path jar = PLAIN_JAR.resolveSibling(PLAIN_JAR.getFileName().toString().replace(".jar", "-sources.jar"));
        assertTrue(Files.isRegularFile(jar), "no sources jar next to " + PLAIN_JAR);
        Path root = Path.of(System.getProperty("user.dir"), "src", "main");
        try (JarFile j = new JarFile(jar.toFile())) {
            for (String[] tree : new String[][] {{"java", ""}, {"java22", "META-INF/versions/22/"}}) {
                List<Path> files;
                try (var walk = Files.walk(root.resolve(tree[0]))) {
                    files = walk.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
                }
                assertFalse(files.isEmpty(), "no sources under " + root.resolve(tree[0]));
                for (Path f : files) {
                    String name = tree[1] + root.resolve(tree[0]).relativize(f).toString().replace(File.separatorChar, '/');
                    ZipEntry e = j.getEntry(name);
                    assertTrue(e != null, jar + " lacks " + name);
                    assertEquals(Files.readString(f), new String(read(j, e), StandardCharsets.UTF_8), name);
                }
            }
        }
    }

    private static byte[] read(JarFile j, ZipEntry e) throws IOException {
        try (InputStream in = j.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
