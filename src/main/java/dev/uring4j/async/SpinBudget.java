package dev.uring4j.async;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spinning (an idle loop watching its queue, a caller watching its future) trades CPU for
 * wake-ups, and only pays while there are spare cores: at most one spinner per CPU at a
 * time, process-wide; the others park at once.
 */
final class SpinBudget {
    private static final int LIMIT = Runtime.getRuntime().availableProcessors();
    private static final AtomicInteger SPINNING = new AtomicInteger();

    private SpinBudget() {}

    static boolean tryAcquire() {
        int n;
        do {
            n = SPINNING.get();
            if (n >= LIMIT) {
                return false;
            }
        } while (!SPINNING.compareAndSet(n, n + 1));
        return true;
    }

    static void release() {
        SPINNING.decrementAndGet();
    }
}
