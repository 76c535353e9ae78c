package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport.Collector;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every misuse from Java is a Java exception with a message a user can act on. */
@Tag("kernel")
class RingMisuseTest {

    private static void assertMessage(Throwable t, String... fragments) {
        for (String f : fragments) {
            assertTrue(t.getMessage().contains(f), "message '" + t.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void operationsOnAClosedRing() throws Exception {
        Ring ring = TestSupport.open();
        ring.close();
        ByteBuffer b = ByteBuffer.allocateDirect(8);
        assertMessage(assertThrows(IllegalStateException.class, () -> ring.nop().tag(1)), "closed");
        assertMessage(assertThrows(IllegalStateException.class, () -> ring.read(0, b, 0).tag(1)), "closed");
        assertMessage(assertThrows(IllegalStateException.class, ring::submit), "closed");
        assertMessage(assertThrows(IllegalStateException.class, () -> ring.reap((t, r, f) -> { })), "closed");
    }

    @Test
    void operationsFromAnotherThread() throws Exception {
        try (Ring ring = TestSupport.open()) {
            CompletableFuture<Throwable> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    ring.nop().tag(1);
                    f.complete(null);
                } catch (Throwable e) {
                    f.complete(e);
                }
            }, "intruder");
            t.start();
            Throwable e = f.get(10, TimeUnit.SECONDS);
            assertTrue(e instanceof IllegalStateException, String.valueOf(e));
            assertMessage(e, "belongs to thread '" + Thread.currentThread().getName() + "'", "'intruder'", "EventLoop");
            CompletableFuture<Throwable> g = new CompletableFuture<>();
            Thread closer = new Thread(() -> {
                try {
                    ring.close();
                    g.complete(null);
                } catch (Throwable ex) {
                    g.complete(ex);
                }
            }, "closer");
            closer.start();
            assertTrue(g.get(10, TimeUnit.SECONDS) instanceof IllegalStateException);
            assertEquals(0, ring.inFlight(), "a refused call stages nothing");
        }
    }

    @Test
    void heapReadOnlyAndOutOfRangeBuffers() throws Exception {
        try (Ring ring = TestSupport.open()) {
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> ring.read(0, ByteBuffer.allocate(16), 0).tag(1)), "direct ByteBuffer", "heap");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> ring.writev(1, new ByteBuffer[] {ByteBuffer.allocateDirect(4), ByteBuffer.allocate(4)}, 0).tag(1)),
                    "direct ByteBuffer");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> ring.read(0, ByteBuffer.allocateDirect(16).asReadOnlyBuffer(), 0).tag(1)), "read-only");
            ByteBuffer b = ByteBuffer.allocateDirect(16); // the range is the buffer's [position, limit): no index to swap
            assertMessage(assertThrows(IllegalArgumentException.class, () -> ring.read(0, b, -2).tag(1)), "offset");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> ring.readv(0, new ByteBuffer[0], 0).tag(1)),
                    "1 to 1024");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> ring.fallocate(3, 0, 0, -5).tag(1)), "length > 0");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> ring.timeout(-1, TimeUnit.SECONDS).tag(1)), ">= 0");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> ring.openat(Linux.AT_FDCWD, "a\0b", 0, 0).tag(1)), "NUL");
            assertThrows(NullPointerException.class, () -> ring.read(0, null, 0).tag(1));
            assertEquals(0, ring.inFlight(), "refused calls stage nothing");
        }
    }

    @Test
    void invalidFileDescriptorReachesTheCallerAsUringException() throws Exception {
        try (Ring ring = TestSupport.open()) {
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> ring.read(-1, ByteBuffer.allocateDirect(8), 0).tag(1)), "file descriptor must be >= 0");
            Collector c = new Collector();
            ring.read(987654, ByteBuffer.allocateDirect(8), 0).tag(1);
            int res = c.await(ring, 1).res(1);
            UringException e = assertThrows(UringException.class, () -> UringException.check("read", res));
            assertEquals(Errno.EBADF, e.errno());
            assertEquals("EBADF", e.errnoName());
            assertEquals("read", e.operation());
            assertMessage(e, "read failed: EBADF (Bad file descriptor)");
        }
    }

    @Test
    void entriesZeroOrAboveTheKernelMaximum() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> RingOptions.builder().entries(0).build()),
                "between 1 and 32768", "got 0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> RingOptions.builder().entries(65536).build()),
                "kernel maximum", "CLAMP");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> RingOptions.builder().entries(8).cqEntries(4).build()), "cqEntries");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> RingOptions.builder().flag(SetupFlag.SQPOLL, true).flag(SetupFlag.DEFER_TASKRUN, true).build()),
                "DEFER_TASKRUN cannot be combined with SQPOLL");
    }

    @Test
    void clampTurnsOversizedEntriesIntoTheKernelMaximum() throws Exception {
        try (Ring ring = TestSupport.open(RingOptions.builder().entries(100_000).flag(SetupFlag.CLAMP, true).build())) {
            assertEquals(RingOptions.MAX_ENTRIES, ring.sqEntries());
            assertTrue(ring.setupReport().applied().contains(SetupFlag.CLAMP));
        }
    }

    @Test
    void nullArgumentsAreRejectedWithNames() throws Exception {
        try (Ring ring = TestSupport.open()) {
            assertThrows(NullPointerException.class, () -> Ring.open(null));
            assertThrows(NullPointerException.class, () -> ring.reap(null));
            assertThrows(NullPointerException.class, () -> ring.openat(Linux.AT_FDCWD, null, 0, 0).tag(1));
            assertThrows(NullPointerException.class, () -> ring.statx(Linux.AT_FDCWD, "/", 0, 0, null).tag(1));
            assertThrows(NullPointerException.class, () -> ring.close(null, null));
        }
    }
}
