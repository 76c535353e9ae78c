package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.Uring;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same behaviour from both backends: every test runs on io_uring and on NIO. */
@Tag("kernel")
class AsyncFileTest {
    private static final Set<OpenOption> RW = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE);

    @TempDir
    Path dir;

    private static AsyncFile open(AsyncFile.Backend b, Path p, Set<? extends OpenOption> options) throws IOException {
        if (b == AsyncFile.Backend.IOURING && !Uring.isAvailable()) {
            org.junit.jupiter.api.Assertions.fail("io_uring unavailable: " + Uring.unavailabilityCause().getMessage());
        }
        return AsyncFile.open(p, options, AsyncFileConfig.builder().backend(b).build());
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    /**
     * One buffer given twice to a vectored call is two places, as writev(2)'s iovecs are and as
     * the io_uring backend's iovecs are: both backends transfer 8 bytes through a 4-byte buffer
     * and leave its position at 4 (each place advances it from where it started).
     * Regression: the NIO backend read and wrote 4.
     */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void aBufferGivenTwiceIsTwoPlacesOnBothBackends(AsyncFile.Backend b) throws Exception {
        Path p = dir.resolve("twice");
        Files.write(p, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        try (AsyncFile f = open(b, p, RW)) {
            for (boolean direct : new boolean[] {false, true}) {
                ByteBuffer x = direct ? ByteBuffer.allocateDirect(4) : ByteBuffer.allocate(4);
                assertEquals(8L, get(f.read(new ByteBuffer[] {x, x}, 0)), "read, direct " + direct);
                assertEquals(4, x.position(), "read, direct " + direct);
                assertEquals(5, x.get(0), "the second place was filled last, direct " + direct);
                x.clear().put(0, (byte) 42);
                assertEquals(8L, get(f.write(new ByteBuffer[] {x, x}, 1)), "write, direct " + direct);
                assertEquals(4, x.position(), "write, direct " + direct);
                byte[] now = Files.readAllBytes(p);
                assertEquals(42, now[1], "direct " + direct);
                assertEquals(42, now[5], "the buffer written at both places, direct " + direct);
                Files.write(p, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void randomOffsetsAndSizesRoundTrip(AsyncFile.Backend b) throws Exception {
        Random random = new Random(7);
        int size = 2 << 20;
        byte[] model = new byte[size];
        Path p = dir.resolve("data");
        try (AsyncFile f = open(b, p, RW)) {
            assertEquals(b, f.backend());
            for (int i = 0; i < 300; i++) {
                int len = 1 + random.nextInt(20000);
                int off = random.nextInt(size - len);
                byte[] chunk = new byte[len];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, model, off, len);
                ByteBuffer src = random.nextBoolean() ? ByteBuffer.wrap(chunk) : ByteBuffer.allocateDirect(len).put(chunk).flip();
                assertEquals(len, get(f.writeFully(src, off)));
                assertEquals(len, src.position(), "position advanced over what was written");
            }
            get(f.force(false));
            long end = f.size();
            ByteBuffer all = random.nextBoolean() ? ByteBuffer.allocate((int) end) : ByteBuffer.allocateDirect((int) end);
            assertEquals((int) end, get(f.readFully(all, 0)));
            byte[] got = new byte[(int) end];
            all.flip().get(got);
            assertArrayEquals(Arrays.copyOf(model, (int) end), got);
            for (int i = 0; i < 100; i++) {
                int len = 1 + random.nextInt(8192);
                int off = random.nextInt((int) end - len);
                ByteBuffer dst = ByteBuffer.allocateDirect(len);
                int n = get(f.read(dst, off));
                assertTrue(n > 0 && n <= len);
                assertEquals(n, dst.position());
                for (int k = 0; k < n; k++) {
                    assertEquals(model[off + k], dst.get(k), "byte " + (off + k));
                }
            }
        }
        assertArrayEquals(Arrays.copyOf(model, (int) Files.size(p)), Files.readAllBytes(p), "the file on disk");
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void sixteenThreadsWriteDisjointRanges(AsyncFile.Backend b) throws Exception {
        Path p = dir.resolve("concurrent");
        int threads = 16;
        int perThread = 64 * 1024;
        try (AsyncFile f = open(b, p, RW)) {
            List<Thread> workers = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(() -> {
                    try {
                        go.await();
                        List<CompletableFuture<Integer>> fs = new ArrayList<>();
                        for (int chunk = 0; chunk < perThread / 4096; chunk++) {
                            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
                            for (int i = 0; i < 4096; i++) {
                                buf.put(i, (byte) (id * 7 + chunk));
                            }
                            fs.add(f.writeFully(buf, (long) id * perThread + chunk * 4096L));
                        }
                        for (CompletableFuture<Integer> x : fs) {
                            assertEquals(4096, x.get(30, TimeUnit.SECONDS));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                w.start();
                workers.add(w);
            }
            go.countDown();
            for (Thread w : workers) {
                w.join(60_000);
            }
            assertEquals(List.of(), errors);
        }
        byte[] all = Files.readAllBytes(p);
        assertEquals(threads * perThread, all.length);
        for (int t = 0; t < threads; t++) {
            for (int chunk = 0; chunk < perThread / 4096; chunk++) {
                int base = t * perThread + chunk * 4096;
                for (int i = 0; i < 4096; i += 512) {
                    assertEquals((byte) (t * 7 + chunk), all[base + i], "thread " + t + " chunk " + chunk);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void endOfFile(AsyncFile.Backend b) throws Exception {
        Path p = dir.resolve("short");
        Files.write(p, new byte[] {1, 2, 3, 4, 5});
        try (AsyncFile f = open(b, p, Set.of(StandardOpenOption.READ))) {
            ByteBuffer dst = ByteBuffer.allocateDirect(10);
            assertEquals(5, get(f.read(dst, 0)), "a short read at the end");
            assertEquals(-1, get(f.read(ByteBuffer.allocateDirect(10), 5)), "-1 at end of file");
            assertEquals(-1, get(f.read(ByteBuffer.allocate(10), 100)), "-1 past end of file");
            assertEquals(0, get(f.read(ByteBuffer.allocateDirect(0), 0)), "0 for an empty buffer");
            Throwable eof = failure(f.readFully(ByteBuffer.allocateDirect(10), 2));
            assertTrue(eof instanceof EOFException, String.valueOf(eof));
            assertTrue(eof.getMessage().contains("after 3 of 10 bytes"), eof.getMessage());
            assertEquals(-1L, get(f.read(new ByteBuffer[] {ByteBuffer.allocate(2), ByteBuffer.allocateDirect(2)}, 5)));
            assertEquals(5, f.size());
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void vectoredIoForceAllocateTruncate(AsyncFile.Backend b) throws Exception {
        Path p = dir.resolve("vec");
        try (AsyncFile f = open(b, p, RW)) {
            ByteBuffer a = ByteBuffer.wrap(new byte[] {1, 2, 3});
            ByteBuffer c = ByteBuffer.allocateDirect(2).put(new byte[] {4, 5}).flip();
            assertEquals(5L, get(f.write(new ByteBuffer[] {a, c}, 10)));
            assertEquals(3, a.position());
            assertEquals(2, c.position());
            ByteBuffer x = ByteBuffer.allocate(2);
            ByteBuffer y = ByteBuffer.allocateDirect(3);
            assertEquals(5L, get(f.read(new ByteBuffer[] {x, y}, 10)));
            assertArrayEquals(new byte[] {1, 2}, x.array());
            assertEquals(5, y.get(2));
            get(f.force(true));
            get(f.allocate(0, 1 << 20));
            assertEquals(1 << 20, f.size());
            f.truncate(100);
            assertEquals(100, f.size());
            f.truncate(1000); // larger: no change, as AsynchronousFileChannel
            assertEquals(100, f.size());
            assertTrue(f.blockSize() >= 512, "block size " + f.blockSize());
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void errorsLookTheSameOnBothBackends(AsyncFile.Backend b) throws Exception {
        Path missing = dir.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> open(b, missing, Set.of(StandardOpenOption.READ)));
        Path p = dir.resolve("exists");
        Files.write(p, new byte[10]);
        assertThrows(FileAlreadyExistsException.class, () -> open(b, p,
                Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)));
        assertThrows(UnsupportedOperationException.class, () -> open(b, p, Set.of(StandardOpenOption.APPEND)));
        AsyncFile ro = open(b, p, Set.of(StandardOpenOption.READ));
        assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
        assertThrows(NonWritableChannelException.class, () -> ro.allocate(0, 10));
        assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1), -1));
        assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0));
        ro.close();
        assertTrue(failure(ro.read(ByteBuffer.allocate(1), 0)) instanceof ClosedChannelException);
        assertTrue(failure(ro.force(false)) instanceof ClosedChannelException);
        assertThrows(ClosedChannelException.class, ro::size);
        ro.close(); // idempotent
        AsyncFile wo = open(b, p, Set.of(StandardOpenOption.WRITE));
        assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1), 0));
        wo.close();
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void noSpaceLeftOnDevice(AsyncFile.Backend b) throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes());
        assumeTrue(mount.waitFor() == 0, "mounting a 256 KiB tmpfs for ENOSPC needs root: " + out);
        try (AsyncFile f = open(b, mnt.resolve("fill"), RW)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
            Throwable t = null;
            for (int i = 0; i < 10 && t == null; i++) {
                chunk.clear();
                try {
                    get(f.writeFully(chunk, i * 65536L));
                } catch (ExecutionException e) {
                    t = e.getCause();
                }
            }
            assertTrue(t instanceof IOException, "ENOSPC as an IOException: " + t);
            assertTrue(t.getMessage().contains("No space left on device"), t.getMessage());
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor();
        }
    }

    /**
     * An operation that stays pending: on io_uring a read of a FIFO with no data; on NIO
     * (FileChannel cannot read a FIFO at a position) a read queued behind a task that
     * holds the file's single pool thread.
     */
    private final class Pending implements AutoCloseable {
        final AsyncFile file;
        final CountDownLatch release = new CountDownLatch(1);
        final java.util.concurrent.ExecutorService single = java.util.concurrent.Executors.newSingleThreadExecutor();

        Pending(AsyncFile.Backend b, String name) throws Exception {
            Path p = dir.resolve(name);
            if (b == AsyncFile.Backend.IOURING) {
                assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor());
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

        /** Lets pending NIO work run; for io_uring, writes the bytes a pending FIFO read waits for. */
        void unblock(byte[] data) throws Exception {
            if (file.backend() == AsyncFile.Backend.NIO) {
                release.countDown();
            } else {
                assertEquals(data.length, get(file.write(ByteBuffer.wrap(data), 0)));
            }
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            file.close();
            single.shutdown();
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void cancelledReadCompletesAsCancelledAndTheFileStaysUsable(AsyncFile.Backend b) throws Exception {
        try (Pending pending = new Pending(b, "cancel")) {
            ByteBuffer dst = ByteBuffer.allocateDirect(4);
            CompletableFuture<Integer> read = pending.file.read(dst, 0);
            Thread.sleep(50);
            assertTrue(read.cancel(true));
            assertThrows(CancellationException.class, () -> read.get(5, TimeUnit.SECONDS));
            assertTrue(read.isCancelled());
            pending.unblock(new byte[] {1, 2, 3, 4});
            // The cancelled read did not consume anything: the next read gets the data.
            ByteBuffer next = ByteBuffer.allocateDirect(4);
            assertEquals(4, get(pending.file.read(next, 0)));
            assertEquals(4, next.get(3));
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void closeWithPendingOperationsCompletesEveryFuture(AsyncFile.Backend b) throws Exception {
        try (Pending pending = new Pending(b, "close")) {
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reads.add(pending.file.read(ByteBuffer.allocateDirect(16), 0));
            }
            Thread.sleep(50);
            pending.file.close();
            for (CompletableFuture<Integer> r : reads) {
                Throwable t = failure(r);
                assertTrue(t instanceof AsynchronousCloseException, "pending at close: " + t);
            }
            assertEquals(0, pending.file.pendingCount());
            assertTrue(failure(pending.file.read(ByteBuffer.allocateDirect(1), 0)) instanceof ClosedChannelException);
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void directIoWithAlignedBuffers(AsyncFile.Backend b) throws Exception {
        Path p = dir.resolve("direct");
        String fs = Files.getFileStore(dir).type();
        try (java.nio.channels.FileChannel probe = java.nio.channels.FileChannel.open(p, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            assertTrue(probe.isOpen());
        } catch (IOException e) {
            assumeTrue(false, "the file system of " + dir + " (" + fs + ") does not support O_DIRECT: " + e.getMessage());
        }
        Set<OpenOption> opts = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                UringOpenOption.DIRECT);
        try (AsyncFile f = open(b, p, opts)) {
            int block = Math.max(4096, f.blockSize());
            ByteBuffer src = AlignedBuffers.allocate(4 * block, block);
            for (int i = 0; i < src.capacity(); i++) {
                src.put(i, (byte) i);
            }
            assertTrue(AlignedBuffers.isAligned(src, block));
            assertEquals(4 * block, get(f.writeFully(src, block)));
            ByteBuffer dst = AlignedBuffers.allocate(4 * block, block);
            assertEquals(4 * block, get(f.readFully(dst, block)));
            assertEquals(src.flip(), dst.flip());
        }
    }
}
