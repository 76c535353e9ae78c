package dev.uring4j.internal;

import java.nio.ByteBuffer;

/**
 * The whole JNI surface of uring4j, and nothing else. Bound by {@code RegisterNatives}
 * in the shim's {@code JNI_OnLoad}. Natives take primitives and addresses, return
 * {@code -errno} on failure, and never call back into Java.
 *
 * <p>Callers must check {@link NativeLoader#isLoaded()} first: calling a native before
 * the library is loaded throws {@link UnsatisfiedLinkError}.
 */
public final class Native {
    /** Must equal {@code U4J_ABI_VERSION} in native/u4j.h. */
    public static final int ABI_VERSION = 8;

    // Ring info layout (U4J_INFO_* in u4j.h).
    public static final int INFO_FLAGS = 0;
    public static final int INFO_FEATURES = 4;
    public static final int INFO_SQ_ENTRIES = 8;
    public static final int INFO_CQ_ENTRIES = 12;
    public static final int INFO_RING_FD = 16;
    public static final int INFO_LAST_OP = 20;
    public static final int INFO_OPS = 24;
    public static final int INFO_MEM_USED = 280;
    public static final int INFO_CQES_OFFSET = 288;
    public static final int INFO_REG_RING = 292;
    public static final int INFO_SIZE = 296;

    // Batch header layout (U4J_REAP_* in u4j.h).
    public static final int HDR_SUBMITTED = 0;
    public static final int HDR_COUNT = 4;
    public static final int HDR_BAD_INDEX = 8;
    public static final int HDR_REASON = 12;
    public static final int HDR_ENTER_ERR = 16;
    public static final int HDR_DETAIL = 20;
    public static final int HDR_SIZE = 32;

    private Native() {}

    public static native int abiVersion();

    /** liburing version linked into the shim, as {@code major << 16 | minor}. */
    public static native int liburingVersion();

    public static native int pageSize();

    /**
     * Creates a ring with exactly these setup flags (no step-down here).
     *
     * @param wqFd          ring fd whose io-wq to share (ATTACH_WQ), or -1
     * @param memAddress    NO_MMAP: page-aligned zeroed memory for the rings, or 0
     * @return a ring handle (&gt; 0) or {@code -errno}
     */
    public static native long ringCreate(int entries, int cqEntries, int flags, int sqThreadCpu,
                                         int sqThreadIdleMillis, int wqFd, long memAddress, long memSize,
                                         boolean registerRingFd, long infoAddress);

    /** @param closeFd false when the fd number no longer names this ring (closed behind our back) */
    public static native void ringDestroy(long ring, boolean closeFd);

    /**
     * Validates {@code count} staged records, queues and submits them, optionally waits
     * for {@code waitNr} completions ({@code timeoutNanos < 0}: no deadline), and copies
     * up to {@code capacity} completions to {@code entriesAddress}.
     *
     * @return completions copied, or {@code -errno}; details in the header
     */
    public static native int submitAndReap(long ring, long stagingAddress, int count, int waitNr,
                                           long timeoutNanos, long headerAddress, long entriesAddress,
                                           int capacity);

    /** io_uring_register_iowq_max_workers: two u32 in/out at {@code valuesAddress}. */
    public static native int registerIowqMaxWorkers(long ring, long valuesAddress);

    /** The SQ ring's flags word (IORING_SQ_NEED_WAKEUP, IORING_SQ_CQ_OVERFLOW, IORING_SQ_TASKRUN). */
    public static native int sqFlags(long ring);

    /** Registers {@code count} fds (s32 array at {@code fdsAddress}; -1 for an empty slot). */
    public static native int registerFiles(long ring, long fdsAddress, int count);

    public static native int registerFilesSparse(long ring, int count);

    /** @return the number of slots updated, or -errno */
    public static native int updateFiles(long ring, int offset, long fdsAddress, int count);

    public static native int unregisterFiles(long ring);

    /** Registers {@code count} buffers described by a struct iovec array. */
    public static native int registerBuffers(long ring, long iovecsAddress, int count);

    public static native int unregisterBuffers(long ring);

    /** Page-aligned zeroed anonymous memory (MAP_HUGETLB if {@code huge}); address or -errno. */
    public static native long memMap(long size, boolean huge);

    public static native int memUnmap(long address, long size);

    /** A non-blocking, close-on-exec eventfd (the event loop's wake-up), or -errno. */
    public static native int eventfd();

    /** Adds 1 to an eventfd, waking a read pending on it. */
    public static native int eventfdSignal(int fd);

    /** The calling thread's kernel thread id (for /proc/self/task/TID). */
    public static native int gettid();

    public static native int ftruncate(int fd, long length);

    public static native int close(int fd);

    /** Cancels every request of the ring via IORING_REGISTER_SYNC_CANCEL (6.0+); 0 or -errno. */
    public static native int syncCancelAll(long ring, int timeoutMillis);

    /** bind(2) with a sockaddr of {@code length} bytes at {@code address}. */
    public static native int socketBind(int fd, long address, int length);

    /** socket(domain, type, protocol): the fd or -errno. */
    public static native int socketOpen(int domain, int type, int protocol);

    /** setsockopt(fd, level, name, &amp;value, sizeof(int)): 0 or -errno. */
    public static native int socketSetInt(int fd, int level, int name, int value);

    public static native int socketListen(int fd, int backlog);

    /** getsockname(2) into {@code capacity} bytes; returns the address length or -errno. */
    public static native int socketName(int fd, long address, int capacity);

    /** Maps and registers a provided-buffer ring of {@code entries} (a power of two); its address or -errno. */
    public static native long pbufRegister(long ring, int groupId, int entries);

    public static native int pbufUnregister(long ring, int groupId, long bufRing, int entries);

    /** JNI fallback for {@link Memory#address}; 0 for a heap buffer. */
    static native long directBufferAddress(ByteBuffer buffer);
}
