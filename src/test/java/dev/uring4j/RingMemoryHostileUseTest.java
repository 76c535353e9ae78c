package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probes that could crash the JVM run in a child JVM (HostileUseMain). */
@Tag("kernel")
class RingMemoryHostileUseTest {
    @TempDir
    Path dir;

    private TestSupport.ChildResult child(String scenario) throws Exception {
        return TestSupport.runJava(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                        "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log")), TestSupport.childClasspath(),
                HostileUseMain.class.getName(), scenario, dir.resolve("data").toString());
    }

    private void assertNoCrash(TestSupport.ChildResult r) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("hs_err")), "hs_err file: " + r.output);
        }
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("EXIT-NORMALLY"), r.output);
    }

    /** The ring's own NO_MMAP memory as a read target: must be refused (or at least not crash/hang). */
    @Test
    void readIntoTheRingsOwnCallerMemoryIsRefused() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            TestSupport.ChildResult r = child("ringmem-read");
            assertNoCrash(r);
            assumeTrue(r.output.contains("noMmap=true"), "caller ring memory (IORING_SETUP_NO_MMAP, 6.5+) is not "
                    + "supported here: " + r.output);
            assertTrue(r.output.contains("RESULT read-into-ring-memory REFUSED"),
                    "a read into the ring's own SQ/CQ memory was accepted: " + r.output);
        });
    }
}
