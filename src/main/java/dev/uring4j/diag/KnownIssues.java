package dev.uring4j.diag;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The table of known kernel and liburing problems (sources in ../shared/notes/kernel-facts.md),
 * evaluated against a kernel version and a liburing version. Version ranges are used
 * only for warnings and guards; features are probed.
 */
public final class KnownIssues {
    public static final String IOWQ_DEADLOCK = "iowq-max-workers-sqpoll-deadlock";
    public static final String NO_MMAP_REGIONS = "no-mmap-multi-page-regions";
    public static final String MEMLOCK_CHARGED = "rings-charged-to-memlock";
    public static final String SQPOLL_SQE128_LEAK = "liburing-sqpoll-sqe128-exit-leak";

    private KnownIssues() {}

    public static List<KnownIssue> evaluate(KernelVersion k, int liburingMajor, int liburingMinor) {
        Objects.requireNonNull(k, "kernel");
        List<KnownIssue> list = new ArrayList<>();
        list.add(iowqDeadlock(k));
        list.add(noMmapRegions(k));
        list.add(memlockCharged(k));
        list.add(sqpollSqe128Leak(liburingMajor, liburingMinor));
        return list;
    }

    public static KnownIssue iowqDeadlock(KernelVersion k) {
        Objects.requireNonNull(k, "kernel");
        String fixed;
        boolean affected;
        if (k.isBefore(5, 15, 0)) {
            affected = false;
            fixed = "predates IORING_REGISTER_IOWQ_MAX_WORKERS (5.15)";
        } else if (k.isAtLeast(6, 10, 0)) {
            affected = false;
            fixed = "fixed upstream in 6.10";
        } else if (k.inSeries(5, 15)) {
            affected = k.isBefore(5, 15, 173);
            fixed = "fixed in 5.15.173";
        } else if (k.inSeries(6, 1)) {
            affected = k.isBefore(6, 1, 118);
            fixed = "fixed in 6.1.118";
        } else if (k.inSeries(6, 6)) {
            affected = k.isBefore(6, 6, 62);
            fixed = "fixed in 6.6.62";
        } else {
            affected = true;
            fixed = "no fixed release in the " + k.major() + "." + k.minor() + " series (fixed in 5.15.173, 6.1.118, 6.6.62, 6.10)";
        }
        return new KnownIssue(IOWQ_DEADLOCK,
                "IORING_REGISTER_IOWQ_MAX_WORKERS on an SQPOLL ring can deadlock io_uring_enter (task stuck in D state)",
                affected, "kernel " + k + " (" + k.source() + "): " + fixed,
                affected ? "Ring.registerIowqMaxWorkers refuses on SQPOLL rings unless forced; upgrade the kernel"
                        : "none needed",
                "liburing issue #1289; CVE-2024-41080; upstream 73254a297c2d");
    }

    public static KnownIssue noMmapRegions(KernelVersion k) {
        Objects.requireNonNull(k, "kernel");
        boolean affected;
        String verdict;
        if (k.isBefore(6, 5, 0)) {
            affected = false;
            verdict = "NO_MMAP does not exist before 6.5 (setup returns EINVAL; uring4j falls back to kernel-mapped rings)";
        } else if (k.inSeries(6, 5)) {
            affected = true;
            verdict = "6.5 rejects every NO_MMAP region larger than one page with EFAULT";
        } else if (k.isBefore(6, 10, 0) && !(k.inSeries(6, 6) && k.isAtLeast(6, 6, 84))) {
            affected = true;
            verdict = "before 6.10 (and 6.6.84) NO_MMAP regions above one page must be physically contiguous (a huge page), else EINVAL";
        } else {
            affected = false;
            verdict = "any pages work (fixed in 6.10 and 6.6.84)";
        }
        return new KnownIssue(NO_MMAP_REGIONS, "IORING_SETUP_NO_MMAP fails for rings larger than one page",
                affected, "kernel " + k + ": " + verdict,
                affected ? "uring4j falls back to kernel-mapped rings on EFAULT/EINVAL and reports it (use a huge page to keep NO_MMAP)"
                        : "none needed",
                "liburing issue #1032; kernel commits 820d070feb66, 09fc75e0c035");
    }

    /**
     * Whether ring memory is charged to RLIMIT_MEMLOCK for callers without CAP_IPC_LOCK.
     * Upstream moved rings to memcg in 5.12 (26bfa89e25f4); the 5.10 stable series has it
     * too (measured on Debian 5.10.0-46: a 2-entry ring sets up with a memlock limit of 0).
     * 6.14 charged them again (6.18.44 and 6.18.15 refuse under 4 KiB); 7.3.4 does not
     * (measured in the kernel matrix; the exact release that stopped is between the two).
     */
    public static boolean chargesRingsToMemlock(KernelVersion k) {
        Objects.requireNonNull(k, "kernel");
        return k.isBefore(5, 10, 0) || (k.isAtLeast(6, 14, 0) && k.isBefore(7, 0, 0));
    }

    public static KnownIssue memlockCharged(KernelVersion k) {
        Objects.requireNonNull(k, "kernel");
        boolean charged = chargesRingsToMemlock(k);
        return new KnownIssue(MEMLOCK_CHARGED,
                "ring memory counts against RLIMIT_MEMLOCK for users without CAP_IPC_LOCK (per user, released asynchronously)",
                charged, "kernel " + k + ": " + (charged
                        ? (k.isBefore(5, 10, 0) ? "before 5.10 rings are charged to RLIMIT_MEMLOCK"
                                : "6.14 to 6.x charge rings to RLIMIT_MEMLOCK again")
                        : "5.10 to 6.13 and 7.x charge rings to the memory cgroup, not RLIMIT_MEMLOCK")
                        + "; registered buffers are charged on every kernel",
                "setup and registration failures with ENOMEM throw UringMemlockException with limit, locked and needed bytes",
                "liburing issue #1408; kernel commit 26bfa89e25f4 (5.12)");
    }

    public static KnownIssue sqpollSqe128Leak(int major, int minor) {
        boolean affected = major == 2 && minor >= 5 && minor <= 8;
        return new KnownIssue(SQPOLL_SQE128_LEAK,
                "SQPOLL rings with SQE128 leak their iou-sqp kernel thread on exit (wrong unmap size)", affected,
                "bundled liburing " + major + "." + minor + (affected ? " is in the affected range 2.5-2.8"
                        : " is not affected (fixed in 2.9)"),
                affected ? "rebuild with liburing >= 2.9" : "none needed",
                "liburing issue #1310; liburing commit 460c1b4a");
    }
}
