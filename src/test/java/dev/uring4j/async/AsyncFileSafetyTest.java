package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport;
import dev.uring4j.Uring;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression tests of the adversarial review: close and descriptor lifetime, waits that
 * cannot end, leaks, differences between the backends, buffers, errors thrown by user code.
 * Every case runs on io_uring and on NIO.
 */
@Tag("kernel")
class AsyncFileSafetyTest {
    private static final Set<OpenOption> RW = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE);

    @TempDir
    Path dir;

    static AsyncFile open(AsyncFile.Backend b, Path p, Set<? extends OpenOption> options) throws IOException {
        if (b == AsyncFile.Backend.IOURING && !Uring.isAvailable()) {
            org.junit.jupiter.api.Assertions.fail("io_uring unavailable: " + Uring.unavailabilityCause().getMessage());
        }
        return AsyncFile.open(p, options, AsyncFileConfig.builder().backend(b).build());
    }

    /** mkfifo without pipes to the child (their descriptors would disturb the counts). */
    static void mkfifo(Path p) throws Exception {
        Process pr = new ProcessBuilder("mkfifo", p.toString()).redirectInput(new java.io.File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, pr.waitFor());
    }

    /**
     * Descriptors of this process open on files of the test's directory. Only those: the
     * shared loops' ring and eventfd descriptors come and go on their own (a loop idle for
     * 2 s ends itself, which a slow run, e.g. under ASan, reaches in the middle of a test).
     */
    long openDescriptors() throws IOException {
        String under = dir.toRealPath().toString() + "/";
        long n = 0;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(under)) {
                        n++;
                    }
                } catch (IOException gone) {
                    // closed between the listing and the readlink (or the listing's own descriptor)
                }
            }
        }
        return n;
    }

    static void awaitDescriptorClosed(AsyncFile f) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!f.descriptorClosed() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertTrue(f.descriptorClosed(), "the descriptor of a closed file is closed once its last operation completed");
    }

    private Path fileOf(String name, int size) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, new byte[size]);
        return p;
    }

    // ---------------------------------------------------------------- 1. close and descriptor lifetime

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void concurrentClosesCloseTheDescriptorOnceAndSpareOtherFiles(AsyncFile.Backend b) throws Exception {
        Path p = fileOf("shared", 16);
        Path other = fileOf("other", 0);
        open(b, p, RW).close(); // warm up (shared loop, pool, classes) before counting descriptors
        long before = openDescriptors();
        int rounds = 300;
        List<String> broken = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            AsyncFile f = open(b, p, RW);
            CyclicBarrier go = new CyclicBarrier(3);
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicReference<FileChannel> victim = new AtomicReference<>();
            Runnable closer = () -> {
                try {
                    go.await();
                    f.close();
                } catch (Throwable t) {
                    error.set(t);
                }
            };
            Thread a = new Thread(closer);
            Thread c = new Thread(closer);
            Thread opener = new Thread(() -> {
                try {
                    go.await();
                    // Opened while the closes run: it likely gets the number the file had.
                    victim.set(FileChannel.open(other, StandardOpenOption.READ, StandardOpenOption.WRITE));
                } catch (Throwable t) {
                    error.set(t);
                }
            });
            a.start();
            c.start();
            opener.start();
            a.join();
            c.join();
            opener.join();
            assertEquals(null, error.get());
            assertFalse(f.isOpen());
            assertTrue(f.descriptorClosed(), "close returned: the descriptor is closed");
            try (FileChannel v = victim.get()) {
                v.write(ByteBuffer.wrap(new byte[] {1}), 0);
                assertEquals(1, v.size());
            } catch (IOException e) {
                broken.add("round " + round + ": " + e);
            }
        }
        assertEquals(List.of(), broken, "an unrelated FileChannel lost its descriptor to a second close");
        assertEquals(before, openDescriptors(), "every file's descriptor closed exactly once, none leaked");
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void truncateAndSizeRacingCloseNeverTouchAnotherFile(AsyncFile.Backend b) throws Exception {
        Path a = dir.resolve("a");
        Path other = dir.resolve("other");
        int rounds = 200;
        for (int round = 0; round < rounds; round++) {
            Files.write(a, new byte[4096]);
            Files.write(other, new byte[8192]);
            AsyncFile f = open(b, a, RW);
            CyclicBarrier go = new CyclicBarrier(2);
            AtomicReference<Throwable> error = new AtomicReference<>();
            List<Long> sizes = new ArrayList<>();
            List<FileChannel> reopened = new ArrayList<>();
            Thread user = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 1000; i++) {
                        sizes.add(f.size());
                        f.blockSize();
                        f.truncate(4096 - i);
                    }
                } catch (ClosedChannelException expected) {
                    // the close won
                } catch (Throwable t) {
                    error.set(t);
                }
            });
            Thread closer = new Thread(() -> {
                try {
                    go.await();
                    f.close();
                    // Reuse the descriptor numbers: a use after close would hit these.
                    for (int i = 0; i < 4; i++) {
                        reopened.add(FileChannel.open(other, StandardOpenOption.READ, StandardOpenOption.WRITE));
                    }
                } catch (Throwable t) {
                    error.set(t);
                }
            });
            user.start();
            closer.start();
            user.join();
            closer.join();
            for (FileChannel c : reopened) {
                c.close();
            }
            assertEquals(null, error.get());
            assertEquals(8192, Files.size(other), "round " + round + ": ftruncate hit the unrelated file");
            for (long s : sizes) {
                assertTrue(s <= 4096, "round " + round + ": size() reported another file's size " + s);
            }
        }
    }

    // ---------------------------------------------------------------- 2. waits that cannot end

    /**
     * Runs {@code action} in a callback of a read of {@code f} that completes on a
     * completion thread (an event-loop or NIO pool thread), retrying until it did.
     */
    /** Runs {@code action} in a completion callback that runs on another thread than this one. */
    private static void inCompletionCallback(AsyncFile f, Consumer<Thread> action) throws Exception {
        Thread caller = Thread.currentThread();
        for (int attempt = 0; attempt < 200; attempt++) {
            CountDownLatch ran = new CountDownLatch(1);
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicInteger onCompletionThread = new AtomicInteger();
            // A vectored read: never served on the calling thread, so it completes on a loop or pool thread.
            f.read(new ByteBuffer[] {ByteBuffer.allocateDirect(1 << 20)}, 0).whenComplete((n, ex) -> {
                try {
                    if (Thread.currentThread() != caller) {
                        onCompletionThread.set(1);
                        action.accept(Thread.currentThread());
                    }
                } catch (Throwable t) {
                    error.set(t);
                } finally {
                    ran.countDown();
                }
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the callback ran (the completion thread did not hang)");
            if (error.get() != null) {
                throw new AssertionError("in the callback", error.get());
            }
            if (onCompletionThread.get() == 1) {
                return;
            }
        }
        throw new AssertionError("no callback ran on a completion thread in 200 attempts");
    }

    /**
     * With a loop of its own (which runs callbacks inline; shared loops hand them to callback
     * threads, and the NIO pool too) or the NIO backend's default.
     */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void closeAndSizeWorkFromACallback(AsyncFile.Backend b) throws Exception {
        Path p = fileOf("data", 1 << 20);
        try (EventLoop own = b == AsyncFile.Backend.IOURING ? EventLoop.open() : null) {
            closeAndSizeFromACallback(b, p, own);
        }
    }

    private void closeAndSizeFromACallback(AsyncFile.Backend b, Path p, EventLoop own) throws Exception {
        AsyncFile f = own != null ? AsyncFile.open(p, RW, AsyncFileConfig.builder().backend(b).eventLoop(own).build())
                : open(b, p, RW);
        AtomicReference<String> thread = new AtomicReference<>();
        inCompletionCallback(f, t -> {
            try {
                assertEquals(1 << 20, f.size());
                assertTrue(f.blockSize() > 0);
                f.close();
                assertFalse(f.isOpen());
                thread.set(t.getName());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertNotNull(thread.get());
        awaitDescriptorClosed(f);
        assertThrows(ClosedChannelException.class, f::size);
        // The loop (or pool) that ran the callback still serves every other file.
        try (AsyncFile g = open(b, p, RW)) {
            assertEquals(1 << 20, g.read(ByteBuffer.allocateDirect(1 << 20), 0).get(10, TimeUnit.SECONDS));
        }
    }

    /**
     * On a loop thread (a file with a loop of its own runs callbacks there). Shared loops and
     * the NIO pool never run user code (CallbackThreads), so no wait can happen on them.
     */
    @ParameterizedTest
    @EnumSource(value = AsyncFile.Backend.class, names = "IOURING")
    void blockingWaitOnACompletionThreadThrowsNamingTheRule(AsyncFile.Backend b) throws Exception {
        Path p = fileOf("data", 1 << 20);
        try (EventLoop own = EventLoop.open();
                AsyncFile f = AsyncFile.open(p, RW, AsyncFileConfig.builder().backend(b).eventLoop(own).build());
                Pending pending = new Pending(b, dir.resolve("pending"))) {
            AtomicInteger refused = new AtomicInteger();
            int rounds = 5;
            for (int i = 0; i < rounds; i++) {
                inCompletionCallback(f, t -> {
                    // Not done while we wait: on io_uring only this loop thread could complete it (the
                    // wait would hang the loop); on NIO it is queued behind a busy thread (the pool
                    // thread would wait for a slot it holds itself once the pool is used up).
                    CompletableFuture<Integer> next = pending.file.read(ByteBuffer.allocateDirect(4), 0);
                    assertTrue(next instanceof UringFuture);
                    CompletableFuture<Integer> dependent = next.thenApply(n -> n + 1);
                    assertTrue(dependent instanceof UringFuture, "dependent futures are guarded too");
                    List<org.junit.jupiter.api.function.Executable> waits = List.of(next::join, dependent::join,
                            next::get, dependent::get, () -> next.get(5, TimeUnit.SECONDS),
                            () -> dependent.get(5, TimeUnit.SECONDS));
                    for (org.junit.jupiter.api.function.Executable w : waits) {
                        long start = System.nanoTime();
                        IllegalStateException e = assertThrows(IllegalStateException.class, w);
                        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "thrown at once");
                        assertTrue(e.getMessage().contains(UringFuture.RULE), e.getMessage());
                        assertTrue(e.getMessage().contains(t.getName()), e.getMessage());
                        refused.incrementAndGet();
                    }
                    assertFalse(next.isDone());
                    next.cancel(false);
                    // A wait for a future that is done is fine anywhere.
                    CompletableFuture<Integer> done = f.read(ByteBuffer.allocateDirect(8), 0);
                    if (done.isDone()) {
                        assertEquals(8, done.join());
                    }
                });
            }
            assertEquals(rounds * 6, refused.get(), "every wait on a completion thread was refused");
            // Waiting from an ordinary thread is fine.
            assertEquals(4097, f.read(ByteBuffer.allocateDirect(4096), 0).thenApply(n -> n + 1).join());
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void getWithATimeoutThatTimesOutBreaksNothing(AsyncFile.Backend b) throws Exception {
        try (Pending pending = new Pending(b, dir.resolve("pending"))) {
            CompletableFuture<Integer> read = pending.file.read(ByteBuffer.allocateDirect(4), 0);
            assertThrows(TimeoutException.class, () -> read.get(50, TimeUnit.MILLISECONDS));
            assertFalse(read.isDone());
            pending.file.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof AsynchronousCloseException, String.valueOf(e.getCause()));
            awaitDescriptorClosed(pending.file);
        }
    }

    /** An operation that stays pending: a FIFO read on io_uring, a read queued behind a held executor on NIO. */
    static final class Pending implements AutoCloseable {
        final AsyncFile file;
        final CountDownLatch release = new CountDownLatch(1);
        final java.util.concurrent.ExecutorService single = java.util.concurrent.Executors.newSingleThreadExecutor();

        Pending(AsyncFile.Backend b, Path p) throws Exception {
            if (b == AsyncFile.Backend.IOURING) {
                mkfifo(p);
                file = open(b, p, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
            } else {
                Files.write(p, new byte[] {1, 2, 3, 4});
                single.submit(() -> {
                    release.await();
                    return null;
                });
                file = AsyncFile.open(p, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE),
                        AsyncFileConfig.builder().backend(b).executor(single).build());
            }
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            file.close();
            single.shutdown();
        }
    }

    // ---------------------------------------------------------------- 4. leaks

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void openWithTheInterruptFlagSetSucceedsAndLeaksNothing(AsyncFile.Backend b) throws Exception {
        Path p = fileOf("data", 100);
        open(b, p, RW).close();
        long before = openDescriptors();
        Thread.currentThread().interrupt();
        try {
            for (int i = 0; i < 20; i++) {
                AsyncFile f = open(b, p, RW); // as FileChannel.open: an interrupt does not stop an open
                assertTrue(f.isOpen());
                assertEquals(100, f.size());
                f.close();
                assertTrue(f.descriptorClosed());
            }
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays pending for the caller");
        } finally {
            Thread.interrupted();
        }
        assertEquals(before, openDescriptors(), "no descriptor leaked by interrupted opens");
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void anOpenInterruptedWhileBlockedOnAFifoLeaksNothing(AsyncFile.Backend b) throws Exception {
        Path fifo = dir.resolve("fifo");
        mkfifo(fifo);
        open(b, fileOf("warm", 1), RW).close();
        long before = openDescriptors();
        AtomicReference<Object> writer = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                writer.set(open(b, fifo, Set.of(StandardOpenOption.WRITE)));
            } catch (Throwable e) {
                writer.set(e);
            }
        });
        t.start();
        Thread.sleep(200);
        t.interrupt();
        Thread.sleep(200);
        assertTrue(t.isAlive(), "open(2) of a FIFO without a reader blocks, as FileChannel.open does, interrupt or not");
        AsyncFile reader = open(b, fifo, Set.of(StandardOpenOption.READ));
        t.join(10_000);
        assertFalse(t.isAlive());
        assertTrue(writer.get() instanceof AsyncFile, String.valueOf(writer.get()));
        ((AsyncFile) writer.get()).close();
        reader.close();
        assertEquals(before, openDescriptors(), "no descriptor leaked");
    }

    // ---------------------------------------------------------------- 5. backends that differ

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void openingAFifoForWritingWaitsForAReader(AsyncFile.Backend b) throws Exception {
        Path fifo = dir.resolve("fifo");
        mkfifo(fifo);
        CompletableFuture<AsyncFile> writer = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                writer.complete(open(b, fifo, Set.of(StandardOpenOption.WRITE)));
            } catch (Throwable e) {
                writer.completeExceptionally(e);
            }
        });
        t.start();
        Thread.sleep(300);
        assertFalse(writer.isDone(), "opening a FIFO for writing waits for a reader (it failed with ENXIO on io_uring)");
        try (AsyncFile reader = open(b, fifo, Set.of(StandardOpenOption.READ));
             AsyncFile w = writer.get(10, TimeUnit.SECONDS)) {
            assertTrue(reader.isOpen());
            assertTrue(w.isOpen());
        }
    }

    /** The exception FileChannel itself gives for an O_DIRECT operation, or null. */
    private static String fileChannelOutcome(Path p, boolean read, ByteBuffer buffer, long position) throws IOException {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            if (read) {
                c.read(buffer.duplicate(), position);
            } else {
                c.write(buffer.duplicate(), position);
            }
            return null;
        } catch (IOException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void directIoMisalignmentFailsAsFileChannelDoes(AsyncFile.Backend b) throws Exception {
        Path p = dir.resolve("direct");
        Files.write(p, new byte[1 << 16]);
        try (FileChannel probe = FileChannel.open(p, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            assertTrue(probe.isOpen());
        } catch (IOException e) {
            assumeTrue(false, "the file system of " + dir + " does not support O_DIRECT: " + e.getMessage());
        }
        try (AsyncFile f = open(b, p, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, UringOpenOption.DIRECT))) {
            int block = f.blockSize();
            assertEquals(Files.getFileStore(p).getBlockSize(), block, "the alignment FileChannel uses");
            List<Object[]> cases = new ArrayList<>();
            cases.add(new Object[] {AlignedBuffers.allocate(block, block), 1L});                      // channel position
            cases.add(new Object[] {AlignedBuffers.allocate(2 * block, block).position(1), 0L});      // buffer location
            cases.add(new Object[] {AlignedBuffers.allocate(block, block).limit(block - 1), 0L});     // remaining bytes
            cases.add(new Object[] {ByteBuffer.allocate(100), 0L});                                     // heap, remaining
            for (boolean read : new boolean[] {true, false}) {
                for (Object[] c : cases) {
                    ByteBuffer buf = (ByteBuffer) c[0];
                    long pos = (long) c[1];
                    String expected = fileChannelOutcome(p, read, buf, pos);
                    assertNotNull(expected, "FileChannel refuses " + buf + " at " + pos);
                    ByteBuffer mine = buf.duplicate();
                    CompletableFuture<?> op = read ? f.read(mine, pos) : f.write(mine, pos);
                    ExecutionException e = assertThrows(ExecutionException.class, () -> op.get(10, TimeUnit.SECONDS));
                    Throwable t = e.getCause();
                    assertEquals(expected, t.getClass().getName() + ": " + t.getMessage(),
                            (read ? "read" : "write") + " of " + buf + " at " + pos);
                    assertEquals(buf.position(), mine.position(), "nothing transferred");
                }
            }
            // Aligned I/O still works.
            ByteBuffer ok = AlignedBuffers.allocate(block, block);
            assertEquals(block, f.read(ok, block).get(10, TimeUnit.SECONDS));
        }
    }

    // ---------------------------------------------------------------- 6. buffers

    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Timeout(150) // a JDK 25 child: 24-37 s in the test-kernels guests, past 45 s beside a busy host
    void buffersOfArenasThatCanBeClosedAreRefusedUpFrontOnBothBackends() throws Exception {
        Path jdk25 = TestSupport.JAVA25;
        assumeTrue(Files.isExecutable(jdk25), "needs a JDK 22+ (java.lang.foreign) at " + jdk25);
        Path testClasses = Path.of(AsyncFileSafetyTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String classes = System.getProperty("uring4j.test.classesDir") != null ? System.getProperty("uring4j.test.classesDir")
                : testClasses.resolveSibling("classes").toString();
        List<String> cmd = new ArrayList<>(List.of(jdk25.toString(), "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(TestSupport.childJvmFlags());
        cmd.addAll(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                "-cp", testClasses + java.io.File.pathSeparator + classes,
                BufferLifetimeMain.class.getName(), dir.resolve("data").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        for (String b : new String[] {"IOURING", "NIO"}) {
            for (String op : new String[] {"read", "write", "readv"}) {
                assertTrue(out.contains("ofConfined." + b + "." + op + "=IllegalArgumentException"), out);
                assertTrue(out.contains("ofShared." + b + "." + op + "=IllegalArgumentException"), out);
                assertTrue(out.contains("closed." + b + "." + op + "=IllegalStateException"), out);
                assertTrue(out.contains("ofAuto." + b + "." + op + "=accepted"), out);
            }
            assertTrue(out.contains("heap." + b + ".read=accepted"), out);
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void heapAndDirectBuffersPassTheLifetimeCheck(AsyncFile.Backend b) throws Exception {
        try (AsyncFile f = open(b, fileOf("data", 64), RW)) {
            assertEquals(64, f.read(ByteBuffer.allocate(64), 0).get(10, TimeUnit.SECONDS));
            assertEquals(64, f.write(ByteBuffer.allocateDirect(64), 0).get(10, TimeUnit.SECONDS));
            assertEquals(64L, f.read(new ByteBuffer[] {ByteBuffer.allocate(32), ByteBuffer.allocateDirect(32).slice()}, 0)
                    .get(10, TimeUnit.SECONDS));
        }
    }

    // ---------------------------------------------------------------- 7. errors thrown by user code

    static final class CustomError extends Error {
        CustomError(String m) {
            super(m);
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void callbacksThrowingErrorsLoseNoCompletionAndCloseStillCompletes(AsyncFile.Backend b) throws Exception {
        Path p = fileOf("data", 1 << 16);
        AsyncFile f = open(b, p, RW);
        int n = 300;
        CountDownLatch others = new CountDownLatch(n - n / 3);
        AtomicInteger thrown = new AtomicInteger();
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            CompletableFuture<Integer> r = f.read(ByteBuffer.allocateDirect(512), (i % 64) * 512L);
            all.add(r);
            r.whenComplete((v, ex) -> {
                if (id % 3 == 0) {
                    thrown.incrementAndGet();
                    throw id % 2 == 0 ? new AssertionError("thrown by the test") : new CustomError("thrown by the test");
                }
                if (ex == null && v == 512) {
                    others.countDown();
                }
            });
        }
        assertTrue(others.await(30, TimeUnit.SECONDS), others.getCount() + " completions lost");
        for (CompletableFuture<Integer> r : all) {
            assertEquals(512, r.get(10, TimeUnit.SECONDS));
        }
        assertEquals(n / 3, thrown.get());
        f.close();
        awaitDescriptorClosed(f);
        try (AsyncFile g = open(b, p, RW)) {
            assertEquals(512, g.read(ByteBuffer.allocateDirect(512), 0).get(10, TimeUnit.SECONDS));
        }
    }
}
