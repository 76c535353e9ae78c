package dev.uring4j.async;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/** Direct buffers aligned in memory, as O_DIRECT ({@link UringOpenOption#DIRECT}) requires. */
public final class AlignedBuffers {
    private AlignedBuffers() {}

    /**
     * A direct buffer of {@code capacity} bytes whose address is a multiple of
     * {@code alignment} (a power of two, e.g. 4096 or {@link AsyncFile#blockSize()}).
     */
    public static ByteBuffer allocate(int capacity, int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        // alignedSlice rounds the start up and the end down to the alignment: a capacity rounded
        // up to it, plus one alignment for the start, always leaves room for the capacity.
        long rounded = ((long) capacity + alignment - 1) & -(long) alignment;
        if (capacity < 0 || rounded + alignment > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("capacity must be between 0 and "
                    + ((Integer.MAX_VALUE & -(long) alignment) - alignment) + " for alignment " + alignment
                    + ", got " + capacity);
        }
        return ByteBuffer.allocateDirect((int) (rounded + alignment)).alignedSlice(alignment).slice(0, capacity)
                .order(ByteOrder.nativeOrder());
    }

    /** Whether the buffer's current position is at an address aligned to {@code alignment}. */
    public static boolean isAligned(ByteBuffer buffer, int alignment) {
        Objects.requireNonNull(buffer, "buffer");
        return buffer.isDirect() && buffer.alignmentOffset(buffer.position(), alignment) == 0;
    }
}
