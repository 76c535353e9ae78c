package dev.uring4j.internal.ring;

import dev.uring4j.Errno;
import dev.uring4j.Opcode;
import dev.uring4j.UringException;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import java.nio.ByteBuffer;

/**
 * The one native crossing per batch: the staged records are validated and queued, the
 * ring is entered (optionally waiting), and completions are copied out; refused records
 * complete with made-up results, so that every operation still completes once. Also the
 * waits built on it: sliced so that an interrupt is seen, and refused when they could
 * never end.
 */
public final class Crossing {
    private static final Native NATIVE = Native.access();
    /** How long one kernel wait lasts at most before the interrupt status is looked at. */
    private static final long WAIT_SLICE_NANOS = 50_000_000L;

    private final Submissions submissions;
    private final Completions completions;
    private final InFlight inFlight;
    private final ByteBuffer header = Memory.allocate(Native.HDR_SIZE);
    private long handle;
    private long crossings;
    private int lastEnterError;

    public Crossing(long handle, Submissions submissions, Completions completions, InFlight inFlight) {
        this.handle = handle;
        this.submissions = submissions;
        this.completions = completions;
        this.inFlight = inFlight;
    }

    public ByteBuffer header() {
        return header;
    }

    public long handle() {
        return handle;
    }

    /** After the ring is destroyed: any further crossing gets -EBADF natively. */
    public void forgetHandle() {
        handle = 0;
    }

    public long crossings() {
        return crossings;
    }

    public int lastEnterError() {
        return lastEnterError;
    }

    /** Submits every staged record; waits for {@code waitNr} completions up to {@code timeoutNanos} (&lt; 0: none). */
    public int submitAll(int waitNr, long timeoutNanos) throws UringException {
        return cross(submissions.takeAll(), waitNr, timeoutNanos);
    }

    /**
     * Validates and queues the first {@code count} staged records (already taken from the
     * staging area), enters, reaps. Returns the records that reached the SQ.
     */
    public int cross(int count, int waitNr, long timeoutNanos) throws UringException {
        int first = completions.compact();
        crossings++;
        int r = NATIVE.submitAndReap(handle, count, waitNr, timeoutNanos, first, completions.free());
        if (r >= 0) {
            completions.added(r);
            lastEnterError = header.getInt(Native.HDR_ENTER_ERR);
            return header.getInt(Native.HDR_SUBMITTED);
        }
        int bad = header.getInt(Native.HDR_BAD_INDEX);
        if (bad >= 0 && r == -Errno.EINVAL) {
            for (int i = 0; i < count; i++) {
                completions.synthesize(submissions.userData(i), i == bad ? -Errno.EINVAL : -Errno.ECANCELED);
            }
            throw new UringException("submit", Errno.EINVAL, "record " + bad + " ("
                    + Opcode.name(submissions.opcode(bad)) + ") was rejected by the native validator: "
                    + NativeReject.describe(header.getInt(Native.HDR_REASON), header.getInt(Native.HDR_DETAIL))
                    + "; it completes with -EINVAL and the other " + (count - 1)
                    + " operations of the batch with -ECANCELED, none reached the kernel");
        }
        int queued = Math.max(0, header.getInt(Native.HDR_SUBMITTED));
        for (int i = queued; i < count; i++) {
            completions.synthesize(submissions.userData(i), -Errno.ECANCELED);
        }
        throw new UringException("io_uring_enter", -r, queued + " of " + count
                + " records reached the submission queue; the rest complete with -ECANCELED");
    }

    /** Copies what the CQ holds without entering the kernel (a ring whose owner ended). */
    public int reapOnly() {
        int first = completions.compact();
        int n = NATIVE.reapOnly(handle, first, completions.free());
        if (n > 0) {
            completions.added(n);
        }
        return Math.max(0, n);
    }

    /**
     * Submits, then waits until {@code minCompletions} are ready or {@code timeoutNanos}
     * passes (&lt; 0: no deadline; 0: no wait).
     *
     * @return the records submitted
     */
    public int submitAndWait(int minCompletions, long timeoutNanos) throws UringException {
        if (minCompletions < 0) {
            throw new IllegalArgumentException("minCompletions must be >= 0, got " + minCompletions);
        }
        // The ring holds at most its CQ entries of completions until they are dispatched (the
        // rest wait in the kernel): a wait for more ends once it holds that many.
        int target = Math.min(minCompletions, completions.holdable());
        int need = Math.max(0, target - completions.ready());
        if (need == 0 || timeoutNanos == 0) {
            return submitAll(need, 0);
        }
        checkWaitCanEnd(minCompletions);
        // The kernel's wait does not see Thread.interrupt(): wait in slices and look at the
        // interrupt status between them, as the JDK's interruptible channels react to it.
        // Without a deadline no clock is read (the common batch-and-wait loop).
        boolean timed = timeoutNanos > 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0;
        checkInterrupt();
        int submitted = submitAll(need, timed ? Math.min(timeoutNanos, WAIT_SLICE_NANOS) : WAIT_SLICE_NANOS);
        while ((need = target - completions.ready()) > 0) {
            long slice = WAIT_SLICE_NANOS;
            if (timed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                slice = Math.min(left, slice);
            }
            checkInterrupt();
            cross(0, need, slice);
        }
        return submitted;
    }

    private static void checkInterrupt() throws UringException {
        if (Thread.currentThread().isInterrupted()) {
            throw new UringException("io_uring_enter", Errno.EINTR, "the waiting thread was interrupted (its interrupt "
                    + "status stays set); the operations in flight go on: reap them later, or cancel them");
        }
    }

    /** A wait for more completions than the operations in flight can deliver would never end. */
    private void checkWaitCanEnd(int minCompletions) {
        int active = inFlight.active();
        if (minCompletions > active && inFlight.multiCompletionUsers() == 0) {
            throw new IllegalStateException("waiting for " + minCompletions + " completion(s), but only " + active
                    + " operation(s) are in flight (" + submissions.staged() + " staged, " + completions.ready()
                    + " completed and not yet dispatched) and none of them completes more than once: the wait could "
                    + "never be satisfied");
        }
    }
}
