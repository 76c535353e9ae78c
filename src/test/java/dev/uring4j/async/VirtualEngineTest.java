package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport;
import dev.uring4j.Uring;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtual threads on the engine, on Temurin 25 with one carrier thread
 * (src/test/java25/VirtualEngineMain.java): a virtual thread waiting for an io_uring
 * operation unmounts, so the only carrier stays free; cached reads from a thousand virtual
 * threads return the right bytes.
 *
 * <p>Not tagged {@code kernel}: a source launch on Temurin 25 is too slow for the guests'
 * per-test limit under TCG (as for VirtualThreadFuzzTest); it runs on the host in every build.
 */
class VirtualEngineTest {
    static final Path JDK25 = TestSupport.JDK25;

    @TempDir
    Path dir;

    @Test
    void aWaitingVirtualThreadFreesItsCarrierAndThousandsReadTheRightBytes() throws Exception {
        Path java = JDK25.resolve("bin").resolve("java");
        assumeTrue(Files.isExecutable(java), "Temurin 25 (JDK 21+ virtual threads) is not installed at " + JDK25);
        assumeTrue(Uring.isAvailable(), () -> "io_uring unavailable: " + Uring.unavailabilityCause().getMessage());
        AsyncFileSafetyTest.mkfifo(dir.resolve("fifo"));
        Path src = TestSupport.testClassesDir().getParent().getParent().resolve("src/test/java25/VirtualEngineMain.java");
        if (!Files.isRegularFile(src)) {
            src = Path.of(System.getProperty("user.dir"), "src/test/java25/VirtualEngineMain.java");
        }
        List<String> cmd = List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1",
                "-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                "-cp", TestSupport.classesDir(), src.toString(), dir.toString());
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail("the child hung: " + Files.readString(log, StandardCharsets.UTF_8));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("RESULT ok"), out);
    }
}
