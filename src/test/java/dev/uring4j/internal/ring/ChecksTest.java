package dev.uring4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The length an operation hands the kernel comes from the position its address was taken at,
 * not from a second read of the position: a buffer another thread moves back in between
 * cannot make the kernel run past the buffer's end (hostile-review finding).
 */
class ChecksTest {
    @Test
    void theLengthIsCountedFromThePositionTheAddressWasTakenAt() {
        ByteBuffer b = ByteBuffer.allocateDirect(64).position(48);
        long address = Checks.bufferAddress("read", b, true);
        b.position(0); // another thread, between the address and the length
        assertEquals(48, Checks.position(b, address));
        assertEquals(16, Checks.length(b, address), "64 - 48, not 64 - 0");
    }

    @Test
    void aLimitMovedBelowThatPositionIsRefused() {
        ByteBuffer b = ByteBuffer.allocateDirect(64).position(48);
        long address = Checks.bufferAddress("read", b, true);
        b.position(0).limit(10);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Checks.length(b, address));
        assertEquals(true, e.getMessage().contains("not safe for use by several threads"), e.getMessage());
    }
}
