package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same program, with io_uring and with the NIO fallback forced, writes the same bytes. */
@Tag("kernel")
class FallbackTest {
    @TempDir
    Path dir;

    private static String exec(Path file, String... jvmArgs) throws Exception {
        Path testClasses = Path.of(FallbackTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-During4j.library.path=" + System.getProperty("uring4j.library.path")));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", testClasses + File.pathSeparator + (System.getProperty("uring4j.test.classesDir") != null
                ? System.getProperty("uring4j.test.classesDir") : testClasses.resolveSibling("classes").toString()),
                AsyncFileCopyMain.class.getName(), file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
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
