package dev.uring4j.internal;

/**
 * The kernel's memory layout of a ring, computed the way io_uring_setup does: the CQ
 * ring header (64 bytes: heads, masks, flags, cache-line aligned), the CQE array, the
 * SQ index array (absent with NO_SQARRAY), and the SQE array, each region rounded to
 * whole pages. Ring memory is accounted in pages, so this is what the kernel charges
 * against RLIMIT_MEMLOCK (where it charges rings at all) and what NO_MMAP memory must hold.
 */
public final class RingLayout {
    public static final int MAX_ENTRIES = 32768;
    static final int RINGS_HEADER = 64;
    static final int CACHE_LINE = 64;
    public static final int SETUP_CLAMP = 1 << 4;
    public static final int SETUP_SQE128 = 1 << 10;
    public static final int SETUP_CQE32 = 1 << 11;
    public static final int SETUP_NO_SQARRAY = 1 << 16;

    public final int sqEntries;
    public final int cqEntries;
    /** Bytes of the shared SQ/CQ rings region (header, CQEs, SQ array), not page-rounded. */
    public final long ringsBytes;
    /** Bytes of the SQE array, not page-rounded. */
    public final long sqeBytes;
    public final int pageSize;

    private RingLayout(int sqEntries, int cqEntries, long ringsBytes, long sqeBytes, int pageSize) {
        this.sqEntries = sqEntries;
        this.cqEntries = cqEntries;
        this.ringsBytes = ringsBytes;
        this.sqeBytes = sqeBytes;
        this.pageSize = pageSize;
    }

    /**
     * @param entries   requested SQ entries
     * @param cqEntries requested CQ entries, 0 for the default (2 x SQ)
     * @param flags     IORING_SETUP_* bits that will be applied
     */
    public static RingLayout of(int entries, int cqEntries, int flags, int pageSize) {
        boolean clamp = (flags & SETUP_CLAMP) != 0;
        int sq = roundUpPow2(clamp ? Math.min(entries, MAX_ENTRIES) : entries);
        int cq = cqEntries == 0 ? 2 * sq : roundUpPow2(clamp ? Math.min(cqEntries, 2 * MAX_ENTRIES) : cqEntries);
        long cqe = (flags & SETUP_CQE32) != 0 ? 32 : 16;
        long off = align(RINGS_HEADER + cq * cqe, CACHE_LINE);
        if ((flags & SETUP_NO_SQARRAY) == 0) {
            off += 4L * sq;
        }
        long sqe = (flags & SETUP_SQE128) != 0 ? 128 : 64;
        return new RingLayout(sq, cq, off, sqe * sq, pageSize);
    }

    /** Bytes the kernel pins (and may charge to RLIMIT_MEMLOCK): both regions in whole pages. */
    public long pinnedBytes() {
        return align(ringsBytes, pageSize) + align(sqeBytes, pageSize);
    }

    /** Pages the kernel pins. */
    public long pages() {
        return pinnedBytes() / pageSize;
    }

    static int roundUpPow2(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    static long align(long n, long to) {
        return (n + to - 1) / to * to;
    }
}
