package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.ChildResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kernel.io_uring_disabled = 1 and 2, for root and for an unprivileged user. Changing the
 * sysctl is only safe in a disposable machine: these run in the test-kernels guests
 * ({@code -During4j.test.guest=true}), never on the host.
 */
// Each test starts two or three child JVMs: ~15 s each under the test-kernels guests' emulated
// CPUs, past the guests' default per-test timeout (45 s then, 80 s now) on a slower machine.
@Timeout(180)
@Tag("kernel")
class GuestSysctlTest {
    private static final Path SYSCTL = Path.of("/proc/sys/kernel/io_uring_disabled");

    @TempDir
    Path dir;

    private static void assumeGuestWithSysctl() {
        assumeTrue(Boolean.getBoolean("uring4j.test.guest"),
                "changes kernel.io_uring_disabled: runs only inside a test-kernels guest");
        assumeTrue(Files.isWritable(SYSCTL), "kernel lacks kernel.io_uring_disabled (Linux 6.6+)");
    }

    @AfterEach
    void restore() throws Exception {
        if (Boolean.getBoolean("uring4j.test.guest") && Files.isWritable(SYSCTL)) {
            Files.writeString(SYSCTL, "0");
        }
    }

    private static String classpath() {
        return TestSupport.childClasspath();
    }

    private static ChildResult child(boolean asRoot, String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (!asRoot) {
            cmd.addAll(List.of("/usr/bin/setpriv", "--reuid=4321", "--regid=4321", "--clear-groups", "--inh-caps=-all", "--"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1", "-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                "-cp", classpath(), main));
        cmd.addAll(List.of(args));
        return TestSupport.run(cmd);
    }

    @Test
    void disabledOneRefusesUnprivilegedUsersAndTheFallbackStillWorks() throws Exception {
        assumeGuestWithSysctl();
        Files.writeString(SYSCTL, "1");
        ChildResult root = child(true, ProbeMain.class.getName());
        assertTrue(root.output.contains("available=true"), "root may still use io_uring: " + root.output);
        ChildResult user = child(false, ProbeMain.class.getName());
        assertTrue(user.output.contains("reason=DISABLED_BY_SYSCTL"), user.output);
        assertTrue(user.output.contains("kernel.io_uring_disabled=1"), user.output);
        Path out = Files.createTempFile("uring4j-guest", ".dat");
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        ChildResult copy = child(false, "dev.uring4j.async.AsyncFileCopyMain", out.toString());
        assertEquals(0, copy.exitCode, copy.output);
        assertTrue(copy.output.contains("backend=NIO"), copy.output);
        assertTrue(copy.output.contains("DISABLED_BY_SYSCTL"), copy.output);
        Files.deleteIfExists(out);
    }

    @Test
    void disabledTwoRefusesEveryone() throws Exception {
        assumeGuestWithSysctl();
        Files.writeString(SYSCTL, "2");
        ChildResult root = child(true, ProbeMain.class.getName());
        assertTrue(root.output.contains("reason=DISABLED_BY_SYSCTL"), root.output);
        assertTrue(root.output.contains("kernel.io_uring_disabled=2"), root.output);
        assertTrue(root.output.contains("errno=" + Errno.EPERM), "EPERM: " + root.output);
        ChildResult user = child(false, ProbeMain.class.getName());
        assertTrue(user.output.contains("reason=DISABLED_BY_SYSCTL"), user.output);
    }
}
