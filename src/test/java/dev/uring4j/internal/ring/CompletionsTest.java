package dev.uring4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dispatch of copied completions, without a ring: the native reap copies CQEs as the kernel wrote them. */
class CompletionsTest {
    private final InFlight inFlight = new InFlight(8);
    private final Completions completions = new Completions(8, 16, inFlight);
    private final List<String> delivered = new ArrayList<>();

    private void copied(long... userData) {
        ByteBuffer b = completions.buffer().duplicate().order(ByteOrder.nativeOrder());
        int first = completions.compact();
        for (int i = 0; i < userData.length; i++) {
            int at = (first + i) * 16;
            b.putLong(at, userData[i]).putInt(at + 8, 7).putInt(at + 12, 0);
        }
        completions.added(userData.length);
    }

    private int dispatch() {
        return completions.dispatch((tag, res, flags) -> delivered.add(tag + ":" + res));
    }

    @Test
    void theReservedRingNumberIsNeverAnOperationsId() {
        assertTrue(InFlight.isReserved(-1L), "LIBURING_UDATA_TIMEOUT");
        assertTrue(InFlight.isReserved(Closer.CANCEL_USER_DATA));
        for (int i = 0; i < 5000; i++) { // ring numbers wrap after 4,094 tables
            InFlight t = new InFlight(1);
            assertFalse(InFlight.isReserved(t.userData(t.acquire(0))));
        }
    }

    @Test
    void completionsOfReservedUserDataAreSkippedWithoutCountingAsStrays() {
        int slot = inFlight.acquire(42);
        copied(-1L, Closer.CANCEL_USER_DATA, inFlight.userData(slot));
        assertEquals(1, dispatch());
        assertEquals(List.of("42:7"), delivered);
        assertEquals(0, completions.strays());
        assertEquals(0, inFlight.active());
    }

    @Test
    void aCompletionNamingNoLiveOperationIsAStray() {
        int slot = inFlight.acquire(1);
        long id = inFlight.userData(slot);
        copied(id, id, 12345L); // a duplicate, then an id of no table
        assertEquals(1, dispatch());
        assertEquals(2, completions.strays());
    }
}
