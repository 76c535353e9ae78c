package dev.uring4j.internal.ring;

import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Caller-provided ring memory (NO_MMAP) in use by a ring, or kept after a close that could
 * not drain: the kernel owns it, so no second ring may be set up in any part of it (two
 * rings in one region would overwrite each other's queues), and no operation may have the
 * kernel write into it (a read into a ring's own queues would overwrite them).
 */
public final class RingMemoryClaims {
    private static final Set<ByteBuffer> IN_USE = Collections.newSetFromMap(new IdentityHashMap<>());
    /** IN_USE's size, read without the lock by every buffer check: 0 in almost every process. */
    private static volatile int claimed;

    private RingMemoryClaims() {}

    public static void claim(ByteBuffer memory) {
        long start = Memory.address(memory);
        long end = start + memory.capacity();
        synchronized (IN_USE) {
            if (overlapsAny(start, end)) {
                throw new IllegalStateException("this ring memory overlaps memory another ring uses (or kept after "
                        + "a close the kernel had not finished): two rings in one region would overwrite each other's "
                        + "queues. Give each ring its own buffer");
            }
            IN_USE.add(memory);
            claimed = IN_USE.size();
        }
    }

    /** The region is free again (null: nothing to do). */
    public static void release(ByteBuffer memory) {
        if (memory != null) {
            synchronized (IN_USE) {
                IN_USE.remove(memory);
                claimed = IN_USE.size();
            }
        }
    }

    /**
     * Refuses a buffer the kernel would write into if its bytes {@code [position, limit)}
     * overlap memory a ring's queues live in.
     */
    public static void checkOutside(String op, ByteBuffer b) {
        if (claimed == 0 || !b.hasRemaining()) {
            return;
        }
        long start = Memory.address(b) + b.position();
        boolean overlaps;
        synchronized (IN_USE) {
            overlaps = overlapsAny(start, start + b.remaining());
        }
        if (overlaps) {
            throw new IllegalArgumentException(op + ": this buffer lies in memory that a ring's submission and "
                    + "completion queues live in (RingMemory.caller); the kernel writing into it would overwrite them. "
                    + "Use memory of its own");
        }
    }

    private static boolean overlapsAny(long start, long end) {
        for (ByteBuffer m : IN_USE) {
            long s = Memory.address(m);
            if (start < s + m.capacity() && s < end) {
                return true;
            }
        }
        return false;
    }
}
