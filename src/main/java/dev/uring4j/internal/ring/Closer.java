package dev.uring4j.internal.ring;

import dev.uring4j.CompletionHandler;
import dev.uring4j.Errno;
import dev.uring4j.Opcode;
import dev.uring4j.UringException;
import dev.uring4j.internal.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The drain part of a ring's close: every staged, in-flight and reaped operation completes
 * exactly once; what the kernel may still touch after the deadline is kept for ever
 * instead of freed. Whatever a handler throws (an Error too) is collected, not allowed to
 * stop the close; the caller rethrows it once the ring is torn down.
 */
public final class Closer {
    private static final Native NATIVE = Native.access();
    private static final System.Logger LOG = System.getLogger("dev.uring4j.Ring");
    /** user_data of the cancellations close sends; never an operation's. */
    public static final long CANCEL_USER_DATA = -2L;
    /** Memory of operations the kernel had not completed by close's deadline: never freed, each counted once. */
    private static final Set<Object> LEAKED = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    private final InFlight inFlight;
    private final Submissions submissions;
    private final Completions completions;
    private final Crossing crossing;
    private Throwable failure;
    private boolean leaked;

    public Closer(InFlight inFlight, Submissions submissions, Completions completions, Crossing crossing) {
        this.inFlight = inFlight;
        this.submissions = submissions;
        this.completions = completions;
        this.crossing = crossing;
    }

    public static int leakedBuffers() {
        return LEAKED.size();
    }

    public static void leak(Object memory) {
        if (memory != null) {
            LEAKED.add(memory);
        }
    }

    /**
     * Whether the ring's fd number still names an io_uring instance. If the application
     * closed it behind our back (and the number may already name another file), closing it
     * again would close someone else's file.
     */
    public static boolean fdStillNamesARing(int ringFd) {
        if (ringFd < 0) {
            return false;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd", String.valueOf(ringFd))).toString()
                    .equals("anon_inode:[io_uring]");
        } catch (IOException | RuntimeException e) {
            return !(e instanceof NoSuchFileException);
        }
    }

    /** What handlers (or the close itself) threw, first with the rest suppressed; null if nothing. */
    public Throwable failure() {
        return failure;
    }

    /** Whether some operation's memory had to be kept for ever. */
    public boolean leaked() {
        return leaked;
    }

    public void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        } else if (failure != t) {
            failure.addSuppressed(t);
        }
    }

    /** Staged records never reach the kernel: they complete with -ECANCELED. */
    public void cancelStaged(CompletionHandler h) {
        int n = submissions.takeAll();
        for (int i = 0; i < n; i++) {
            completions.synthesize(submissions.userData(i), -Errno.ECANCELED);
        }
        dispatchAll(h);
    }

    /** Dispatches every ready completion, whatever the handler throws. */
    public void dispatchAll(CompletionHandler h) {
        while (completions.ready() > 0) {
            try {
                completions.dispatch(h);
            } catch (Throwable e) {
                fail(e);
            }
        }
    }

    /** The owner is alive (and this is it): cancel everything (at least once) and reap until the deadline. */
    public void cancelAndDrain(CompletionHandler h, long deadline) {
        boolean syncCancel = true;
        try {
            while (inFlight.active() > 0) {
                long left = deadline - System.nanoTime();
                if (syncCancel) {
                    // Bypasses the SQ: cancellations cannot be held up behind an IO_DRAIN record.
                    int r = NATIVE.syncCancelAll(crossing.handle(), (int) Math.max(1, Math.min(100, left / 1_000_000)));
                    syncCancel = r != -Errno.EINVAL && r != -Errno.EOPNOTSUPP;
                }
                int cancels = syncCancel ? 0 : stageCancels(); // kernels before 6.0: one ASYNC_CANCEL each
                crossing.cross(cancels, left > 0 ? 1 : 0, Math.max(0, Math.min(left, 100_000_000L)));
                dispatchAll(h);
                if (left <= 0) {
                    break;
                }
            }
        } catch (UringException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cancelling in-flight operations at close failed: " + e.getMessage());
        }
    }

    private int stageCancels() throws UringException {
        int[] staged = {0};
        UringException[] failed = {null};
        inFlight.forEachActive(slot -> {
            if (failed[0] != null) {
                return;
            }
            if (submissions.isFull()) {
                try {
                    crossing.cross(submissions.takeAll(), 0, 0);
                } catch (UringException e) {
                    failed[0] = e;
                    return;
                }
            }
            submissions.append(Opcode.Code.ASYNC_CANCEL | (-1L << 32), 0L, inFlight.userData(slot), 0L,
                    CANCEL_USER_DATA, 0L);
            staged[0]++;
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return submissions.takeAll();
    }

    /**
     * The owner thread has ended: the kernel cancels and waits for every request that task
     * issued while the task exits, so once it is gone from /proc the kernel holds none of
     * this ring's memory (except on SQPOLL rings, whose kernel thread submitted them). The
     * ring is never entered from here (SINGLE_ISSUER refuses it; through the registered ring
     * fd index it would name a ring of this thread): completions are read from the CQ only.
     */
    public void drainAfterOwnerEnded(CompletionHandler h, long deadline, int ownerTid, boolean sqPoll) {
        Path task = Path.of("/proc/self/task", String.valueOf(ownerTid));
        // What completes meanwhile is delivered, and the wait ends once nothing is in flight: an
        // owner whose Java thread ended may live on as an OS thread (main() returned: the thread
        // waits in DestroyJavaVM until the JVM exits), and a close with nothing in flight must not
        // wait for it (it waited out the whole drain timeout, for ever with no deadline).
        while (Files.exists(task) && deadline - System.nanoTime() > 0) {
            while (crossing.reapOnly() > 0) {
                dispatchAll(h);
            }
            dispatchAll(h);
            if (inFlight.active() == 0) {
                break;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean kernelDone = !Files.exists(task) && !sqPoll;
        while (crossing.reapOnly() > 0) {
            dispatchAll(h);
        }
        dispatchAll(h);
        if (kernelDone) {
            inFlight.forEachActive(slot -> completions.synthesize(inFlight.userData(slot), -Errno.ECANCELED));
            dispatchAll(h);
        }
    }

    /**
     * Operations the kernel had not completed by the deadline complete with -ECANCELED, but
     * their memory (buffers, scratch) is kept for ever: the kernel may still write it.
     */
    public void leakWhatTheKernelHolds(CompletionHandler h, Duration drainTimeout) {
        if (inFlight.active() == 0) {
            return;
        }
        leaked = true;
        int kept = inFlight.active();
        inFlight.forEachActive(slot -> {
            leak(inFlight.reference(slot));
            leak(inFlight.scratchIfAny(slot)); // not scratch(): that would allocate one to leak
            completions.synthesize(inFlight.userData(slot), -Errno.ECANCELED);
        });
        LOG.log(System.Logger.Level.WARNING, "io_uring ring closed with " + kept + " operation(s) the kernel had "
                + "not completed within " + drainTimeout + "; their buffers are kept, never freed");
        dispatchAll(h);
    }
}
