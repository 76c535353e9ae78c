package dev.uring4j;

import dev.uring4j.internal.Errno;
import dev.uring4j.internal.HostFacts;
import dev.uring4j.internal.RingLayout;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.SetupRefusal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Sets up a ring, stepping down optional flags the kernel refuses (EINVAL), newest
 * first, and recording why; in strict mode, names the refused flag instead.
 */
final class RingSetup {
    /** Optional flags, newest first: the order in which they are dropped. */
    private static final List<SetupFlag> STEP_DOWN_ORDER = List.of(SetupFlag.NO_SQARRAY, SetupFlag.DEFER_TASKRUN,
            SetupFlag.SINGLE_ISSUER, SetupFlag.TASKRUN_FLAG, SetupFlag.COOP_TASKRUN, SetupFlag.SUBMIT_ALL);

    /** ENOMEM retries with 1, 2, 4 ... 64 ms pauses: about 127 ms in all. */
    private static final int ENOMEM_RETRIES = 7;

    final long handle;
    final SetupReport report;

    private RingSetup(long handle, SetupReport report) {
        this.handle = handle;
        this.report = report;
    }

    /** @param info a direct buffer of {@link Native#INFO_SIZE} bytes the native side fills */
    static RingSetup create(RingOptions o, ByteBuffer info) throws UringException {
        long infoAddress = Memory.address(info);
        EnumSet<SetupFlag> want = EnumSet.copyOf(o.flags());
        Map<SetupFlag, String> dropped = new EnumMap<>(SetupFlag.class);
        dropDependents(want, dropped);
        long h = create(o, bits(want), infoAddress);
        if (h == -Errno.EINVAL) {
            if (!accepts(o, required(want))) {
                throw requiredFailure(o, want);
            }
            if (o.strict()) {
                throw strictFailure(o, want);
            }
            want = stepDown(o, want, dropped);
            h = create(o, bits(want), infoAddress);
        }
        for (int attempt = 0; h == -Errno.ENOMEM && attempt < ENOMEM_RETRIES; attempt++) {
            // The kernel releases a closed ring's locked-memory charge asynchronously (per user):
            // rings this process just closed (the support probe, step-down trials) may still count.
            sleepMillis(1L << attempt);
            h = create(o, bits(want), infoAddress);
        }
        if (h < 0) {
            throw refusal(o, want, (int) -h);
        }
        return new RingSetup(h, new SetupReport(o.flags(), info.getInt(Native.INFO_FLAGS), dropped));
    }

    /**
     * Drops optional flags newest first until a 2-entry ring with the rest is accepted,
     * then adds back (oldest first) each dropped flag the kernel accepts with the others,
     * so that only flags the kernel really refuses are reported as dropped.
     */
    private static EnumSet<SetupFlag> stepDown(RingOptions o, EnumSet<SetupFlag> want, Map<SetupFlag, String> dropped) {
        EnumSet<SetupFlag> trial = EnumSet.copyOf(want);
        List<SetupFlag> removed = new ArrayList<>();
        for (SetupFlag f : STEP_DOWN_ORDER) {
            if (trial.remove(f)) {
                removed.add(f);
                if (accepts(o, trial)) {
                    break;
                }
            }
        }
        for (int i = removed.size() - 1; i >= 0; i--) {
            SetupFlag f = removed.get(i);
            EnumSet<SetupFlag> more = EnumSet.copyOf(trial);
            more.add(f);
            if (!dependenciesMet(more) || !accepts(o, more)) {
                dropped.put(f, refusedReason(f, trial));
            } else {
                trial = more;
            }
        }
        return trial;
    }

    private static String refusedReason(SetupFlag f, EnumSet<SetupFlag> others) {
        EnumSet<SetupFlag> probe = EnumSet.copyOf(others);
        probe.add(f);
        if (!dependenciesMet(probe)) {
            return "needs " + (f == SetupFlag.DEFER_TASKRUN ? "SINGLE_ISSUER" : "COOP_TASKRUN or DEFER_TASKRUN")
                    + ", which was dropped";
        }
        String why = others.contains(SetupFlag.SQPOLL) && (f == SetupFlag.COOP_TASKRUN || f == SetupFlag.TASKRUN_FLAG)
                ? "the kernel does not allow it together with SQPOLL"
                : "this kernel does not support it (upstream since Linux " + f.since() + "; distributions backport, so it was probed)";
        return "io_uring_setup returned EINVAL when it was added to " + others + ": " + why;
    }

    private static boolean dependenciesMet(EnumSet<SetupFlag> flags) {
        return !(flags.contains(SetupFlag.DEFER_TASKRUN) && !flags.contains(SetupFlag.SINGLE_ISSUER))
                && !(flags.contains(SetupFlag.TASKRUN_FLAG) && !flags.contains(SetupFlag.COOP_TASKRUN)
                        && !flags.contains(SetupFlag.DEFER_TASKRUN));
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void dropDependents(EnumSet<SetupFlag> want, Map<SetupFlag, String> dropped) {
        if (want.contains(SetupFlag.DEFER_TASKRUN) && !want.contains(SetupFlag.SINGLE_ISSUER)) {
            want.remove(SetupFlag.DEFER_TASKRUN);
            dropped.putIfAbsent(SetupFlag.DEFER_TASKRUN, "needs SINGLE_ISSUER, which is not set");
        }
        if (want.contains(SetupFlag.TASKRUN_FLAG) && !want.contains(SetupFlag.COOP_TASKRUN)
                && !want.contains(SetupFlag.DEFER_TASKRUN)) {
            want.remove(SetupFlag.TASKRUN_FLAG);
            dropped.putIfAbsent(SetupFlag.TASKRUN_FLAG, "needs COOP_TASKRUN or DEFER_TASKRUN, neither is set");
        }
    }

    static int bits(java.util.Collection<SetupFlag> flags) {
        int b = 0;
        for (SetupFlag f : flags) {
            b |= f.bit();
        }
        return b;
    }

    private static long create(RingOptions o, int flags, long infoAddress) {
        return Native.ringCreate(o.entries(), o.cqEntries(), flags, o.sqThreadCpu(),
                (int) o.sqThreadIdle().toMillis(), -1, 0, 0, infoAddress);
    }

    /** Tries a 2-entry ring with exactly {@code flags}; true if the kernel accepts them. */
    private static boolean accepts(RingOptions o, EnumSet<SetupFlag> flags) {
        ByteBuffer info = Memory.allocate(Native.INFO_SIZE);
        long h = Native.ringCreate(2, 0, bits(flags), o.sqThreadCpu(), (int) o.sqThreadIdle().toMillis(), -1, 0, 0,
                Memory.address(info));
        if (h > 0) {
            Native.ringDestroy(h);
            return true;
        }
        return false;
    }

    private static EnumSet<SetupFlag> required(EnumSet<SetupFlag> want) {
        EnumSet<SetupFlag> r = EnumSet.copyOf(want);
        r.removeIf(SetupFlag::optional);
        return r;
    }

    private static UringException requiredFailure(RingOptions o, EnumSet<SetupFlag> want) {
        EnumSet<SetupFlag> none = EnumSet.noneOf(SetupFlag.class);
        for (SetupFlag f : required(want)) {
            if (!accepts(o, EnumSet.of(f))) {
                return new UringException("io_uring_setup", Errno.EINVAL, "this kernel refuses " + f
                        + " (upstream since Linux " + f.since() + "), which cannot be stepped down; options: " + o);
            }
        }
        String sizes = accepts(o, none) ? "the combination " + required(want) + " with these sizes" : "the ring sizes";
        return new UringException("io_uring_setup", Errno.EINVAL, "the kernel refuses " + sizes
                + " (entries " + o.entries() + ", cqEntries " + o.cqEntries() + "); options: " + o);
    }

    private static UringException strictFailure(RingOptions o, EnumSet<SetupFlag> want) {
        EnumSet<SetupFlag> base = required(want);
        for (SetupFlag f : STEP_DOWN_ORDER) {
            if (want.contains(f)) {
                EnumSet<SetupFlag> trial = EnumSet.copyOf(base);
                trial.add(f);
                if (f == SetupFlag.DEFER_TASKRUN || f == SetupFlag.TASKRUN_FLAG) {
                    trial.add(f == SetupFlag.DEFER_TASKRUN ? SetupFlag.SINGLE_ISSUER : SetupFlag.COOP_TASKRUN);
                }
                if (!accepts(o, trial)) {
                    return new UringException("io_uring_setup", Errno.EINVAL, "strict mode: this kernel refuses "
                            + f + " (upstream since Linux " + f.since() + "); drop it or turn strict mode off to step down");
                }
            }
        }
        return new UringException("io_uring_setup", Errno.EINVAL,
                "strict mode: this kernel refuses the combination " + want + " (each flag alone is accepted)");
    }

    private static UringException refusal(RingOptions o, EnumSet<SetupFlag> want, int errno) {
        if (errno == Errno.ENOMEM) {
            MemlockReport report = MemlockReport.current();
            long needed = report.ringLayout(o, bits(want) | RingLayout.SETUP_NO_SQARRAY).pinnedBytes();
            return new UringMemlockException("io_uring_setup", report, needed, "a ring of " + o.entries()
                    + " SQ entries" + (o.cqEntries() > 0 ? " and " + o.cqEntries() + " CQ entries" : "")
                    + " (still refused after waiting " + ((1L << ENOMEM_RETRIES) - 1)
                    + " ms for asynchronously released charges)");
        }
        if (errno == Errno.EPERM && want.contains(SetupFlag.SQPOLL)) {
            return new UringException("io_uring_setup", errno, "SQPOLL was refused: it needs root before Linux 5.11 "
                    + "and CAP_SYS_NICE on 5.11-5.12; or io_uring is restricted on this host");
        }
        if (errno == Errno.EPERM || errno == Errno.ENOSYS) {
            return SetupRefusal.classify(errno, HostFacts.read(), List.of());
        }
        return new UringException("io_uring_setup", errno, "options: " + o);
    }
}
