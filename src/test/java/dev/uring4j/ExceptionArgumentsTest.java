package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The public constructors and factories of uring4j's exceptions name a null argument
 * (found by PublicApiSweepTest: they threw the JDK's NullPointerException from inside
 * StringBuilder or List.copyOf, naming a local variable or nothing).
 */
class ExceptionArgumentsTest {
    private static void assertNamed(String expected, org.junit.jupiter.api.function.Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aNullOperationIsNamed() throws UringException {
        assertNamed("operation", () -> new UringException(null, 22, "detail"));
        assertNamed("operation", () -> UringException.ofResult(null, -22));
        assertNamed("operation", () -> UringException.check(null, -22));
        assertNamed("operation", () -> UringException.require(null, -22));
        assertEquals(5, UringException.check(null, 5), "a result that is no error needs no operation name");
    }

    @Test
    void aNullOriginalOrAttemptsListIsNamed() {
        assertNamed("original", () -> new UringUnavailableException(null));
        assertNamed("original", () -> new UringUnavailableException("context", null));
        assertNamed("attempts", () -> new UringUnavailableException(UnavailabilityReason.SETUP_REFUSED, 1, "m", null, null));
        assertNamed("attempts[1] is null", () -> new UringUnavailableException(UnavailabilityReason.SETUP_REFUSED, 1, "m",
                Arrays.asList("loaded", null), null));
        assertEquals(List.of("loaded"), new UringUnavailableException(UnavailabilityReason.SETUP_REFUSED, 1, "m",
                List.of("loaded"), null).attempts());
    }
}
