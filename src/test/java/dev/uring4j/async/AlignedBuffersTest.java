package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Pure: allocation only. */
class AlignedBuffersTest {
    @Test
    void everyCapacityGetsAnAlignedBufferOfExactlyThatSize() {
        // Capacities below, at and above the alignment, and not multiples of it: a capacity
        // smaller than the alignment (512 bytes at 4096) once threw IndexOutOfBoundsException
        // whenever the allocation's address fell late in a page.
        for (int alignment : new int[] {1, 16, 512, 4096, 65536}) {
            for (int capacity : new int[] {0, 1, 511, 512, 513, 4095, 4096, 4097, 3 * 4096 + 7}) {
                for (int repeat = 0; repeat < 16; repeat++) {
                    ByteBuffer b = AlignedBuffers.allocate(capacity, alignment);
                    assertEquals(capacity, b.capacity(), capacity + " @ " + alignment);
                    assertEquals(capacity, b.remaining());
                    assertTrue(AlignedBuffers.isAligned(b, alignment), capacity + " @ " + alignment);
                    ByteBuffer.allocateDirect(8 * repeat + 16); // moves the next allocation's address
                }
            }
        }
    }

    @Test
    void refusesWhatCannotBeAllocated() {
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffers.allocate(16, 3));
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffers.allocate(16, 0));
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffers.allocate(-1, 16));
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffers.allocate(Integer.MAX_VALUE - 100, 4096));
    }
}
