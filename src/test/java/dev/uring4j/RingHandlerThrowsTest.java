package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A completion handler may throw anything, checked exceptions too: a Java handler can do so
 * through a generic "sneaky throw", a Kotlin or Scala handler simply does. reap dispatches up to
 * the throw and rethrows it; close(Duration, handler) goes on delivering every remaining
 * completion, tears the ring down, then rethrows the first throwable.
 */
@org.junit.jupiter.api.Tag("kernel")
class RingHandlerThrowsTest {
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void reapRethrowsACheckedExceptionOfTheHandlerAndKeepsTheRest() throws Exception {
        try (Ring ring = TestSupport.open()) {
            for (int i = 0; i < 4; i++) {
                ring.nop().tag(i);
            }
            ring.submitAndWait(4, 1, java.util.concurrent.TimeUnit.SECONDS);
            IOException thrown = new IOException("checked, thrown by the handler");
            List<Long> seen = new ArrayList<>();
            Exception e = assertThrows(Exception.class, () -> ring.reap((tag, res, flags) -> {
                seen.add(tag);
                if (tag == 1) {
                    sneakyThrow(thrown);
                }
            }));
            assertSame(thrown, e);
            TestSupport.Collector rest = new TestSupport.Collector();
            ring.reap(rest);
            assertEquals(2, rest.all.size(), "tags 2 and 3 stay for the next call: " + rest.all);
        }
    }

    /**
     * Ring.close rethrows only a RuntimeException or an Error: a checked exception thrown first
     * by the handler is dropped silently, and with it (as its suppressed exception) any Error
     * the handler threw after it. The caller of close never learns that its handler failed.
     */
    @Test
    void closeRethrowsTheHandlersFirstThrowableEvenWhenItIsACheckedException() throws Exception {
        Ring ring = TestSupport.open();
        for (int i = 0; i < 3; i++) {
            ring.nop().tag(i); // staged: close completes them with -ECANCELED
        }
        IOException first = new IOException("checked, thrown by the handler first");
        AssertionError second = new AssertionError("thrown by the handler second");
        List<Long> seen = new ArrayList<>();
        Throwable got = null;
        try {
            ring.close(Duration.ofSeconds(5), (tag, res, flags) -> {
                seen.add(tag);
                if (seen.size() == 1) {
                    sneakyThrow(first);
                }
                if (seen.size() == 2) {
                    throw second;
                }
            });
        } catch (Throwable t) {
            got = t;
        }
        assertTrue(ring.isClosed());
        assertEquals(3, seen.size(), "every completion delivered once: " + seen);
        assertTrue(got == first || got instanceof RuntimeException && got.getCause() == first,
                "close must rethrow the handler's first throwable (the checked IOException, or a RuntimeException "
                        + "whose cause it is); it threw " + got);
    }
}
