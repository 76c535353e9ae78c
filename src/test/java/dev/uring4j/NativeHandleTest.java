package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uring4j.Errno;
import dev.uring4j.internal.Native;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Rings are handles into a native table, not pointers: a handle that was never issued, or
 * one already destroyed, is refused with -EBADF (Native.ringDestroy(0x1000) crashed the
 * JVM when handles were pointers, and so did two threads destroying one ring).
 */
@Tag("kernel")
class NativeHandleTest {
    private static final Native NATIVE = Native.access();

    @Test
    void handlesThatNameNoRingAreRefused() {
        TestSupport.requireAvailable();
        for (long h : new long[] {0, 1, 0x1000, -1, Long.MAX_VALUE, 1L << 32 | 1, 0xdeadbeefL}) {
            NATIVE.ringDestroy(h, true); // must not crash
            assertEquals(-Errno.EBADF, NATIVE.submitAndReap(h, 0, 0, 0, 0, 0), "submit on handle " + h);
            assertEquals(-Errno.EBADF, NATIVE.reapOnly(h, 0, 1), "reap on handle " + h);
            assertEquals(-Errno.EBADF, NATIVE.sqFlags(h), "sq flags of handle " + h);
            assertEquals(-Errno.EBADF, NATIVE.unregisterBuffers(h), "unregister on handle " + h);
        }
    }

    @Test
    void aDestroyedHandleStaysDeadAndCountsAreBounded() throws Exception {
        Ring ring = TestSupport.open();
        long h = ring.handle();
        // Counts past the attached memory are refused, not trusted.
        assertEquals(-Errno.EINVAL, NATIVE.submitAndReap(h, ring.sqEntries() + 1, 0, 0, 0, 0));
        assertEquals(-Errno.EINVAL, NATIVE.submitAndReap(h, 0, 0, 0, ring.cqEntries(), 1));
        assertEquals(-Errno.EINVAL, NATIVE.reapOnly(h, 1, ring.cqEntries()));
        ring.close();
        assertEquals(-Errno.EBADF, NATIVE.submitAndReap(h, 0, 0, 0, 0, 0));
        NATIVE.ringDestroy(h, true); // a second destroy finds nothing
        Ring next = TestSupport.open(); // a new ring may reuse the slot, never the handle
        try {
            assertEquals(-Errno.EBADF, NATIVE.submitAndReap(h, 0, 0, 0, 0, 0));
            next.nop().tag(1);
            assertEquals(1, next.submitAndReap(1, 5, java.util.concurrent.TimeUnit.SECONDS, (t, r, f) -> { }));
        } finally {
            next.close();
        }
    }
}
