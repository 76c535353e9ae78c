package dev.uring4j.diag;

import static org.junit.jupiter.api.Assertions.fail;

import dev.uring4j.Uring;
import dev.uring4j.UringUnavailableException;

/** What the diag tests need of dev.uring4j's TestSupport (which is package-private there). */
final class TestSupport {
    private TestSupport() {}

    /** io_uring must work on the machines this suite runs on; a missing native library is a failure. */
    static void requireAvailable() {
        UringUnavailableException cause = Uring.unavailabilityCause();
        if (cause != null) {
            fail("io_uring is unavailable, so this test cannot run: " + cause.getMessage(), cause);
        }
    }
}
