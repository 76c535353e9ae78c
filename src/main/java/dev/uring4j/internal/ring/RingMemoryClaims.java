package dev.uring4j.internal.ring;

import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Caller-provided ring memory (NO_MMAP) in use by a ring, or kept after a close that could
 * not drain: the kernel owns it, so no second ring may be set up in any part of it (two
 * rings in one region would overwrite each other's queues).
 */
public final class RingMemoryClaims {
    private static final Set<ByteBuffer> IN_USE = Collections.synchronizedSet(
            Collections.newSetFromMap(new IdentityHashMap<>()));

    private RingMemoryClaims() {}

    public static void claim(ByteBuffer memory) {
        long start = Memory.address(memory);
        long end = start + memory.capacity();
        synchronized (IN_USE) {
            for (ByteBuffer b : IN_USE) {
                long s = Memory.address(b);
                if (start < s + b.capacity() && s < end) {
                    throw new IllegalStateException("this ring memory overlaps memory another ring uses (or kept after "
                            + "a close the kernel had not finished): two rings in one region would overwrite each other's "
                            + "queues. Give each ring its own buffer");
                }
            }
            IN_USE.add(memory);
        }
    }

    /** The region is free again (null: nothing to do). */
    public static void release(ByteBuffer memory) {
        if (memory != null) {
            IN_USE.remove(memory);
        }
    }
}
