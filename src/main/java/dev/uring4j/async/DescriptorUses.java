package dev.uring4j.async;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts the uses of one file descriptor (operations in flight, system calls running now)
 * so that it is closed exactly once, after close was asked for and the last use ended, and
 * never while a use could still reach the kernel.
 *
 * <p>Striped: many threads reading one file through it each touch a counter cell of their
 * own (by thread), not one contended word, so cached reads from N threads scale with
 * cores. A use may end on another thread than it began (the loop releases an operation's
 * use): cells then go negative, and only their sum means anything.
 *
 * <p>Why the sum is safe to act on: an acquire increments its cell and then reads
 * {@code closed}; close writes {@code closed} and then sums. Both are sequentially
 * consistent, so a use that saw the file open is seen by every later sum; a sum can only
 * count too much (a use ending, or a refused acquire, in between), never too little. Each
 * release after close sums again, so the last one finds zero and closes.
 */
final class DescriptorUses {
    private static final int STRIPES = Integer.getInteger("uring4j.stripes", Integer.highestOneBit(Math.max(1, Math.min(32,
            Runtime.getRuntime().availableProcessors() * 4)) * 2 - 1));
    /** One cell per 128 bytes: no two stripes share a cache line (or an adjacent-line prefetch pair). */
    private static final int SPREAD = 16;

    /** Cells at SPREAD, 2 * SPREAD...: none shares a line with the array's header (read by every bounds check) or its neighbours. */
    private final AtomicLongArray cells = new AtomicLongArray((STRIPES + 2) * SPREAD);
    private volatile boolean closed;
    private final AtomicBoolean closeClaimed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Runnable onLastRelease;

    /** {@code onLastRelease} runs once, on the thread that ends the last use after {@link #close()}. */
    DescriptorUses(Runnable onLastRelease) {
        this.onLastRelease = onLastRelease;
    }

    private static int cell() {
        return (((int) Thread.currentThread().getId() & (STRIPES - 1)) + 1) * SPREAD;
    }

    /** Takes a use: false (nothing taken) once the file is closed. */
    boolean acquire() {
        int c = cell();
        cells.getAndIncrement(c);
        if (closed) {
            release(c); // refused: undo, and close if this was what held the count up
            return false;
        }
        return true;
    }

    /** Ends a use; the last one after close runs the close action. */
    void release() {
        release(cell());
    }

    private void release(int c) {
        cells.getAndDecrement(c);
        if (closed && sum() == 0 && released.compareAndSet(false, true)) {
            onLastRelease.run();
        }
    }

    /**
     * Marks the file closed; true for the one caller that won (it must still take and end a
     * use of its own around its close work, so that the descriptor outlives that work).
     */
    boolean close() {
        if (!closeClaimed.compareAndSet(false, true)) {
            return false;
        }
        closed = true;
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Uses held now (an overcount while uses end concurrently). */
    long held() {
        long s = 0;
        for (int i = 0; i < STRIPES; i++) {
            s += cells.get((i + 1) * SPREAD);
        }
        return s;
    }

    private long sum() {
        return held();
    }
}
