package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport;
import dev.uring4j.TestSupport.ChildResult;
import dev.uring4j.nio.child.InstalledProviderMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=dev.uring4j.nio.UringFileSystemProvider}
 * in a child JVM: a program that knows nothing of uring4j gets the provider everywhere it finds
 * the default file system, and its I/O through it is right. The classes of the channels it got
 * are printed (the test's output in the reports).
 */
@Tag("kernel")
class InstalledProviderTest {
    private static final String OURS = UringFileSystemProvider.class.getName();

    @TempDir
    Path dir;

    static void assertInstalled(String output) {
        assertInstalled(output, "dev.uring4j.nio.UringFileChannel");
    }

    /** As {@link #assertInstalled(String)}, the FileChannel being {@code fileChannelClass}. */
    static void assertInstalled(String output, String fileChannelClass) {
        for (String field : List.of("provider", "pathProvider", "fileToPathProvider", "uriPathProvider",
                "firstInstalledProvider")) {
            assertEquals(OURS, ChildJvm.field(output, field), field + " in:\n" + output);
        }
        assertEquals("true", ChildJvm.field(output, "sameFileSystemByUri"), output);
        assertEquals("true", ChildJvm.field(output, "toFile"), output);
        assertEquals("ok", ChildJvm.field(output, "io"), output);
        // FileChannel.open, Files.newByteChannel and AsynchronousFileChannel.open give uring4j's channels.
        assertEquals(fileChannelClass, ChildJvm.field(output, "fileChannel"), output);
        assertEquals(fileChannelClass, ChildJvm.field(output, "byteChannel"), output);
        assertEquals("dev.uring4j.nio.UringAsynchronousFileChannel", ChildJvm.field(output, "asyncChannel"), output);
        System.out.println(output);
    }

    @Test
    void onTheClassPath() throws Exception {
        String out = ChildJvm.run(ChildJvm.options(true), ChildJvm.ownClassPath(), InstalledProviderMain.class,
                dir.toString());
        assertInstalled(out);
    }

    @Test
    void onTheModulePathWithTheModuleResolved() throws Exception {
        String out = ChildJvm.run(ChildJvm.options(true, "-p", TestSupport.classesDir(), "--add-modules", "dev.uring4j"),
                TestSupport.testClassesDir().toString(), InstalledProviderMain.class, dir.toString());
        assertInstalled(out);
    }

    @Test
    void onTheModulePathUnresolvedTheJdkCannotFindIt() throws Exception {
        ChildResult r = TestSupport.runJava(ChildJvm.options(true, "-p", TestSupport.classesDir()),
                TestSupport.testClassesDir().toString(), InstalledProviderMain.class.getName(), dir.toString());
        assertNotEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("java.lang.ClassNotFoundException: " + OURS), r.output);
    }

    @Test
    void withoutTheFlagTheSameProgramGetsTheJdksProvider() throws Exception {
        String out = ChildJvm.run(ChildJvm.options(false), ChildJvm.ownClassPath(), InstalledProviderMain.class,
                dir.toString());
        String jdk = ChildJvm.field(out, "provider");
        assertNotEquals(OURS, jdk, out);
        assertEquals(jdk, ChildJvm.field(out, "pathProvider"), out);
        assertEquals("ok", ChildJvm.field(out, "io"), out);
        assertTrue(Files.exists(dir.resolve("async.bin")));
    }
}
