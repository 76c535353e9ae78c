package dev.uring4j.async;

import dev.uring4j.CompletionHandler;
import dev.uring4j.Cqe;
import dev.uring4j.Errno;
import dev.uring4j.Ring;
import dev.uring4j.SetupFlag;
import dev.uring4j.Sqe;
import dev.uring4j.Uring;
import dev.uring4j.UringException;
import dev.uring4j.internal.Deadlines;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.RingLoan;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@link Ring} driven by its own thread, usable from any thread. Submissions cross
 * threads through a lock-free queue; the loop drains the whole queue into the ring and
 * submits it with one native call, so a burst of N requests costs one JNI crossing, and
 * a sleeping loop is woken through an eventfd only when it actually sleeps.
 *
 * <p>Completions run on the loop thread: they complete a {@link CompletableFuture} (whose
 * dependent actions then run there too) or call a {@link Completion}. A callback, a
 * {@link RingOp} or a {@link RingCall} that throws anything (an {@link Error} too) is
 * logged or fails its own future; the loop keeps running and loses no other completion.
 * A blocking wait ({@code join}, {@code get}) on a future of this loop that is not done
 * throws {@link IllegalStateException} when called on a loop thread: it would wait on itself.
 *
 * <p>A {@link RingOp} prepares exactly one operation and returns its {@link Sqe}; the loop
 * attaches its task to that operation in the ring's own in-flight table (one id space:
 * there is no second table of requests), so a completion always finds its task, and an
 * operation the loop did not attach completes nobody's future. A RingOp that prepares no
 * operation, or more than one, fails its future at once ({@link IllegalStateException}).
 *
 * <p>The loop never blocks without a deadline ({@link EventLoopOptions#maxWait()}); a
 * watchdog reports a loop thread that stays inside io_uring_enter past
 * {@link EventLoopOptions#watchdogThreshold()}, or that makes no progress outside it for
 * that long (a callback that blocks), through {@link #stuckReports()} and the platform
 * logger, with its kernel state, the top of its stack and any matching known kernel bug.
 */
public final class EventLoop implements AutoCloseable {
    private static final Native NATIVE = Native.access();
    /**
     * Prepares exactly one operation on the loop's ring and returns its {@link Sqe}
     * ({@code ring -> ring.read(fd, buf, 0)}); SQE-wide choices may be chained on it, the tag
     * and attachment are the loop's. The loop submits, reaps and closes its ring: those
     * calls, from a RingOp or a RingCall or through a ring kept from one, throw
     * {@link IllegalStateException}.
     */
    @FunctionalInterface
    public interface RingOp {
        Sqe prepare(Ring ring) throws UringException;
    }

    /**
     * Work with the loop's ring on the loop thread that is not one operation: registrations,
     * limits (not submit, reap or close: see {@link RingOp}).
     */
    @FunctionalInterface
    public interface RingCall<T> {
        T call(Ring ring) throws Exception;
    }

    /** Receives one operation's result on the loop thread. */
    @FunctionalInterface
    public interface Completion {
        void onComplete(int res, int flags);
    }

    private static final System.Logger LOG = System.getLogger("dev.uring4j.async.EventLoop");
    /** Tags of the loop's own operations (they carry no task): its wake-up read, and cancels. */
    private static final long WAKE_TAG = Long.MIN_VALUE, CANCEL_TAG = Long.MIN_VALUE + 1;
    private static final int RUNNING = 0, SHUTTING_DOWN = 1, TERMINATED = 2;
    private static final AtomicInteger IDS = new AtomicInteger();
    /** -During4j.loop.pollBeforeSleep=false: never poll the ring before sleeping (see pollForCompletions). */
    private static final boolean POLL_BEFORE_SLEEP = !"false".equals(System.getProperty("uring4j.loop.pollBeforeSleep"));

    private final EventLoopOptions options;
    private final UringThread thread;
    private final ConcurrentLinkedQueue<LoopTask<?>> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ControlWork> control = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final List<StuckReport> stuckReports = Collections.synchronizedList(new ArrayList<>());
    private volatile long shutdownDeadline;
    private volatile long enterSince;
    /** When the loop began delivering the current batch of completions (user callbacks run then); 0 otherwise. */
    private volatile long callbacksSince;
    /** Shared loops only: how long the loop may sit with nothing to do before it ends itself (0: never). */
    private final long retireAfterNanos;
    /** Set when an idle shared loop retired itself: work that still reached it moves to another loop. */
    private volatile boolean retiredIdle;
    private volatile int tid;
    private volatile int eventFd = -1;
    private volatile boolean sqPoll;
    /** Advanced by the loop thread at each step (lazily published): the watchdog's measure of progress. */
    private final AtomicLong progress = new AtomicLong();
    /** What the loop thread is doing (PHASE_*), for the watchdog's report. */
    private final AtomicInteger phase = new AtomicInteger();
    static final int PHASE_IDLE = 0, PHASE_QUEUE = 1, PHASE_COMPLETIONS = 2, PHASE_ENTER = 3;

    // Loop-thread state.
    private Ring ring;
    /** Tasks whose operation is in the ring (attached to it), linked for close sweeps and shutdown. */
    private LoopTask<?> inRingHead;
    private int inRing;
    private boolean wakeArmed;
    /** When the loop last found itself with nothing in the ring (0: busy since). */
    private long idleSince;
    private final ByteBuffer wakeBuffer = Memory.allocate(8);
    private final CompletionHandler handler = new CompletionHandler() {
        @Override
        public void onCompletion(long tag, int res, int flags) {
            onCompletion(tag, null, res, flags);
        }

        @Override
        public void onCompletion(long tag, Object attachment, int res, int flags) {
            complete(tag, attachment, res, flags);
        }
    };

    /** The public RingOp API as a task: the future completes with the raw result or a UringException. */
    static final class RingOpTask extends LoopTask<Integer> {
        private final RingOp op;
        private final Completion completion;
        private final String operation;

        RingOpTask(RingOp op, Completion completion, String operation) {
            this.op = op;
            this.completion = completion;
            this.operation = operation;
        }

        @Override
        Sqe prepare(Ring ring) throws UringException {
            return op.prepare(ring);
        }

        @Override
        void onResult(int res, int flags) {
            if (completion != null) {
                completion.onComplete(res, flags);
            } else if (res < 0) {
                deliverFailure(UringException.ofResult(operation, res));
            } else {
                deliver(res);
            }
        }
    }

    /**
     * Work for the loop thread that is not a ring operation (a RingCall, a cancel, a close
     * sweep): a plain task on the loop's control queue, run before the operations queued
     * with it; {@link #abandon} completes whatever a task promised when the loop ends first.
     */
    private abstract static class ControlWork {
        abstract void run();

        void abandon(RejectedExecutionException e) {
        }
    }

    private EventLoop(EventLoopOptions options, long retireAfterNanos) {
        this.options = options;
        this.retireAfterNanos = retireAfterNanos;
        this.thread = new UringThread(this::run, options.name() + "-" + IDS.incrementAndGet(), "event-loop");
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
        return open(options, 0);
    }

    /** A loop that ends itself after {@code retireAfterNanos} with nothing to do (SharedLoops'). */
    static EventLoop open(EventLoopOptions options, long retireAfterNanos) throws UringException {
        Objects.requireNonNull(options, "options");
        Uring.ensureAvailable(); // also loads the native library the loop thread calls into
        EventLoop loop = new EventLoop(options, retireAfterNanos);
        loop.thread.start();
        try {
            loop.started.join();
        } catch (CompletionException e) {
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
        RingOpTask t = new RingOpTask(op, null, operation);
        if (!execute(t)) {
            t.deliverFailure(rejected());
        }
        return t;
    }

    /**
     * Runs {@code call} with the loop's ring on the loop thread, e.g. to register
     * provided buffers or fixed files; the future completes with its value or exception
     * (a loop that is shut down fails it with {@link RejectedExecutionException}).
     */
    public <T> CompletableFuture<T> call(RingCall<T> call) {
        Objects.requireNonNull(call, "call");
        UringFuture<T> f = new UringFuture<>();
        ControlWork w = new ControlWork() {
            @Override
            void run() {
                try {
                    f.complete(call.call(ring));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }

            @Override
            void abandon(RejectedExecutionException e) {
                f.completeExceptionally(e);
            }
        };
        if (inLoop()) {
            w.run();
        } else if (!runOnLoop(w)) {
            f.completeExceptionally(rejected());
        }
        return f;
    }

    /** Runs one ring operation on the loop and calls {@code completion} with its raw result. */
    public void submit(RingOp op, Completion completion) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(completion, "completion");
        if (!execute(new RingOpTask(op, completion, "operation"))) {
            throw rejected();
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("event loop " + thread.getName() + " is shut down");
    }

    /** Hands a task to the loop; false if the loop no longer accepts work. */
    boolean execute(LoopTask<?> task) {
        if (state.get() != RUNNING) {
            return false;
        }
        task.loop = this;
        enqueue(task);
        if (state.get() == TERMINATED) {
            // The loop ended between the check above and the enqueue, possibly after its last
            // look at the queue: complete whatever is left so that no future waits forever.
            failLeftovers();
        }
        return true;
    }

    private void failLeftovers() {
        ControlWork w;
        while ((w = control.poll()) != null) {
            try {
                w.abandon(rejected());
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "completing abandoned loop work failed", t);
            }
        }
        LoopTask<?> r;
        while ((r = queue.poll()) != null) {
            if (retiredIdle && SharedLoops.reroute(r)) {
                continue; // reached a shared loop as it retired for idleness: another loop runs it
            }
            try {
                fail(r, rejected());
            } finally {
                r.retire();
            }
        }
    }

    /** Queues control work; false (nothing queued) once the loop has terminated. */
    private boolean runOnLoop(ControlWork w) {
        if (state.get() == TERMINATED) {
            return false;
        }
        control.offer(w);
        wakeIfSleeping();
        if (state.get() == TERMINATED) {
            failLeftovers(); // the loop may have taken its last look at the queues before the offer
        }
        return true;
    }

    /** Called by LoopTask.cancel on any thread. */
    void cancelInKernel(LoopTask<?> task) {
        runOnLoop(new ControlWork() {
            @Override
            void run() {
                cancel(task);
            }
        });
    }

    /** Fails and cancels the file's tasks on this loop; the returned future completes when done. */
    CompletableFuture<Void> sweep(AsyncFile file) {
        UringFuture<Void> done = new UringFuture<>();
        ControlWork w = new ControlWork() {
            @Override
            void run() {
                sweepNow(file);
                done.complete(null);
            }

            @Override
            void abandon(RejectedExecutionException e) {
                done.complete(null); // the loop ended: its ring's close completed every task
            }
        };
        if (!runOnLoop(w)) {
            done.complete(null);
        }
        return done;
    }

    private void enqueue(LoopTask<?> r) {
        queue.offer(r);
        wakeIfSleeping();
    }

    private void wakeIfSleeping() {
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            wake();
        }
    }

    private void wake() {
        int fd = eventFd;
        if (fd >= 0) {
            NATIVE.eventfdSignal(fd);
        }
    }

    // ---------------------------------------------------------------- the loop thread

    private void run() {
        try {
            tid = NATIVE.gettid();
            ring = Ring.open(options.ring());
            sqPoll = ring.setupReport().applied().contains(SetupFlag.SQPOLL);
            int fd = NATIVE.eventfd();
            if (fd < 0) {
                ring.close();
                throw new UringException("eventfd", -fd, "the event loop's wake-up descriptor");
            }
            eventFd = fd;
            // RingOps get this ring: from now on only the loop submits, reaps and closes it.
            RingLoan.manage(ring);
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
        long maxWaitNanos = Deadlines.nanos(options.maxWait());
        long spinNanos = Deadlines.nanos(options.spin());
        while (true) {
            step();
            phase.lazySet(PHASE_QUEUE);
            drainQueue();
            int st = state.get();
            if (st != RUNNING && (inRing == 0 || System.nanoTime() - shutdownDeadline > 0)) {
                return;
            }
            int wakeStaged = 0;
            if (!wakeArmed) {
                ring.read(eventFd, wakeBuffer.clear(), 0).tag(WAKE_TAG);
                wakeArmed = true;
                wakeStaged = 1;
            }
            if (ring.staged() > wakeStaged || !queue.isEmpty() || !control.isEmpty()) {
                // Work to hand over: submit it and take whatever is ready, without blocking.
                phase.lazySet(PHASE_COMPLETIONS);
                idleSince = 0;
                callbacksSince = System.nanoTime();
                try {
                    RingLoan.turn(ring);
                    ring.submitAndReap(0, 0, TimeUnit.NANOSECONDS, handler);
                } finally {
                    callbacksSince = 0;
                }
                continue;
            }
            phase.lazySet(PHASE_IDLE);
            if (inRing == 0 && spinNanos > 0 && spinForWork(spinNanos)) {
                continue; // new submissions arrived while spinning: no eventfd round trip needed
            }
            // inRing counts tasks only (the loop's own wake-up read is not one).
            if (inRing > 0 && spinNanos > 0 && POLL_BEFORE_SLEEP && pollForCompletions(spinNanos)) {
                continue; // a completion came while polling: no sleep and wake-up in the kernel
            }
            sleeping.set(true);
            int wait = queue.isEmpty() && control.isEmpty() ? 1 : 0;
            if (wait == 0) {
                sleeping.set(false);
            }
            long timeout = st == RUNNING ? maxWaitNanos
                    : Math.max(1, Math.min(maxWaitNanos, shutdownDeadline - System.nanoTime()));
            phase.lazySet(PHASE_ENTER);
            long now = System.nanoTime();
            enterSince = now;
            if (inRing > 0) {
                idleSince = 0;
            } else if (idleSince == 0) {
                idleSince = now;
            } else if (retireAfterNanos > 0 && st == RUNNING && now - idleSince >= retireAfterNanos && wait == 1
                    && SharedLoops.retire(this)) {
                // Idle long enough: end, as shared threads must when nothing uses them (redeploys).
                retiredIdle = true;
                shutdownDeadline = now + 10_000_000_000L; // work that slipped in before the state change still runs
                state.compareAndSet(RUNNING, SHUTTING_DOWN);
                enterSince = 0;
                sleeping.set(false);
                continue;
            }
            try {
                RingLoan.turn(ring);
                ring.submitAndWait(wait, timeout, TimeUnit.NANOSECONDS);
            } catch (UringException e) {
                if (e.errno() != Errno.EINTR) {
                    throw e;
                }
                // Someone interrupted the loop thread: the loop is not theirs to stop (shutdown is).
                Thread.interrupted();
            } finally {
                enterSince = 0;
                step();
                sleeping.set(false);
            }
            phase.lazySet(PHASE_COMPLETIONS);
            // Awake before the handlers run: work they hand to this loop (a send after a
            // receive) must not pay for an eventfd wake-up of a loop that is not asleep
            // (it did: one eventfd write and one extra completion per echo round trip).
            callbacksSince = System.nanoTime();
            try {
                RingLoan.turn(ring);
                ring.reap(handler);
            } finally {
                callbacksSince = 0;
            }
        }
    }

    /**
     * With nothing in the kernel, callers usually follow completions with new requests
     * within microseconds: look at the queue for a moment before paying for a sleep and
     * an eventfd wake-up.
     */
    private boolean spinForWork(long spinNanos) {
        if (!SpinBudget.tryAcquire()) {
            return false;
        }
        try {
            return spinUntil(System.nanoTime() + spinNanos);
        } finally {
            SpinBudget.release();
        }
    }

    /**
     * With operations in the ring (a receive waiting for the next request), the answer often
     * comes within microseconds: looking at the ring for a moment (non-blocking enters, which
     * also run the kernel's deferred task work) spares the sleep and wake-up, which on a VM
     * with idle vCPUs costs tens of microseconds per round trip.
     */
    private boolean pollForCompletions(long spinNanos) throws UringException {
        if (!SpinBudget.tryAcquire()) {
            return false;
        }
        try {
            long end = System.nanoTime() + spinNanos;
            do {
                if (!queue.isEmpty() || !control.isEmpty()) {
                    return true;
                }
                callbacksSince = System.nanoTime();
                int n;
                try {
                    phase.lazySet(PHASE_COMPLETIONS);
                    RingLoan.turn(ring);
                    n = ring.reap(handler);
                } finally {
                    callbacksSince = 0;
                    phase.lazySet(PHASE_IDLE);
                }
                if (n > 0) {
                    return true;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() < end);
            return false;
        } finally {
            SpinBudget.release();
        }
    }

    private boolean spinUntil(long end) {
        do {
            for (int i = 0; i < 64; i++) { // read the clock only now and then: it is not free
                if (!queue.isEmpty() || !control.isEmpty()) {
                    return true;
                }
                Thread.onSpinWait();
            }
        } while (System.nanoTime() < end);
        return false;
    }

    private void drainQueue() {
        LoopTask<?> t;
        ControlWork w;
        while ((w = control.poll()) != null) {
            try {
                w.run();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.WARNING, "loop work failed; the event loop continues", e);
            }
            step();
        }
        while ((t = queue.poll()) != null) {
            if (t.isDone() || (t.owner() != null && !t.owner().isOpen())) {
                try {
                    if (!t.isDone()) {
                        t.deliverFailure(new AsynchronousCloseException());
                    }
                } finally {
                    t.retire();
                }
            } else {
                prepare(t);
            }
            step();
        }
    }

    /**
     * Prepares one task, checks that it staged exactly one operation, and attaches the task
     * to it; otherwise (or if prepare throws anything) the task fails at once and leaves the loop.
     */
    private void prepare(LoopTask<?> t) {
        int before = ring.inFlight();
        Sqe sqe;
        try {
            sqe = t.prepare(ring);
        } catch (Throwable e) {
            try {
                fail(t, e);
            } finally {
                t.retire();
            }
            return;
        }
        int prepared = ring.inFlight() - before;
        String misuse = sqe == null ? "returned no Sqe" : prepared != 1 ? "prepared " + prepared + " operations" : null;
        if (misuse == null) {
            try {
                sqe.attach(t);
            } catch (IllegalStateException e) {
                misuse = "returned an Sqe that is not the operation it prepared";
            }
        }
        if (misuse != null) {
            // Whatever it staged carries no task and completes nobody's future.
            try {
                fail(t, new IllegalStateException("a RingOp must prepare exactly one operation and return its Sqe; "
                        + "this one " + misuse));
            } finally {
                t.retire();
            }
            return;
        }
        t.opId = sqe.id();
        link(t);
    }

    private void link(LoopTask<?> t) {
        t.inRing = true;
        t.nextInRing = inRingHead;
        t.prevInRing = null;
        if (inRingHead != null) {
            inRingHead.prevInRing = t;
        }
        inRingHead = t;
        inRing++;
    }

    private void unlink(LoopTask<?> t) {
        if (!t.inRing) {
            return;
        }
        t.inRing = false;
        if (t.prevInRing != null) {
            t.prevInRing.nextInRing = t.nextInRing;
        } else {
            inRingHead = t.nextInRing;
        }
        if (t.nextInRing != null) {
            t.nextInRing.prevInRing = t.prevInRing;
        }
        t.nextInRing = t.prevInRing = null;
        inRing--;
    }

    /** Publishes progress for the watchdog (a plain store on x86). */
    private void step() {
        progress.lazySet(progress.get() + 1);
    }

    private void cancel(LoopTask<?> target) {
        if (target.inRing) {
            try {
                ring.cancel(target.opId).tag(CANCEL_TAG);
            } catch (UringException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "cancel failed: " + e.getMessage());
            }
        }
    }

    private void sweepNow(AsyncFile file) {
        for (LoopTask<?> t = inRingHead; t != null; t = t.nextInRing) {
            if (t.owner() == file) {
                t.deliverFailure(new AsynchronousCloseException());
                cancel(t);
            }
        }
    }

    private void complete(long tag, Object attachment, int res, int flags) {
        if (!(attachment instanceof LoopTask) || ((LoopTask<?>) attachment).loop != this) {
            if (tag == WAKE_TAG) {
                wakeArmed = false;
            } else if (tag != CANCEL_TAG) {
                // An operation of a RingOp that was refused (it staged more than one): not the loop's.
                LOG.log(System.Logger.Level.DEBUG, () -> "ignored a completion that carries no task (res " + res + ")");
            }
            return;
        }
        LoopTask<?> r = (LoopTask<?>) attachment;
        boolean last = (flags & Cqe.F_MORE) == 0;
        if (last) {
            unlink(r);
        }
        try {
            r.onResult(res, flags);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "a completion callback threw; the event loop continues", t);
        } finally {
            if (last) {
                retire(r);
            }
            step();
        }
    }

    private static void retire(LoopTask<?> r) {
        try {
            r.retire();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "releasing a finished operation failed; the event loop continues", t);
        }
    }

    private static void fail(LoopTask<?> r, Throwable t) {
        try {
            if (r instanceof RingOpTask && ((RingOpTask) r).completion != null) {
                LOG.log(System.Logger.Level.WARNING, "preparing an operation failed", t);
                r.onResult(-Errno.ECANCELED, 0);
            } else {
                r.deliverFailure(t);
            }
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "a completion callback threw; the event loop continues", e);
        }
    }

    private void terminate() {
        try {
            if (ring != null && !ring.isClosed()) {
                // Cancels what is left and delivers each completion once (with -ECANCELED).
                RingLoan.turn(ring);
                ring.close(Duration.ofSeconds(5), handler);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "closing the event loop's ring failed", t);
        } finally {
            state.set(TERMINATED);
            int fd = eventFd;
            eventFd = -1;
            if (fd >= 0) {
                NATIVE.close(fd);
            }
            failLeftovers();
            while (inRingHead != null) { // none after the ring's close delivered every completion
                LoopTask<?> left = inRingHead;
                unlink(left);
                try {
                    fail(left, new CancellationException("event loop " + thread.getName() + " shut down"));
                } finally {
                    retire(left);
                }
            }
            Watchdog.unregister(this);
            terminated.complete(null);
        }
    }

    // ---------------------------------------------------------------- lifecycle and diagnostics

    /**
     * Stops accepting work, lets in-flight operations finish until {@code timeout}, then
     * cancels the rest; every future completes. Returns when the loop thread has ended, except
     * on a uring4j completion thread (this loop's, another loop's, or the NIO pool's), where it
     * returns once the shutdown has begun: a wait there could wait for itself (two loops whose
     * callbacks close each other would each wait for the other for ever).
     */
    public void shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        shutdownDeadline = Deadlines.after(timeout);
        if (state.compareAndSet(RUNNING, SHUTTING_DOWN)) {
            wake();
        }
        if (!UringThread.current()) {
            terminated.join();
            try {
                thread.join(); // returns only once the loop thread is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    /** Whether the loop thread has been delivering completions (running callbacks) for at least {@code nanos}. */
    boolean inCallbacksFor(long now, long nanos) {
        long since = callbacksSince;
        return since != 0 && now - since >= nanos;
    }

    int tid() {
        return tid;
    }

    Thread thread() {
        return thread;
    }

    long progress() {
        return progress.get();
    }

    /** What the loop thread is doing, in words, for a report. */
    String doing() {
        switch (phase.get()) {
            case PHASE_QUEUE:
                return "preparing queued operations (RingOp.prepare, RingCall) or failing those of closed files";
            case PHASE_COMPLETIONS:
                return "delivering completions (user callbacks and dependent futures run here)";
            case PHASE_ENTER:
                return "inside io_uring_enter";
            default:
                return "between steps of its loop";
        }
    }

    boolean isSqPoll() {
        return sqPoll;
    }

    void addStuckReport(StuckReport r) {
        stuckReports.add(r);
    }
}
