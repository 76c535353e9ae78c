package dev.uring4j.async;

import dev.uring4j.UringException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The event loops that io_uring {@link AsyncFile}s opened without loops of their own
 * ({@link AsyncFileConfig#defaults()}) share: one per processor, at least two, each with its
 * own ring and thread. Reads and writes the page cache can serve never reach them (the
 * caller does those itself); they run the operations that would block.
 *
 * <p><b>Which loop.</b> A caller's operations go to the loop its thread maps to, so one
 * caller's requests stay in order on one ring; if that loop has been running completion
 * callbacks for more than a millisecond (someone's slow callback), the next loop that is
 * not busy that way takes the operation instead. So one user's slow callback delays only
 * operations already in that loop's ring, not those other users start meanwhile.
 *
 * <p><b>Lifecycle.</b> A loop starts when first needed and ends itself after
 * {@code -During4j.sharedLoops.idleMillis} (default 2000) with nothing to do; its watchdog
 * ends with the last loop. An application that is undeployed can also end them at once with
 * {@link #shutdown(Duration)}: nothing of uring4j's then stays running (no thread, no ring),
 * and files still open start fresh loops for their next operation. The number of loops is
 * {@code -During4j.sharedLoops=N} (default: the processors the JVM sees, at least 2).
 */
public final class SharedLoops {
    /** How many loops at most. */
    static final int COUNT = Math.max(1, Integer.getInteger("uring4j.sharedLoops",
            Math.max(2, Math.min(64, Runtime.getRuntime().availableProcessors()))));
    private static final long IDLE_NANOS = Math.max(1, Long.getLong("uring4j.sharedLoops.idleMillis", 2000)) * 1_000_000L;
    /** A loop delivering completions for this long is passed over for new operations. */
    static final long BUSY_CALLBACK_NANOS = 1_000_000L;
    private static final EventLoop[] LOOPS = new EventLoop[COUNT];
    private static volatile EventLoop[] snapshot = new EventLoop[COUNT];

    private SharedLoops() {}

    /** The loop for the calling thread's next operation (started if needed). */
    static EventLoop forCaller() throws UringException {
        EventLoop[] loops = snapshot;
        int first = (int) ((Thread.currentThread().getId() & Long.MAX_VALUE) % COUNT);
        EventLoop l = loops[first];
        if (l == null || l.isShutdown()) {
            l = start(first);
        }
        if (COUNT == 1 || !l.inCallbacksFor(System.nanoTime(), BUSY_CALLBACK_NANOS)) {
            return l;
        }
        long now = System.nanoTime();
        for (int k = 1; k < COUNT; k++) {
            int i = (first + k) % COUNT;
            EventLoop other = loops[i];
            if (other == null || other.isShutdown()) {
                return start(i);
            }
            if (!other.inCallbacksFor(now, BUSY_CALLBACK_NANOS)) {
                return other;
            }
        }
        return l; // every loop is busy in callbacks: stay in order on the caller's own
    }

    private static synchronized EventLoop start(int i) throws UringException {
        EventLoop l = LOOPS[i];
        if (l == null || l.isShutdown()) {
            l = EventLoop.open(EventLoopOptions.builder().name("uring4j-shared-" + i).build(), IDLE_NANOS);
            LOOPS[i] = l;
            snapshot = LOOPS.clone();
        }
        return l;
    }

    /** Called by an idle loop before it ends itself: true if it may (it is then no longer handed work). */
    static synchronized boolean retire(EventLoop loop) {
        for (int i = 0; i < COUNT; i++) {
            if (LOOPS[i] == loop) {
                LOOPS[i] = null;
                snapshot = LOOPS.clone();
                return true;
            }
        }
        return false;
    }

    /** A task that reached a loop as it retired: runs on another (true), or false if none can take it. */
    static boolean reroute(LoopTask<?> task) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (forCaller().execute(task)) {
                    return true;
                }
            } catch (UringException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    /** Hands a task to a shared loop; false if none accepts it (they are shutting down as fast as they start). */
    static boolean execute(LoopTask<?> task) throws UringException {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (forCaller().execute(task)) {
                return true;
            }
        }
        return false;
    }

    /** The loops running now (for close sweeps). */
    static List<EventLoop> running() {
        List<EventLoop> out = new ArrayList<>(COUNT);
        for (EventLoop l : snapshot) {
            if (l != null) {
                out.add(l);
            }
        }
        return out;
    }

    /** How many shared loops are running now. */
    public static int count() {
        return running().size();
    }

    /**
     * Ends every shared loop: operations in flight may finish until {@code timeout}, then are
     * cancelled (their futures complete exceptionally); returns when the loop threads have
     * ended. Files stay usable: their next operation that needs a loop starts a new one.
     */
    public static void shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<EventLoop> ending = new ArrayList<>(COUNT);
        synchronized (SharedLoops.class) {
            for (int i = 0; i < COUNT; i++) {
                if (LOOPS[i] != null) {
                    ending.add(LOOPS[i]);
                    LOOPS[i] = null;
                }
            }
            snapshot = LOOPS.clone();
        }
        for (EventLoop l : ending) {
            l.shutdown(timeout);
        }
        CallbackThreads.shutdown();
    }
}
