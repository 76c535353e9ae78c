package dev.uring4j;

import static dev.uring4j.TestSupport.openat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.Collector;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancellation, close with work in flight, and buffers the kernel still holds. */
@Tag("kernel")
class RingLifecycleTest {
    @TempDir
    Path dir;

    private int fifo(Ring ring, String name) throws Exception {
        Path p = dir.resolve(name);
        TestSupport.mkfifo(p);
        // O_RDWR on a FIFO does not block on Linux and keeps a writer present, so reads wait for data.
        return openat(ring, p, Linux.O_RDWR, 0);
    }

    @Test
    void aTimeoutTooLongForTheClockStillWaits() throws Exception {
        // Long.MAX_VALUE ns overflows nanoTime() + timeout; the deadline arithmetic must still see
        // a far deadline and wait past the first 50 ms slice, for the 200 ms timeout op.
        try (Ring ring = TestSupport.open()) {
            Collector c = new Collector();
            ring.timeout(200, TimeUnit.MILLISECONDS).tag(1);
            long start = System.nanoTime();
            ring.submitAndWait(1, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            long waited = System.nanoTime() - start;
            assertEquals(1, ring.reap(c), "the wait returned before the completion (after " + waited / 1_000_000
                    + " ms)");
            assertEquals(-Errno.ETIME, c.res(1));
            assertTrue(waited >= 150_000_000L, "waited only " + waited / 1_000_000 + " ms");
        }
    }

    @Test
    void cancellingAReadPendingOnAFifo() throws Exception {
        try (Ring ring = TestSupport.open()) {
            int fd = fifo(ring, "p1");
            Collector c = new Collector();
            long read = ring.read(fd, ByteBuffer.allocateDirect(64), 0).tag(1).id();
            ring.submitAndWait(1, 100, TimeUnit.MILLISECONDS);
            ring.reap(c);
            assertTrue(c.all.isEmpty(), "the read must still be pending: " + c.all);
            ring.cancel(read).tag(2);
            c.await(ring, 2);
            assertEquals(-Errno.ECANCELED, c.res(1), "the read completes with ECANCELED");
            assertEquals(0, c.res(2), "the cancel found it");
            // Cancelling it again: it is gone.
            ring.cancel(read).tag(3);
            assertEquals(-Errno.ENOENT, c.await(ring, 3).res(3), "ENOENT");
            TestSupport.closeFd(ring, fd);
        }
    }

    @Test
    void closeWithOperationsInFlightCompletesEachExactlyOnce() throws Exception {
        Collector c = new Collector();
        int leakedBefore = Ring.leakedBuffers();
        Ring ring = TestSupport.open();
        int fd = fifo(ring, "p2");
        for (int i = 0; i < 20; i++) {
            ring.read(fd, ByteBuffer.allocateDirect(16), 0).tag(i);
        }
        ring.submit();
        ring.timeout(1, TimeUnit.HOURS).tag(100);
        ring.submit();
        ring.nop().tag(200); // staged, never submitted
        ring.reap(c);
        assertEquals(22, ring.inFlight());
        ring.close(Duration.ofSeconds(5), c);
        assertEquals(22, c.all.size(), "every operation completed: " + c.all);
        for (int i = 0; i < 20; i++) {
            assertEquals(-Errno.ECANCELED, c.res(i), "read " + i);
        }
        assertEquals(-Errno.ECANCELED, c.res(100), "timeout");
        assertEquals(-Errno.ECANCELED, c.res(200), "staged nop");
        assertTrue(ring.isClosed());
        ring.close(); // idempotent
        assertEquals(leakedBefore, Ring.leakedBuffers(), "the kernel gave everything back");
    }

    /**
     * An IO_DRAIN record waits for a FIFO read that never completes, and holds every later
     * SQE back with it. A timed wait still returns by its deadline (kernels without
     * IORING_FEAT_EXT_ARG wait by polling the ring fd, not with a timeout SQE that would be
     * held back too), and close returns by its drain deadline with both operations
     * completed once: cancelled in the kernel where IORING_REGISTER_SYNC_CANCEL bypasses
     * the SQ (6.0+), else completed with -ECANCELED and their buffers kept.
     */
    @Test
    void waitsAndCloseKeepTheirDeadlinesBehindAnIoDrainRecord() throws Exception {
        Collector c = new Collector();
        Ring ring = TestSupport.open();
        int fd = fifo(ring, "p-drain");
        ring.read(fd, ByteBuffer.allocateDirect(16), 0).tag(1);
        ring.nop().drain().tag(2);
        long t0 = System.nanoTime();
        int n = ring.submitAndReap(1, 300, TimeUnit.MILLISECONDS, c);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, n, "nothing can complete: " + c.all);
        assertTrue(waitedMs >= 250 && waitedMs < 3_000, "the 300 ms wait took " + waitedMs + " ms");
        t0 = System.nanoTime();
        ring.close(Duration.ofSeconds(1), c);
        long closeMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(closeMs < 4_000, "close with a 1 s drain deadline took " + closeMs + " ms");
        assertEquals(-Errno.ECANCELED, c.res(1), "the read ends cancelled");
        assertTrue(c.res(2) == 0 || c.res(2) == -Errno.ECANCELED, "the drained nop ends, run or cancelled: " + c.res(2));
        assertEquals(2, c.all.size(), "each exactly once: " + c.all);
        try (Ring other = TestSupport.open()) {
            TestSupport.closeFd(other, fd);
        }
    }

    @Test
    void bufferReferencedOnlyByTheRingSurvivesGcUntilItsReadCompletes() throws Exception {
        try (Ring ring = TestSupport.open()) {
            int fd = fifo(ring, "p3");
            WeakReference<ByteBuffer> weak;
            {
                ByteBuffer onlyTheRingHasIt = ByteBuffer.allocateDirect(5);
                weak = new WeakReference<>(onlyTheRingHasIt);
                ring.read(fd, onlyTheRingHasIt, 0).tag(1);
                ring.submit();
            }
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertTrue(weak.get() != null, "the ring must keep the buffer of a pending read reachable");
            ring.write(fd, ByteBuffer.allocateDirect(5).put(new byte[] {'h', 'e', 'l', 'l', 'o'}).flip(), 0).tag(2);
            Collector c = new Collector();
            c.await(ring, 2);
            assertEquals(5, c.res(1));
            assertEquals(5, c.res(2));
            ByteBuffer b = weak.get();
            assertTrue(b != null);
            byte[] got = new byte[5];
            b.get(0, got);
            assertEquals("hello", new String(got, java.nio.charset.StandardCharsets.US_ASCII));
            TestSupport.closeFd(ring, fd);
        }
    }

    @Test
    void aThrowingHandlerLosesNothing() throws Exception {
        try (Ring ring = TestSupport.open()) {
            for (int i = 0; i < 10; i++) {
                ring.nop().tag(i);
            }
            ring.submitAndWait(10, 1, TimeUnit.SECONDS);
            int[] calls = {0};
            assertThrows(IllegalStateException.class, () -> ring.reap((tag, res, flags) -> {
                calls[0]++;
                if (tag == 3) {
                    throw new IllegalStateException("boom");
                }
            }));
            assertEquals(4, calls[0]);
            Collector rest = new Collector();
            ring.reap(rest);
            assertEquals(6, rest.all.size(), "tags 4..9 remain: " + rest.all);
            assertEquals(4L, rest.all.get(0).tag);
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void nativeValidatorRejectsWhatJavaWouldNeverProduceAndNothingIsLost() throws Exception {
        try (Ring ring = TestSupport.open()) {
            ring.nop().tag(1);
            UncheckedRecords.stage(ring, 200, 0, -1, 0, 0, 0, 0, 2);                 // unknown opcode
            ring.nop().tag(3);
            UringException e = assertThrows(UringException.class, ring::submit);
            assertTrue(e.getMessage().contains("record 1 (opcode 200) was rejected by the native validator"), e.getMessage());
            Collector c = new Collector();
            ring.reap(c);
            assertEquals(-Errno.EINVAL, c.res(2));
            assertEquals(-Errno.ECANCELED, c.res(1));
            assertEquals(-Errno.ECANCELED, c.res(3));

            UncheckedRecords.stage(ring, 22 /* READ */, 0, 0, 0, 0, 4096, 0, 4);     // null buffer with a length
            e = assertThrows(UringException.class, ring::submit);
            assertTrue(e.getMessage().contains("a required address is null"), e.getMessage());
            UncheckedRecords.stage(ring, 0, 1 /* FIXED_FILE */, -1, 0, 0, 0, 0, 5);  // no files registered
            e = assertThrows(UringException.class, ring::submit);
            assertTrue(e.getMessage().contains("SQE flags"), e.getMessage());
            ring.reap(c);
            assertEquals(-Errno.EINVAL, c.res(4));
            assertEquals(-Errno.EINVAL, c.res(5));
            assertEquals(0, ring.inFlight());
        }
    }
}
