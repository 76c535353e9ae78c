package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.Collector;
import dev.uring4j.diag.ThreadCensus;
import dev.uring4j.diag.UringSupport;
import dev.uring4j.internal.HostFacts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQPOLL rings: idle sleep and wake-up, CPU affinity, shared threads (ATTACH_WQ), and
 * hundreds of create/close cycles with SQE128+CQE32 at depth 64 (the combination whose
 * iou-sqp threads leaked with liburing 2.5-2.8) returning threads, fds and pinned memory
 * to baseline.
 */
@Tag("kernel")
class SqPollLifecycleTest {
    @TempDir
    Path dir;

    private static void assumeSqPoll() {
        TestSupport.requireAvailable();
        assumeTrue(UringSupport.get().isSqPollSupported(), "SQPOLL refused here (needs Linux 5.13+ unprivileged, or root)");
    }

    private static RingOptions sqpoll(int entries, Duration idle, int cpu) {
        return RingOptions.builder().entries(entries).flag(SetupFlag.COOP_TASKRUN, false)
                .flag(SetupFlag.TASKRUN_FLAG, false).sqPoll(idle, cpu).build();
    }

    private static void nops(Ring ring, int n) throws UringException {
        Collector c = new Collector();
        for (int i = 0; i < n; i++) {
            ring.nop().tag(i);
        }
        c.await(ring, n);
    }

    /** Waits up to 10 s for a condition the kernel reaches asynchronously. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private static long openFds() {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            long n = 0;
            for (Path ignored : fds) {
                n++;
            }
            return n;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sleepingSqThreadIsWokenBySubmission() throws Exception {
        assumeSqPoll();
        try (Ring ring = Ring.open(sqpoll(16, Duration.ofMillis(10), -1))) {
            nops(ring, 10);
            assertTrue(eventually(ring::isSqThreadSleeping), "the SQ thread sleeps after its 10 ms idle time");
            nops(ring, 10); // would hang without the IORING_SQ_NEED_WAKEUP wake-up
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void sqThreadIsPinnedToTheRequestedCpu() throws Exception {
        assumeSqPoll();
        eventually(() -> ThreadCensus.take().sqPollThreads() == 0);
        int before = ThreadCensus.take().sqPollThreads();
        try (Ring ring = Ring.open(sqpoll(16, Duration.ofMillis(100), 0))) {
            nops(ring, 5);
            assertTrue(eventually(() -> ThreadCensus.take().sqPollThreads() == before + 1), ThreadCensus.take().toString());
            List<String> cpus = new ArrayList<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path t : tasks) {
                    if (Files.readString(t.resolve("comm"), StandardCharsets.UTF_8).startsWith("iou-sqp-")) {
                        for (String line : Files.readAllLines(t.resolve("status"))) {
                            if (line.startsWith("Cpus_allowed_list:")) {
                                cpus.add(line.substring(18).trim());
                            }
                        }
                    }
                }
            }
            assertTrue(cpus.contains("0"), "an iou-sqp thread pinned to CPU 0: " + cpus);
        }
    }

    @Test
    void attachedRingsShareOneSqThread() throws Exception {
        assumeSqPoll();
        eventually(() -> ThreadCensus.take().sqPollThreads() == 0);
        int before = ThreadCensus.take().sqPollThreads();
        try (Ring first = Ring.open(sqpoll(16, Duration.ofMillis(100), -1));
             Ring second = Ring.open(RingOptions.builder().entries(16).flag(SetupFlag.COOP_TASKRUN, false)
                     .flag(SetupFlag.TASKRUN_FLAG, false).sqPoll(Duration.ofMillis(100), -1)
                     .attachWorkQueue(first).build())) {
            nops(first, 5);
            nops(second, 5);
            // Rings tried (and closed) while stepping flags down exit their threads asynchronously.
            assertTrue(eventually(() -> ThreadCensus.take().sqPollThreads() == before + 1),
                    "ATTACH_WQ shares the SQPOLL thread: " + ThreadCensus.take());
            try (Ring third = Ring.open(sqpoll(16, Duration.ofMillis(100), -1))) {
                nops(third, 5);
                assertTrue(eventually(() -> ThreadCensus.take().sqPollThreads() == before + 2),
                        "an unattached ring has its own: " + ThreadCensus.take());
            }
        }
        assertTrue(eventually(() -> ThreadCensus.take().sqPollThreads() <= before));
    }

    @Test
    void hundredsOfSqpollSqe128RingsLeaveNothingBehind() throws Exception {
        assumeSqPoll();
        assumeTrue(UringSupport.get().isSqe128Supported() && UringSupport.get().isCqe32Supported(),
                "kernel lacks SQE128/CQE32 (Linux 5.19)");
        soak(300, false);
    }

    @Test
    void ringsClosedWithOperationsInFlightLeaveNothingBehind() throws Exception {
        assumeSqPoll();
        soak(60, true);
    }

    private void soak(int rings, boolean withPendingReads) throws Exception {
        int fifoFd = -1;
        if (withPendingReads) {
            Path fifo = dir.resolve("fifo");
            TestSupport.mkfifo(fifo);
            try (Ring opener = Ring.open(RingOptions.builder().entries(2).build())) {
                fifoFd = TestSupport.openat(opener, fifo, Linux.O_RDWR, 0);
            }
        }
        // SQPOLL threads of rings closed by earlier tests exit asynchronously: let them go first.
        eventually(() -> ThreadCensus.take().sqPollThreads() == 0);
        ThreadCensus base = ThreadCensus.take();
        long fdsBefore = openFds();
        long pinnedBefore = HostFacts.statusBytes("VmPin");
        int leakedBefore = Ring.leakedBuffers();
        boolean big = UringSupport.get().isSqe128Supported() && UringSupport.get().isCqe32Supported();
        RingOptions o = RingOptions.builder().entries(64).flag(SetupFlag.COOP_TASKRUN, false)
                .flag(SetupFlag.TASKRUN_FLAG, false).flag(SetupFlag.SQE128, big).flag(SetupFlag.CQE32, big)
                .sqPoll(Duration.ofMillis(50), -1).build();
        for (int i = 0; i < rings; i++) {
            Ring ring = Ring.open(o);
            nops(ring, 8);
            Collector c = new Collector();
            if (withPendingReads) {
                for (int r = 0; r < 4; r++) {
                    ring.read(fifoFd, ByteBuffer.allocateDirect(16), 0).tag(100 + r);
                }
                ring.submit();
            }
            ring.close(Duration.ofSeconds(5), c);
            assertEquals(withPendingReads ? 4 : 0, c.all.size(), "each pending read completed once: " + c.all);
            for (TestSupport.Done d : c.all) {
                assertEquals(-Errno.ECANCELED, d.res, "cancelled by close: " + d);
            }
        }
        assertEquals(leakedBefore, Ring.leakedBuffers(), "every operation drained before its ring closed");
        assertTrue(eventually(() -> ThreadCensus.take().sqPollThreads() <= base.sqPollThreads()),
                "iou-sqp threads back to " + base.sqPollThreads() + ", now " + ThreadCensus.take());
        assertTrue(eventually(() -> openFds() <= fdsBefore), "open fds back to " + fdsBefore + ", now " + openFds());
        assertTrue(eventually(() -> HostFacts.statusBytes("VmPin") <= pinnedBefore),
                "VmPin back to " + pinnedBefore + ", now " + HostFacts.statusBytes("VmPin"));
        if (fifoFd >= 0) {
            try (Ring closer = Ring.open(RingOptions.builder().entries(2).build())) {
                TestSupport.closeFd(closer, fifoFd);
            }
        }
    }
}
