package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public method of the async package's types called with hostile arguments
 * ({@link PublicApiSweepMain}, in a child JVM: a crash fails this test instead of the test JVM);
 * on JDK 21+ once more with every call made from a virtual thread. Each finding is printed as a
 * line naming the call and its arguments.
 */
@Tag("kernel")
@Timeout(150)
class PublicApiSweepTest {
    @TempDir
    Path dir;

    private String sweep(String... extra) throws Exception {
        TestSupport.requireAvailable();
        Path d = Files.createDirectories(dir.resolve("sweep" + extra.length));
        List<String> args = new ArrayList<>(List.of(d.toString()));
        args.addAll(List.of(extra));
        TestSupport.ChildResult r = TestSupport.runJava(List.of("-During4j.library.path="
                + System.getProperty("uring4j.library.path"), "-Xmx512m"), TestSupport.testClassesDir() + File.pathSeparator
                + TestSupport.classesDir(), PublicApiSweepMain.class.getName(), args.toArray(new String[0]));
        System.out.println(r.output.lines().filter(l -> !l.startsWith("FINDING")).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("\nDONE"), r.output);
        assertTrue(r.output.contains("\nFINDINGS 0\n"), r.output);
        return r.output;
    }

    @Test
    void platformThreads() throws Exception {
        sweep();
    }

    @Test
    void virtualThreads() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        sweep("virtual");
    }
}
