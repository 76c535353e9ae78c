package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.ChildResult;
import dev.uring4j.TestSupport.Collector;
import dev.uring4j.async.EventLoop;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault injection: each fault gives a clear error and loses nothing. */
@Tag("kernel")
class ReliabilityTest {
    private static final dev.uring4j.internal.Native NATIVE = dev.uring4j.internal.Native.access();
    @TempDir
    Path dir;

    @Test
    void fileTableExhaustedWhileOpeningThroughTheRing() throws Exception {
        TestSupport.requireAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "needs prlimit (util-linux)");
        Path testClasses = Path.of(ReliabilityTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/prlimit", "--nofile=200:200",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(TestSupport.childJvmFlags());
        cmd.addAll(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                "-cp", TestSupport.childClasspath(), NofileMain.class.getName()));
        ChildResult r = TestSupport.run(cmd);
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("EMFILE message=openat /dev/null failed: EMFILE (Too many open files)"), r.output);
        assertTrue(r.output.contains("after closing: open works"), r.output);
        assertTrue(r.output.contains("inFlight=0 strays=0"), r.output);
    }

    @Test
    void ringFdClosedBehindItsBackFailsClearlyAndCloseDoesNotCloseSomeoneElsesFile() throws Exception {
        Ring helper = ringHelper();
        Ring ring = TestSupport.open(RingOptions.builder().entries(8).registerRingFd(false).build());
        int fd = ring.fd();
        assertEquals(0, NATIVE.close(fd));
        Path other = dir.resolve("other");
        Files.write(other, new byte[] {42});
        // The next open in this process reuses the lowest free number: the one the ring had.
        int reused = TestSupport.openat(helper, other, Linux.O_RDONLY, 0);
        assertEquals(fd, reused, "the ring's old fd number now names another file");
        Collector c = new Collector();
        ring.nop().tag(1);
        ring.nop().tag(2);
        UringException e = assertThrows(UringException.class, ring::submit);
        assertEquals("io_uring_enter", e.operation());
        assertTrue(e.errnoName().equals("EBADF") || e.errnoName().equals("EOPNOTSUPP"), e.getMessage());
        ring.close(Duration.ofMillis(200), c);
        assertEquals(2, c.all.size(), "both staged operations completed once: " + c.all);
        assertEquals(-Errno.ECANCELED, c.res(1));
        // The number the ring had (now another file's) must still be open.
        ByteBuffer b = ByteBuffer.allocateDirect(1);
        Collector d = new Collector();
        helper.read(reused, b, 0).tag(9);
        assertEquals(1, d.await(helper, 1).res(9), "fd " + reused + " (fd " + fd + " of the ring before) still open");
        assertEquals(42, b.get(0));
        TestSupport.closeFd(helper, reused);
    }

    private Ring helperRing;

    private Ring ringHelper() throws UringException {
        if (helperRing == null) {
            helperRing = TestSupport.open(RingOptions.builder().entries(4).build());
        }
        return helperRing;
    }

    @org.junit.jupiter.api.AfterEach
    void closeHelper() {
        if (helperRing != null) {
            helperRing.close();
        }
    }

    @Test
    void completionQueueOverflowLosesNoCompletion() throws Exception {
        try (Ring ring = TestSupport.open(RingOptions.builder().entries(4).cqEntries(8).build())) {
            assertTrue((ring.features() & 2) != 0, "IORING_FEAT_NODROP (Linux 5.5)");
            // Five thousand completions against an 8-entry CQ, reaped only at the end.
            for (int i = 0; i < 5000; i++) {
                ring.nop().tag(i);
            }
            ring.submit();
            Collector c = new Collector();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.all.size() < 5000 && System.nanoTime() < deadline) {
                ring.reap(c);
            }
            assertEquals(5000, c.all.size());
            assertEquals(5000, c.byTag.size(), "each exactly once");
            assertEquals(0, ring.strayCompletions());
        }
    }

    @Test
    void shutdownRacingSubmissionsFromManyThreadsCompletesEveryFuture() throws Exception {
        EventLoop loop = EventLoop.open();
        int threads = 8;
        AtomicLong submitted = new AtomicLong();
        AtomicLong ran = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong notDone = new AtomicLong();
        CountDownLatch started = new CountDownLatch(threads);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                started.countDown();
                List<CompletableFuture<Integer>> window = new ArrayList<>();
                // Keep submitting until well after the shutdown; check futures in windows of 1,000.
                while (!stop.get()) {
                    window.add(loop.submit(ring -> ring.nop()));
                    submitted.incrementAndGet();
                    if (window.size() == 1000) {
                        settle(window, ran, refused, notDone);
                    }
                }
                settle(window, ran, refused, notDone);
            });
            th.start();
            ts.add(th);
        }
        started.await();
        Thread.sleep(50);
        loop.shutdown(Duration.ofSeconds(2));
        Thread.sleep(50);
        stop.set(true);
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(0, notDone.get(), "every future completes, even those racing the shutdown");
        assertEquals(submitted.get(), ran.get() + refused.get());
        assertTrue(ran.get() > 0 && refused.get() > 0, submitted + " submitted, " + ran + " ran, " + refused + " refused");
    }

    private static void settle(List<CompletableFuture<Integer>> window, AtomicLong ran, AtomicLong refused,
                               AtomicLong notDone) {
        for (CompletableFuture<Integer> f : window) {
            try {
                f.get(30, TimeUnit.SECONDS);
                ran.incrementAndGet();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                refused.incrementAndGet();
            } catch (Exception e) {
                notDone.incrementAndGet();
            }
        }
        window.clear();
    }

    @Test
    void eightThreadsWithRandomCancelsReadCorrectDataAndCountEveryCompletion() throws Exception {
        int perThread = Integer.getInteger("uring4j.stress.opsPerThread", 12_500);
        Path file = dir.resolve("stress");
        byte[] content = new byte[1 << 20];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + (i >>> 8));
        }
        Files.write(file, content);
        try (EventLoop loop = EventLoop.open()) {
            int fd = loop.submit(ring -> ring.openat(Linux.AT_FDCWD, file.toString(), Linux.O_RDONLY, 0))
                    .get(5, TimeUnit.SECONDS);
            AtomicLong accepted = new AtomicLong();
            AtomicLong completed = new AtomicLong();
            AtomicLong cancelled = new AtomicLong();
            AtomicLong verified = new AtomicLong();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                Thread th = new Thread(() -> {
                    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                    List<CompletableFuture<Integer>> window = new ArrayList<>();
                    List<ByteBuffer> bufs = new ArrayList<>();
                    List<Integer> offs = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        int off = rnd.nextInt(content.length - 512);
                        ByteBuffer b = ByteBuffer.allocateDirect(512);
                        CompletableFuture<Integer> f = loop.submit(ring -> ring.read(fd, b, off), "read");
                        accepted.incrementAndGet();
                        window.add(f);
                        bufs.add(b);
                        offs.add(off);
                        if (rnd.nextInt(16) == 0) {
                            f.cancel(false);
                        }
                        if (window.size() == 64 || i == perThread - 1) {
                            for (int k = 0; k < window.size(); k++) {
                                CompletableFuture<Integer> w = window.get(k);
                                try {
                                    int n = w.get(30, TimeUnit.SECONDS);
                                    completed.incrementAndGet();
                                    for (int j = 0; j < n; j++) {
                                        if (bufs.get(k).get(j) != content[offs.get(k) + j]) {
                                            throw new AssertionError("wrong byte at " + (offs.get(k) + j));
                                        }
                                    }
                                    verified.incrementAndGet();
                                } catch (java.util.concurrent.CancellationException e) {
                                    cancelled.incrementAndGet();
                                } catch (Throwable e) {
                                    errors.add(e);
                                }
                            }
                            window.clear();
                            bufs.clear();
                            offs.clear();
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
            assertEquals(accepted.get(), completed.get() + cancelled.get(), "every accepted submission completed once");
            assertEquals(completed.get(), verified.get());
            assertTrue(cancelled.get() > 0, "some were cancelled");
            System.out.printf("stress: %d operations from 8 threads through one EventLoop: %d completed (data verified), "
                    + "%d cancelled, %d lost%n", accepted.get(), completed.get(), cancelled.get(),
                    accepted.get() - completed.get() - cancelled.get());
            NATIVE.close(fd);
        }
    }
}
