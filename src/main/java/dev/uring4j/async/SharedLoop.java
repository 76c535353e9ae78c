package dev.uring4j.async;

import dev.uring4j.UringException;

/** The event loop AsyncFiles use unless configured otherwise: started on first use, a daemon. */
final class SharedLoop {
    private static EventLoop loop;

    private SharedLoop() {}

    static synchronized EventLoop get() throws UringException {
        if (loop == null || loop.isShutdown()) {
            loop = EventLoop.open(EventLoopOptions.builder().name("uring4j-shared").build());
        }
        return loop;
    }
}
