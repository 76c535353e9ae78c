package dev.uring4j.async;

/**
 * A thread that runs uring4j's completions: an {@link EventLoop}'s thread or a thread of
 * the NIO backend's shared pool. User callbacks run on these threads, and a blocking wait
 * for an uring4j future that is not done is refused there ({@link UringFuture}): the
 * thread would wait for work that only it (or a pool it is part of) can do.
 */
final class UringThread extends Thread {
    private final String role;

    UringThread(Runnable body, String name, String role) {
        super(body, name);
        this.role = role;
        setDaemon(true);
    }

    /** "event-loop" or "NIO pool". */
    String role() {
        return role;
    }

    /** Whether the calling thread is one of uring4j's completion threads (one type check). */
    static boolean current() {
        return Thread.currentThread() instanceof UringThread;
    }
}
