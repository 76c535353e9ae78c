package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.ChildResult;
import dev.uring4j.TestSupport.Collector;
import dev.uring4j.internal.NativeLoader;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against the packaged jars (failsafe puts the classifier jar on the class path, not target/classes). */
class PackagedJarIT {
    private static final Path CLASSIFIER_JAR = Path.of(System.getProperty("uring4j.test.classifierJar"));
    private static final Path PLAIN_JAR = Path.of(System.getProperty("uring4j.test.plainJar"));

    @TempDir
    Path dir;

    private static String testClasses() throws Exception {
        return Path.of(PackagedJarIT.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void nativeLibraryComesFromTheJarResource() throws Exception {
        assertTrue(NativeLoader.class.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith(".jar"),
                "uring4j classes must come from the packaged jar");
        TestSupport.requireAvailable();
        assertEquals("jar:" + CLASSIFIER_JAR.toUri().toURL() + "!/META-INF/native/linux-x86_64/liburing4j.so",
                NativeLoader.loadedFrom());
        Path file = dir.resolve("f");
        Files.write(file, new byte[] {10, 20, 30});
        try (Ring ring = Ring.open(RingOptions.defaults())) {
            int fd = TestSupport.openat(ring, file, Linux.O_RDONLY, 0);
            ByteBuffer b = ByteBuffer.allocateDirect(3);
            ring.read(fd, b, 0).tag(1);
            assertEquals(3, new Collector().await(ring, 1).res(1));
            assertEquals(30, b.get(2));
            TestSupport.closeFd(ring, fd);
        }
    }

    @Test
    void extractedLibraryIsDeletedAfterLoading() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("extract"));
        ChildResult r = TestSupport.runJava(List.of("-During4j.tmpdir=" + tmp),
                CLASSIFIER_JAR + File.pathSeparator + testClasses(), ProbeMain.class.getName());
        assertTrue(r.output.contains("available=true"), r.output);
        assertTrue(r.output.contains("loadedFrom=jar:"), r.output);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.collect(Collectors.toList()), "extracted files left behind");
        }
    }

    @Test
    void unwritableExtractionDirectoryIsExplained() throws Exception {
        ChildResult r = TestSupport.runJava(List.of("-During4j.tmpdir=" + dir.resolve("missing")),
                CLASSIFIER_JAR + File.pathSeparator + testClasses(), ProbeMain.class.getName());
        assertTrue(r.output.contains("reason=NATIVE_LIBRARY_MISSING"), r.output);
        assertTrue(r.output.contains("-During4j.tmpdir=DIR"), r.output);
    }

    @Test
    void noexecExtractionDirectoryIsExplained() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("noexec"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "noexec,size=16m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes());
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "mounting a noexec tmpfs needs root: " + out);
        try {
            ChildResult r = TestSupport.runJava(List.of("-During4j.tmpdir=" + mnt),
                    CLASSIFIER_JAR + File.pathSeparator + testClasses(), ProbeMain.class.getName());
            assertTrue(r.output.contains("available=false"), r.output);
            assertTrue(r.output.contains("is probably mounted noexec"), r.output);
            assertTrue(r.output.contains("-During4j.tmpdir=DIR"), r.output);
            try (Stream<Path> left = Files.list(mnt)) {
                assertEquals(0, left.count(), "the extracted file is removed even when loading fails");
            }
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor();
        }
    }

    @Test
    void classifierJarIsRunnableAndReportsThisHost() throws Exception {
        ChildResult r = TestSupport.runJava(List.of("-jar", CLASSIFIER_JAR.toString()), null, "--seconds=0.2");
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("io_uring:  available"), r.output);
        assertTrue(r.output.contains("applied ["), r.output);
        assertTrue(r.output.matches("(?s).*Ring, depth 32: +[0-9,]+ reads/s.*"), r.output);
        assertTrue(r.output.matches("(?s).*FileChannel, 1 thread: +[0-9,]+ reads/s.*"), r.output);
    }

    @Test
    void plainJarRunsWithoutNativesAndSaysWhichClassifierToAdd() throws Exception {
        ChildResult r = TestSupport.runJava(List.of(), PLAIN_JAR.toString(), "dev.uring4j.diag.Main",
                "--seconds=0.1");
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("UNAVAILABLE (NATIVE_LIBRARY_MISSING)"), r.output);
        assertTrue(r.output.contains("dev.uring4j:uring4j:<version>:linux-x86_64"), r.output);
        assertTrue(r.output.contains("FileChannel, 1 thread"), r.output);
    }

    @Test
    void jarsAreARealModuleExportingOnlyTheApi() throws Exception {
        for (Path jar : List.of(CLASSIFIER_JAR, PLAIN_JAR)) {
            ModuleDescriptor d = ModuleFinder.of(jar).find("dev.uring4j").orElseThrow().descriptor();
            assertEquals(Set.of("dev.uring4j", "dev.uring4j.async", "dev.uring4j.nio", "dev.uring4j.diag"),
                    d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()), jar.toString());
        }
        ChildResult r = TestSupport.runJava(List.of("--enable-native-access=dev.uring4j", "-p", CLASSIFIER_JAR.toString(),
                "-m", "dev.uring4j/dev.uring4j.diag.Main"), null, "--seconds=0.1");
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("io_uring:  available"), "works on the module path too: " + r.output);
    }
}
