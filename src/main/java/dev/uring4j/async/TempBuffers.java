package dev.uring4j.async;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Direct buffers lent for one transfer of a heap buffer on the calling thread (the kernel
 * needs memory that does not move), as the JDK's channels use a temporary direct buffer.
 * A small striped cache shared by all threads: a virtual thread per request would make a
 * thread-local cache allocate per request. Buffers up to {@link #MAX_CACHED} bytes are
 * kept (page-aligned: the kernel's copy is faster into aligned memory); larger transfers
 * get a buffer of their own for the call.
 */
final class TempBuffers {
    static final int MAX_CACHED = 256 * 1024;
    private static final int SLOTS = Integer.highestOneBit(Math.max(2, Math.min(64,
            Runtime.getRuntime().availableProcessors() * 4)) * 2 - 1);
    private static final AtomicReferenceArray<ByteBuffer> CACHE = new AtomicReferenceArray<>(SLOTS);

    private TempBuffers() {}

    /** A direct buffer with at least {@code size} bytes, cleared and limited to {@code size}. */
    static ByteBuffer take(int size) {
        int slot = (int) Thread.currentThread().getId() & (SLOTS - 1);
        ByteBuffer b = CACHE.getAndSet(slot, null);
        if (b == null || b.capacity() < size) {
            if (b != null) {
                CACHE.compareAndSet(slot, null, b); // too small for this one, still good for others
            }
            int capacity = size <= 4096 ? 4096 : size <= MAX_CACHED ? Integer.highestOneBit(size - 1) << 1 : size;
            b = AlignedBuffers.allocate(capacity, 4096);
        }
        return b.clear().limit(size);
    }

    /** Gives a buffer back after the kernel is done with it. */
    static void give(ByteBuffer b) {
        if (b.capacity() > MAX_CACHED) {
            return;
        }
        int slot = (int) Thread.currentThread().getId() & (SLOTS - 1);
        if (!CACHE.compareAndSet(slot, null, b)) {
            CACHE.compareAndSet((slot + 1) & (SLOTS - 1), null, b);
        }
    }
}
