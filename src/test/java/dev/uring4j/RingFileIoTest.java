package dev.uring4j;

import static dev.uring4j.TestSupport.closeFd;
import static dev.uring4j.TestSupport.openat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.Collector;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real file I/O through a Ring, checked against what the file system holds. */
@Tag("kernel")
class RingFileIoTest {
    @TempDir
    Path dir;

    @Test
    void randomWritesAtRandomOffsetsReadBackIdentically() throws Exception {
        Random random = new Random(42);
        int fileSize = 1 << 20;
        byte[] expected = new byte[fileSize];
        Path file = dir.resolve("data");
        try (Ring ring = TestSupport.open()) {
            int fd = openat(ring, file, Linux.O_RDWR | Linux.O_CREAT | Linux.O_TRUNC, 0644);
            Collector writes = new Collector();
            int ops = 200;
            long expectedBytes = 0;
            for (int i = 0; i < ops; i++) {
                int len = 1 + random.nextInt(16384);
                int off = random.nextInt(fileSize - len);
                byte[] data = new byte[len];
                random.nextBytes(data);
                System.arraycopy(data, 0, expected, off, len);
                ByteBuffer b = ByteBuffer.allocateDirect(len).put(data).flip();
                // Each write is drained before the next: later writes overwrite earlier ones in order.
                ring.write(fd, b, off).tag(i);
                writes.await(ring, i + 1);
                assertEquals(len, writes.res(i), "write " + i);
                expectedBytes += len;
            }
            assertTrue(expectedBytes > 0);
            // Read back in random-sized pieces, many in flight at once.
            ByteBuffer back = ByteBuffer.allocateDirect(fileSize);
            Collector reads = new Collector();
            int pieces = 0;
            for (int off = 0; off < fileSize; pieces++) {
                int len = Math.min(fileSize - off, 1 + random.nextInt(65536));
                ring.read(fd, back.slice(off, len), off).tag(off);
                off += len;
            }
            reads.await(ring, pieces);
            for (TestSupport.Done d : reads.all) {
                assertTrue(d.res > 0, "read at " + d.tag + " returned " + d.res);
            }
            byte[] actual = new byte[fileSize];
            back.get(0, actual);
            int highest = 0;
            for (int i = fileSize - 1; i >= 0; i--) {
                if (expected[i] != 0) {
                    highest = i;
                    break;
                }
            }
            assertArrayEquals(Arrays.copyOf(expected, highest + 1), Arrays.copyOf(actual, highest + 1));
            assertArrayEquals(Arrays.copyOf(expected, highest + 1),
                    Arrays.copyOf(Files.readAllBytes(file), highest + 1), "the file itself");
            closeFd(ring, fd);
        }
    }

    @Test
    void readvAndWritevMoveEveryBufferInOrder() throws Exception {
        Path file = dir.resolve("vec");
        try (Ring ring = TestSupport.open()) {
            int fd = openat(ring, file, Linux.O_RDWR | Linux.O_CREAT, 0644);
            ByteBuffer a = ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip();
            ByteBuffer b = ByteBuffer.allocateDirect(10);
            b.position(8).put(new byte[] {4, 5}).position(8); // only [8,10) is written
            ByteBuffer c = ByteBuffer.allocateDirect(4).put(new byte[] {6, 7, 8, 9}).flip();
            Collector col = new Collector();
            ring.writev(fd, new ByteBuffer[] {a, b, c}, 100).tag(1);
            assertEquals(9, col.await(ring, 1).res(1));
            byte[] onDisk = Files.readAllBytes(file);
            assertEquals(109, onDisk.length);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.copyOfRange(onDisk, 100, 109));
            assertEquals(3, a.position(), "positions advance by what was transferred, as a channel's do");
            assertEquals(10, b.position());
            assertEquals(4, c.position());

            ByteBuffer x = ByteBuffer.allocateDirect(4);
            ByteBuffer y = ByteBuffer.allocateDirect(5);
            ring.readv(fd, new ByteBuffer[] {x, y}, 100).tag(2);
            assertEquals(9, col.await(ring, 2).res(2));
            assertEquals(1, x.get(0));
            assertEquals(4, x.get(3));
            assertEquals(5, y.get(0));
            assertEquals(9, y.get(4));
            closeFd(ring, fd);
        }
    }

    @Test
    void fsyncFdatasyncAndFallocate() throws Exception {
        Path file = dir.resolve("alloc");
        try (Ring ring = TestSupport.open()) {
            int fd = openat(ring, file, Linux.O_RDWR | Linux.O_CREAT, 0600);
            Collector c = new Collector();
            ring.fallocate(fd, 0, 0, 1 << 20).tag(1);
            ring.fallocate(fd, Linux.FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20).tag(2);
            c.await(ring, 2);
            assertEquals(0, c.res(1));
            assertEquals(0, c.res(2));
            assertEquals(1 << 20, Files.size(file), "KEEP_SIZE allocation must not change the size");
            ring.write(fd, ByteBuffer.allocateDirect(4096), 0).tag(3);
            ring.fsync(fd).tag(4);
            ring.fdatasync(fd).tag(5);
            c.await(ring, 5);
            assertEquals(4096, c.res(3));
            assertEquals(0, c.res(4));
            assertEquals(0, c.res(5));
            closeFd(ring, fd);
        }
    }

    @Test
    void openatStatxAndCloseThroughTheRing() throws Exception {
        Path file = dir.resolve("stat-me");
        Files.write(file, new byte[12345]);
        try (Ring ring = TestSupport.open()) {
            StatxBuffer st = new StatxBuffer();
            Collector c = new Collector();
            ring.statx(Linux.AT_FDCWD, file.toString(), 0, Linux.STATX_BASIC_STATS, st).tag(1);
            assertEquals(0, c.await(ring, 1).res(1));
            assertEquals(12345, st.size());
            assertTrue(st.isRegularFile());
            assertTrue((st.mask() & Linux.STATX_SIZE) != 0);
            assertEquals(Files.getAttribute(file, "unix:ino"), st.inode());

            int fd = openat(ring, file, Linux.O_RDONLY, 0);
            StatxBuffer byFd = new StatxBuffer();
            ring.statx(fd, "", Linux.AT_EMPTY_PATH, Linux.STATX_BASIC_STATS, byFd).tag(2);
            assertEquals(0, c.await(ring, 2).res(2));
            assertEquals(st.inode(), byFd.inode());
            closeFd(ring, fd);

            // The fd really is closed: reading it now fails with EBADF.
            ring.read(fd, ByteBuffer.allocateDirect(8), 0).tag(3);
            assertEquals(-Errno.EBADF, c.await(ring, 3).res(3));

            ring.openat(Linux.AT_FDCWD, dir.resolve("missing").toString(), Linux.O_RDONLY, 0).tag(4);
            UringException e = org.junit.jupiter.api.Assertions.assertThrows(UringException.class,
                    () -> UringException.check("openat", c.await(ring, 4).res(4)));
            assertEquals("ENOENT", e.errnoName());
        }
    }

    @Test
    void linkedWriteThenFsyncRunsInOrderAndAFailedLinkCancelsTheRest() throws Exception {
        Path file = dir.resolve("linked");
        try (Ring ring = TestSupport.open()) {
            int fd = openat(ring, file, Linux.O_RDWR | Linux.O_CREAT, 0644);
            ByteBuffer data = ByteBuffer.allocateDirect(8192);
            for (int i = 0; i < 8192; i++) {
                data.put(i, (byte) i);
            }
            Collector c = new Collector();
            ring.write(fd, data, 0).link().tag(1);
            ring.fdatasync(fd).tag(2);
            c.await(ring, 2);
            assertEquals(8192, c.res(1));
            assertEquals(0, c.res(2));
            assertEquals(1L, c.all.get(0).tag, "the write completes before the linked fsync");
            assertEquals(8192, Files.size(file));

            // A chain whose head fails: the linked op is cancelled, not run.
            ring.read(12345, ByteBuffer.allocateDirect(8), 0).link().tag(3);
            ring.write(fd, data, 0).tag(4);
            c.await(ring, 4);
            assertEquals(-Errno.EBADF, c.res(3));
            assertEquals(-Errno.ECANCELED, c.res(4), "ECANCELED for the rest of a broken chain");
            closeFd(ring, fd);
        }
    }

    @Test
    void timeoutFiresWithEtimeAndCountedTimeoutCompletesWithZero() throws Exception {
        try (Ring ring = TestSupport.open()) {
            Collector c = new Collector();
            long start = System.nanoTime();
            ring.timeout(50, TimeUnit.MILLISECONDS).tag(1);
            c.await(ring, 1);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(-Errno.ETIME, c.res(1), "ETIME");
            assertTrue(elapsedMs >= 45, "fired after " + elapsedMs + " ms");

            ring.timeout(10, TimeUnit.SECONDS, 2).tag(2);
            ring.nop().tag(3);
            ring.nop().tag(4);
            c.await(ring, 4);
            assertEquals(0, c.res(2), "a counted timeout completes with 0 once its count is reached");
        }
    }

    @Test
    void manyNopsInOneBatchLargerThanTheSubmissionQueue() throws Exception {
        try (Ring ring = TestSupport.open(RingOptions.builder().entries(8).build())) {
            Collector c = new Collector();
            for (int i = 0; i < 1000; i++) {
                ring.nop().tag(i);
            }
            c.await(ring, 1000);
            for (int i = 0; i < 1000; i++) {
                assertEquals(0, c.res(i));
            }
            assertEquals(0, ring.inFlight());
            assertEquals(0, ring.strayCompletions());
        }
    }
}
