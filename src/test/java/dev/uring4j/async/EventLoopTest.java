package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.UringException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel")
class EventLoopTest {
    private static final dev.uring4j.internal.Native NATIVE = dev.uring4j.internal.Native.access();
    @TempDir
    Path dir;

    @Test
    void manyThreadsSubmitAndEveryFutureCompletesOnce() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            int threads = 8;
            int each = 2000;
            AtomicInteger done = new AtomicInteger();
            List<Thread> ts = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    List<CompletableFuture<Integer>> fs = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        fs.add(loop.submit(ring -> ring.nop()));
                    }
                    for (CompletableFuture<Integer> f : fs) {
                        try {
                            assertEquals(0, f.get(30, TimeUnit.SECONDS));
                            done.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                });
                th.start();
                ts.add(th);
            }
            for (Thread th : ts) {
                th.join();
            }
            assertEquals(List.of(), errors);
            assertEquals(threads * each, done.get());
        }
    }

    @Test
    void aBurstCostsOneCrossingNotOnePerRequest() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            CountDownLatch hold = new CountDownLatch(1);
            // Keep the loop thread busy so that the burst queues up behind it.
            loop.submit(ring -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ring.nop();
            });
            List<CompletableFuture<Integer>> burst = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                burst.add(loop.submit(ring -> ring.nop()));
            }
            long before = loop.crossings();
            hold.countDown();
            for (CompletableFuture<Integer> f : burst) {
                assertEquals(0, f.get(10, TimeUnit.SECONDS));
            }
            long crossings = loop.crossings() - before;
            assertTrue(crossings <= 4, "200 queued requests took " + crossings + " native crossings");
        }
    }

    @Test
    void aThrowingCallbackDoesNotStopTheLoop() throws Exception {
        try (EventLoop loop = EventLoop.open()) {
            CountDownLatch called = new CountDownLatch(1);
            loop.submit(ring -> ring.nop(), (res, flags) -> {
                called.countDown();
                throw new IllegalStateException("callback failure (expected by the test)");
            });
            assertTrue(called.await(5, TimeUnit.SECONDS));
            assertEquals(0, loop.submit(ring -> ring.nop()).get(5, TimeUnit.SECONDS));
            CompletableFuture<Integer> prepFails = loop.submit(ring -> {
                throw new IllegalArgumentException("bad op");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> prepFails.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalArgumentException);
            CompletableFuture<Integer> ebadf = loop.submit(ring -> ring.read(999_999, ByteBuffer.allocateDirect(1), 0), "read");
            e = assertThrows(ExecutionException.class, () -> ebadf.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof UringException && e.getCause().getMessage().startsWith("read failed: EBADF"),
                    String.valueOf(e.getCause()));
        }
    }

    @Test
    void shutdownCompletesEveryFutureAndLeavesNoThread() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        EventLoop loop = EventLoop.open();
        int fd = loop.submit(ring -> ring.openat(dev.uring4j.Linux.AT_FDCWD, fifo.toString(), dev.uring4j.Linux.O_RDWR, 0)).get(5, TimeUnit.SECONDS);
        List<CompletableFuture<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            reads.add(loop.submit(ring -> ring.read(fd, ByteBuffer.allocateDirect(8), 0)));
        }
        long start = System.nanoTime();
        loop.shutdown(Duration.ofMillis(200));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8), "shutdown honours its deadline");
        for (CompletableFuture<Integer> r : reads) {
            assertTrue(r.isDone());
            assertTrue(r.isCompletedExceptionally(), "cancelled at shutdown");
        }
        assertTrue(loop.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> {
            try {
                loop.submit(ring -> ring.nop()).get();
            } catch (ExecutionException e) {
                throw e.getCause();
            }
        });
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(loop.name())),
                "the loop thread has ended");
        NATIVE.close(fd);
    }

    @Test
    void watchdogReportsALoopThreadInsideIoUringEnterWithItsKernelState() throws Exception {
        EventLoopOptions o = EventLoopOptions.builder().maxWait(Duration.ofSeconds(3))
                .watchdogThreshold(Duration.ofMillis(200)).allowShortWatchdogThreshold().name("watched").build();
        try (EventLoop loop = EventLoop.open(o)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (loop.stuckReports().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(loop.stuckReports().isEmpty(), "an idle wait of 3 s exceeds the 200 ms threshold");
            StuckReport r = loop.stuckReports().get(0);
            assertEquals(loop.name(), r.thread());
            assertTrue(r.tid() > 0);
            assertTrue(r.stuckMillis() >= 200, r.toString());
            assertTrue(r.state().equals("S") || r.state().equals("D") || r.state().equals("R"), r.toString());
            assertFalse(r.wchan().equals("?"), "wchan readable: " + r);
            assertEquals(1, loop.stuckReports().size(), "one report per episode");
        }
        assertThrows(IllegalArgumentException.class, () -> EventLoopOptions.builder().maxWait(Duration.ofSeconds(3))
                .watchdogThreshold(Duration.ofMillis(200)).build());
    }

    /** Durations past a long of nanoseconds are refused or mean "no deadline", never an ArithmeticException. */
    @Test
    void hugeDurationsAreRefusedOrMeanNoDeadline() throws Exception {
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        assertThrows(IllegalArgumentException.class, () -> EventLoopOptions.builder().maxWait(forever).build());
        assertThrows(IllegalArgumentException.class, () -> EventLoopOptions.builder().spin(forever));
        EventLoop loop = EventLoop.open(EventLoopOptions.builder().watchdogThreshold(forever).build());
        assertEquals(7, loop.call(ring -> 7).get(5, java.util.concurrent.TimeUnit.SECONDS));
        loop.shutdown(forever); // nothing in flight: returns at once
        assertTrue(loop.isTerminated());
    }
}
