package dev.uring4j;

import static dev.uring4j.TestSupport.openat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.Collector;
import dev.uring4j.diag.UringSupport;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registered files and buffers: use through the ring, and every way to misuse them. */
@Tag("kernel")
class FixedRegistrationTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void registeredFilesAreUsedBySlot() throws Exception {
        byte[] a = random(4096, 1);
        byte[] b = random(4096, 2);
        try (Ring ring = TestSupport.open()) {
            int fdA = openat(ring, file("a", a), Linux.O_RDONLY, 0);
            int fdB = openat(ring, file("b", b), Linux.O_RDWR, 0);
            ring.fixedFiles().register(fdA, -1, fdB);
            assertEquals(3, ring.fixedFiles().size());
            ByteBuffer x = ByteBuffer.allocateDirect(4096);
            ByteBuffer y = ByteBuffer.allocateDirect(4096);
            Collector c = new Collector();
            ring.read(ring.fixedFiles().slot(0), x, 0).tag(1);
            ring.read(ring.fixedFiles().slot(2), y, 0).tag(2);
            ring.read(ring.fixedFiles().slot(1), ByteBuffer.allocateDirect(8), 0).tag(3); // the empty slot
            c.await(ring, 3);
            assertEquals(4096, c.res(1));
            assertEquals(4096, c.res(2));
            assertEquals(-Errno.EBADF, c.res(3), "EBADF for an empty slot");
            byte[] got = new byte[4096];
            x.get(0, got);
            assertArrayEquals(a, got);
            y.get(0, got);
            assertArrayEquals(b, got);

            ring.fixedFiles().update(1, fdB);
            ring.write(ring.fixedFiles().slot(1), ByteBuffer.allocateDirect(16), 4080).tag(4);
            assertEquals(16, c.await(ring, 4).res(4));
            ring.fixedFiles().unregister();
            assertEquals(0, ring.fixedFiles().size());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ring.read(ring.fixedFiles().slot(0), x, 0).tag(5));
            assertTrue(e.getMessage().contains("no file table is registered"), e.getMessage());
        }
    }

    @Test
    void sparseTablesOpenAndCloseDirectlyIntoSlots() throws Exception {
        byte[] data = random(100, 3);
        Path p = file("d", data);
        try (Ring ring = TestSupport.open()) {
            assumeTrue(UringSupport.get().isDirectDescriptorsSupported(),
                    "kernel lacks direct descriptors (OPENAT/CLOSE into file_index, Linux 5.15)");
            ring.fixedFiles().registerSparse(8);
            Collector c = new Collector();
            ring.openatDirect(Linux.AT_FDCWD, p.toString(), Linux.O_RDONLY, 0, ring.fixedFiles().slot(3)).tag(1);
            assertEquals(0, c.await(ring, 1).res(1), "direct open into slot 3");
            ByteBuffer b = ByteBuffer.allocateDirect(100);
            ring.read(ring.fixedFiles().slot(3), b, 0).tag(2);
            assertEquals(100, c.await(ring, 2).res(2));
            assertEquals(data[99], b.get(99));
            ring.closeDirect(ring.fixedFiles().slot(3)).tag(3);
            assertEquals(0, c.await(ring, 3).res(3));
            ring.read(ring.fixedFiles().slot(3), b, 0).tag(4);
            assertEquals(-Errno.EBADF, c.await(ring, 4).res(4), "the slot is empty after closeDirect");

            ring.openatDirectAnySlot(Linux.AT_FDCWD, p.toString(), Linux.O_RDONLY, 0).tag(5);
            int slot = c.await(ring, 5).res(5);
            if (ring.isOpcodeSupported(Opcode.SOCKET)) {
                assertTrue(slot >= 0 && slot < 8, "kernel-chosen slot " + slot);
            } else {
                // Debian's 5.10 has direct descriptors (backported) but not IORING_FILE_INDEX_ALLOC,
                // which came with SOCKET in 5.19.
                assertEquals(-Errno.EINVAL, slot, "no kernel-chosen slots before 5.19");
            }
        }
    }

    /**
     * An empty table and update() are old (5.5); only the one-call sparse registration is 5.19.
     * Regression: registerSparse threw EINVAL before 5.19.
     */
    @Test
    void sparseTablesRegisterOnEveryKernelAndFillByUpdate() throws Exception {
        byte[] data = random(64, 5);
        Path p = file("u", data);
        try (Ring ring = TestSupport.open()) {
            ring.fixedFiles().registerSparse(4);
            assertEquals(4, ring.fixedFiles().size());
            int fd = openat(ring, p, Linux.O_RDONLY, 0);
            ring.fixedFiles().update(1, fd);
            Collector c = new Collector();
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            ring.read(ring.fixedFiles().slot(1), b, 0).tag(1);
            assertEquals(64, c.await(ring, 1).res(1));
            assertEquals(data[63], b.get(63));
            ring.read(ring.fixedFiles().slot(2), ByteBuffer.allocateDirect(8), 0).tag(2);
            assertEquals(-Errno.EBADF, c.await(ring, 2).res(2), "an empty slot");
            ring.fixedFiles().update(1, -1);
            ring.read(ring.fixedFiles().slot(1), ByteBuffer.allocateDirect(8), 0).tag(3);
            assertEquals(-Errno.EBADF, c.await(ring, 3).res(3), "emptied by update(1, -1)");
            TestSupport.closeFd(ring, fd);
        }
    }

    /**
     * A kernel without direct descriptors (5.15; some stable kernels have them backported) and
     * without the stable checks of unused fields ignores file_index: a direct open would
     * make a regular fd nobody closes (and a direct close would close fd 0: see
     * {@link #aDirectCloseNeverClosesFdZero}). They are refused there, completing with -EINVAL.
     * No matrix kernel takes that branch (Debian's 5.10 has direct descriptors backported); on
     * each the supported branch checks that the probe's "honoured" is true: a direct open
     * fills the slot and makes no fd.
     */
    @Test
    void aDirectOpenFillsTheSlotOrIsRefusedButNeverMakesAnFd() throws Exception {
        Path p = file("o", random(16, 6));
        try (Ring ring = TestSupport.open()) {
            // Not a version: Debian's 5.10 has direct descriptors (backported), without 5.15's LINKAT.
            boolean direct = UringSupport.get().isDirectDescriptorsSupported();
            ring.fixedFiles().registerSparse(4);
            Collector c = new Collector();
            ring.openatDirect(Linux.AT_FDCWD, p.toString(), Linux.O_RDONLY, 0, ring.fixedFiles().slot(2)).tag(1);
            if (direct) {
                assertEquals(0, c.await(ring, 1).res(1), "opened into slot 2, no fd");
                ByteBuffer b = ByteBuffer.allocateDirect(16);
                ring.read(ring.fixedFiles().slot(2), b, 0).tag(2);
                assertEquals(16, c.await(ring, 2).res(2));
            } else {
                UringException e = assertThrows(UringException.class, ring::submit);
                assertTrue(e.getMessage().contains("no direct descriptors"), e.getMessage());
                ring.reap(c);
                assertEquals(-Errno.EINVAL, c.res(1));
                assertEquals(0, ring.inFlight());
            }
        }
    }

    /** See {@link DirectCloseMain}: fd 0 of a process stays open whatever closeDirect meets. */
    @Test
    void aDirectCloseNeverClosesFdZero() throws Exception {
        TestSupport.requireAvailable();
        TestSupport.ChildResult r = TestSupport.runJava(
                java.util.List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path")),
                TestSupport.childClasspath(), DirectCloseMain.class.getName());
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("fd 0 open before: true, after: true"), r.output);
        boolean direct = UringSupport.get().isDirectDescriptorsSupported();
        assertTrue(r.output.contains(direct ? "closeDirect: 0" : "closeDirect refused: -22"), r.output);
    }

    @Test
    void badSlotsAreRefusedInJavaAndNative() throws Exception {
        try (Ring ring = TestSupport.open()) {
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            IllegalStateException none = assertThrows(IllegalStateException.class,
                    () -> ring.read(ring.fixedFiles().slot(0), b, 0).tag(1));
            assertTrue(none.getMessage().contains("register(...) first"), none.getMessage());
            ring.fixedFiles().register(-1, -1, -1, -1);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> ring.read(ring.fixedFiles().slot(4), b, 0).tag(1));
            assertTrue(e.getMessage().contains("slot 4 is outside the registered table of 4 slots"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> ring.closeDirect(ring.fixedFiles().slot(-1)).tag(1));
            assertThrows(IndexOutOfBoundsException.class, () -> ring.fixedFiles().update(3, -1, -1));
            assertThrows(IllegalStateException.class, () -> ring.fixedFiles().registerSparse(2));
            // The native validator holds the same line for records Java would never produce.
            UncheckedRecords.stage(ring, 22 /* READ */, 1 /* IOSQE_FIXED_FILE */, 9, 0, 0, 0, 0, 7);
            UringException rejected = assertThrows(UringException.class, ring::submit);
            assertTrue(rejected.getMessage().contains("fixed file index is outside"), rejected.getMessage());
            Collector c = new Collector();
            ring.reap(c);
            assertEquals(-Errno.EINVAL, c.res(7));
        }
    }

    @Test
    void registeredBuffersReadAndWriteWithinTheirRanges() throws Exception {
        byte[] data = random(8192, 4);
        Path p = file("buf", new byte[8192]);
        try (Ring ring = TestSupport.open()) {
            int fd = openat(ring, p, Linux.O_RDWR, 0);
            ByteBuffer src = ByteBuffer.allocateDirect(8192).put(data).flip();
            ByteBuffer dst = ByteBuffer.allocateDirect(8192);
            ring.fixedBuffers().register(src, dst);
            assertEquals(2, ring.fixedBuffers().count());
            Collector c = new Collector();
            ring.writeFixed(fd, ring.fixedBuffers().buffer(0).slice(1000, 5000), 1000).link().tag(1);
            ring.readFixed(fd, ring.fixedBuffers().buffer(1).slice(0, 8192), 0).tag(2);
            c.await(ring, 2);
            assertEquals(5000, c.res(1));
            assertEquals(8192, c.res(2));
            byte[] got = new byte[5000];
            dst.get(1000, got);
            byte[] want = new byte[5000];
            System.arraycopy(data, 1000, want, 0, 5000);
            assertArrayEquals(want, got);

            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                    () -> ring.readFixed(fd, ByteBuffer.allocateDirect(200), 0));
            assertTrue(outside.getMessage().contains("do not lie inside any of the 2 registered buffers"),
                    outside.getMessage());
            assertThrows(IllegalStateException.class, () -> ring.fixedBuffers().register(dst));

            // Native checks: an index or range Java would never produce.
            UncheckedRecords.stage(ring, 4 /* READ_FIXED */, 0, fd, 0, 12345, 8, 0, 4);
            assertTrue(assertThrows(UringException.class, ring::submit).getMessage().contains("address range is outside"));
            ring.reap(c);
            assertEquals(-Errno.EINVAL, c.res(4));

            ring.fixedBuffers().unregister();
            IllegalStateException after = assertThrows(IllegalStateException.class,
                    () -> ring.readFixed(fd, ring.fixedBuffers().buffer(0).slice(0, 8), 0).tag(5));
            assertTrue(after.getMessage().contains("no buffers are registered"), after.getMessage());
            TestSupport.closeFd(ring, fd);
        }
    }

    @Test
    void unregisteringTablesInUseIsRefusedUntilTheirOperationsComplete() throws Exception {
        Path fifo = dir.resolve("fifo");
        TestSupport.mkfifo(fifo);
        try (Ring ring = TestSupport.open()) {
            int fd = openat(ring, fifo, Linux.O_RDWR, 0);
            ByteBuffer target = ByteBuffer.allocateDirect(4096);
            ring.fixedBuffers().register(target);
            ring.fixedFiles().register(fd);
            Collector c = new Collector();
            long pending = ring.readFixed(ring.fixedFiles().slot(0), ring.fixedBuffers().buffer(0).slice(0, 5), 0).tag(1).id();
            ring.submit();
            // Some kernels (6.1) wait inside unregister for operations using the table: never let that hang.
            IllegalStateException buffers = assertThrows(IllegalStateException.class, () -> ring.fixedBuffers().unregister());
            assertTrue(buffers.getMessage().contains("1 operation(s) are in flight (1 of them use the registered buffers)"),
                    buffers.getMessage());
            IllegalStateException files = assertThrows(IllegalStateException.class, () -> ring.fixedFiles().unregister());
            assertTrue(files.getMessage().contains("file table"), files.getMessage());
            ring.write(fd, ByteBuffer.allocateDirect(5).put("abcde".getBytes()).flip(), 0).tag(2);
            c.await(ring, 2);
            assertEquals(5, c.res(1));
            assertEquals('e', target.get(4));
            ring.fixedBuffers().unregister(); // nothing in flight now
            ring.fixedFiles().unregister();
            assertEquals(0, ring.inFlight());
            assertTrue(pending != 0);
            TestSupport.closeFd(ring, fd);
        }
    }

    @Test
    void ringFdIsRegisteredWhereSupportedAndOptional() throws Exception {
        try (Ring ring = TestSupport.open()) {
            String state = ring.setupReport().ringFd();
            assertTrue(state.equals("registered") || state.startsWith("not registered ("), state);
            Collector c = new Collector();
            ring.nop().tag(1);
            assertEquals(0, c.await(ring, 1).res(1));
        }
        try (Ring ring = TestSupport.open(RingOptions.builder().registerRingFd(false).build())) {
            assertEquals("not requested", ring.setupReport().ringFd());
            Collector c = new Collector();
            ring.nop().tag(1);
            assertEquals(0, c.await(ring, 1).res(1));
        }
    }
}
