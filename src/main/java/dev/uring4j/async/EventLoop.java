package dev.uring4j.async;

import dev.uring4j.CompletionHandler;
import dev.uring4j.Ring;
import dev.uring4j.SqeFlags;
import dev.uring4j.UringException;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link Ring} driven by its own thread, usable from any thread. Submissions cross
 * threads through a lock-free queue; the loop drains the whole queue into the ring and
 * submits it with one native call, so a burst of N requests costs one JNI crossing, and
 * a sleeping loop is woken through an eventfd only when it actually sleeps.
 *
 * <p>Completions run on the loop thread: they complete a {@link CompletableFuture} (whose
 * dependent actions then run there too) or call a {@link Completion}. A callback that
 * throws is logged; the loop keeps running.
 *
 * <p>The loop never blocks without a deadline ({@link EventLoopOptions#maxWait()}); a
 * watchdog reports a loop thread that stays inside io_uring_enter past
 * {@link EventLoopOptions#watchdogThreshold()} ({@link #stuckReports()}, and the
 * platform logger), with its kernel state and any matching known kernel bug.
 */
public final class EventLoop implements AutoCloseable {
    /** Prepares exactly one operation on the loop's ring with the given tag; returns its id. */
    @FunctionalInterface
    public interface RingOp {
        long prepare(Ring ring, long tag) throws UringException;
    }

    /** Receives one operation's result on the loop thread. */
    @FunctionalInterface
    public interface Completion {
        void onComplete(int res, int flags);
    }

    private static final System.Logger LOG = System.getLogger("dev.uring4j.async.EventLoop");
    private static final long WAKE_TAG = Long.MIN_VALUE;
    private static final int RUNNING = 0, SHUTTING_DOWN = 1, TERMINATED = 2;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final EventLoopOptions options;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final List<StuckReport> stuckReports = Collections.synchronizedList(new ArrayList<>());
    private volatile long shutdownDeadline;
    private volatile long enterSince;
    private volatile int tid;
    private volatile int eventFd = -1;
    private volatile boolean sqPoll;

    // Loop-thread state.
    private Ring ring;
    private Request[] requests = new Request[256];
    private int nextFree = -1;
    private int[] freeList = new int[256];
    private int used;
    private int inFlight;
    private boolean wakeArmed;
    private final ByteBuffer wakeBuffer = Memory.allocate(8);
    private final CompletionHandler handler = this::onCompletion;

    /** One cross-thread request; completes exactly once. */
    static final class Request {
        final RingOp op;
        final Completion completion;
        final LoopFuture future;
        final Request cancelTarget;
        final String operation;
        long opId = -1;
        int slot = -1;

        Request(RingOp op, Completion completion, LoopFuture future, Request cancelTarget, String operation) {
            this.op = op;
            this.completion = completion;
            this.future = future;
            this.cancelTarget = cancelTarget;
            this.operation = operation;
        }
    }

    /** A future whose cancel() also cancels the operation in the kernel. */
    final class LoopFuture extends CompletableFuture<Integer> {
        Request request;

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && request != null && state.get() != TERMINATED) {
                enqueue(new Request(null, null, null, request, null));
            }
            return cancelled;
        }
    }

    private EventLoop(EventLoopOptions options) {
        this.options = options;
        this.thread = new Thread(this::run, options.name() + "-" + IDS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /** Starts a loop with default options. */
    public static EventLoop open() throws UringException {
        return open(EventLoopOptions.defaults());
    }

    /**
     * Starts a loop thread and sets up its ring on it.
     *
     * @throws UringException if the ring cannot be set up (with the reason)
     */
    public static EventLoop open(EventLoopOptions options) throws UringException {
        Objects.requireNonNull(options, "options");
        dev.uring4j.Uring.ensureAvailable(); // also loads the native library the loop thread calls into
        EventLoop loop = new EventLoop(options);
        loop.thread.start();
        try {
            loop.started.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof UringException) {
                throw (UringException) e.getCause();
            }
            throw e;
        }
        Watchdog.register(loop);
        return loop;
    }

    // ---------------------------------------------------------------- submission (any thread)

    /**
     * Runs one ring operation on the loop. The future completes with the result
     * (bytes, fd, 0), exceptionally with {@link UringException} for {@code -errno}, or is
     * cancelled; cancelling it also cancels the operation in the kernel. Buffers the
     * operation uses stay referenced by the ring until the kernel is done with them.
     */
    public CompletableFuture<Integer> submit(RingOp op) {
        return submit(op, "operation");
    }

    /** As {@link #submit(RingOp)}, naming the operation in the exception of a failed result. */
    public CompletableFuture<Integer> submit(RingOp op, String operation) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(operation, "operation");
        LoopFuture f = new LoopFuture();
        Request r = new Request(op, null, f, null, operation);
        f.request = r;
        if (!accept(r)) {
            f.completeExceptionally(new RejectedExecutionException("event loop " + thread.getName() + " is shut down"));
        }
        return f;
    }

    /** Runs one ring operation on the loop and calls {@code completion} with its raw result. */
    public void submit(RingOp op, Completion completion) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(completion, "completion");
        if (!accept(new Request(op, completion, null, null, null))) {
            throw new RejectedExecutionException("event loop " + thread.getName() + " is shut down");
        }
    }

    private boolean accept(Request r) {
        if (state.get() != RUNNING) {
            return false;
        }
        enqueue(r);
        return true;
    }

    private void enqueue(Request r) {
        queue.offer(r);
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            wake();
        }
    }

    private void wake() {
        int fd = eventFd;
        if (fd >= 0) {
            Native.eventfdSignal(fd);
        }
    }

    // ---------------------------------------------------------------- the loop thread

    private void run() {
        try {
            tid = Native.gettid();
            ring = Ring.open(options.ring());
            sqPoll = ring.setupReport().applied().contains(dev.uring4j.SetupFlag.SQPOLL);
            int fd = Native.eventfd();
            if (fd < 0) {
                ring.close();
                throw new UringException("eventfd", -fd, "the event loop's wake-up descriptor");
            }
            eventFd = fd;
        } catch (Throwable t) {
            started.completeExceptionally(t);
            state.set(TERMINATED);
            terminated.complete(null);
            return;
        }
        started.complete(null);
        try {
            loop();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "event loop " + thread.getName() + " failed", t);
        } finally {
            terminate();
        }
    }

    private void loop() throws UringException {
        long maxWaitNanos = options.maxWait().toNanos();
        while (true) {
            drainQueue();
            int st = state.get();
            if (st != RUNNING && (inFlight == 0 || System.nanoTime() > shutdownDeadline)) {
                return;
            }
            if (!wakeArmed) {
                ring.read(eventFd, wakeBuffer, 0, SqeFlags.NONE, WAKE_TAG);
                wakeArmed = true;
            }
            sleeping.set(true);
            int wait = queue.isEmpty() ? 1 : 0;
            if (wait == 0) {
                sleeping.set(false);
            }
            long timeout = st == RUNNING ? maxWaitNanos
                    : Math.max(1, Math.min(maxWaitNanos, shutdownDeadline - System.nanoTime()));
            enterSince = System.nanoTime();
            try {
                ring.submitAndReap(wait, timeout, TimeUnit.NANOSECONDS, handler);
            } finally {
                enterSince = 0;
                sleeping.set(false);
            }
        }
    }

    private void drainQueue() {
        Request r;
        while ((r = queue.poll()) != null) {
            if (r.cancelTarget != null) {
                Request target = r.cancelTarget;
                if (target.slot >= 0 && requests[target.slot] == target) {
                    try {
                        ring.cancel(target.opId, SqeFlags.NONE, WAKE_TAG + 1);
                    } catch (UringException | RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "cancel failed: " + e.getMessage());
                    }
                }
                continue;
            }
            if (r.future != null && r.future.isDone()) {
                continue; // cancelled before it reached the ring
            }
            int slot = acquire(r);
            try {
                r.opId = r.op.prepare(ring, slot);
            } catch (Throwable t) {
                release(slot);
                fail(r, t);
            }
        }
    }

    private int acquire(Request r) {
        int slot;
        if (nextFree >= 0) {
            slot = nextFree;
            nextFree = freeList[slot];
        } else {
            if (used == requests.length) {
                requests = java.util.Arrays.copyOf(requests, used * 2);
                freeList = java.util.Arrays.copyOf(freeList, used * 2);
            }
            slot = used++;
        }
        requests[slot] = r;
        r.slot = slot;
        inFlight++;
        return slot;
    }

    private void release(int slot) {
        requests[slot].slot = -1;
        requests[slot] = null;
        freeList[slot] = nextFree;
        nextFree = slot;
        inFlight--;
    }

    private void onCompletion(long tag, int res, int flags) {
        if (tag == WAKE_TAG) {
            wakeArmed = false;
            return;
        }
        if (tag == WAKE_TAG + 1) {
            return; // the result of a cancel request: the target reports its own outcome
        }
        Request r = requests[(int) tag];
        if ((flags & dev.uring4j.Linux.CQE_F_MORE) == 0) {
            release((int) tag);
        }
        complete(r, res, flags);
    }

    private static void complete(Request r, int res, int flags) {
        try {
            if (r.completion != null) {
                r.completion.onComplete(res, flags);
            } else if (res < 0) {
                r.future.completeExceptionally(UringException.ofResult(r.operation, res));
            } else {
                r.future.complete(res);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "a completion callback threw; the event loop continues", t);
        }
    }

    private static void fail(Request r, Throwable t) {
        try {
            if (r.completion != null) {
                r.completion.onComplete(-125, 0);
                LOG.log(System.Logger.Level.WARNING, "preparing an operation failed", t);
            } else {
                r.future.completeExceptionally(t);
            }
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "a completion callback threw; the event loop continues", e);
        }
    }

    private void terminate() {
        try {
            if (ring != null && !ring.isClosed()) {
                // Cancels what is left and delivers each completion once (with -ECANCELED).
                ring.close(Duration.ofSeconds(5), handler);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "closing the event loop's ring failed", t);
        } finally {
            state.set(TERMINATED);
            int fd = eventFd;
            eventFd = -1;
            if (fd >= 0) {
                Native.close(fd);
            }
            Request r;
            while ((r = queue.poll()) != null) {
                if (r.cancelTarget == null) {
                    fail(r, new CancellationException("event loop " + thread.getName() + " shut down before the operation started"));
                }
            }
            for (int i = 0; i < used; i++) {
                if (requests[i] != null) {
                    Request left = requests[i];
                    requests[i] = null;
                    fail(left, new CancellationException("event loop " + thread.getName() + " shut down"));
                }
            }
            Watchdog.unregister(this);
            terminated.complete(null);
        }
    }

    // ---------------------------------------------------------------- lifecycle and diagnostics

    /**
     * Stops accepting work, lets in-flight operations finish until {@code timeout}, then
     * cancels the rest; every future completes. Returns when the loop thread has ended.
     */
    public void shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        shutdownDeadline = System.nanoTime() + timeout.toNanos();
        if (state.compareAndSet(RUNNING, SHUTTING_DOWN)) {
            wake();
        }
        if (Thread.currentThread() != thread) {
            terminated.join();
        }
    }

    /** {@link #shutdown(Duration)} with 10 s. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    public boolean isShutdown() {
        return state.get() != RUNNING;
    }

    public boolean isTerminated() {
        return state.get() == TERMINATED && terminated.isDone();
    }

    /** Whether the caller is the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The loop thread's name. */
    public String name() {
        return thread.getName();
    }

    /** Native submit/reap calls the loop's ring has made (a burst of requests shares one). */
    public long crossings() {
        Ring r = ring;
        return r == null ? 0 : r.crossings();
    }

    /** The loop's ring setup (flags applied and dropped), for diagnostics. */
    public String describe() {
        Ring r = ring;
        return thread.getName() + (r == null ? "" : ": " + r.setupReport());
    }

    /** Reports the watchdog made about this loop (most recent last). */
    public List<StuckReport> stuckReports() {
        synchronized (stuckReports) {
            return List.copyOf(stuckReports);
        }
    }

    EventLoopOptions options() {
        return options;
    }

    long enterSince() {
        return enterSince;
    }

    int tid() {
        return tid;
    }

    boolean isSqPoll() {
        return sqPoll;
    }

    void addStuckReport(StuckReport r) {
        stuckReports.add(r);
    }
}
