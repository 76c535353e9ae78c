package dev.uring4j;

import dev.uring4j.internal.Deadlines;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.ring.Closer;
import java.time.Duration;
import java.util.ArrayList;

/**
 * A ring's close procedure, once its one closer is chosen ({@link Ring#close(Duration,
 * CompletionHandler)}): staged records complete with -ECANCELED, in-flight operations are
 * cancelled and drained until the deadline, what the kernel still holds then is kept for
 * ever; then the provided-buffer rings, the native ring and its NO_MMAP memory go. Every
 * step runs even if a handler (or an earlier step) threw.
 */
final class RingTeardown {
    private static final Native NATIVE = Native.access();
    private static final System.Logger LOG = System.getLogger("dev.uring4j.Ring");

    private RingTeardown() {}

    /**
     * @param ownerAlive whether the owner thread runs this (else it has ended: the kernel
     *                   cancelled its requests, and the ring must not be entered)
     * @return what the handler (or the procedure itself) threw, or null
     */
    static Throwable run(Ring ring, CompletionHandler h, Duration drainTimeout, boolean ownerAlive, int ownerTid) {
        Closer closer = new Closer(ring.inFlight, ring.submissions, ring.completions, ring.crossing);
        try {
            closer.cancelStaged(h);
            long deadline = Deadlines.after(drainTimeout);
            if (ownerAlive) {
                closer.cancelAndDrain(h, deadline);
            } else {
                closer.drainAfterOwnerEnded(h, deadline, ownerTid,
                        ring.setupReport().applied().contains(SetupFlag.SQPOLL));
            }
        } catch (Throwable t) { // our own failure (e.g. out of memory): the ring is still torn down below
            closer.fail(t);
        }
        closer.leakWhatTheKernelHolds(h, drainTimeout);
        boolean drained = ring.inFlight.active() == 0 && !closer.leaked();
        if (drained && ownerAlive) {
            closeProvidedBuffers(ring);
        }
        NATIVE.ringDestroy(ring.handle(), Closer.fdStillNamesARing(ring.fd()));
        ring.crossing.forgetHandle();
        ring.setup.releaseMemory(drained);
        return closer.failure();
    }

    /** Unmaps the buffer rings liburing mapped (only once the kernel uses none of them). */
    private static void closeProvidedBuffers(Ring ring) {
        for (ProvidedBuffers pb : new ArrayList<>(ring.providedBuffers)) {
            try {
                pb.close();
            } catch (UringException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "unregistering provided buffers at close: " + e.getMessage());
            }
        }
    }
}
