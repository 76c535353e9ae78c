package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.Sqe;
import dev.uring4j.Linux;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event loop against RingOps that misbehave, user code that throws Errors or blocks, and waits on itself. */
@Tag("kernel")
class EventLoopSafetyTest {
    private static final dev.uring4j.internal.Native NATIVE = dev.uring4j.internal.Native.access();

    @TempDir
    Path dir;

    private static Throwable failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return e.getCause();
    }

    private int fifo(EventLoop loop, String name) throws Exception {
        Path p = dir.resolve(name);
        AsyncFileSafetyTest.mkfifo(p);
        return loop.submit(ring -> ring.openat(Linux.AT_FDCWD, p.toString(), Linux.O_RDWR, 0))
                .get(5, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- 3. RingOp misuse

    @Test
    void aRingOpThatPreparesNoneOrManyFailsAtOnceAndCompletesNoOtherFuture() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            int fd = fifo(loop, "fifo");
            try {
                ByteBuffer dst = ByteBuffer.allocateDirect(4);
                CompletableFuture<Integer> victim = loop.submit(ring -> ring.read(fd, dst, 0), "read");
                Thread.sleep(50);

                Throwable none = failure(loop.submit(ring -> null));
                assertTrue(none instanceof IllegalStateException, String.valueOf(none));
                assertTrue(none.getMessage().contains("returned no Sqe"), none.getMessage());

                Throwable two = failure(loop.submit(ring -> {
                    ring.nop();
                    return ring.nop();
                }));
                assertTrue(two instanceof IllegalStateException, String.valueOf(two));
                assertTrue(two.getMessage().contains("prepared 2 operations"), two.getMessage());

                // An Sqe kept from an earlier prepare, returned without preparing anything.
                AtomicReference<Sqe> kept = new AtomicReference<>();
                assertEquals(0, loop.submit(ring -> {
                    kept.set(ring.nop());
                    return kept.get();
                }).get(5, TimeUnit.SECONDS));
                Throwable stale = failure(loop.submit(ring -> kept.get()));
                assertTrue(stale instanceof IllegalStateException, String.valueOf(stale));
                assertTrue(stale.getMessage().contains("prepared 0 operations"), stale.getMessage());

                // Tags are the RingOp's to set or not: completions find their task through the ring's
                // in-flight table, so a tag a RingOp makes up (a small number, another request's) is harmless.
                List<Long> tried = new ArrayList<>();
                for (long guess = 0; guess < 8; guess++) {
                    long g = guess;
                    assertEquals(0, loop.submit(ring -> ring.nop().tag(g)).get(5, TimeUnit.SECONDS));
                    tried.add(g);
                }
                // All those nops have completed, each with a tag that named no live request.
                assertEquals(0, loop.submit(ring -> ring.nop()).get(5, TimeUnit.SECONDS));
                Thread.sleep(50);
                assertFalse(victim.isDone(), "another caller's pending read was completed by a misused tag");

                ByteBuffer src = ByteBuffer.allocateDirect(4).put(new byte[] {1, 2, 3, 4}).flip();
                assertEquals(4, loop.submit(ring -> ring.write(fd, src, 0)).get(5, TimeUnit.SECONDS));
                assertEquals(4, victim.get(5, TimeUnit.SECONDS), "the victim gets its own result");
                assertEquals(4, dst.get(3));
            } finally {
                NATIVE.close(fd);
            }
        }
    }

    /**
     * A RingOp gets the loop's ring to prepare one operation; submitting, reaping or closing it
     * (inside the RingOp, or through a ring kept from one, in a callback on the loop thread) is
     * refused. Before, a reap inside a RingOp handed another caller's completion to the user's
     * handler (that caller's future never completed), and a close ended the loop's ring under
     * it: every later submit failed with "this Ring is closed".
     */
    @Test
    void aRingOpCannotSubmitReapOrCloseTheLoopsRing() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            CompletableFuture<Integer> victim = loop.submit(ring -> ring.timeout(300, TimeUnit.MILLISECONDS), "victim");
            AtomicReference<dev.uring4j.Ring> kept = new AtomicReference<>();
            List<EventLoop.RingOp> abuses = List.of(
                    ring -> {
                        kept.set(ring);
                        ring.submitAndReap(1, 1, TimeUnit.SECONDS, (tag, res, flags) -> { });
                        return ring.nop();
                    },
                    ring -> {
                        ring.reap((tag, res, flags) -> { });
                        return ring.nop();
                    },
                    ring -> {
                        Sqe sqe = ring.nop();
                        ring.submit();
                        return sqe;
                    },
                    ring -> {
                        ring.close();
                        return ring.nop();
                    });
            for (EventLoop.RingOp abuse : abuses) {
                Throwable refused = failure(loop.submit(abuse));
                assertTrue(refused instanceof IllegalStateException, String.valueOf(refused));
                assertTrue(refused.getMessage().contains("belongs to an EventLoop"), refused.getMessage());
            }
            // A ring kept from a RingOp, used by a callback the loop thread runs.
            CompletableFuture<String> fromCallback = loop.submit(ring -> ring.timeout(100, TimeUnit.MILLISECONDS), "t")
                    .handle((v, e) -> {
                        try {
                            kept.get().reap((tag, res, flags) -> { });
                            return "reaped on " + Thread.currentThread().getName();
                        } catch (IllegalStateException ise) {
                            return ise.getMessage();
                        } catch (dev.uring4j.UringException ue) {
                            return "reap failed: " + ue;
                        }
                    });
            String seen = fromCallback.get(5, TimeUnit.SECONDS);
            assertTrue(seen.contains("belongs to an EventLoop") || seen.contains("belongs to thread"), seen);
            victim.handle((v, e) -> null).get(5, TimeUnit.SECONDS); // the victim completes (the timeout's own outcome)
            assertEquals(0, loop.submit(ring -> ring.nop()).get(5, TimeUnit.SECONDS), "the loop lives on");
        }
    }

    // ---------------------------------------------------------------- 7. errors thrown by user code

    static final class CustomError extends Error {
        CustomError(String m) {
            super(m);
        }
    }

    @Test
    void userCodeThrowingErrorsLeavesTheLoopConsistent() throws Exception {
        EventLoop loop = EventLoop.open();
        int n = 600;
        AtomicInteger delivered = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(n);
        List<CompletableFuture<Integer>> plain = new ArrayList<>();
        List<CompletableFuture<Integer>> prepareErrors = new ArrayList<>();
        List<CompletableFuture<Object>> callErrors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            switch (i % 4) {
                case 0:
                    loop.submit(ring -> ring.nop(), (res, flags) -> {
                        delivered.incrementAndGet();
                        all.countDown();
                        throw id % 8 == 0 ? new AssertionError("thrown by the test") : new CustomError("thrown by the test");
                    });
                    break;
                case 1:
                    prepareErrors.add(loop.submit(ring -> {
                        all.countDown();
                        throw new CustomError("prepare, thrown by the test");
                    }));
                    break;
                case 2:
                    callErrors.add(loop.call(ring -> {
                        all.countDown();
                        throw new AssertionError("call, thrown by the test");
                    }));
                    break;
                default:
                    CompletableFuture<Integer> f = loop.submit(ring -> ring.nop());
                    f.whenComplete((v, e) -> {
                        throw new OutOfMemoryError("a dependent action, thrown by the test");
                    });
                    f.whenComplete((v, e) -> all.countDown());
                    plain.add(f);
            }
        }
        assertTrue(all.await(30, TimeUnit.SECONDS), all.getCount() + " of " + n + " not delivered");
        assertEquals(n / 4, delivered.get());
        for (CompletableFuture<Integer> f : plain) {
            assertEquals(0, f.get(5, TimeUnit.SECONDS));
        }
        for (CompletableFuture<Integer> f : prepareErrors) {
            assertTrue(failure(f) instanceof CustomError);
        }
        for (CompletableFuture<Object> f : callErrors) {
            assertTrue(failure(f) instanceof AssertionError);
        }
        assertEquals(0, loop.submit(ring -> ring.nop()).get(5, TimeUnit.SECONDS), "still running");
        long start = System.nanoTime();
        loop.shutdown(Duration.ofSeconds(5));
        assertTrue(loop.isTerminated());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    // ---------------------------------------------------------------- 2. waits on itself, and the watchdog

    @Test
    void aBlockingWaitOnTheLoopThreadThrowsAtOnceAndTheLoopLivesOn() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            int fd = fifo(loop, "fifo");
            try {
                CompletableFuture<Integer> pending = loop.submit(ring -> ring.read(fd, ByteBuffer.allocateDirect(1), 0));
                CompletableFuture<String> outcome = new CompletableFuture<>();
                loop.submit(ring -> ring.nop(), (res, flags) -> {
                    try {
                        pending.thenApply(x -> x).join();
                        outcome.complete("returned");
                    } catch (IllegalStateException e) {
                        outcome.complete(e.getMessage());
                    }
                });
                String m = outcome.get(5, TimeUnit.SECONDS);
                assertTrue(m.contains(UringFuture.RULE) && m.contains(loop.name()), m);
                assertEquals(0, loop.submit(ring -> ring.nop()).get(5, TimeUnit.SECONDS));
                assertTrue(pending.cancel(false));
            } finally {
                NATIVE.close(fd);
            }
        }
    }

    /**
     * Two loops whose callbacks close each other at the same time: both end, and close()
     * returns on each loop thread once the other's shutdown has begun.
     *
     * <p>Regression for: each loop thread waited in shutdown for the other's end, for ever.
     */
    @Test
    void twoLoopsClosingEachOtherFromTheirCallbacksBothEnd() throws Exception {
        EventLoop a = EventLoop.open();
        EventLoop b = EventLoop.open();
        java.util.concurrent.CyclicBarrier both = new java.util.concurrent.CyclicBarrier(2);
        CountDownLatch closed = new CountDownLatch(2);
        for (EventLoop[] pair : new EventLoop[][] {{a, b}, {b, a}}) {
            pair[0].submit(ring -> ring.nop(), (res, flags) -> {
                try {
                    both.await(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                pair[1].close();
                closed.countDown();
            });
        }
        assertTrue(closed.await(10, TimeUnit.SECONDS), "each loop thread's close() returned");
        a.close(); // from this thread: waits until the loop thread has ended
        b.close();
        assertTrue(a.isTerminated() && b.isTerminated());
    }

    @Test
    void theWatchdogReportsALoopThreadStuckInACallback() throws Exception {
        EventLoopOptions o = EventLoopOptions.builder().maxWait(Duration.ofMillis(100))
                .watchdogThreshold(Duration.ofMillis(400)).allowShortWatchdogThreshold().name("blocked").build();
        try (EventLoop loop = EventLoop.open(o)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch entered = new CountDownLatch(1);
            loop.submit(ring -> ring.nop(), (res, flags) -> {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // a callback that blocks: every file on this loop waits
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (loop.stuckReports().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            release.countDown();
            assertFalse(loop.stuckReports().isEmpty(), "a loop blocked in a callback is reported");
            StuckReport r = loop.stuckReports().get(0);
            assertEquals(loop.name(), r.thread());
            assertFalse(r.insideKernel(), r.toString());
            assertTrue(r.doing().contains("delivering completions"), r.toString());
            assertTrue(r.stuckMillis() >= 400, r.toString());
            assertTrue(r.stackTop().stream().anyMatch(f -> f.contains("CountDownLatch.await")), r.toString());
            assertTrue(r.toString().contains("has made no progress"), r.toString());
            assertEquals(0, loop.submit(ring -> ring.nop()).get(5, TimeUnit.SECONDS));
            Thread.sleep(300);
            assertEquals(1, loop.stuckReports().size(), "one report per episode, none for short idle waits");
        }
    }

    @Test
    void loopThreadsAndNioPoolThreadsAreMarked() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            assertTrue(loop.call(ring -> UringThread.current()).get(5, TimeUnit.SECONDS));
        }
        assertFalse(UringThread.current());
        CompletableFuture<Integer> f = new UringFuture<>();
        assertSame(UringFuture.class, f.thenApply(x -> x).getClass());
    }
}
