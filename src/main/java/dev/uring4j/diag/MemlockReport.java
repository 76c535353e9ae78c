package dev.uring4j.diag;

import dev.uring4j.RingOptions;
import dev.uring4j.SetupFlag;
import dev.uring4j.internal.HostFacts;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.NativeLoader;
import dev.uring4j.internal.RingLayout;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Locked memory as io_uring sees it: the RLIMIT_MEMLOCK limits, what this process has
 * locked (VmLck) and pinned (VmPin: io_uring's rings and registered buffers), whether
 * the caller has CAP_IPC_LOCK (then nothing is charged), and what a ring or a buffer
 * registration needs, computed from the kernel's layout.
 *
 * <p>The kernel counts against the limit per <em>user</em>, across all of that user's
 * processes, and releases a closed ring's charge asynchronously; this report sees only
 * this process, so "available" is an upper bound.
 */
public final class MemlockReport {
    private static final Native NATIVE = Native.access();
    private final long softLimit;
    private final long hardLimit;
    private final long vmLck;
    private final long vmPin;
    private final boolean capIpcLock;
    private final boolean kernelChargesRings;
    private final int pageSize;
    private final long euid;

    MemlockReport(long softLimit, long hardLimit, long vmLck, long vmPin, boolean capIpcLock,
                  boolean kernelChargesRings, int pageSize, long euid) {
        this.softLimit = softLimit;
        this.hardLimit = hardLimit;
        this.vmLck = vmLck;
        this.vmPin = vmPin;
        this.capIpcLock = capIpcLock;
        this.kernelChargesRings = kernelChargesRings;
        this.pageSize = pageSize;
        this.euid = euid;
    }

    /** The report for this process, read now. */
    public static MemlockReport current() {
        long[] limits = HostFacts.memlockLimits();
        KernelVersion k = UringSupport.kernelVersionOrNull();
        return new MemlockReport(limits[0], limits[1], Math.max(0, HostFacts.statusBytes("VmLck")),
                Math.max(0, HostFacts.statusBytes("VmPin")), HostFacts.hasCapIpcLock(),
                k == null || KnownIssues.chargesRingsToMemlock(k), systemPageSize(), HostFacts.read().euid);
    }

    static int systemPageSize() {
        return NativeLoader.isLoaded() ? NATIVE.pageSize() : 4096;
    }

    /** Soft RLIMIT_MEMLOCK in bytes, -1 for unlimited. */
    public long softLimit() {
        return softLimit;
    }

    /** Hard RLIMIT_MEMLOCK in bytes, -1 for unlimited. */
    public long hardLimit() {
        return hardLimit;
    }

    /** VmLck + VmPin of this process in bytes. */
    public long lockedBytes() {
        return vmLck + vmPin;
    }

    /** VmLck: mlock()ed bytes. */
    public long mlockedBytes() {
        return vmLck;
    }

    /** VmPin: bytes pinned by io_uring rings and registered buffers (and RDMA). */
    public long pinnedBytes() {
        return vmPin;
    }

    /** CAP_IPC_LOCK in the effective set: io_uring then charges nothing to the limit. */
    public boolean hasCapIpcLock() {
        return capIpcLock;
    }

    /** Whether this kernel charges ring memory to the limit (before 5.10, and 6.14 up to 7.0). */
    public boolean kernelChargesRings() {
        return kernelChargesRings;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Bytes still lockable by this process under the soft limit (Long.MAX_VALUE if unlimited or CAP_IPC_LOCK). */
    public long available() {
        if (softLimit < 0 || capIpcLock) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, softLimit - lockedBytes());
    }

    /** Bytes the kernel pins for a ring with these options (both regions, page-rounded). */
    public long ringBytes(RingOptions options) {
        Objects.requireNonNull(options, "options");
        int bits = 0;
        for (SetupFlag f : options.flags()) {
            bits |= f.bit();
        }
        return RingLayout.of(options.entries(), options.cqEntries(), bits | RingLayout.SETUP_NO_SQARRAY, pageSize)
                .pinnedBytes();
    }

    /** Bytes the kernel pins (and charges on every kernel) to register these buffers: the pages they span. */
    public long registeredBufferBytes(ByteBuffer... buffers) {
        Objects.requireNonNull(buffers, "buffers");
        long total = 0;
        for (ByteBuffer b : buffers) {
            Objects.requireNonNull(b, "buffer");
            if (!b.isDirect()) {
                throw new IllegalArgumentException("only direct buffers can be registered");
            }
            long start = Memory.address(b);
            long end = start + b.capacity();
            total += (end + pageSize - 1) / pageSize * pageSize - start / pageSize * pageSize;
        }
        return total;
    }

    /** Whether {@code needed} more bytes fit under the limit, as far as this process can tell. */
    public boolean fits(long needed) {
        return needed <= available();
    }

    /** How to raise the limit so that {@code needed} more bytes fit, in each place users set it. */
    public String advice(long needed) {
        long want = lockedBytes() + needed;
        long kib = (want + 1023) / 1024;
        return "raise RLIMIT_MEMLOCK to at least " + want + " bytes (" + kib + " KiB; more if other processes of uid "
                + euid + " use io_uring, as the limit is per user): 'ulimit -l " + kib + "' in the starting shell; '"
                + "<user> - memlock " + kib + "' in /etc/security/limits.conf; LimitMEMLOCK=" + want
                + " in the systemd unit; 'docker run --ulimit memlock=" + want + ":" + want
                + "'; or grant CAP_IPC_LOCK (then nothing is charged)";
    }

    /** A full explanation of a refusal: what needed how much, the limit, what is in use, the fix. */
    public String explain(long needed, String what) {
        return what + " needs " + needed + " bytes of locked memory; RLIMIT_MEMLOCK is " + text(softLimit)
                + " (hard " + text(hardLimit) + ") and this process already has " + lockedBytes()
                + " bytes locked or pinned (VmLck " + vmLck + ", VmPin " + vmPin + "). "
                + (kernelChargesRings ? "This kernel charges io_uring rings to the limit (kernels before 5.10, and 6.14 up to 7.0, "
                        + "for callers without CAP_IPC_LOCK)." : "This kernel charges registered buffers, not rings, to the limit.")
                + " Fix: " + advice(needed);
    }

    static String text(long limit) {
        return limit == -1 ? "unlimited" : limit == -2 ? "unknown" : limit + " bytes";
    }

    @Override
    public String toString() {
        return "RLIMIT_MEMLOCK soft " + text(softLimit) + ", hard " + text(hardLimit) + "; locked " + vmLck
                + " B (VmLck), pinned " + vmPin + " B (VmPin); CAP_IPC_LOCK " + (capIpcLock ? "yes" : "no")
                + "; rings charged to the limit: " + (capIpcLock ? "no (CAP_IPC_LOCK)" : kernelChargesRings ? "yes" : "no");
    }
}
