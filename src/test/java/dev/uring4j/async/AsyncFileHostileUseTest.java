package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.Uring;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Adversarial probes of the public async API. */
@Tag("kernel")
class AsyncFileHostileUseTest {
    private static final Set<OpenOption> RW = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE);
    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static AsyncFile open(AsyncFile.Backend b, Path p, Set<? extends OpenOption> options) throws IOException {
        if (b == AsyncFile.Backend.IOURING) {
            assumeTrue(Uring.isAvailable(), "io_uring unavailable");
        }
        return AsyncFile.open(p, options, AsyncFileConfig.builder().backend(b).build());
    }

    /**
     * A path of another provider names no host file: a zip entry named as a host file with known
     * bytes must not open that file (before, both backends' opens went by the path's string
     * and the io_uring one read the host file).
     */
    @Test
    void aPathOfAnotherProviderIsRefusedNotOpenedByName() throws Exception {
        Path host = Files.write(dir.resolve("host-secret"), "host bytes".getBytes());
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(dir.resolve("entries.zip"),
                java.util.Map.of("create", "true"))) {
            Path entry = zip.getPath(host.toString());
            Files.createDirectories(entry.getParent());
            Files.write(entry, "zip bytes".getBytes());
            for (AsyncFile.Backend b : AsyncFile.Backend.values()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> open(b, entry, Set.of(StandardOpenOption.READ)).close(), b.toString());
                assertTrue(e.getMessage().contains("default file system"), e.getMessage());
            }
        }
    }

    private static void uring() {
        assumeTrue(Uring.isAvailable(), "io_uring unavailable");
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (TimeoutException e) {
            fail("future did not complete within 5 s: " + f);
        }
        return null;
    }

    private Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor());
        return p;
    }

    private Path data(String name, int size) throws IOException {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return Files.write(dir.resolve(name), b);
    }

    static int openFds() {
        String[] l = new java.io.File("/proc/self/fd").list();
        return l == null ? -1 : l.length;
    }

    /** Thread.ofVirtual().start(r) on JDK 21+, else null. */
    static Thread startVirtual(Runnable r) {
        try {
            MethodHandle ofVirtual = MethodHandles.publicLookup().findStatic(Thread.class, "ofVirtual",
                    MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")));
            Object builder = ofVirtual.invoke();
            MethodHandle start = MethodHandles.publicLookup().findVirtual(Class.forName("java.lang.Thread$Builder"),
                    "start", MethodType.methodType(Thread.class, Runnable.class));
            return (Thread) start.invoke(builder, r);
        } catch (Throwable t) {
            return null;
        }
    }

    // ------------------------------------------------------------------ positions

    /**
     * How many of 20 operations reached the file's own loop (its ring crossings grew): 0 when every one
     * was done on the calling thread (RWF_NOWAIT), as the class comment promises for cached transfers.
     */
    private static int toTheLoop(EventLoop loop, java.util.concurrent.Callable<CompletableFuture<Integer>> op)
            throws Exception {
        int n = 0;
        for (int i = 0; i < 20; i++) {
            long before = loop.crossings();
            op.call().get(5, TimeUnit.SECONDS);
            if (loop.crossings() != before) {
                n++;
            }
        }
        return n;
    }

    /**
     * A read at a position whose end overflows (EINVAL from the kernel) must not switch off the
     * caller-thread fast path for the whole file: later cached reads still complete on the caller
     * without reaching the ring (seen through the file's own loop's crossings).
     */
    @Test
    void aReadAtAnOverflowingPositionDoesNotDisableInlineReadsForTheFile() throws Exception {
        uring();
        assumeTrue(InlineIo.ENABLED);
        Path p = data("inline", 8192);
        assertTimeoutPreemptively(T, () -> {
            try (EventLoop loop = EventLoop.open();
                 AsyncFile f = AsyncFile.open(p, Set.of(StandardOpenOption.READ),
                         AsyncFileConfig.builder().eventLoop(loop).build())) {
                assertEquals(8192, f.read(ByteBuffer.allocateDirect(8192), 0).get()); // warm the cache
                int before = toTheLoop(loop, () -> f.read(ByteBuffer.allocateDirect(4096), 0));
                assumeTrue(before < 5, "cached reads did not run on the caller even before: " + before + " of 20 reached the ring");
                Throwable bad = failure(f.read(ByteBuffer.allocateDirect(16), Long.MAX_VALUE - 4));
                System.out.println("read at MAX-4: " + bad);
                int after = toTheLoop(loop, () -> f.read(ByteBuffer.allocateDirect(4096), 0));
                assertTrue(after < 5, "before one read at a bad position (" + bad + ") " + before + " of 20 cached reads "
                        + "reached the ring; after it " + after + " of 20");
            }
        });
    }

    /** Both backends fail reads/writes at extreme positions with the same exception kind; reads far past EOF give -1. */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void extremePositions(AsyncFile.Backend b) throws Exception {
        Path p = data("extreme-" + b, 100);
        assertTimeoutPreemptively(T, () -> {
            try (AsyncFile f = open(b, p, RW)) {
                ByteBuffer d = ByteBuffer.allocateDirect(8);
                assertEquals(-1, f.read(d, 1L << 40).get());
                assertEquals(0, d.position());
                ByteBuffer z = ByteBuffer.allocateDirect(0);
                assertEquals(0, f.read(z, Long.MAX_VALUE).get(), "zero remaining at MAX gives 0 (JDK)");
                assertEquals(0, f.write(ByteBuffer.allocate(0), Long.MAX_VALUE).get());
                ByteBuffer r = ByteBuffer.allocate(8);
                Throwable t = failure(f.read(r, Long.MAX_VALUE - 2));
                System.out.println(b + " read MAX-2: " + t);
                assertTrue(t instanceof IOException, "read at MAX-2: " + t);
                assertEquals(0, r.position());
                ByteBuffer w = ByteBuffer.allocate(8);
                Throwable tw = failure(f.write(w, Long.MAX_VALUE - 2));
                System.out.println(b + " write MAX-2: " + tw);
                assertTrue(tw instanceof IOException, "write at MAX-2: " + tw);
                assertEquals(0, w.position());
                // a range whose end overflows: refused alike (regression: NIO reported success, io_uring EFBIG)
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.allocate(10, Long.MAX_VALUE));
                assertTrue(e.getMessage().contains("overflows"), e.getMessage());
                assertEquals(100, f.size());
            }
        });
    }

    // ------------------------------------------------------------------ close races

    /**
     * Many platform (and virtual, on JDK 21+) threads issue reads (pending ones on a FIFO and
     * cached ones on a file) while another thread closes: every future completes, none with
     * anything but a value, AsynchronousCloseException or ClosedChannelException; no descriptor leaks.
     */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void closeStormFromManyThreadsCompletesEveryFutureAndLeaksNoDescriptor(AsyncFile.Backend b) throws Exception {
        if (b == AsyncFile.Backend.IOURING) {
            uring();
        }
        Path fifo = b == AsyncFile.Backend.IOURING ? fifo("storm") : null;
        Path plain = data("storm-plain", 65536);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            // warm up shared loops, pools
            try (AsyncFile f = open(b, plain, RW)) {
                f.force(false).get();
            }
            int before = openFds();
            List<CompletableFuture<?>> all = Collections.synchronizedList(new ArrayList<>());
            List<Throwable> odd = Collections.synchronizedList(new ArrayList<>());
            for (int round = 0; round < 30; round++) {
                boolean onFifo = fifo != null && round % 2 == 0;
                AsyncFile f = open(b, onFifo ? fifo : plain, RW); // (fsync of a FIFO is EINVAL: none there)
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    int k = i;
                    Runnable body = () -> {
                        try {
                            go.await();
                            for (int j = 0; j < 20; j++) {
                                ByteBuffer buf = k % 2 == 0 ? ByteBuffer.allocateDirect(512) : ByteBuffer.allocate(512);
                                try {
                                    all.add(j % 5 == 4 && !onFifo ? f.force(false) : j % 7 == 6 ? f.read(new ByteBuffer[] {buf,
                                            ByteBuffer.allocate(7)}, 0) : f.read(buf, j * 512L));
                                } catch (RuntimeException e) {
                                    odd.add(e);
                                }
                            }
                        } catch (Throwable t) {
                            odd.add(t);
                        }
                    };
                    Thread t = k >= 3 ? startVirtual(body) : null;
                    if (t == null) {
                        t = new Thread(body);
                        t.start();
                    }
                    threads.add(t);
                }
                Thread closer = new Thread(() -> {
                    try {
                        go.await();
                        Thread.sleep(1);
                        f.close();
                    } catch (Throwable t) {
                        odd.add(t);
                    }
                });
                closer.start();
                go.countDown();
                f.close(); // concurrent with the closer thread
                for (Thread t : threads) {
                    t.join();
                }
                closer.join();
                assertFalse(f.isOpen());
            }
            for (CompletableFuture<?> c : all) {
                try {
                    c.get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (!(cause instanceof AsynchronousCloseException) && !(cause instanceof ClosedChannelException)) {
                        odd.add(cause);
                    }
                } catch (TimeoutException e) {
                    fail("a future never completed after close: " + c);
                }
            }
            assertTrue(odd.isEmpty(), "unexpected: " + odd);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (openFds() > before && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(openFds() <= before, "descriptors before " + before + ", after " + openFds());
        });
    }

    /**
     * A completion callback on the loop thread closes a file that has other operations pending
     * on the same loop: they complete with AsynchronousCloseException and the descriptor is closed.
     */
    @Test
    void aCallbackThatClosesTheFileCompletesItsOtherPendingOperations() throws Exception {
        uring();
        Path p = fifo("cbclose");
        assertTimeoutPreemptively(T, () -> {
            try (EventLoop loop = EventLoop.open()) {
                AsyncFile f = AsyncFile.open(p, RW, AsyncFileConfig.builder().eventLoop(loop).build());
                List<CompletableFuture<Integer>> others = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    others.add(f.read(ByteBuffer.allocateDirect(4), 0));
                }
                Thread.sleep(30);
                AtomicReference<Throwable> inCb = new AtomicReference<>();
                AtomicReference<Thread> where = new AtomicReference<>();
                CompletableFuture<Void> closed = loop.submit(r -> r.nop()).thenAccept(x -> {
                    where.set(Thread.currentThread());
                    try {
                        f.close();
                    } catch (Throwable t) {
                        inCb.set(t);
                    }
                });
                closed.get(5, TimeUnit.SECONDS);
                assertEquals(null, inCb.get());
                for (CompletableFuture<Integer> o : others) {
                    Throwable t = failure(o);
                    assertTrue(t instanceof AsynchronousCloseException, "pending at close: " + t);
                }
                AsyncFileSafetyTest.awaitDescriptorClosed(f);
            }
        });
    }

    /** A callback on the loop thread shuts the loop down: every pending future still completes, and close() of the loop returns. */
    @Test
    void aCallbackThatShutsDownItsOwnLoopCompletesEverything() throws Exception {
        uring();
        Path p = fifo("cbshutdown");
        assertTimeoutPreemptively(T, () -> {
            EventLoop loop = EventLoop.open();
            AsyncFile f = AsyncFile.open(p, RW, AsyncFileConfig.builder().eventLoop(loop).build());
            CompletableFuture<Integer> nop = loop.submit(r -> r.nop());
            CompletableFuture<Object> cb = nop.thenApply(x -> {
                loop.shutdown(Duration.ofMillis(200)); // on the loop thread: must not wait on itself
                return null;
            });
            List<CompletableFuture<Integer>> pending = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                pending.add(f.read(ByteBuffer.allocateDirect(4), 0));
            }
            cb.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<Integer> r : pending) {
                Throwable t = failure(r);
                assertNotNull(t, "a read of an empty FIFO cannot succeed");
            }
            loop.close();
            assertTrue(loop.isTerminated());
            // the file still closes
            f.close();
            assertThrows(ClosedChannelException.class, f::size);
        });
    }

    /**
     * SharedLoops.shutdown while threads wait on pending reads of a file on the shared loops: every
     * future completes, the file stays usable (its next operation starts a loop) and then closes.
     */
    @Test
    void sharedLoopsShutdownWithWaitersCompletesEverythingAndTheFileLivesOn() throws Exception {
        uring();
        Path p = fifo("sharedshutdown");
        assertTimeoutPreemptively(T, () -> {
            AsyncFile f = open(AsyncFile.Backend.IOURING, p, RW);
            List<CompletableFuture<Integer>> rs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                rs.add(f.read(ByteBuffer.allocateDirect(4), 0));
            }
            List<Thread> waiters = new ArrayList<>();
            for (CompletableFuture<Integer> r : rs) {
                Thread t = new Thread(() -> {
                    try {
                        r.join();
                    } catch (RuntimeException e) {
                        // expected
                    }
                });
                t.start();
                waiters.add(t);
            }
            Thread.sleep(30);
            SharedLoops.shutdown(Duration.ofMillis(100));
            for (CompletableFuture<Integer> r : rs) {
                assertNotNull(failure(r), "a read of an empty FIFO cannot succeed");
            }
            for (Thread t : waiters) {
                t.join(2000);
                assertFalse(t.isAlive(), "a waiter is still blocked");
            }
            CompletableFuture<Integer> again = f.read(ByteBuffer.allocateDirect(4), 0);
            assertEquals(4, f.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9}), 0).get(5, TimeUnit.SECONDS));
            assertEquals(4, again.get(5, TimeUnit.SECONDS));
            f.close();
            AsyncFileSafetyTest.awaitDescriptorClosed(f);
        });
    }

    /** A file's own loop is shut down with its operations pending: they complete, and close() then returns promptly. */
    @Test
    void closingAFileWhoseLoopIsGoneReturnsPromptly() throws Exception {
        uring();
        Path p = fifo("loopgone");
        assertTimeoutPreemptively(T, () -> {
            EventLoop loop = EventLoop.open();
            AsyncFile f = AsyncFile.open(p, RW, AsyncFileConfig.builder().eventLoop(loop).build());
            List<CompletableFuture<Integer>> rs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                rs.add(f.read(ByteBuffer.allocateDirect(4), 0));
            }
            Thread.sleep(30);
            loop.shutdown(Duration.ofMillis(50));
            for (CompletableFuture<Integer> r : rs) {
                assertNotNull(failure(r));
            }
            Throwable later = failure(f.read(ByteBuffer.allocateDirect(4), 0));
            System.out.println("read after the loop ended: " + later);
            assertNotNull(later);
            long t0 = System.nanoTime();
            f.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "close took " + ms + " ms");
            assertTrue(f.descriptorClosed());
        });
    }

    /**
     * An operation on a file that is still open, whose own loop was shut down, must not claim the file
     * was closed: AsyncFile documents AsynchronousCloseException for operations pending at close
     * (EventLoop.submit gives RejectedExecutionException in this situation).
     */
    @Test
    void anOperationOnAnOpenFileWhoseLoopEndedDoesNotClaimAnAsynchronousClose() throws Exception {
        uring();
        Path p = fifo("loopgone2");
        assertTimeoutPreemptively(T, () -> {
            EventLoop loop = EventLoop.open();
            try (AsyncFile f = AsyncFile.open(p, RW, AsyncFileConfig.builder().eventLoop(loop).build())) {
                loop.shutdown(Duration.ofMillis(50));
                Throwable later = failure(f.read(ByteBuffer.allocateDirect(4), 0));
                assertTrue(f.isOpen());
                assertFalse(later instanceof ClosedChannelException,
                        "the file is open, yet its read failed with " + later);
            }
        });
    }

    /**
     * A RingCall that closes the loop's ring (hostile user) is refused: the loop's ring lives
     * on, and the pending operation completes on it. (Before, the ring closed
     * under the loop, and every later submit failed with "this Ring is closed".)
     */
    @Test
    void aRingCallCannotCloseTheLoopsRing() throws Exception {
        uring();
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            EventLoop loop = EventLoop.open();
            CompletableFuture<Integer> longOp = loop.submit(r -> r.timeout(1, TimeUnit.SECONDS));
            Thread.sleep(30);
            CompletableFuture<Object> c = loop.call(r -> {
                r.close();
                return null;
            });
            Throwable refused = failure(c);
            assertTrue(refused instanceof IllegalStateException, String.valueOf(refused));
            assertTrue(refused.getMessage().contains("belongs to an EventLoop"), refused.getMessage());
            assertFalse(longOp.isDone(), "the loop's ring was not closed");
            assertEquals(0, loop.submit(r -> r.nop()).get(5, TimeUnit.SECONDS));
            longOp.handle((v, e) -> null).get(5, TimeUnit.SECONDS); // the timeout's own completion, on the live ring
            loop.close();
        });
    }

    /** submit(op, completion) on a loop from inside its own completion after shutdown started: throws, does not hang. */
    @Test
    void submittingFromACallbackWhileTheLoopShutsDownFailsFast() throws Exception {
        uring();
        assertTimeoutPreemptively(T, () -> {
            EventLoop loop = EventLoop.open();
            CompletableFuture<Object> chained = new CompletableFuture<>();
            loop.submit(r -> r.nop(), (res, flags) -> {
                loop.shutdown(Duration.ofMillis(100));
                try {
                    CompletableFuture<Integer> f = loop.submit(r -> r.nop());
                    chained.complete(failure(f));
                } catch (Throwable t) {
                    chained.complete(t);
                }
            });
            Object r = chained.get(5, TimeUnit.SECONDS);
            assertTrue(r instanceof java.util.concurrent.RejectedExecutionException, "got " + r);
            loop.close();
        });
    }

    // ------------------------------------------------------------------ callbacks that throw

    /** Actions chained to futures throw StackOverflowError / OutOfMemoryError: nothing else is lost. */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void chainedActionsThrowingErrorsLoseNothing(AsyncFile.Backend b) throws Exception {
        Path p = data("errors-" + b, 1 << 20);
        assertTimeoutPreemptively(T, () -> {
            try (AsyncFile f = AsyncFile.open(p, Set.of(StandardOpenOption.READ),
                    AsyncFileConfig.builder().backend(b).build())) {
                List<CompletableFuture<?>> fs = new ArrayList<>();
                AtomicInteger ran = new AtomicInteger();
                for (int i = 0; i < 200; i++) {
                    int k = i;
                    CompletableFuture<Long> r = f.read(new ByteBuffer[] {ByteBuffer.allocate(100)}, i * 1000L);
                    fs.add(r.thenApply(n -> {
                        ran.incrementAndGet();
                        if (k % 3 == 0) {
                            throw new StackOverflowError("user");
                        }
                        if (k % 3 == 1) {
                            throw new OutOfMemoryError("user");
                        }
                        return n;
                    }));
                }
                for (CompletableFuture<?> c : fs) {
                    try {
                        c.get(5, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        assertTrue(e.getCause() instanceof Error, "" + e.getCause());
                    }
                }
                assertEquals(200, ran.get());
                assertEquals(100, f.read(ByteBuffer.allocate(100), 0).get());
            }
        });
    }

    // ------------------------------------------------------------------ buffers

    /** Heap, sliced, duplicated, read-only (for writes) buffers round trip on both backends. */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void oddBuffersRoundTrip(AsyncFile.Backend b) throws Exception {
        Path p = dir.resolve("odd-" + b);
        assertTimeoutPreemptively(T, () -> {
            try (AsyncFile f = open(b, p, RW)) {
                byte[] src = new byte[300_000];
                for (int i = 0; i < src.length; i++) {
                    src[i] = (byte) (i * 13 + 5);
                }
                ByteBuffer heapSlice = ByteBuffer.wrap(src, 1000, 290_000).slice().asReadOnlyBuffer();
                assertEquals(290_000, f.writeFully(heapSlice, 10).get());
                assertEquals(290_000, heapSlice.position());
                ByteBuffer direct = ByteBuffer.allocateDirect(5000);
                direct.put(ByteBuffer.wrap(src, 0, 5000));
                direct.position(17).limit(4000);
                ByteBuffer dup = direct.slice().duplicate().asReadOnlyBuffer();
                assertEquals(3983, f.write(dup, 300_000).get());
                // read back through a heap slice at an offset
                byte[] back = new byte[400_000];
                ByteBuffer into = ByteBuffer.wrap(back, 3, 290_000).slice();
                assertEquals(290_000, f.readFully(into, 10).get());
                for (int i = 0; i < 290_000; i++) {
                    if (back[3 + i] != src[1000 + i]) {
                        fail("byte " + i + " differs");
                    }
                }
                ByteBuffer d2 = ByteBuffer.allocateDirect(8000).position(100).slice();
                d2.limit(3983);
                ByteBuffer d2dup = d2.duplicate();
                assertEquals(3983, f.readFully(d2dup, 300_000).get());
                for (int i = 0; i < 3983; i++) {
                    assertEquals(src[17 + i], d2.get(i), "byte " + i);
                }
                // readFully past EOF
                Throwable eof = failure(f.readFully(ByteBuffer.allocate(10_000), f.size() - 10));
                assertTrue(eof instanceof EOFException, "" + eof);
                assertEquals(0, f.readFully(ByteBuffer.allocate(0), Long.MAX_VALUE).get());
            }
        });
    }

    /**
     * Vectored read asking for more than 2 GiB (600 views of one 4 MiB buffer) near the end
     * of a 5 GiB sparse file: accepted (it once threw IllegalArgumentException above
     * 0x7ffff000 bytes), and the result is the 8 MiB left, equal to the sum of the buffers'
     * position advances. Reading only the tail keeps the kernel's copy small: a full 2 GiB
     * copy takes over 10 s on the emulated CPUs of the kernel matrix.
     */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void vectoredReadOfMoreThan2GiB(AsyncFile.Backend b) throws Exception {
        Path p = dir.resolve("sparse-" + b);
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            try (AsyncFile f = open(b, p, RW)) {
                long size = 5L << 30;
                f.write(ByteBuffer.wrap(new byte[] {1}), size - 1).get(); // 5 GiB sparse
                ByteBuffer one = ByteBuffer.allocateDirect(4 << 20);
                ByteBuffer[] bs = new ByteBuffer[600];
                for (int i = 0; i < bs.length; i++) {
                    bs[i] = one.duplicate();
                }
                long tail = 8 << 20;
                long n = f.read(bs, size - tail).get(10, TimeUnit.SECONDS);
                long adv = 0;
                for (ByteBuffer x : bs) {
                    adv += x.position();
                }
                assertEquals(tail, n, "read of the last 8 MiB through a 2.3 GiB vector");
                assertEquals(n, adv);
            }
        });
    }

    /** Interrupting a thread waiting on get(): InterruptedException, the file stays open and the op completes later. */
    @ParameterizedTest
    @EnumSource(value = AsyncFile.Backend.class, names = "IOURING")
    void interruptedWaitersDoNotCloseTheFile(AsyncFile.Backend b) throws Exception {
        Path p = fifo("interrupt");
        assertTimeoutPreemptively(T, () -> {
            try (AsyncFile f = open(b, p, RW)) {
                List<CompletableFuture<Integer>> rs = new ArrayList<>();
                List<Thread> ts = new ArrayList<>();
                AtomicInteger interrupted = new AtomicInteger();
                for (int i = 0; i < 4; i++) {
                    CompletableFuture<Integer> r = f.read(ByteBuffer.allocateDirect(1), 0);
                    rs.add(r);
                    Runnable body = () -> {
                        try {
                            r.get();
                        } catch (InterruptedException e) {
                            interrupted.incrementAndGet();
                        } catch (Exception e) {
                            // ignore
                        }
                    };
                    Thread t = i % 2 == 0 ? startVirtual(body) : null;
                    if (t == null) {
                        t = new Thread(body);
                        t.start();
                    }
                    ts.add(t);
                }
                Thread.sleep(50);
                for (Thread t : ts) {
                    t.interrupt();
                }
                for (Thread t : ts) {
                    t.join(2000);
                    assertFalse(t.isAlive());
                }
                assertEquals(4, interrupted.get());
                assertTrue(f.isOpen());
                assertEquals(4, f.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 0).get());
                for (CompletableFuture<Integer> r : rs) {
                    assertEquals(1, r.get(5, TimeUnit.SECONDS));
                }
            }
        });
    }

    /**
     * The NIO backend on an executor whose threads come interrupted (as a pool's shutdownNow or
     * an interrupting pool leaves them): the operations work, the file stays open, and the
     * worker's interrupt status is left as it was.
     *
     * <p>Regression for: the interrupt closed the FileChannel under the file: the first read
     * failed with ClosedByInterruptException, every later one with ClosedChannelException, while
     * isOpen() said true.
     */
    @Test
    void interruptedExecutorThreadsDoNotCloseANioFile() throws Exception {
        Path p = dir.resolve("interrupted-workers");
        Files.write(p, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        AtomicInteger stillInterrupted = new AtomicInteger();
        ExecutorService interrupting = Executors.newCachedThreadPool();
        ExecutorService ex = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable command) {
                interrupting.execute(() -> {
                    Thread.currentThread().interrupt();
                    command.run();
                    if (Thread.interrupted()) {
                        stillInterrupted.incrementAndGet();
                    }
                });
            }

            @Override
            public void shutdown() {
                interrupting.shutdown();
            }

            @Override
            public List<Runnable> shutdownNow() {
                return interrupting.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return interrupting.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return interrupting.isTerminated();
            }

            @Override
            public boolean awaitTermination(long t, TimeUnit u) throws InterruptedException {
                return interrupting.awaitTermination(t, u);
            }
        };
        try (AsyncFile f = AsyncFile.open(p, RW, AsyncFileConfig.builder().backend(AsyncFile.Backend.NIO).executor(ex).build())) {
            for (int i = 0; i < 3; i++) {
                ByteBuffer b = ByteBuffer.allocate(4);
                assertEquals(4, f.read(b, i).get(5, TimeUnit.SECONDS), "read " + i);
                assertEquals(i + 1, b.get(0));
            }
            assertEquals(2, f.write(ByteBuffer.wrap(new byte[] {9, 9}), 0).get(5, TimeUnit.SECONDS));
            f.force(false).get(5, TimeUnit.SECONDS);
            assertTrue(f.isOpen());
            assertEquals(8, f.size());
        } finally {
            ex.shutdown();
        }
        assertTrue(ex.awaitTermination(5, TimeUnit.SECONDS)); // each task counts after it completed its future
        assertEquals(5, stillInterrupted.get(), "the workers' interrupt status is kept");
    }

    /** Concurrent cancels racing completions: every future completes exactly once, state is consistent. */
    @Test
    void cancelsRacingCompletions() throws Exception {
        uring();
        Path p = fifo("cancelrace");
        assertTimeoutPreemptively(T, () -> {
            try (AsyncFile f = open(AsyncFile.Backend.IOURING, p, RW)) {
                for (int round = 0; round < 20; round++) {
                    List<CompletableFuture<Integer>> rs = new ArrayList<>();
                    for (int i = 0; i < 16; i++) {
                        rs.add(f.read(ByteBuffer.allocateDirect(1), 0));
                    }
                    Thread canceller = new Thread(() -> {
                        for (int i = 0; i < rs.size(); i += 2) {
                            rs.get(i).cancel(true);
                        }
                    });
                    canceller.start();
                    f.write(ByteBuffer.wrap(new byte[16]), 0).get();
                    canceller.join();
                    for (int i = 1; i < rs.size(); i += 2) {
                        rs.get(i).cancel(true); // whatever is still pending
                    }
                    for (CompletableFuture<Integer> r : rs) {
                        Throwable t = failure(r);
                        assertTrue(t == null || t instanceof CancellationException, "" + t);
                    }
                    // drain leftover bytes so the next round starts empty
                    drain(f);
                }
                assertTrue(f.isOpen());
            }
        });
    }

    private static void drain(AsyncFile f) throws Exception {
        while (true) {
            CompletableFuture<Integer> r = f.read(ByteBuffer.allocateDirect(64), 0);
            try {
                r.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                r.cancel(true);
                try {
                    r.get(1, TimeUnit.SECONDS);
                } catch (CancellationException | ExecutionException x) {
                    // expected
                }
                return;
            }
        }
    }

    /** Redeploy-style: many files opened, used (ring and inline) and closed; no descriptor leak. */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void openUseCloseInALoopLeaksNoDescriptor(AsyncFile.Backend b) throws Exception {
        Path p = data("loop-" + b, 4096);
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            try (AsyncFile f = open(b, p, RW)) {
                f.force(false).get();
            }
            int before = openFds();
            for (int i = 0; i < 500; i++) {
                AsyncFile f = open(b, p, RW);
                CompletableFuture<Integer> r = f.read(ByteBuffer.allocate(100), 0);
                CompletableFuture<Void> s = f.force(false);
                if (i % 2 == 0) {
                    f.close();
                } else {
                    r.get();
                    s.get();
                    f.close();
                }
                try {
                    s.get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof AsynchronousCloseException, "" + e.getCause());
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (openFds() > before && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(openFds() <= before, "descriptors before " + before + ", after " + openFds());
        });
    }

    /**
     * Nulls at the public boundary are NullPointerExceptions naming the argument (PublicApiSweepTest;
     * regression: the JVM's "Cannot read the array length because \"<local3>\" is null" from
     * Collections.addAll, List.copyOf's NPE without a message, "Cannot invoke ByteBuffer.isDirect()").
     */
    @Test
    void nullArgumentsAreNamed() {
        Path p = dir.resolve("nulls");
        assertEquals("options", assertThrows(NullPointerException.class, () -> AsyncFile.open(p, (OpenOption[]) null)).getMessage());
        assertEquals("an option is null", assertThrows(NullPointerException.class,
                () -> AsyncFile.open(p, StandardOpenOption.READ, null)).getMessage());
        assertEquals("path", assertThrows(NullPointerException.class, () -> AsyncFile.open(null, StandardOpenOption.READ)).getMessage());
        assertEquals("loops[0] is null", assertThrows(NullPointerException.class,
                () -> AsyncFileConfig.builder().eventLoops(java.util.Arrays.asList((EventLoop) null))).getMessage());
        assertEquals("buffer", assertThrows(NullPointerException.class, () -> AlignedBuffers.isAligned(null, 512)).getMessage());
        assertFalse(Files.exists(p), "nothing was created");
    }
}
