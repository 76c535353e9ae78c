package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.diag.KernelVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Ring.setIoWorkerLimits and its guard against the IOWQ_MAX_WORKERS/SQPOLL deadlock (the table is in diag). */
class IoWorkerLimitsTest {
    private static KernelVersion v(String s) {
        return KernelVersion.parse(s, null, null);
    }

    @Test
    void iowqGuardRefusesOnAffectedSqpollRingsUnlessForced() {
        KernelVersion debian = KernelVersion.parse("6.1.0-27-amd64", "Debian 6.1.115-1", null);
        UringException e = assertThrows(UringException.class, () -> FileOps.checkIowqGuard(debian, true, false));
        assertTrue(e.getMessage().contains("6.1.118"), e.getMessage());
        assertTrue(e.getMessage().contains("force=true"), e.getMessage());
        assertDoesNotThrow(() -> FileOps.checkIowqGuard(debian, true, true));
        assertDoesNotThrow(() -> FileOps.checkIowqGuard(debian, false, false));
        assertDoesNotThrow(() -> FileOps.checkIowqGuard(v("6.1.118"), true, false));
    }

    @Test
    @Tag("kernel")
    void ioWorkerLimitsOnThisKernel() throws Exception {
        try (Ring ring = TestSupport.open()) {
            int[] previous;
            try {
                previous = ring.setIoWorkerLimits(4, 8, false);
            } catch (UringException e) {
                // Kernels before 5.15 answer an unknown register opcode with EINVAL.
                assumeTrue(e.errno() != Errno.EINVAL, "IORING_REGISTER_IOWQ_MAX_WORKERS (Linux 5.15+) is not supported "
                        + "by this kernel: " + e.getMessage());
                throw e;
            }
            assertEquals(2, previous.length);
            int[] now = ring.setIoWorkerLimits(0, 0, false); // 0 = read back without changing
            assertEquals(4, now[0]);
            assertEquals(8, now[1]);
            assertThrows(IllegalArgumentException.class, () -> ring.setIoWorkerLimits(-1, 0, false));
        }
    }
}
