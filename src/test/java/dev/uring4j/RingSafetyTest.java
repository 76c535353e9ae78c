package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.Collector;
import dev.uring4j.Errno;
import dev.uring4j.diag.MemlockReport;
import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests for the defects an adversarial review found in Ring's lifecycle: closes
 * that raced, owners that died, handlers that threw Errors, waits that could not end,
 * chains cut in two, ids of one ring reaching another.
 */
@Tag("kernel")
class RingSafetyTest {
    @TempDir
    Path dir;

    /** A FIFO opened read-write (it is its own writer): a read on it stays in the kernel until cancelled. */
    private static int[] pipe(Ring ring, Path dir) throws Exception {
        Path fifo = dir.resolve("fifo-" + System.nanoTime());
        TestSupport.mkfifo(fifo);
        int fd = TestSupport.openat(ring, fifo, Linux.O_RDWR, 0);
        return new int[] {fd};
    }

    private static boolean fdIsRing(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd", String.valueOf(fd))).toString().contains("io_uring");
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aHandlerThrowingAnErrorDuringCloseStillClosesTheRing() throws Exception {
        Ring ring = TestSupport.open();
        int[] p = pipe(ring, dir);
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        ring.read(p[0], buf, -1).tag(1);
        ring.nop().tag(2);
        ring.submit();
        int fd = ring.fd();
        AtomicInteger delivered = new AtomicInteger();
        AssertionError thrown = new AssertionError("a user's Error");
        AssertionError e = assertThrows(AssertionError.class, () -> ring.close(Duration.ofSeconds(5), (tag, res, flags) -> {
            delivered.incrementAndGet();
            throw thrown;
        }));
        assertSame(thrown, e);
        assertEquals(2, delivered.get(), "every completion is still delivered once");
        assertTrue(ring.isClosed());
        assertEquals(0, ring.inFlight());
        assertFalse(fdIsRing(fd), "the ring fd is closed");
        ring.close(); // idempotent, no second teardown
        Sockets.close(p[0]);
    }

    /**
     * A ring whose owner was main, closed by another thread after main() returned: main's OS
     * thread lives on (DestroyJavaVM) until the JVM exits. With nothing in flight the close
     * returns at once. (An operation in flight waits for the drain timeout, then is leaked:
     * a DEFER_TASKRUN ring posts completions only when its owner enters it, which it never will.)
     *
     * <p>Regression for: the close waited for main's OS thread to go, i.e. the whole drain
     * timeout (for ever with no deadline), and then leaked what was in flight.
     */
    @Test
    void closingARingAfterItsOwnerMainReturnedDoesNotWaitForTheDrainTimeout() throws Exception {
        TestSupport.requireAvailable();
        for (String mode : new String[] {"idle"}) {
            TestSupport.ChildResult r = TestSupport.runJava(
                    List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path")),
                    TestSupport.childClasspath(), OwnerMainReturnsMain.class.getName(), mode);
            assertEquals(0, r.exitCode, r.output);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("closed in (\\d+) ms; delivered (.*); leaked (\\d+)")
                    .matcher(r.output);
            assertTrue(m.find(), r.output);
            assertTrue(Long.parseLong(m.group(1)) < 5_000, mode + ": " + r.output);
            assertEquals(mode.equals("timeout") ? "7=" + -Errno.ETIME + " " : "", m.group(2), r.output);
            assertEquals("0", m.group(3), r.output);
        }
    }

    @Test
    void closingARingWhoseOwnerEndedFromManyThreadsHasOneWinner() throws Exception {
        for (int round = 0; round < 20; round++) {
            AtomicReference<Ring> made = new AtomicReference<>();
            Thread owner = new Thread(() -> {
                try {
                    made.set(TestSupport.open());
                } catch (UringException e) {
                    throw new RuntimeException(e);
                }
            });
            owner.start();
            owner.join();
            Ring ring = made.get();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] closers = new Thread[4];
            for (int i = 0; i < closers.length; i++) {
                closers[i] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    ring.close();
                });
                closers[i].start();
            }
            go.countDown();
            for (Thread t : closers) {
                t.join();
            }
            assertTrue(ring.isClosed());
        }
    }

    /**
     * The owner dies with a read in flight; a thread that has a ring of its own closes it.
     * Its own ring keeps working (the dead ring's registered fd index named the closer's
     * ring), and the dead ring's buffers are released, not kept for ever.
     */
    @Test
    void closingADeadOwnersRingLeavesTheClosersRingAloneAndFreesTheBuffers() throws Exception {
        try (Ring mine = TestSupport.open()) {
            AtomicReference<Ring> made = new AtomicReference<>();
            int[][] pipeFds = new int[1][];
            Thread owner = new Thread(() -> {
                try {
                    Ring r = TestSupport.open();
                    pipeFds[0] = pipe(r, dir);
                    r.read(pipeFds[0][0], ByteBuffer.allocateDirect(64), -1).tag(5);
                    r.submit();
                    made.set(r);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            owner.start();
            owner.join();
            Ring dead = made.get();
            int leakedBefore = Ring.leakedBuffers();
            Collector got = new Collector();
            dead.close(Duration.ofSeconds(5), got);
            assertEquals(-Errno.ECANCELED, got.res(5));
            assertEquals(leakedBefore, Ring.leakedBuffers(), "the kernel was done with the buffer: not leaked");
            Collector c = new Collector();
            mine.nop().tag(9);
            assertEquals(0, c.await(mine, 1).res(9), "the closing thread's own ring still works");
            Sockets.close(pipeFds[0][0]);
        }
    }

    @Test
    void waitsThatCouldNeverEndAreRefusedAtOnce() throws Exception {
        try (Ring ring = TestSupport.open()) {
            long t0 = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ring.submitAndWait(1, -1, TimeUnit.SECONDS));
            assertTrue(e.getMessage().contains("only 0 operation"), e.getMessage());
            ring.nop().tag(1);
            assertThrows(IllegalStateException.class, () -> ring.submitAndWait(3, 10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "refused, not waited out");
            Collector c = new Collector();
            assertEquals(1, ring.submitAndReap(1, 5, TimeUnit.SECONDS, c));
        }
    }

    @Test
    void anInterruptEndsAWaitWithoutDeadline() throws Exception {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicReference<Boolean> flagKept = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (Ring ring = TestSupport.open()) {
                int[] p = pipe(ring, dir);
                ring.read(p[0], ByteBuffer.allocateDirect(8), -1).tag(1);
                waiting.countDown();
                ring.submitAndWait(1, -1, TimeUnit.SECONDS);
                outcome.set(new AssertionError("the wait returned"));
            } catch (Throwable e) {
                outcome.set(e);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        waiting.await();
        Thread.sleep(100);
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(5000);
        assertFalse(t.isAlive(), "the interrupted wait did not end");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
        assertTrue(outcome.get() instanceof UringException, String.valueOf(outcome.get()));
        assertEquals(Errno.EINTR, ((UringException) outcome.get()).errno());
        assertTrue(flagKept.get(), "the interrupt status stays set");
    }

    @Test
    void closeWithZeroTimeoutStillCancelsAndFrees() throws Exception {
        Ring ring = TestSupport.open();
        int[] p = pipe(ring, dir);
        for (int i = 0; i < 8; i++) {
            ring.read(p[0], ByteBuffer.allocateDirect(1 << 20), -1).tag(i);
        }
        ring.submit();
        int leakedBefore = Ring.leakedBuffers();
        Collector c = new Collector();
        ring.close(Duration.ZERO, c);
        assertEquals(8, c.all.size());
        int cancelled = 0;
        for (TestSupport.Done d : c.all) {
            cancelled += d.res == -Errno.ECANCELED ? 1 : 0;
        }
        assertEquals(8, cancelled);
        assertTrue(Ring.leakedBuffers() - leakedBefore < 8, "close(ZERO) cancelled in the kernel; leaked "
                + (Ring.leakedBuffers() - leakedBefore));
        Sockets.close(p[0]);
    }

    /** A chain staged across a full staging area reaches the kernel in one piece. */
    @Test
    void aLinkedChainIsNotCutWhenStagingFills() throws Exception {
        try (Ring ring = TestSupport.open(RingOptions.builder().entries(4).build())) {
            assertEquals(4, ring.sqEntries());
            for (int i = 0; i < 3; i++) {
                ring.nop().tag(i);
            }
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            ring.read(100_000, b, 0).link().tag(10); // fails with EBADF: what is linked to it is cancelled
            ring.nop().tag(11); // staging was full: this record must still follow the read in one chain
            Collector c = new Collector().await(ring, 5);
            assertEquals(-Errno.EBADF, c.res(10));
            assertEquals(-Errno.ECANCELED, c.res(11), "the link held across the flush");
            for (int i = 0; i < 3; i++) {
                assertEquals(0, c.res(i));
            }
            for (int i = 0; i < 4; i++) {
                ring.nop().link().tag(20 + i);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.nop().tag(30));
            assertTrue(e.getMessage().contains("in one piece"), e.getMessage());
        }
    }

    @Test
    void idsOfAnotherRingAndTagsAreNotOperationIds() throws Exception {
        try (Ring a = TestSupport.open(); Ring b = TestSupport.open()) {
            int[] p = pipe(a, dir);
            long idA = a.read(p[0], ByteBuffer.allocateDirect(8), -1).tag(1).id();
            a.submit();
            long idB = b.nop().tag(1).id();
            assertThrows(IllegalArgumentException.class, () -> b.cancel(idA).tag(2), "an id of ring a on ring b");
            assertThrows(IllegalArgumentException.class, () -> a.cancel(1).tag(2), "a tag is not an id");
            assertThrows(IllegalArgumentException.class, () -> a.tagOf(idB));
            assertEquals(1, a.tagOf(idA));
            a.cancel(idA).tag(3);
            Collector c = new Collector().await(a, 2);
            assertEquals(-Errno.ECANCELED, c.res(1));
            assertEquals(0, c.res(3));
            Sockets.close(p[0]);
        }
    }

    @Test
    void aVirtualThreadCannotOwnARing() throws Exception {
        TestSupport.requireAvailable();
        Path java25 = TestSupport.JAVA25;
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(java25) || Runtime.version().feature() >= 21,
                "virtual threads need JDK 21+ (Temurin 25 at " + java25 + ")");
        String java = Runtime.version().feature() >= 21
                ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : java25.toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(TestSupport.childJvmFlags());
        cmd.addAll(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"), "-cp",
                TestSupport.childClasspath(), VirtualOwnerMain.class.getName()));
        TestSupport.ChildResult r = TestSupport.run(cmd);
        assertTrue(r.output.contains("refused: java.lang.IllegalStateException: a Ring cannot be opened on a virtual "
                + "thread"), r.output);
        assertTrue(r.output.contains("platform thread ring: ok"), r.output);
    }

    /** Two rings set up in one region of caller memory would overwrite each other's queues. */
    @Test
    void oneRegionOfCallerMemoryBacksOneRingAtATime() throws Exception {
        TestSupport.requireAvailable();
        MemlockReport m = MemlockReport.current();
        int page = m.pageSize();
        long need = m.ringBytes(RingOptions.builder().entries(64).flag(SetupFlag.NO_SQARRAY, false).build());
        ByteBuffer mem = ByteBuffer.allocateDirect((int) need + 2 * page).alignedSlice(page);
        RingOptions o = RingOptions.builder().entries(64).memory(RingMemory.caller(mem)).build();
        try (Ring first = Ring.open(o)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(first.setupReport().noMmap(),
                    "IORING_SETUP_NO_MMAP with caller memory (6.5+): " + first.setupReport().memory());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ring.open(o));
            assertTrue(e.getMessage().contains("overlaps memory another ring uses"), e.getMessage());
            ByteBuffer overlapping = mem.duplicate().position(page).slice().alignedSlice(page);
            assertThrows(IllegalStateException.class, () -> Ring.open(RingOptions.builder().entries(64)
                    .memory(RingMemory.caller(overlapping)).build()));
            Collector c = new Collector();
            first.nop().tag(1);
            assertEquals(0, c.await(first, 1).res(1), "the first ring is untouched");
        }
        try (Ring again = Ring.open(o)) { // free again once the first ring closed and drained
            assertTrue(again.setupReport().noMmap());
        }
    }
}
