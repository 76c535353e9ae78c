package dev.uring4j.internal;

import java.time.Duration;

/**
 * Deadlines on {@link System#nanoTime()} from caller-given durations. A {@code Duration}
 * can be far longer than a {@code long} of nanoseconds (up to ~292 years) or than what
 * {@code nanoTime() + nanos} can hold: both are capped at ~73 years, which every wait
 * treats as "no deadline in practice", so that a huge timeout never becomes an
 * ArithmeticException or a deadline in the past.
 */
public final class Deadlines {
    /** 2^61 ns, ~73 years: far from overflowing when added to HotSpot's nanoTime (time since boot). */
    public static final long MAX_NANOS = 1L << 61;

    private Deadlines() {}

    /** {@code d} in nanoseconds, capped at {@link #MAX_NANOS}; a negative duration gives its (negative) value, at least -MAX_NANOS. */
    public static long nanos(Duration d) {
        if (d.getSeconds() >= MAX_NANOS / 1_000_000_000L) {
            return MAX_NANOS;
        }
        if (d.getSeconds() <= -(MAX_NANOS / 1_000_000_000L)) {
            return -MAX_NANOS;
        }
        return d.toNanos();
    }

    /** The {@code nanoTime()} at which {@code d} from now has passed. Compare as {@code deadline - System.nanoTime() > 0}. */
    public static long after(Duration d) {
        return System.nanoTime() + nanos(d);
    }
}
