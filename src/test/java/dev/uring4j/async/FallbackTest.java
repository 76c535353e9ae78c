package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import dev.uring4j.TestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The same program, with io_uring and with the NIO fallback forced, writes the same bytes. */
// Each test starts two or three child JVMs: ~15 s each under the test-kernels guests' emulated
// CPUs, past the guests' default per-test timeout (45 s then, 80 s now) on a slower machine.
@Timeout(180)
@Tag("kernel")
class FallbackTest {
    @TempDir
    Path dir;

    private static String exec(Path file, String... jvmArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path")));
        args.addAll(List.of(jvmArgs));
        TestSupport.ChildResult r = TestSupport.runJava(args, TestSupport.testClassesDir() + File.pathSeparator + TestSupport.classesDir(),
                AsyncFileCopyMain.class.getName(), file.toString());
        assertEquals(0, r.exitCode, r.output);
        return r.output;
    }

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=(.*)$").matcher(out);
        assertTrue(m.find(), name + " missing in " + out);
        return m.group(1).trim();
    }

    @Test
    void noNativeFallbackProducesTheSameBytes() throws Exception {
        String uring = exec(dir.resolve("a"));
        String nio = exec(dir.resolve("b"), "-During4j.noNative=true");
        assertEquals("IOURING", field(uring, "backend"), uring);
        assertEquals("NIO", field(nio, "backend"), nio);
        assertTrue(field(nio, "reason").contains("DISABLED_BY_PROPERTY"), nio);
        assertEquals(field(uring, "file"), field(nio, "file"), "same bytes on disk");
        assertEquals(field(uring, "readback"), field(nio, "readback"), "same bytes read back");
        assertEquals(field(uring, "file"), field(uring, "readback"));
    }

    @Test
    void backendPropertyOverridesTheChoice() throws Exception {
        String nio = exec(dir.resolve("c"), "-During4j.backend=nio");
        assertEquals("NIO", field(nio, "backend"));
        assertEquals("-During4j.backend=nio", field(nio, "reason"));
        String uring = exec(dir.resolve("d"), "-During4j.backend=iouring");
        assertEquals("IOURING", field(uring, "backend"));
    }
}
