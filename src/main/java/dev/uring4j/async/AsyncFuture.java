package dev.uring4j.async;

import java.util.concurrent.CompletableFuture;

/**
 * The future AsyncFile returns: cancelling it cancels the underlying operation (the
 * event loop's kernel operation, or the NIO task), and a composite operation such as
 * readFully cancels the step in progress.
 */
final class AsyncFuture<T> extends UringFuture<T> {
    private volatile Runnable canceller;

    AsyncFuture(Runnable canceller) {
        this.canceller = canceller;
    }

    void setCanceller(Runnable canceller) {
        this.canceller = canceller;
        if (isCancelled()) {
            cancelUnderlying();
        }
    }

    /** For composite operations: cancelling this also cancels {@code step}. */
    void dependOn(CompletableFuture<?> step) {
        this.canceller = () -> step.cancel(false);
    }

    void cancelUnderlying() {
        Runnable c = canceller;
        if (c != null) {
            c.run();
        }
    }

    /** Completed from outside (orTimeout, completeOnTimeout...): the step in progress is no longer wanted. */
    @Override
    void abandoned() {
        cancelUnderlying();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(false);
        if (cancelled) {
            cancelUnderlying();
        }
        return cancelled;
    }
}
