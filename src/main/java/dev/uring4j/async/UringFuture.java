package dev.uring4j.async;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future type of uring4j's asynchronous API, and of every future derived from one
 * (thenApply, whenComplete... create theirs through {@link #newIncompleteFuture()}).
 * {@link #join()}, {@link #get()} and {@link #get(long, TimeUnit)} of a future that is not
 * done throw {@link IllegalStateException} at once on an event-loop thread or an NIO pool
 * thread ({@link UringThread}): such a wait would wait on itself (the loop thread is the one
 * that completes the future; a pool thread may hold the slot the awaited task queues for).
 */
class UringFuture<T> extends CompletableFuture<T> {
    static final String RULE = "a blocking wait on an event-loop thread would wait on itself; chain with "
            + "thenApply/whenComplete, or wait from another thread";

    /** A future already failed with {@code t}. */
    static <T> UringFuture<T> failed(Throwable t) {
        UringFuture<T> f = new UringFuture<>();
        f.deliverFailure(t);
        return f;
    }

    /** A future already completed with {@code value}. */
    static <T> UringFuture<T> completedWith(T value) {
        UringFuture<T> f = new UringFuture<>();
        f.deliver(value);
        return f;
    }

    /** Completes with the operation's outcome: uring4j's own paths (no {@link #abandoned()}). */
    final boolean deliver(T value) {
        return super.complete(value);
    }

    /** Fails with the operation's outcome: uring4j's own paths (no {@link #abandoned()}). */
    final boolean deliverFailure(Throwable t) {
        return super.completeExceptionally(t);
    }

    /**
     * Someone else completed this future ({@code orTimeout}, {@code completeOnTimeout}, the
     * caller's own complete): the operation behind it is no longer wanted. Subclasses cancel it.
     */
    void abandoned() {
    }

    @Override
    public boolean complete(T value) {
        boolean done = super.complete(value);
        if (done) {
            abandoned();
        }
        return done;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        boolean done = super.completeExceptionally(ex);
        if (done) {
            abandoned();
        }
        return done;
    }

    /** Throws if the caller is a completion thread and this future is not done. */
    final void checkWait(String method) {
        Thread t = Thread.currentThread();
        if (t instanceof UringThread && !isDone()) {
            throw new IllegalStateException(method + " on an uring4j future that is not done, on " + ((UringThread) t).role()
                    + " thread '" + t.getName() + "': " + RULE);
        }
    }

    @Override
    public T join() {
        checkWait("join()");
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        checkWait("get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkWait("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new UringFuture<>();
    }
}
