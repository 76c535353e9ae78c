package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.Uring;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine behind AsyncFile: the caller serves cached reads itself, operations that would
 * block go to a shared loop while the caller waits, deadlines cancel in the kernel, a slow
 * callback does not hold up other users, and the shared loops end when nothing uses them.
 */
@Tag("kernel")
class EngineTest {
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ);
    private static final Set<OpenOption> RW = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);

    @TempDir
    Path dir;

    private static AsyncFile openShared(Path p, Set<OpenOption> options) throws IOException {
        assumeTrue(Uring.isAvailable(), () -> "io_uring unavailable: " + Uring.unavailabilityCause().getMessage());
        return AsyncFile.open(p, options, AsyncFileConfig.builder().backend(AsyncFile.Backend.IOURING).build());
    }

    private static AsyncFile openShared(Path p, Set<OpenOption> options, ExecutorService callbacks) throws IOException {
        assumeTrue(Uring.isAvailable(), () -> "io_uring unavailable: " + Uring.unavailabilityCause().getMessage());
        return AsyncFile.open(p, options, AsyncFileConfig.builder().backend(AsyncFile.Backend.IOURING)
                .callbackExecutor(callbacks).build());
    }

    private Path randomFile(String name, int size) throws IOException {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Path p = dir.resolve(name);
        Files.write(p, b); // just written: in the page cache
        return p;
    }

    /** A FIFO opened read-write (which does not block): its reads wait until someone writes. */
    private Path fifo() throws Exception {
        Path p = dir.resolve("fifo");
        AsyncFileSafetyTest.mkfifo(p);
        return p;
    }

    @Test
    void cachedReadsCompleteOnTheCallingThreadWithTheValuesFileChannelGives() throws Exception {
        int size = (1 << 20) + 100;
        Path p = randomFile("data", size);
        long[][] cases = {{0, 4096}, {3 * 4096, 8192}, {12345, 777}, {size - 100, 4096}, {size, 4096},
                {size + 10_000, 10}, {0, 0}, {size - 1, 1}};
        List<String> notOnCaller = new ArrayList<>();
        try (AsyncFile f = openShared(p, READ); FileChannel ch = FileChannel.open(p)) {
            for (long[] c : cases) {
                ByteBuffer mine = ByteBuffer.allocateDirect(8192).limit((int) c[1]);
                ByteBuffer jdk = ByteBuffer.allocateDirect(8192).limit((int) c[1]);
                CompletableFuture<Integer> r = f.read(mine, c[0]);
                if (!r.isDone()) {
                    // Some kernels answer RWF_NOWAIT with EAGAIN even for cached pages of some file
                    // systems (seen in the 5.10 and 6.1 guests): the read then went to a ring. The
                    // values are still checked; the message names the file system.
                    notOnCaller.add(Arrays.toString(c));
                    r.get(10, TimeUnit.SECONDS);
                } else {
                    Thread[] ranOn = new Thread[1];
                    r.whenComplete((n, e) -> ranOn[0] = Thread.currentThread());
                    assertEquals(Thread.currentThread(), ranOn[0], "its actions run on the caller");
                }
                int expected = ch.read(jdk, c[0]);
                assertEquals(expected, (int) r.join(), "bytes read at " + Arrays.toString(c));
                assertEquals(jdk.position(), mine.position(), "buffer position at " + Arrays.toString(c));
                assertEquals(jdk.flip(), mine.flip(), "bytes at " + Arrays.toString(c));
            }
        }
        assumeTrue(notOnCaller.isEmpty(), "RWF_NOWAIT reads of cached pages on " + Files.getFileStore(p).type()
                + " (this kernel answered EAGAIN for " + notOnCaller + "; the values were right)");
    }

    @Test
    void heapBufferTransfersOnTheCallerUseLentBuffersAndMatchFileChannel() throws Exception {
        int size = 300_000;
        Path p = randomFile("heap", size);
        try (AsyncFile f = openShared(p, RW); FileChannel ch = FileChannel.open(p)) {
            Random rnd = new Random(3);
            for (int i = 0; i < 200; i++) {
                int len = 1 + rnd.nextInt(i % 10 == 0 ? 270_000 : 9000); // some above the 256 KiB the cache lends
                long at = rnd.nextInt(size);
                ByteBuffer mine = ByteBuffer.allocate(len + 7).position(3).limit(3 + len);
                ByteBuffer jdk = ByteBuffer.allocate(len + 7).position(3).limit(3 + len);
                int n = f.read(mine, at).get(10, TimeUnit.SECONDS);
                assertEquals(ch.read(jdk, at), n, "bytes at " + at + " len " + len);
                assertEquals(jdk.position(), mine.position());
                assertArrayEquals(jdk.array(), mine.array(), "heap buffer contents at " + at + " len " + len);
            }
            byte[] data = new byte[5000];
            rnd.nextBytes(data);
            ByteBuffer src = ByteBuffer.wrap(data, 100, 4000);
            assertEquals(4000, (int) f.write(src, 777).get(10, TimeUnit.SECONDS));
            assertEquals(4100, src.position());
            ByteBuffer back = ByteBuffer.allocate(4000);
            ch.read(back, 777);
            assertArrayEquals(Arrays.copyOfRange(data, 100, 4100), back.array());
        }
    }

    @Test
    void aCancelledReadLeavesTheCallersBufferPositionAlone() throws Exception {
        Path p = fifo();
        try (AsyncFile f = openShared(p, RW); OutputStream out = Files.newOutputStream(p)) {
            ByteBuffer heap = ByteBuffer.allocate(16); // through a bounce buffer on the ring path
            CompletableFuture<Integer> r = f.read(heap, 0);
            assertTrue(r.cancel(true));
            out.write(new byte[] {1, 2, 3});
            out.flush();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (f.usesHeld() > 0 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals(0, heap.position(), "a cancelled operation's completion does not touch the buffer's position");
        }
    }

    @Test
    void writesAndReadsFromTheCallerMatchTheFile() throws Exception {
        Path p = randomFile("w", 1 << 16);
        byte[] data = new byte[5000];
        new Random(7).nextBytes(data);
        try (AsyncFile f = openShared(p, RW)) {
            ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
            assertEquals(data.length, (int) f.write(src, 1000).get(10, TimeUnit.SECONDS));
            assertEquals(data.length, src.position(), "the source's position advanced");
            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            assertEquals(data.length, (int) f.readFully(back, 1000).get(10, TimeUnit.SECONDS));
            byte[] got = new byte[data.length];
            back.flip().get(got);
            assertArrayEquals(data, got);
        }
        byte[] onDisk = Arrays.copyOfRange(Files.readAllBytes(p), 1000, 6000);
        assertArrayEquals(data, onDisk);
    }

    @Test
    void aReadThatWouldBlockGoesToALoopAndCompletesThere() throws Exception {
        Path p = fifo();
        try (AsyncFile f = openShared(p, RW); OutputStream out = Files.newOutputStream(p)) {
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            CompletableFuture<Integer> r = f.read(b, 0);
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CompletableFuture<Integer> after = r.whenComplete((n, e) -> ranOn.set(Thread.currentThread()));
            Thread.sleep(50);
            assertFalse(r.isDone(), "nothing written yet: the read waits in a ring");
            out.write(new byte[] {1, 2, 3});
            out.flush();
            assertEquals(3, (int) after.get(10, TimeUnit.SECONDS));
            // The action chained to it runs on a callback thread: shared loops never run user code.
            assertTrue(ranOn.get().getName().startsWith("uring4j-callback-"), "ran on " + ranOn.get());
            assertEquals(3, b.position());
        }
    }

    @Test
    void orTimeoutCancelsTheKernelOperationSoItConsumesNothingLater() throws Exception {
        Path p = fifo();
        try (AsyncFile f = openShared(p, RW); OutputStream out = Files.newOutputStream(p)) {
            CompletableFuture<Integer> r = f.read(ByteBuffer.allocateDirect(16), 0).orTimeout(100, TimeUnit.MILLISECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> r.get(10, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (f.usesHeld() > 0 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals(0, f.usesHeld(), "the kernel confirmed the cancellation: the operation released the file");
            out.write(new byte[] {9, 8});
            out.flush();
            ByteBuffer next = ByteBuffer.allocateDirect(16);
            assertEquals(2, (int) f.read(next, 0).get(10, TimeUnit.SECONDS), "the bytes went to the next read, "
                    + "not to the one that timed out");
        }
    }

    @Test
    void getInterruptedThrowsAndLeavesTheOperationRunningAsAsynchronousFileChannelDoes() throws Exception {
        Path p = fifo();
        try (AsyncFile f = openShared(p, RW)) {
            CompletableFuture<Integer> r = f.read(ByteBuffer.allocateDirect(16), 0);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    r.get();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.start();
            Thread.sleep(100);
            t.interrupt();
            t.join(10_000);
            assertInstanceOf(InterruptedException.class, thrown.get());
            assertFalse(r.isDone(), "the interrupt ends the wait, not the operation");
            assertTrue(r.cancel(true));
        }
    }

    @Test
    void aSlowCallbackOfOneFileDoesNotHoldUpAnotherFilesOperations() throws Exception {
        Path p = fifo();
        Path q = dir.resolve("fifo2");
        AsyncFileSafetyTest.mkfifo(q);
        Path other = randomFile("other", 1 << 17);
        try (AsyncFile slow = openShared(p, RW); AsyncFile bystander = openShared(q, RW); AsyncFile f = openShared(other, READ);
                OutputStream out = Files.newOutputStream(p); OutputStream out2 = Files.newOutputStream(q)) {
            // Both from this thread: on the same shared loop, the bystander's read already in its ring.
            CompletableFuture<Integer> waiting = bystander.read(ByteBuffer.allocateDirect(16), 0);
            CountDownLatch inCallback = new CountDownLatch(1);
            CompletableFuture<Integer> stuck = slow.read(ByteBuffer.allocateDirect(16), 0).whenComplete((n, e) -> {
                inCallback.countDown();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
            out.write(1);
            out.flush();
            assertTrue(inCallback.await(10, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            out2.write(new byte[] {4, 5});
            out2.flush();
            assertEquals(2, (int) waiting.get(10, TimeUnit.SECONDS));
            long inRing = System.nanoTime() - t0;
            long worst = 0;
            for (int i = 0; i < 20; i++) {
                long t1 = System.nanoTime();
                // Vectored: never served on the caller, so it needs a loop.
                long n = f.read(new ByteBuffer[] {ByteBuffer.allocateDirect(4096)}, 4096L * i).get(10, TimeUnit.SECONDS);
                worst = Math.max(worst, System.nanoTime() - t1);
                assertEquals(4096, n);
            }
            assertFalse(stuck.isDone(), "the slow callback was still running throughout");
            System.out.println("EngineTest: beside a 1 s callback, a read in the same ring completed in " + inRing / 1000
                    + " us; new reads took at most " + worst / 1000 + " us");
            assertTrue(inRing < TimeUnit.MILLISECONDS.toNanos(250), "a read in the same ring waited for the callback: "
                    + inRing / 1_000_000 + " ms");
            assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(250), "another file's reads waited for the slow callback: "
                    + worst / 1_000_000 + " ms");
            stuck.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCallbackExecutorRunsTheCompletionsOfIoUringFiles() throws Exception {
        Path p = fifo();
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "user-callbacks"));
        try (AsyncFile f = openShared(p, RW, callbacks); OutputStream out = Files.newOutputStream(p)) {
            AtomicReference<String> ranOn = new AtomicReference<>();
            CompletableFuture<Integer> r = f.read(ByteBuffer.allocateDirect(16), 0)
                    .whenComplete((n, e) -> ranOn.set(Thread.currentThread().getName()));
            Thread.sleep(50);
            out.write(new byte[] {5});
            out.flush();
            assertEquals(1, (int) r.get(10, TimeUnit.SECONDS));
            assertEquals("user-callbacks", ranOn.get());
        } finally {
            callbacks.shutdownNow();
        }
    }

    @Test
    void aCallbackExecutorRunsTheCompletionsOfNioFiles() throws Exception {
        Path p = randomFile("nio", 1 << 16);
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "user-callbacks"));
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService io = Executors.newSingleThreadExecutor();
        io.execute(() -> {
            try {
                gate.await(); // holds the file's I/O until the action below is chained
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (AsyncFile f = AsyncFile.open(p, READ, AsyncFileConfig.builder().backend(AsyncFile.Backend.NIO)
                .executor(io).callbackExecutor(callbacks).build())) {
            AtomicReference<String> ranOn = new AtomicReference<>();
            CompletableFuture<Integer> r = f.read(ByteBuffer.allocateDirect(16), 0)
                    .whenComplete((n, e) -> ranOn.set(Thread.currentThread().getName()));
            gate.countDown();
            assertEquals(16, (int) r.get(10, TimeUnit.SECONDS));
            assertEquals("user-callbacks", ranOn.get());
        } finally {
            callbacks.shutdownNow();
            io.shutdownNow();
        }
    }

    @Test
    void sharedLoopsShutDownThroughTheApiAndStartAgainForTheNextOperation() throws Exception {
        Path p = randomFile("s", 1 << 16);
        try (AsyncFile f = openShared(p, READ)) {
            assertEquals(4096L, (long) f.read(new ByteBuffer[] {ByteBuffer.allocateDirect(4096)}, 0).get(10, TimeUnit.SECONDS));
            assertTrue(SharedLoops.count() >= 1);
            SharedLoops.shutdown(Duration.ofSeconds(5));
            assertEquals(0, SharedLoops.count());
            assertEquals(List.of(), threads("uring4j-shared"), "no shared loop thread is left");
            assertEquals(4096L, (long) f.read(new ByteBuffer[] {ByteBuffer.allocateDirect(4096)}, 0).get(10, TimeUnit.SECONDS),
                    "the file still works: its next operation started a loop");
            assertTrue(SharedLoops.count() >= 1);
        }
        SharedLoops.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void idleSharedLoopsEndByThemselvesAndTheWatchdogWithThem() throws Exception {
        Path p = randomFile("i", 1 << 16);
        try (AsyncFile f = openShared(p, READ)) {
            f.read(new ByteBuffer[] {ByteBuffer.allocateDirect(4096)}, 0).get(10, TimeUnit.SECONDS);
        }
        assertTrue(SharedLoops.count() >= 1);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while ((SharedLoops.count() > 0 || !threads("uring4j-shared").isEmpty()) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(0, SharedLoops.count(), "idle shared loops retire (idle limit 2 s)");
        assertEquals(List.of(), threads("uring4j-shared"));
        if (Watchdog.watching() == 0) {
            while (!threads("uring4j-watchdog").isEmpty() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), threads("uring4j-watchdog"), "the watchdog ends with the last loop");
        }
    }

    static List<String> threads(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
