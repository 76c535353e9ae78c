package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Adversarial probes of uring4j's AsynchronousFileChannel against the JDK's. */
@Tag("kernel")
class AsynchronousFileChannelHostileUseTest {
    private static final Set<OpenOption> RW = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);

    @TempDir
    Path dir;

    private int files;

    private static int fds() {
        String[] l = new java.io.File("/proc/self/fd").list();
        return l == null ? -1 : l.length;
    }

    private Path file(int n) throws IOException {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return Files.write(dir.resolve("f" + files++), b);
    }

    /** What an operation did, in words: value or exception class and message, so two implementations can be compared. */
    private static String outcome(Supplier<Future<?>> op) {
        return outcome(op, 5);
    }

    private static String outcome(Supplier<Future<?>> op, int seconds) {
        Future<?> f;
        try {
            f = op.get();
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getName() + ": " + e.getMessage();
        }
        try {
            return "value " + f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return "failed " + e.getCause().getClass().getName() + ": " + e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "HANG";
        } catch (Exception e) {
            return "get threw " + e;
        }
    }

    private List<String> extremeScenario(Impl impl) throws Exception {
        Path p = file(100);
        List<String> out = new ArrayList<>();
        try (AsynchronousFileChannel ch = impl.openAsync(p, RW, null)) {
            ByteBuffer a = ByteBuffer.allocate(8);
            out.add("read MAX-2 heap: " + outcome(() -> ch.read(a, Long.MAX_VALUE - 2)) + " pos " + a.position());
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            out.add("read MAX-2 direct: " + outcome(() -> ch.read(b, Long.MAX_VALUE - 2)) + " pos " + b.position());
            ByteBuffer c = ByteBuffer.allocate(8);
            out.add("write MAX-2: " + outcome(() -> ch.write(c, Long.MAX_VALUE - 2)) + " pos " + c.position());
            out.add("read 1<<62: " + outcome(() -> ch.read(ByteBuffer.allocate(8), 1L << 62)));
            out.add("read 0 at MAX: " + outcome(() -> ch.read(ByteBuffer.allocate(0), Long.MAX_VALUE)));
            out.add("write 0 at MAX: " + outcome(() -> ch.write(ByteBuffer.allocate(0), Long.MAX_VALUE)));
            out.add("read MAX: " + outcome(() -> ch.read(ByteBuffer.allocate(1), Long.MAX_VALUE)));
            out.add("write MAX: " + outcome(() -> ch.write(ByteBuffer.allocate(1), Long.MAX_VALUE)));
            out.add("size " + ch.size());
            // the channel still serves cached reads normally
            out.add("read 0: " + outcome(() -> ch.read(ByteBuffer.allocate(10), 0)));
        }
        return out;
    }

    @Test
    void extremePositionsMatchTheJdk() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            List<String> jdk = extremeScenario(Impl.JDK);
            List<String> ours = extremeScenario(Impl.URING4J);
            System.out.println("JDK:     " + jdk);
            System.out.println("uring4j: " + ours);
            assertEquals(String.join("\n", jdk), String.join("\n", ours));
        });
    }

    /**
     * A read into a buffer with more room than the kernel transfers per call (MAX_RW_COUNT,
     * 0x7ffff000 bytes), from a 100-byte file: the JDK reads the 100 bytes (the kernel clamps the
     * count); uring4j's must too, not fail the operation. The buffer maps a sparse file, so that
     * no 2 GiB is allocated or zeroed.
     */
    @Test
    void aReadIntoABufferLargerThanTheKernelsPerCallMaximumMatchesTheJdk() throws Exception {
        Path p = file(100);
        Path sparse = dir.resolve("sparse-target");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<String> out = new ArrayList<>();
            try (java.nio.channels.FileChannel target = java.nio.channels.FileChannel.open(sparse,
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                for (Impl impl : Impl.values()) {
                    ByteBuffer big = target.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 0x7ffff000L + 1);
                    try (AsynchronousFileChannel ch = impl.openAsync(p, Set.of(StandardOpenOption.READ), null)) {
                        out.add(impl + ": " + outcome(() -> ch.read(big, 0), 20) + " pos " + big.position());
                    }
                }
            }
            assertEquals(out.get(0).substring(out.get(0).indexOf(':')), out.get(1).substring(out.get(1).indexOf(':')),
                    out.toString());
            assertTrue(out.get(1).endsWith("value 100 pos 100"), out.toString());
        });
    }

    private List<String> closedLockScenario(Impl impl) throws Exception {
        Path p = file(10);
        List<String> out = new ArrayList<>();
        AsynchronousFileChannel ch = impl.openAsync(p, RW, null);
        FileLock held = ch.lock(0, 5, false).get();
        ch.close();
        out.add("lock(): " + outcome(ch::lock));
        out.add("lock(0,1,true): " + outcome(() -> ch.lock(0, 1, true)));
        CompletableFuture<String> h = new CompletableFuture<>();
        try {
            ch.lock(null, new CompletionHandler<FileLock, Object>() {
                @Override
                public void completed(FileLock result, Object attachment) {
                    h.complete("completed " + result);
                }

                @Override
                public void failed(Throwable exc, Object attachment) {
                    h.complete("failed " + exc.getClass().getName());
                }
            });
        } catch (RuntimeException e) {
            h.complete("threw " + e.getClass().getName());
        }
        out.add("lock(handler): " + h.get(5, TimeUnit.SECONDS));
        out.add("held valid: " + held.isValid());
        try {
            held.release();
            out.add("release: ok");
        } catch (IOException e) {
            out.add("release: " + e.getClass().getName());
        }
        try {
            held.close();
            out.add("close lock: ok");
        } catch (IOException e) {
            out.add("close lock: " + e.getClass().getName());
        }
        return out;
    }

    @Test
    void lockingAClosedChannelMatchesTheJdk() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            List<String> jdk = closedLockScenario(Impl.JDK);
            List<String> ours = closedLockScenario(Impl.URING4J);
            System.out.println("JDK:     " + jdk);
            System.out.println("uring4j: " + ours);
            assertEquals(String.join("\n", jdk), String.join("\n", ours));
        });
    }

    private String shutExecutorScenario(Impl impl) throws Exception {
        Path p = file(100);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try (AsynchronousFileChannel ch = impl.openAsync(p, RW, ex)) {
            ch.read(ByteBuffer.allocate(1), 0).get();
            ex.shutdown();
            assertTrue(ex.awaitTermination(5, TimeUnit.SECONDS));
            CompletableFuture<String> h = new CompletableFuture<>();
            try {
                ch.read(ByteBuffer.allocate(10), 0, null, new CompletionHandler<Integer, Object>() {
                    @Override
                    public void completed(Integer result, Object attachment) {
                        h.complete("completed " + result);
                    }

                    @Override
                    public void failed(Throwable exc, Object attachment) {
                        h.complete("failed " + exc);
                    }
                });
            } catch (RuntimeException e) {
                h.complete("threw " + e.getClass().getName());
            }
            String handler;
            try {
                handler = h.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                handler = "handler never ran";
            }
            return handler + "; future: " + outcome(() -> ch.read(ByteBuffer.allocate(10), 0))
                    + "; write: " + outcome(() -> ch.write(ByteBuffer.wrap(new byte[] {1}), 0))
                    + "; empty read: " + outcome(() -> ch.read(ByteBuffer.allocate(0), 0))
                    + "; lock: " + outcome(() -> ch.lock());
        }
    }

    /**
     * A read (handler and future) after the channel's executor was shut down throws
     * RejectedExecutionException from the call, as the JDK's. Before, uring4j read on and ran
     * the handler on the caller's thread.
     */
    @Test
    void aShutDownExecutorRefusesOperationsAsTheJdksDoes() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            String jdk = shutExecutorScenario(Impl.JDK);
            String ours = shutExecutorScenario(Impl.URING4J);
            assertEquals(jdk.replaceAll("RejectedExecutionException: [^;]*", "RejectedExecutionException"),
                    ours.replaceAll("RejectedExecutionException: [^;]*", "RejectedExecutionException"));
            assertTrue(ours.startsWith("threw java.util.concurrent.RejectedExecutionException"), ours);
        });
    }

    /** A handler that starts the next cached read, 20000 times: no StackOverflowError, every handler runs once. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void handlerChainsDoNotOverflowTheStack(Impl impl) throws Exception {
        Path p = file(1 << 16);
        // 10,000 nested handler frames would overflow a 1 MiB thread stack many times over;
        // the budget is for the kernel matrix's emulated CPUs, where a kernel without
        // RWF_NOWAIT on tmpfs sends every read through a ring (about 0.5 ms a read there).
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            try (AsynchronousFileChannel ch = impl.openAsync(p, Set.of(StandardOpenOption.READ), null)) {
                int total = 10_000;
                AtomicInteger calls = new AtomicInteger();
                CompletableFuture<Throwable> done = new CompletableFuture<>();
                ByteBuffer buf = ByteBuffer.allocateDirect(16);
                CompletionHandler<Integer, Integer> h = new CompletionHandler<>() {
                    @Override
                    public void completed(Integer n, Integer i) {
                        calls.incrementAndGet();
                        if (i == total) {
                            done.complete(null);
                            return;
                        }
                        buf.clear();
                        try {
                            ch.read(buf, (i * 16L) % (1 << 16), i + 1, this);
                        } catch (Throwable t) {
                            done.complete(t);
                        }
                    }

                    @Override
                    public void failed(Throwable exc, Integer i) {
                        done.complete(exc);
                    }
                };
                ch.read(buf, 0, 1, h);
                Throwable t = done.get(35, TimeUnit.SECONDS);
                assertEquals(null, t);
                assertEquals(total, calls.get());
            }
        });
    }

    /** Handlers throwing StackOverflowError/OutOfMemoryError: every other handler still runs exactly once. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void handlersThrowingErrorsLoseNothing(Impl impl) throws Exception {
        Path p = file(1 << 16);
        // Each thrown Error is logged with its stack trace (by uring4j) or kills an executor
        // thread (the JDK): about 16 ms a handler on the kernel matrix's emulated CPUs.
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            ExecutorService ex = Executors.newFixedThreadPool(2);
            try (AsynchronousFileChannel ch = impl.openAsync(p, RW, ex)) {
                int n = 150;
                CountDownLatch all = new CountDownLatch(n);
                ConcurrentHashMap<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
                for (int i = 0; i < n; i++) {
                    ByteBuffer b = i % 2 == 0 ? ByteBuffer.allocate(100) : ByteBuffer.allocateDirect(100);
                    ch.read(b, i * 100L, i, new CompletionHandler<Integer, Integer>() {
                        @Override
                        public void completed(Integer r, Integer k) {
                            calls.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                            all.countDown();
                            if (k % 3 == 0) {
                                throw new StackOverflowError("user");
                            }
                            if (k % 3 == 1) {
                                throw new OutOfMemoryError("user");
                            }
                            throw new IllegalStateException("user");
                        }

                        @Override
                        public void failed(Throwable exc, Integer k) {
                            calls.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                            all.countDown();
                        }
                    });
                }
                assertTrue(all.await(30, TimeUnit.SECONDS), "handlers left: " + all.getCount());
                Thread.sleep(50);
                for (int i = 0; i < n; i++) {
                    assertEquals(1, calls.get(i).get(), "handler " + i);
                }
                assertEquals(10, ch.read(ByteBuffer.allocate(10), 0).get(5, TimeUnit.SECONDS));
            } finally {
                ex.shutdownNow();
            }
        });
    }

    /** Close racing reads and writes with handlers from several threads: every handler runs exactly once. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void closeRacingHandlersInvokesEachExactlyOnce(Impl impl) throws Exception {
        Path p = file(1 << 20);
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            for (int round = 0; round < 10; round++) {
                AsynchronousFileChannel ch = impl.openAsync(p, RW, null);
                ConcurrentHashMap<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
                List<String> odd = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger issued = new AtomicInteger();
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int tt = t;
                    Thread th = new Thread(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < 100; i++) {
                            long id = tt * 1000L + i;
                            CompletionHandler<Integer, Long> h = new CompletionHandler<>() {
                                @Override
                                public void completed(Integer r, Long k) {
                                    calls.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                                }

                                @Override
                                public void failed(Throwable exc, Long k) {
                                    if (!(exc instanceof ClosedChannelException)) {
                                        odd.add(exc.toString());
                                    }
                                    calls.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                                }
                            };
                            try {
                                ByteBuffer b = ByteBuffer.allocate(4096);
                                if (i % 2 == 0) {
                                    ch.read(b, i * 4096L, id, h);
                                } else {
                                    ch.write(b, i * 4096L, id, h);
                                }
                                issued.incrementAndGet();
                            } catch (RuntimeException e) {
                                odd.add("threw " + e);
                            }
                        }
                    });
                    th.start();
                    ts.add(th);
                }
                go.countDown();
                Thread.sleep(1);
                ch.close();
                for (Thread th : ts) {
                    th.join();
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (calls.size() < issued.get() && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                Thread.sleep(20);
                assertEquals(issued.get(), calls.size(), impl + ": handlers that ran, of issued");
                for (AtomicInteger c : calls.values()) {
                    assertEquals(1, c.get(), "a handler ran more than once");
                }
                assertTrue(odd.isEmpty(), impl + ": " + odd);
            }
        });
    }

    /** Open, read, lock, close in a loop: no descriptor is left behind. */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void openLockCloseInALoopLeaksNoDescriptor(Impl impl) throws Exception {
        Path p = file(4096);
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            try (AsynchronousFileChannel ch = impl.openAsync(p, RW, null)) {
                ch.force(false);
            }
            int before = fds();
            for (int i = 0; i < 300; i++) {
                AsynchronousFileChannel ch = impl.openAsync(p, RW, null);
                Future<Integer> r = ch.read(ByteBuffer.allocate(100), 0);
                FileLock l = ch.tryLock(0, 10, i % 2 == 0);
                if (i % 3 == 0) {
                    ch.force(true);
                }
                ch.close();
                try {
                    r.get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // closed meanwhile
                }
                if (l.isValid()) {
                    fail("lock valid after close");
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (fds() > before && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(fds() <= before,
                    impl + ": descriptors before " + before + ", after " + fds());
        });
    }

    /** A handler closes the channel and starts another read: that read fails with ClosedChannelException (handler runs). */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void closeDuringAHandlerReadFromTheHandlerItself(Impl impl) throws Exception {
        Path p = file(1 << 16);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            AsynchronousFileChannel ch = impl.openAsync(p, RW, null);
            CompletableFuture<String> second = new CompletableFuture<>();
            ch.read(ByteBuffer.allocate(10), 0, null, new CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer r, Object a) {
                    try {
                        ch.close();
                        ch.read(ByteBuffer.allocate(10), 0, null, new CompletionHandler<Integer, Object>() {
                            @Override
                            public void completed(Integer r2, Object a2) {
                                second.complete("completed " + r2);
                            }

                            @Override
                            public void failed(Throwable exc, Object a2) {
                                second.complete("failed " + exc.getClass().getName());
                            }
                        });
                    } catch (Throwable t) {
                        second.complete("threw " + t);
                    }
                }

                @Override
                public void failed(Throwable exc, Object a) {
                    second.complete("first failed " + exc);
                }
            });
            assertEquals("failed " + ClosedChannelException.class.getName(), second.get(5, TimeUnit.SECONDS));
        });
    }

    /**
     * Opening checks as the JDK's (see FileChannelHostileUseTest#openChecksInTheJdksOrder): the
     * attributes before the options (regression: APPEND was refused before a null attribute array,
     * which was then taken for none), ELOOP of NOFOLLOW_LINKS as the JDK's IOException.
     */
    @Test
    void openChecksInTheJdksOrder() throws Exception {
        Path f = file(16);
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, f);
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            List<String> o = new ArrayList<>();
            o.add(opened(() -> impl.openAsync(f, Set.of(StandardOpenOption.APPEND), null,
                    (java.nio.file.attribute.FileAttribute<?>[]) null)));
            o.add(opened(() -> impl.openAsync(f, Set.of(StandardOpenOption.READ), null,
                    (java.nio.file.attribute.FileAttribute<?>[]) null)));
            o.add(opened(() -> impl.openAsync(null, Set.of(StandardOpenOption.APPEND), null)));
            o.add(opened(() -> impl.openAsync(link, Set.of(StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS), null)));
            o.add(opened(() -> impl.openAsync(link, Set.of(StandardOpenOption.CREATE_NEW, java.nio.file.LinkOption.NOFOLLOW_LINKS), null)));
            seen.add(String.join("\n", o));
        }
        assertEquals(String.join("\n", "java.lang.NullPointerException", "java.lang.NullPointerException",
                "java.lang.NullPointerException", "java.io.IOException: Too many levels of symbolic links (NOFOLLOW_LINKS specified)",
                "opened, size 16"), seen.get(0), "the JDK");
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    interface Open {
        AsynchronousFileChannel open() throws Exception;
    }

    private static String opened(Open open) {
        try (AsynchronousFileChannel ch = open.open()) {
            return "opened, size " + ch.size();
        } catch (Throwable t) {
            return ChannelDifferentialTest.thrown(t);
        }
    }
}
