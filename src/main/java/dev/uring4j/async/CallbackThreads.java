package dev.uring4j.async;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the shared loops (and the NIO pool) run the actions users chained to a future:
 * a thread per action running at once, started as needed and ended after 2 s idle, so
 * that one user's slow action holds up neither a loop (and every operation in its ring)
 * nor another user's action. Futures nobody chained anything to (a caller waiting in
 * join/get) are completed on the loop itself: that wakes the caller and runs no user code.
 */
final class CallbackThreads {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static ThreadPoolExecutor pool;

    private CallbackThreads() {}

    /** The executor for a completion whose future has actions chained to it. */
    static final Executor EXECUTOR = r -> {
        try {
            pool().execute(r);
        } catch (RejectedExecutionException e) {
            r.run(); // shut down meanwhile: complete here rather than never
        }
    };

    private static synchronized ThreadPoolExecutor pool() {
        if (pool == null || pool.isShutdown()) {
            pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "uring4j-callback-" + IDS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** Ends the idle threads now and the busy ones when their action returns (SharedLoops.shutdown). */
    static synchronized void shutdown() {
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
    }
}
