package dev.uring4j.async;

import dev.uring4j.Ring;
import dev.uring4j.Sqe;
import dev.uring4j.UringException;
import dev.uring4j.internal.VirtualThreads;
import java.util.concurrent.ExecutionException;

/**
 * One operation handed to an {@link EventLoop}: the future the caller holds is the task
 * itself, so a request costs one object. The loop prepares it on its ring, then
 * delivers the result; cancelling the future cancels the operation in the kernel.
 *
 * <p>When the task leaves the loop for good (its final completion was delivered, or it was
 * dropped or failed before or while being prepared) the loop calls {@link #retire()} once:
 * a file operation releases its use of the file descriptor there.
 */
abstract class LoopTask<T> extends UringFuture<T> {
    /** Set by the loop: the ring's operation id, and links of its list of tasks in the ring. */
    long opId = -1;
    boolean inRing;
    LoopTask<?> nextInRing;
    LoopTask<?> prevInRing;
    volatile EventLoop loop;
    private boolean retired;

    /** Stages exactly one operation; returns its Sqe (the loop attaches this task to it). */
    abstract Sqe prepare(Ring ring) throws UringException;

    /** The operation's result, on the loop thread. */
    abstract void onResult(int res, int flags);

    /** Called once when the task has left the loop for good (see the class comment). */
    void onRetire() {
    }

    /** Runs {@link #onRetire()} the first time only. Each path that ends a task owns it exclusively. */
    final void retire() {
        if (!retired) {
            retired = true;
            onRetire();
        }
    }

    /** The file the operation belongs to (for close), or null. */
    AsyncFile owner() {
        return null;
    }

    /**
     * Completed from outside ({@code orTimeout}...): cancelled in the kernel as {@link #cancel}
     * does; its buffer stays referenced until the kernel is done with it.
     */
    @Override
    void abandoned() {
        EventLoop l = loop;
        if (l != null) {
            l.cancelInKernel(this);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(false);
        EventLoop l = loop;
        if (cancelled && l != null) {
            l.cancelInKernel(this);
        }
        return cancelled;
    }

    /**
     * How long get() and join() watch the future before parking the thread. io_uring
     * completions often arrive within microseconds; a parked caller costs the loop a
     * futex wake-up per completion, which halves throughput. 0 disables spinning.
     */
    static final long WAIT_SPIN_NANOS = Runtime.getRuntime().availableProcessors() > 1
            ? Long.getLong("uring4j.waitSpinNanos", 100_000L) : 0;

    private void spinUntilDone() {
        // A virtual thread never spins: it would hold its carrier, which the other virtual
        // threads (and whoever completes this future) need; parking unmounts it.
        if (WAIT_SPIN_NANOS <= 0 || isDone() || VirtualThreads.isVirtual(Thread.currentThread())
                || !SpinBudget.tryAcquire()) {
            return;
        }
        try {
            long end = System.nanoTime() + WAIT_SPIN_NANOS;
            do {
                for (int i = 0; i < 32; i++) {
                    if (isDone()) {
                        return;
                    }
                    Thread.onSpinWait();
                }
            } while (System.nanoTime() < end);
        } finally {
            SpinBudget.release();
        }
    }

    @Override
    public T join() {
        checkWait("join()");
        spinUntilDone();
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        checkWait("get()");
        spinUntilDone();
        return super.get();
    }
}
