package dev.uring4j;

import dev.uring4j.diag.MemlockReport;
import dev.uring4j.internal.HostFacts;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.RingLayout;
import dev.uring4j.internal.ring.Closer;
import dev.uring4j.internal.ring.RingMemoryClaims;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Sets up a ring, stepping down optional flags the kernel refuses (EINVAL), newest
 * first, and recording why; in strict mode, names the refused flag instead.
 */
final class RingSetup {
    private static final Native NATIVE = Native.access();
    /** Optional flags, newest first: the order in which they are dropped. */
    private static final List<SetupFlag> STEP_DOWN_ORDER = List.of(SetupFlag.NO_SQARRAY, SetupFlag.DEFER_TASKRUN,
            SetupFlag.SINGLE_ISSUER, SetupFlag.TASKRUN_FLAG, SetupFlag.COOP_TASKRUN, SetupFlag.SUBMIT_ALL);

    /** ENOMEM retries with 1, 2, 4 ... 64 ms pauses: about 127 ms in all. */
    private static final int ENOMEM_RETRIES = 7;

    private static final int NO_MMAP = 1 << 14;
    private static final long HUGE_PAGE = 2L << 20;

    final long handle;
    final SetupReport report;
    /** NO_MMAP memory the ring lives in: a caller buffer, or a mapping of {@code mappedSize} bytes; else null/0. */
    final ByteBuffer callerMemory;
    final long mappedAddress;
    final long mappedSize;

    private boolean memoryReleased;

    /**
     * After close: NO_MMAP memory is freed only if every operation completed (the kernel may
     * still write into it otherwise: then it is kept for ever, as leaked buffers are).
     */
    void releaseMemory(boolean drained) {
        if (memoryReleased) {
            return;
        }
        memoryReleased = true;
        if (!drained) {
            Closer.leak(callerMemory);
            if (mappedAddress != 0) {
                Closer.leak(new long[] {mappedAddress, mappedSize});
            }
        } else {
            if (mappedAddress != 0) {
                NATIVE.memUnmap(mappedAddress, mappedSize);
            }
            RingMemoryClaims.release(callerMemory);
        }
    }

    /** The ring fd of {@code target} for ATTACH_WQ. */
    private static int fdForAttach(Ring target) {
        if (target.isClosed()) {
            throw new IllegalStateException("cannot attach to a closed ring");
        }
        if (target.fd() < 0) {
            throw new IllegalStateException("cannot attach to a ring set up with REGISTERED_FD_ONLY (it has no fd)");
        }
        return target.fd();
    }

    private RingSetup(long handle, SetupReport report, Attempt a) {
        this.handle = handle;
        this.report = report;
        this.callerMemory = a.callerMemory;
        this.mappedAddress = a.mappedAddress;
        this.mappedSize = a.mappedSize;
    }

    /** One real setup attempt with its memory, and what happened to NO_MMAP. */
    private static final class Attempt {
        ByteBuffer callerMemory;
        long mappedAddress;
        long mappedSize;
        String memoryNote = "kernel-mapped";
        boolean noMmap;

        void release() {
            if (mappedAddress != 0) {
                NATIVE.memUnmap(mappedAddress, mappedSize);
            }
            mappedAddress = 0;
            mappedSize = 0;
            callerMemory = null;
        }
    }

    /** @param info a direct buffer of {@link Native#INFO_SIZE} bytes the native side fills */
    static RingSetup create(RingOptions o, ByteBuffer info) throws UringException {
        checkSqThreadCpu(o);
        long infoAddress = Memory.address(info);
        EnumSet<SetupFlag> want = EnumSet.copyOf(o.flags());
        Map<SetupFlag, String> dropped = new EnumMap<>(SetupFlag.class);
        dropDependents(want, dropped);
        Attempt a = new Attempt();
        long h = createReal(o, bits(want), infoAddress, a);
        if (h == -Errno.EINVAL) {
            a.release();
            if (!accepts(o, required(want))) {
                throw requiredFailure(o, want);
            }
            if (o.strict()) {
                throw strictFailure(o, want);
            }
            want = stepDown(o, want, dropped);
            h = createReal(o, bits(want), infoAddress, a);
        }
        for (int attempt = 0; h == -Errno.ENOMEM && attempt < ENOMEM_RETRIES; attempt++) {
            // The kernel releases a closed ring's locked-memory charge asynchronously (per user):
            // rings this process just closed (the support probe, step-down trials) may still count.
            sleepMillis(1L << attempt);
            h = createReal(o, bits(want), infoAddress, a);
        }
        if (h < 0) {
            a.release();
            throw refusal(o, want, (int) -h);
        }
        int reg = info.getInt(Native.INFO_REG_RING);
        String ringFd = !o.registerRingFd() ? "not requested"
                : reg == 1 ? "registered" : "not registered (" + Errno.name(-reg) + ")";
        return new RingSetup(h, new SetupReport(o.flags(), info.getInt(Native.INFO_FLAGS), dropped, a.noMmap,
                a.memoryNote, ringFd), a);
    }

    /**
     * A SQPOLL thread CPU that is not online is refused here, naming the CPU: the kernel's
     * EINVAL for it would otherwise read as a refusal of SQPOLL (and of every flag step-down).
     */
    private static void checkSqThreadCpu(RingOptions o) throws UringException {
        if (!o.flags().contains(SetupFlag.SQPOLL) || o.sqThreadCpu() < 0) {
            return;
        }
        String problem = SetupRefusal.sqThreadCpuOffline(o.sqThreadCpu(), SetupRefusal.readOnlineCpus());
        if (problem != null) {
            throw new UringException("io_uring_setup", Errno.EINVAL, problem + "; options: " + o);
        }
    }

    /**
     * Creates the ring with the requested memory. If NO_MMAP is refused (EINVAL, EFAULT),
     * retries kernel-mapped and records why, unless strict; a kernel-mapped EINVAL is
     * returned for the flag step-down to handle.
     */
    private static long createReal(RingOptions o, int flags, long infoAddress, Attempt a) throws UringException {
        a.release();
        RingMemory m = o.memory();
        int wq = o.attachTo() != null ? fdForAttach(o.attachTo()) : -1;
        if (m.kind == RingMemory.Kind.KERNEL) {
            a.memoryNote = "kernel-mapped";
            a.noMmap = false;
            return NATIVE.ringCreate(o.entries(), o.cqEntries(), flags, o.sqThreadCpu(), (int) o.sqThreadIdle().toMillis(),
                    wq, 0, 0, o.registerRingFd(), infoAddress);
        }
        int page = NATIVE.pageSize();
        // Size for the larger layout (with the SQ array) in case NO_SQARRAY is not applied.
        long need = RingLayout.of(o.entries(), o.cqEntries(), flags & ~RingLayout.SETUP_NO_SQARRAY, page).pinnedBytes();
        String what = provide(m, need, page, o.strict(), a);
        long h = NATIVE.ringCreate(o.entries(), o.cqEntries(), flags | NO_MMAP, o.sqThreadCpu(),
                (int) o.sqThreadIdle().toMillis(), wq, memoryAddress(a), a.callerMemory != null
                        ? a.callerMemory.capacity() : a.mappedSize, o.registerRingFd(), infoAddress);
        if (h > 0) {
            a.noMmap = true;
            a.memoryNote = "NO_MMAP in " + what;
            return h;
        }
        int errno = (int) -h;
        if (errno != Errno.EINVAL && errno != Errno.EFAULT) {
            a.release();
            return h;
        }
        String why = "NO_MMAP in " + what + " was refused with " + Errno.name(errno) + " ("
                + (errno == Errno.EFAULT ? "the kernel could not pin the memory: 6.5 accepts only one-page regions; "
                        + "file-backed shared mappings cannot be pinned"
                        : "kernels before 6.5 lack NO_MMAP; 6.6-6.9 need physically contiguous memory such as a huge page")
                + ")";
        if (o.strict()) {
            a.release();
            throw new UringException("io_uring_setup", errno, "strict mode: " + why);
        }
        a.release();
        a.noMmap = false;
        long k = NATIVE.ringCreate(o.entries(), o.cqEntries(), flags, o.sqThreadCpu(), (int) o.sqThreadIdle().toMillis(),
                wq, 0, 0, o.registerRingFd(), infoAddress);
        a.memoryNote = "kernel-mapped: " + why + "; fell back to kernel-mapped rings";
        return k;
    }

    private static long memoryAddress(Attempt a) {
        return a.callerMemory != null ? Memory.address(a.callerMemory) : a.mappedAddress;
    }

    /** Puts the memory for a NO_MMAP attempt in place; returns its description. */
    private static String provide(RingMemory m, long need, int page, boolean strict, Attempt a) throws UringException {
        if (m.kind == RingMemory.Kind.CALLER) {
            ByteBuffer b = m.buffer;
            long address = Memory.address(b);
            if (address % page != 0) {
                throw new IllegalArgumentException("ring memory must start on a page boundary (page size " + page
                        + " bytes); this buffer starts " + (address % page) + " bytes into a page. Use "
                        + "ByteBuffer.allocateDirect(size + " + page + ").alignedSlice(" + page + ")");
            }
            if (b.capacity() < need) {
                throw new IllegalArgumentException("ring memory of " + b.capacity() + " bytes is too small: this ring needs "
                        + need + " bytes (page size " + page + "); see MemlockReport.ringBytes");
            }
            for (int i = 0; i < b.capacity(); i += 8) {
                if (b.capacity() - i >= 8) {
                    b.putLong(i, 0L);
                } else {
                    b.put(i, (byte) 0);
                }
            }
            a.callerMemory = b;
            return "caller memory (" + b.capacity() + " bytes)";
        }
        if (m.kind == RingMemory.Kind.HUGE_PAGE) {
            long size = (need + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
            long addr = NATIVE.memMap(size, true);
            if (addr > 0) {
                a.mappedAddress = addr;
                a.mappedSize = size;
                return "a huge page (" + size + " bytes)";
            }
            if (strict) {
                throw new UringException("mmap(MAP_HUGETLB)", (int) -addr, "strict mode: no huge page for the ring "
                        + "(reserve some with sysctl vm.nr_hugepages)");
            }
            long plain = NATIVE.memMap(need, false);
            if (plain < 0) {
                throw new UringException("mmap", (int) -plain, need + " bytes of ring memory");
            }
            a.mappedAddress = plain;
            a.mappedSize = need;
            return "uring4j-mapped memory (" + need + " bytes; no huge page: " + Errno.name((int) -addr)
                    + ", reserve some with sysctl vm.nr_hugepages)";
        }
        long addr = NATIVE.memMap(need, false);
        if (addr < 0) {
            throw new UringException("mmap", (int) -addr, need + " bytes of ring memory");
        }
        a.mappedAddress = addr;
        a.mappedSize = need;
        return "uring4j-mapped memory (" + need + " bytes)";
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

    static int bits(Collection<SetupFlag> flags) {
        int b = 0;
        for (SetupFlag f : flags) {
            b |= f.bit();
        }
        return b;
    }

    /** Tries a 2-entry ring with exactly {@code flags}; true if the kernel accepts them. */
    private static boolean accepts(RingOptions o, EnumSet<SetupFlag> flags) {
        return accepts(o, flags, o.sqThreadCpu());
    }

    /** As {@link #accepts(RingOptions, EnumSet)} with the SQPOLL thread pinned to {@code sqThreadCpu} (-1: unpinned). */
    private static boolean accepts(RingOptions o, EnumSet<SetupFlag> flags, int sqThreadCpu) {
        ByteBuffer info = Memory.allocate(Native.INFO_SIZE);
        long h = NATIVE.ringCreate(2, 0, bits(flags), sqThreadCpu, (int) o.sqThreadIdle().toMillis(), -1, 0, 0, false,
                Memory.address(info));
        if (h > 0) {
            NATIVE.ringDestroy(h, true);
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
                if (f == SetupFlag.SQPOLL && o.sqThreadCpu() >= 0 && accepts(o, EnumSet.of(f), -1)) {
                    // SQPOLL works; the CPU it was pinned to is what the kernel refuses
                    return new UringException("io_uring_setup", Errno.EINVAL, SetupRefusal.sqThreadCpuRefused(
                            o.sqThreadCpu(), SetupRefusal.readOnlineCpus(), SetupRefusal.readCpusetCpus())
                            + "; options: " + o);
                }
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
            long needed = RingLayout.of(o.entries(), o.cqEntries(), bits(want) | RingLayout.SETUP_NO_SQARRAY,
                    report.pageSize()).pinnedBytes();
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
