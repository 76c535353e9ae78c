package dev.uring4j.internal.ring;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;

/**
 * The mechanics of one ring, made together and attached to its native side at once: the
 * native batch call then takes counts, never addresses.
 */
public final class RingParts {
    private static final Native NATIVE = Native.access();

    public final InFlight inFlight;
    public final Submissions submissions;
    public final Completions completions;
    public final Crossing crossing;
    public final Stager stager;

    /**
     * @throws IllegalStateException if the native side refuses the memory (the ring is then destroyed)
     */
    public RingParts(long handle, int sqEntries, int cqEntries, boolean sqe128, boolean cqe32) {
        inFlight = new InFlight(sqEntries + cqEntries);
        submissions = new Submissions(sqEntries, sqe128 ? 128 : 64);
        completions = new Completions(cqEntries, cqe32 ? 32 : 16, inFlight);
        crossing = new Crossing(handle, submissions, completions, inFlight);
        stager = new Stager(inFlight, submissions, crossing);
        int attached = NATIVE.ringAttach(handle, submissions.address(), submissions.buffer().capacity(),
                Memory.address(crossing.header()), crossing.header().capacity(), completions.address(),
                completions.buffer().capacity());
        if (attached < 0) {
            NATIVE.ringDestroy(handle, true);
            throw new IllegalStateException("attaching the ring's staging memory failed: errno " + -attached);
        }
    }
}
