package dev.uring4j;

import dev.uring4j.internal.ring.Submissions;

/**
 * The operation just prepared on a {@link Ring}, before it is submitted: the SQE-wide
 * choices are named calls on it, chained right after the operation method:
 * <pre>{@code ring.read(fd, buf, 0).hardLink().tag(2);}</pre>
 * It is valid until the ring prepares its next operation or submits; using it later throws
 * {@link IllegalStateException}. The ring reuses a pool of 64 of these objects so that
 * preparing an operation allocates nothing: a kept Sqe is the same object that the 64th
 * operation after it gets, and then names that one (its {@link #id()} too, and its calls
 * change it while it is the last one prepared). So do not keep one: make the choices in
 * the chain that prepared the operation, and read {@link #id()} there if you need it.
 */
public final class Sqe {

    private final Ring ring;
    private long id;
    private int record;

    Sqe(Ring ring) {
        this.ring = ring;
    }

    /** Stamps this pooled object for the operation just staged. */
    Sqe reset(long id, int record) {
        this.id = id;
        this.record = record;
        return this;
    }

    /** The operation's id, for {@link Ring#cancel(long)}: valid until its final completion (not a tag). */
    public long id() {
        return id;
    }

    /** The value the operation's completions carry to the {@link CompletionHandler} (default 0). */
    public Sqe tag(long tag) {
        ring.current(this).inFlight.setTag((int) id, tag);
        return this;
    }

    /**
     * Attaches an object the completions carry to
     * {@link CompletionHandler#onCompletion(long, Object, int, int)} (an EventLoop attaches its task).
     */
    public Sqe attach(Object attachment) {
        ring.current(this).inFlight.attach((int) id, attachment);
        return this;
    }

    /** IO_LINK: the next operation starts after this one succeeds; a failure cancels the rest of the chain. */
    public Sqe link() {
        ring.current(this).submissions.orFlags(record, Submissions.IOSQE_IO_LINK);
        return this;
    }

    /** IO_HARDLINK: like {@link #link()}, but the chain goes on even if this one fails (or reads short). */
    public Sqe hardLink() {
        ring.current(this).submissions.orFlags(record, Submissions.IOSQE_IO_HARDLINK);
        return this;
    }

    /**
     * IO_DRAIN: starts only after every earlier operation completed. A ring uses drains or
     * zero-copy sends, not both (the kernel then never runs drained operations): if refused,
     * the operation is withdrawn ({@link IllegalArgumentException}; it completes nothing).
     */
    public Sqe drain() {
        Ring r = ring.current(this);
        r.drainRule.drainOrWithdraw(r.submissions, r.inFlight, record);
        return this;
    }

    /** IOSQE_ASYNC: straight to the kernel's async worker instead of trying non-blocking first. */
    public Sqe async() {
        ring.current(this).submissions.orFlags(record, Submissions.IOSQE_ASYNC);
        return this;
    }

    long idForCheck() {
        return id;
    }

    int record() {
        return record;
    }
}
