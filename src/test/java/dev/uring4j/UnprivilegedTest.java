package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.ChildResult;
import dev.uring4j.diag.KnownIssues;
import dev.uring4j.diag.MemlockReport;
import dev.uring4j.diag.UringSupport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Refusals driven for real: child JVMs as an unprivileged user under small memlock
 * limits (prlimit + setpriv from util-linux), and under seccomp filters that refuse
 * io_uring_setup. Each child uses a fresh uid, because the kernel accounts locked
 * memory per user and releases it asynchronously.
 */
@Tag("kernel")
class UnprivilegedTest {
    private static final AtomicInteger NEXT_UID = new AtomicInteger(47000 + (int) (ProcessHandle.current().pid() % 1000) * 10);

    private static String classpath() {
        return TestSupport.childClasspath();
    }

    private static void assumeRootWithTools() {
        assumeTrue(MemlockReport.current().hasCapIpcLock() && HostFactsAccess.euid() == 0,
                "needs root to drop to an unprivileged user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/prlimit")),
                "needs setpriv and prlimit (util-linux)");
    }

    private static ChildResult asUser(long memlock, String main, String... args) throws Exception {
        int uid = NEXT_UID.getAndIncrement();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/prlimit", "--memlock=" + memlock + ":" + memlock, "/usr/bin/setpriv",
                "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--inh-caps=-all", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData"));
        cmd.addAll(TestSupport.childJvmFlags());
        cmd.addAll(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"), "-cp", classpath(), main));
        cmd.addAll(List.of(args));
        return TestSupport.run(cmd);
    }

    private static boolean kernelChargesRings() {
        return UringSupport.get().kernelVersion().map(KnownIssues::chargesRingsToMemlock).orElse(true);
    }

    @Test
    void memlockZeroExplainsTheShortfallWithNumbers() throws Exception {
        TestSupport.requireAvailable();
        assumeRootWithTools();
        ChildResult r = asUser(0, ProbeMain.class.getName());
        if (kernelChargesRings()) {
            assertTrue(r.output.contains("reason=NOT_ENOUGH_LOCKED_MEMORY"), r.output);
            long need = MemlockReport.current().ringBytes(RingOptions.builder().entries(2).build());
            assertTrue(r.output.contains("even a 2-entry ring needs " + need + " bytes"), r.output);
            assertTrue(r.output.contains("RLIMIT_MEMLOCK is 0 bytes"), r.output);
            assertTrue(r.output.contains("ulimit -l"), r.output);
        } else {
            assertTrue(r.output.contains("available=true"), "rings are not charged on this kernel: " + r.output);
        }
    }

    @Test
    void ringAboveTheLimitThrowsTheMemlockExceptionWithTheRightNumbers() throws Exception {
        TestSupport.requireAvailable();
        assumeRootWithTools();
        long need = MemlockReport.current().ringBytes(RingOptions.defaults());
        long limit = 16 * 1024;
        ChildResult r = asUser(limit, RingOpenMain.class.getName(), "256");
        assertTrue(r.output.contains("available=true"), r.output);
        if (kernelChargesRings()) {
            assertTrue(r.output.contains("memlock limit=" + limit + " locked=0 needed=" + need + " ringsCharged=true errno=ENOMEM"),
                    r.output);
            assertTrue(r.output.contains("LimitMEMLOCK=" + need), r.output);
        } else {
            assertTrue(r.output.contains("opened sq=256"), r.output);
        }
    }

    @Test
    void ringExactlyAtTheComputedNeedFits() throws Exception {
        TestSupport.requireAvailable();
        assumeRootWithTools();
        long need = MemlockReport.current().ringBytes(RingOptions.defaults());
        ChildResult r = asUser(need, RingOpenMain.class.getName(), "256");
        assertTrue(r.output.contains("opened sq=256"), "a limit of exactly " + need + " bytes must suffice: " + r.output);
        ChildResult below = asUser(need - MemlockReport.current().pageSize(), RingOpenMain.class.getName(), "256");
        if (kernelChargesRings()) {
            assertTrue(below.output.contains("memlock limit="), "one page less must not: " + below.output);
        }
    }

    @Test
    void bufferRegistrationBeyondTheLimitIsRefusedWithNumbers() throws Exception {
        TestSupport.requireAvailable();
        assumeRootWithTools();
        // Registered buffers are charged on every kernel; leave room for the 4-entry ring itself.
        long ring = MemlockReport.current().ringBytes(RingOptions.builder().entries(4).build());
        long limit = 64 * 1024 + ring;
        ChildResult r = asUser(limit, RegisterBuffersMain.class.getName(), String.valueOf(128 * 1024));
        assertTrue(r.output.contains("memlock limit=" + limit + " needed=131072 errno=ENOMEM"), r.output);
        assertTrue(r.output.contains("registering 1 buffer(s) needs 131072 bytes"), r.output);
        ChildResult fits = asUser(limit, RegisterBuffersMain.class.getName(), String.valueOf(32 * 1024));
        assertTrue(fits.output.contains("registered 32768"), fits.output);
    }

    @Test
    void largeLimitWorks() throws Exception {
        TestSupport.requireAvailable();
        assumeRootWithTools();
        ChildResult r = asUser(8L << 20, RingOpenMain.class.getName(), "4096");
        assertTrue(r.output.contains("opened sq=4096"), r.output);
    }

    private static ChildResult underSeccomp(String errno, String main, String... args) throws Exception {
        String helper = TestSupport.seccompHelper();
        assertTrue(helper != null && Files.isExecutable(Path.of(helper)), "seccomp helper not built: " + helper);
        List<String> cmd = new ArrayList<>(List.of(helper, errno, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData"));
        cmd.addAll(TestSupport.childJvmFlags());
        cmd.addAll(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"), "-cp", classpath(), main));
        cmd.addAll(List.of(args));
        return TestSupport.run(cmd);
    }

    @Test
    void seccompEpermIsReportedAsBlockedBySeccomp() throws Exception {
        ChildResult r = underSeccomp("EPERM", ProbeMain.class.getName());
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("available=false"), r.output);
        assertTrue(r.output.contains("reason=BLOCKED_BY_SECCOMP"), r.output);
        assertTrue(r.output.contains("errno=" + Errno.EPERM), r.output);
        assertTrue(r.output.contains("ensureAvailable=BLOCKED_BY_SECCOMP"), r.output);
    }

    @Test
    void seccompEnosysIsReportedAsKernelLackingIoUring() throws Exception {
        ChildResult r = underSeccomp("ENOSYS", ProbeMain.class.getName());
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("reason=KERNEL_LACKS_IO_URING"), r.output);
        assertTrue(r.output.contains("seccomp mode 2"), r.output);
    }

    @Test
    void doctorUnderSeccompExitsNonZeroAndSaysWhy() throws Exception {
        ChildResult r = underSeccomp("EPERM", "dev.uring4j.diag.Main", "doctor");
        assertEquals(1, r.exitCode, r.output);
        assertTrue(r.output.contains("io_uring     UNAVAILABLE: BLOCKED_BY_SECCOMP"), r.output);
        assertTrue(r.output.contains("verdict      io_uring is NOT usable here"), r.output);
        ChildResult json = underSeccomp("ENOSYS", "dev.uring4j.diag.Main", "doctor", "--json");
        assertEquals(1, json.exitCode, json.output);
        assertTrue(json.output.contains("\"available\": false"), json.output);
        assertTrue(json.output.contains("\"reason\": \"KERNEL_LACKS_IO_URING\""), json.output);
    }

    /** Reads the effective uid without exposing HostFacts internals to every test. */
    static final class HostFactsAccess {
        static long euid() {
            return dev.uring4j.internal.HostFacts.read().euid;
        }
    }
}
