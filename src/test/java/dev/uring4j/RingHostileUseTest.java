package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.Collector;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adversarial probes of the core Ring API (probe-h3). */
@Tag("kernel")
class RingHostileUseTest {
    @TempDir
    Path dir;

    private static final Duration LIMIT = Duration.ofSeconds(5);

    private int fifo(Ring ring, String name) throws Exception {
        Path p = dir.resolve(name);
        TestSupport.mkfifo(p);
        return TestSupport.openat(ring, p, Linux.O_RDWR, 0);
    }

    /** Counts completions per tag; never throws. */
    static final class Counts implements CompletionHandler {
        final Map<Long, Integer> n = new HashMap<>();
        final Map<Long, Integer> res = new HashMap<>();
        int total;

        @Override
        public void onCompletion(long tag, int r, int flags) {
            n.merge(tag, 1, Integer::sum);
            res.put(tag, r);
            total++;
        }
    }

    // ------------------------------------------------------------------ waits

    /**
     * 20 NOPs are in flight on a ring whose CQ holds 8: all 20 complete almost at once.
     * submitAndWait(20) can be satisfied (20 operations that each complete once), so it
     * must either return promptly or be refused at once; it must not sit until its deadline.
     */
    @Test
    void submitAndWaitForMoreCompletionsThanTheCqHoldsEndsPromptly() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring ring = TestSupport.open(RingOptions.builder().entries(4).cqEntries(8).build())) {
                assertEquals(8, ring.cqEntries());
                for (int i = 0; i < 20; i++) {
                    ring.nop().tag(i);
                }
                long t0 = System.nanoTime();
                ring.submitAndWait(20, 3, TimeUnit.SECONDS); // ends once the ring holds its 8
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 1000, "submitAndWait(20) for 20 NOPs that all completed took " + ms
                        + " ms: it waited for completions the 8-entry reap buffer can never hold");
                Counts c = new Counts();
                while (c.total < 20) {
                    ring.submitAndReap(1, 1, TimeUnit.SECONDS, c);
                }
                assertEquals(20, c.total);
            }
        });
    }

    /** The same wait without a deadline must not hang the thread for ever. */
    @Test
    void submitAndWaitWithoutDeadlineForMoreThanTheCqHoldsDoesNotHang() throws Exception {
        AtomicReference<Ring> ringRef = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Ring ring = TestSupport.open(RingOptions.builder().entries(4).cqEntries(8).build());
                ringRef.set(ring);
                for (int i = 0; i < 20; i++) {
                    ring.nop().tag(i);
                }
                ring.submitAndWait(20, -1, TimeUnit.SECONDS); // ends once the ring holds its 8
                ring.close(Duration.ofSeconds(1), (tag, res, flags) -> { });
            } catch (UringException e) {
                if (Thread.currentThread().isInterrupted()) {
                    ringRef.get().close(Duration.ofSeconds(1), (tag, res, flags) -> { });
                    return;
                }
                throw new RuntimeException(e);
            }
        }, "probe-wait-owner");
        t.start();
        t.join(3000);
        boolean hung = t.isAlive();
        if (hung) {
            t.interrupt(); // an interrupt ends the wait (EINTR) within 50 ms
            t.join(3000);
        }
        assertTrue(!hung, "submitAndWait(20, no deadline) with 20 completed NOPs on an 8-entry CQ hung (ended only by an interrupt)");
    }

    // ------------------------------------------------------------------ buffers changed while in flight

    /**
     * A careless user lowers a readv buffer's limit below its start position while the read
     * is in flight. The completion must still be delivered exactly once (not lost with an
     * exception out of reap), and close must not then wait out its deadline and leak.
     */
    @Test
    void readvWhoseBufferLimitShrankInFlightStillCompletesOnce() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path f = dir.resolve("data");
            Files.write(f, new byte[4096]);
            try (Ring ring = TestSupport.open()) {
                int fd = TestSupport.openat(ring, f, Linux.O_RDONLY, 0);
                ByteBuffer a = ByteBuffer.allocateDirect(64);
                a.position(10).limit(20);
                ByteBuffer b = ByteBuffer.allocateDirect(64);
                ring.readv(fd, new ByteBuffer[] {a, b}, 0).tag(7);
                a.limit(5); // careless: changed while in flight
                Counts c = new Counts();
                Throwable thrown = null;
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (c.total < 1 && System.nanoTime() < deadline) {
                    try {
                        ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, c);
                    } catch (RuntimeException e) {
                        thrown = e;
                        break;
                    }
                }
                int inFlight = ring.inFlight();
                long leakedBefore = Ring.leakedBuffers();
                long t0 = System.nanoTime();
                ring.close(Duration.ofSeconds(2), c);
                long closeMs = (System.nanoTime() - t0) / 1_000_000;
                String state = "the readv completed " + c.n.get(7L) + " time(s) with res " + c.res.get(7L)
                        + "; reap threw " + thrown + "; inFlight after reap " + inFlight + "; close took "
                        + closeMs + " ms; leaked " + (Ring.leakedBuffers() - leakedBefore);
                assertEquals(Integer.valueOf(1), c.n.get(7L), state);
                assertTrue(thrown == null, "reap threw (not the handler's), the completion was consumed: " + state);
                assertTrue(c.res.get(7L) > 0, "the successful readv was delivered as " + c.res.get(7L) + ": " + state);
                assertEquals(0, Ring.leakedBuffers() - leakedBefore, "close leaked the finished readv's buffers");
            }
        });
    }

    // ------------------------------------------------------------------ Sqe cursors

    /**
     * Sqe's contract: a kept Sqe is refused after the next operation, until the pool hands
     * its object out again (64 operations later): the choices of operations 1..63 after it
     * never land anywhere, and its id() stays that of its own operation until then.
     */
    @Test
    void aKeptSqeIsRefusedUntilItsPooledObjectIsHandedOutAgain() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring ring = TestSupport.open(RingOptions.builder().entries(256).build())) {
                Sqe first = ring.nop().tag(1000);
                long firstId = first.id();
                for (int i = 0; i < 63; i++) {
                    ring.nop().tag(i);
                    assertThrows(IllegalStateException.class, () -> first.tag(4242), "after " + (i + 1) + " operations");
                    assertEquals(firstId, first.id());
                }
                Sqe sixtyFourth = ring.nop().tag(63);
                assertSame(first, sixtyFourth, "the pool has 64 objects (the Javadoc says so)");
                Counts c = new Counts();
                while (c.total < 65) {
                    ring.submitAndReap(65 - c.total, 1, TimeUnit.SECONDS, c);
                }
                assertEquals(Integer.valueOf(1), c.n.get(1000L));
                assertFalse(c.n.containsKey(4242L), "a refused choice landed on an operation");
            }
        });
    }

    @Test
    void sqeAfterSubmitOrNextOpOrCloseThrows() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Ring ring = TestSupport.open();
            Sqe s = ring.nop();
            ring.nop();
            assertThrows(IllegalStateException.class, () -> s.link());
            assertThrows(IllegalStateException.class, () -> s.tag(1));
            Sqe s2 = ring.nop();
            ring.submit();
            assertThrows(IllegalStateException.class, () -> s2.drain());
            assertThrows(IllegalStateException.class, () -> s2.attach("x"));
            Sqe s3 = ring.nop();
            ring.close();
            assertThrows(IllegalStateException.class, () -> s3.async());
            assertThrows(IllegalStateException.class, () -> s3.hardLink());
        });
    }

    /** A Sqe of ring A used from ring A's thread while ring B is the one being used. */
    @Test
    void sqeOfAnotherRingStaysWithItsRing() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring a = TestSupport.open(); Ring b = TestSupport.open()) {
                Sqe sa = a.nop().tag(1);
                b.nop().tag(2);
                sa.tag(11); // still a's last operation: allowed
                Counts ca = new Counts(), cb = new Counts();
                a.submitAndReap(1, 1, TimeUnit.SECONDS, ca);
                b.submitAndReap(1, 1, TimeUnit.SECONDS, cb);
                assertEquals(Map.of(11L, 1), ca.n);
                assertEquals(Map.of(2L, 1), cb.n);
            }
        });
    }

    @Test
    void sqeUsedFromAnotherThreadThrows() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring ring = TestSupport.open()) {
                Sqe s = ring.nop();
                AtomicReference<Throwable> t = new AtomicReference<>();
                Thread th = new Thread(() -> {
                    try {
                        s.link();
                    } catch (Throwable e) {
                        t.set(e);
                    }
                });
                th.start();
                th.join();
                assertTrue(t.get() instanceof IllegalStateException, "got " + t.get());
                Counts c = new Counts();
                ring.submitAndReap(1, 1, TimeUnit.SECONDS, c);
                assertEquals(Map.of(0L, 1), c.n);
            }
        });
    }

    // ------------------------------------------------------------------ reentrancy

    /** ring.close() from inside the handler of submitAndReap: every op completes exactly once. */
    @Test
    void closeFromInsideTheHandlerCompletesEverythingOnce() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Ring ring = TestSupport.open();
            int fd = fifo(ring, "p-close-in-handler");
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            ring.read(fd, buf, -1).tag(100);
            for (int i = 0; i < 10; i++) {
                ring.nop().tag(i);
            }
            Counts c = new Counts();
            CompletionHandler h = new CompletionHandler() {
                @Override
                public void onCompletion(long tag, int res, int flags) {
                    c.onCompletion(tag, res, flags);
                    if (tag == 3) {
                        ring.close();
                        // new ops and reaps from the handler after close: exceptions, no crash
                        assertThrows(IllegalStateException.class, ring::nop);
                        assertThrows(IllegalStateException.class, () -> ring.reap(this));
                    }
                }
            };
            ring.submitAndReap(10, 1, TimeUnit.SECONDS, h);
            assertTrue(ring.isClosed());
            for (long i = 0; i < 10; i++) {
                assertEquals(Integer.valueOf(1), c.n.get(i), "nop " + i + ": " + c.n);
            }
            assertEquals(Integer.valueOf(1), c.n.get(100L), "the pending read: " + c.n);
            assertEquals(-Errno.ECANCELED, c.res.get(100L));
            assertEquals(0, ring.strayCompletions());
            assertThrows(IllegalStateException.class, () -> ring.submit());
            assertDoesNotThrow(() -> ring.close());
        });
    }

    /** close() inside the handler that close itself is draining with: ignored, no recursion. */
    @Test
    void closeInsideClosesOwnDrain() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Ring ring = TestSupport.open();
            int fd = fifo(ring, "p-close-in-close");
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            ring.read(fd, buf, -1).tag(1);
            ring.submit();
            ring.nop().tag(2);
            ring.nop().tag(3);
            Counts c = new Counts();
            ring.close(Duration.ofSeconds(2), (tag, res, flags) -> {
                c.onCompletion(tag, res, flags);
                ring.close();
                ring.close(Duration.ZERO, null);
            });
            assertEquals(Map.of(1L, 1, 2L, 1, 3L, 1), c.n);
        });
    }

    /** The handler issues new ops and submits/reaps reentrantly; everything completes once. */
    @Test
    void handlerIssuesOpsAndReapsReentrantly() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring ring = TestSupport.open(RingOptions.builder().entries(8).build())) {
                Counts c = new Counts();
                int[] next = {1000};
                CompletionHandler h = new CompletionHandler() {
                    int depth;

                    @Override
                    public void onCompletion(long tag, int res, int flags) {
                        c.onCompletion(tag, res, flags);
                        if (tag < 1000 && depth < 3) {
                            depth++;
                            try {
                                for (int i = 0; i < 5; i++) {
                                    ring.nop().tag(next[0]++);
                                }
                                ring.submit();
                                ring.reap(this);
                                ring.submitAndReap(0, 0, TimeUnit.SECONDS, this);
                            } catch (UringException e) {
                                throw new RuntimeException(e);
                            } finally {
                                depth--;
                            }
                        }
                    }
                };
                for (int i = 0; i < 20; i++) {
                    ring.nop().tag(i);
                }
                long deadline = System.nanoTime() + 3_000_000_000L;
                while ((c.total < 20 + (next[0] - 1000) || ring.inFlight() > 0) && System.nanoTime() < deadline) {
                    ring.submitAndReap(0, 0, TimeUnit.SECONDS, h);
                    ring.reap(h);
                }
                int expected = 20 + (next[0] - 1000);
                assertEquals(expected, c.total, "completions " + c.total + ", inFlight " + ring.inFlight());
                for (Map.Entry<Long, Integer> e : c.n.entrySet()) {
                    assertEquals(1, e.getValue(), "tag " + e.getKey() + " completed " + e.getValue() + " times");
                }
                assertEquals(0, ring.strayCompletions());
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /** Handler throws RuntimeException, then Error, then a checked exception; the ring keeps working. */
    @Test
    void handlerThrowingEverythingLeavesAUsableRing() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring ring = TestSupport.open()) {
                List<Long> seen = new ArrayList<>();
                CompletionHandler h = (tag, res, flags) -> {
                    seen.add(tag);
                    if (tag == 1) {
                        throw new IllegalStateException("boom");
                    }
                    if (tag == 2) {
                        throw new StackOverflowError("fake");
                    }
                    if (tag == 3) {
                        RingHostileUseTest.<RuntimeException>sneaky(new java.io.IOException("checked"));
                    }
                };
                for (int i = 1; i <= 5; i++) {
                    ring.nop().tag(i);
                }
                ring.submitAndWait(5, 1, TimeUnit.SECONDS);
                int throwsSeen = 0;
                for (int k = 0; k < 10 && seen.size() < 5; k++) {
                    try {
                        ring.reap(h);
                    } catch (Throwable t) {
                        throwsSeen++;
                    }
                }
                assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seen);
                assertEquals(3, throwsSeen);
                ring.nop().tag(9);
                Counts c = new Counts();
                ring.submitAndReap(1, 1, TimeUnit.SECONDS, c);
                assertEquals(Map.of(9L, 1), c.n);
            }
        });
    }

    // ------------------------------------------------------------------ close

    /**
     * close(ChronoUnit.FOREVER.getDuration()) ("drain as long as it takes"): the pending
     * read must be cancelled and delivered, nothing leaked, and no ArithmeticException.
     */
    @Test
    void closeWithAnEnormousDrainTimeout() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Ring ring = TestSupport.open();
            int fd = fifo(ring, "p-forever");
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            ring.read(fd, buf, -1).tag(1);
            ring.submit();
            Counts c = new Counts();
            int leakedBefore = Ring.leakedBuffers();
            Throwable thrown = null;
            try {
                ring.close(ChronoUnit.FOREVER.getDuration(), c);
            } catch (Throwable t) {
                thrown = t;
            }
            assertTrue(ring.isClosed());
            assertEquals(Map.of(1L, 1), c.n);
            assertEquals(0, Ring.leakedBuffers() - leakedBefore, "close leaked the read's buffer (thrown: " + thrown + ")");
            assertTrue(thrown == null, "close threw " + thrown);
        });
    }

    @Test
    void closeWithANegativeDrainTimeoutStillCompletesEverything() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Ring ring = TestSupport.open();
            int fd = fifo(ring, "p-neg");
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            ring.read(fd, buf, -1).tag(1);
            ring.submit();
            ring.nop().tag(2);
            Counts c = new Counts();
            ring.close(Duration.ofSeconds(-100), c);
            assertEquals(Map.of(1L, 1, 2L, 1), c.n);
        });
    }

    // ------------------------------------------------------------------ huge / negative counts

    @Test
    void hugeAndNegativeArgumentsAreRefusedOrWork() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring ring = TestSupport.open()) {
                assertThrows(IllegalArgumentException.class, () -> ring.timeout(-1, TimeUnit.SECONDS));
                assertThrows(IllegalArgumentException.class, () -> ring.linkTimeout(Long.MIN_VALUE, TimeUnit.NANOSECONDS));
                assertThrows(IllegalArgumentException.class, () -> ring.timeout(1, TimeUnit.SECONDS, -1));
                assertThrows(IllegalArgumentException.class, () -> ring.submitAndWait(-1, 0, TimeUnit.SECONDS));
                assertThrows(IllegalStateException.class, () -> ring.submitAndWait(Integer.MAX_VALUE, -1, TimeUnit.SECONDS));
                assertThrows(IllegalArgumentException.class, () -> ring.fallocate(0, 0, -1, 1));
                assertEquals(0, ring.inFlight());
                // linkTimeout with Long.MAX_VALUE days after a nop: the nop wins, the timeout is cancelled
                ring.nop().link().tag(1);
                ring.linkTimeout(Long.MAX_VALUE, TimeUnit.DAYS).tag(2);
                ring.timeout(Long.MAX_VALUE, TimeUnit.NANOSECONDS, 1).tag(3);
                ring.nop().tag(4);
                Counts c = new Counts();
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (c.total < 4 && System.nanoTime() < deadline) {
                    ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, c);
                }
                assertEquals(0, c.res.get(1L));
                assertEquals(-Errno.ECANCELED, c.res.get(2L));
                assertEquals(0, c.res.get(3L), "count timeout: " + c.res);
                // submitAndWait with Long.MAX_VALUE days: returns once satisfied
                ring.nop().tag(5);
                ring.submitAndWait(1, Long.MAX_VALUE, TimeUnit.DAYS);
                ring.reap(c);
                assertEquals(Integer.valueOf(1), c.n.get(5L));
            }
        });
    }

    // ------------------------------------------------------------------ cancel

    @Test
    void cancelWithCompletedIdsTagsAndOtherRingsIds() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring a = TestSupport.open(); Ring b = TestSupport.open()) {
                long done = a.nop().tag(1).id();
                Counts c = new Counts();
                a.submitAndReap(1, 1, TimeUnit.SECONDS, c);
                a.cancel(done).tag(2);
                a.submitAndReap(1, 1, TimeUnit.SECONDS, c);
                assertEquals(-Errno.ENOENT, c.res.get(2L));
                long bId = b.nop().id();
                assertThrows(IllegalArgumentException.class, () -> a.cancel(bId));
                assertThrows(IllegalArgumentException.class, () -> a.cancel(1));
                assertThrows(IllegalArgumentException.class, () -> a.cancel(-1));
                assertThrows(IllegalArgumentException.class, () -> a.tagOf(done));
                assertEquals(0, a.inFlight());
                // cancel of an op that is still staged in the same batch
                int fd = fifo(a, "p-cancel");
                long r = a.read(fd, ByteBuffer.allocateDirect(8), -1).tag(3).id();
                a.cancel(r).tag(4);
                Counts d = new Counts();
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (d.total < 2 && System.nanoTime() < deadline) {
                    a.submitAndReap(1, 100, TimeUnit.MILLISECONDS, d);
                }
                assertEquals(-Errno.ECANCELED, d.res.get(3L));
                assertEquals(0, d.res.get(4L));
            }
        });
    }

    // ------------------------------------------------------------------ linked chains

    @Test
    void chainLongerThanTheSqIsRefusedAndTheRingStaysConsistent() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring ring = TestSupport.open(RingOptions.builder().entries(4).build())) {
                Throwable t = null;
                int staged = 0;
                try {
                    for (int i = 0; i < 10; i++) {
                        ring.nop().link().tag(i);
                        staged++;
                    }
                } catch (IllegalStateException e) {
                    t = e;
                }
                assertTrue(t != null, "a 10-op chain on a 4-entry ring was accepted");
                assertEquals(staged, ring.inFlight(), "the refused op still holds a slot");
                Counts c = new Counts();
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (c.total < staged && System.nanoTime() < deadline) {
                    ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, c);
                }
                assertEquals(staged, c.total, "completions: " + c.n);
                assertEquals(0, ring.inFlight());
                ring.nop().tag(99);
                ring.submitAndReap(1, 1, TimeUnit.SECONDS, c);
                assertEquals(Integer.valueOf(1), c.n.get(99L));
            }
        });
    }

    // ------------------------------------------------------------------ threads

    @Test
    void closeFromAnotherThreadWhileOwnerAliveIsRefusedThenOwnerCloses() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Ring ring = TestSupport.open();
            ring.nop().tag(1);
            AtomicReference<Throwable> t = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    ring.close();
                } catch (Throwable e) {
                    t.set(e);
                }
            });
            other.start();
            other.join();
            assertTrue(t.get() instanceof IllegalStateException, "got " + t.get());
            assertTrue(!ring.isClosed());
            Counts c = new Counts();
            ring.submitAndReap(1, 1, TimeUnit.SECONDS, c);
            assertEquals(Map.of(1L, 1), c.n);
            ring.close();
        });
    }

    /** The owner dies with a read in flight and ops staged; another thread closes: each completes once. */
    @Test
    void ringAbandonedByItsDeadOwnerIsClosedByAnotherThread() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicReference<Ring> ref = new AtomicReference<>();
            Path p = dir.resolve("p-dead");
            TestSupport.mkfifo(p);
            Thread owner = new Thread(() -> {
                try {
                    Ring ring = TestSupport.open();
                    int fd = TestSupport.openat(ring, p, Linux.O_RDWR, 0);
                    ring.read(fd, ByteBuffer.allocateDirect(16), -1).tag(1);
                    ring.submit();
                    ring.nop().tag(2); // staged, never submitted
                    ref.set(ring);
                } catch (UringException e) {
                    throw new RuntimeException(e);
                }
            });
            owner.start();
            owner.join();
            Ring ring = ref.get();
            assertThrows(IllegalStateException.class, ring::nop);
            Counts c = new Counts();
            ring.close(Duration.ofSeconds(2), c);
            assertTrue(ring.isClosed());
            assertEquals(Map.of(1L, 1, 2L, 1), c.n);
            assertEquals(-Errno.ECANCELED, c.res.get(1L));
        });
    }
}
