package dev.uring4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    @Test
    void ordinaryDurationsConvertExactly() {
        assertEquals(1_500_000_000L, Deadlines.nanos(Duration.ofMillis(1500)));
        assertEquals(-7L, Deadlines.nanos(Duration.ofNanos(-7)));
        assertEquals(0L, Deadlines.nanos(Duration.ZERO));
    }

    @Test
    void hugeDurationsAreCappedInsteadOfOverflowing() {
        assertEquals(Deadlines.MAX_NANOS, Deadlines.nanos(ChronoUnit.FOREVER.getDuration()));
        assertEquals(Deadlines.MAX_NANOS, Deadlines.nanos(Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L)));
        assertEquals(-Deadlines.MAX_NANOS, Deadlines.nanos(ChronoUnit.FOREVER.getDuration().negated()));
        long deadline = Deadlines.after(ChronoUnit.FOREVER.getDuration());
        assertTrue(deadline - System.nanoTime() > 0, "a deadline for ever is in the future");
    }
}
