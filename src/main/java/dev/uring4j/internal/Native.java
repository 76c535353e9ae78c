package dev.uring4j.internal;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The whole JNI surface of uring4j, and nothing else. Bound by {@code RegisterNatives}
 * in the shim's {@code JNI_OnLoad}. Natives take primitives and addresses, return
 * {@code -errno} on failure, and never call back into Java. The natives themselves are
 * private; the public methods are instance methods of the one object
 * {@link #access()} hands to uring4j's own classes, so no other code on the class path
 * can pass them an address.
 *
 * <p>Callers must check {@link NativeLoader#isLoaded()} first: calling a native before
 * the library is loaded throws {@link UnsatisfiedLinkError}.
 */
public final class Native {
    /**
     * Must equal {@code U4J_ABI_VERSION} in native/u4j.h.
     *
     * <p>This and every other {@code public static final int} of this class named
     * {@code ABI_VERSION}, {@code INFO_*}, {@code HDR_*}, {@code STAT_*}, {@code SQE_*},
     * {@code CQE_*} or {@code REJECT_*} mirrors a value of native/u4j.h ({@code U4J_LAYOUT},
     * {@code U4J_REJECTS}): {@link NativeLoader} reads the library's table ({@link #layout})
     * when it loads and refuses the library if any value, or any name, differs.
     */
    public static final int ABI_VERSION = 13;

    /** Name prefixes of the constants checked against the library's layout table. */
    static final List<String> LAYOUT_PREFIXES =
            List.of("ABI_VERSION", "INFO_", "HDR_", "STAT_", "SQE_", "CQE_", "REJECT_");

    /** sizeof(struct io_uring_sqe): one staged record. */
    public static final int SQE_SIZE = 64;
    /** sizeof(struct io_uring_cqe): one completion entry of the reap array (without CQE32). */
    public static final int CQE_SIZE = 16;

    // Validator rejection codes (U4J_REJECTS in u4j.h); messages in dev.uring4j.internal.ring.NativeReject.
    public static final int REJECT_OPCODE = 1;
    public static final int REJECT_OPCODE_KERNEL = 2;
    public static final int REJECT_SQE_FLAGS = 3;
    public static final int REJECT_NULL_ADDR = 4;
    public static final int REJECT_LENGTH = 5;
    public static final int REJECT_FD = 6;
    public static final int REJECT_USER_DATA = 7;
    public static final int REJECT_RESERVED = 8;
    public static final int REJECT_FIXED_FILE = 10;
    public static final int REJECT_BUF_INDEX = 11;
    public static final int REJECT_BUF_RANGE = 12;
    public static final int REJECT_BUF_GROUP = 13;
    public static final int REJECT_FILE_INDEX_KERNEL = 14;

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
    public static final int INFO_DIRECT_FDS = 296;
    public static final int INFO_SIZE = 304;

    // Batch header layout (U4J_REAP_* in u4j.h).
    public static final int HDR_SUBMITTED = 0;
    public static final int HDR_COUNT = 4;
    public static final int HDR_BAD_INDEX = 8;
    public static final int HDR_REASON = 12;
    public static final int HDR_ENTER_ERR = 16;
    public static final int HDR_DETAIL = 20;
    public static final int HDR_SIZE = 32;

    private static final Native INSTANCE = new Native();

    private Native() {}

    /**
     * The natives, for uring4j's own classes only: each keeps the answer in a static
     * final field. Any other caller gets {@link IllegalCallerException}.
     */
    public static Native access() {
        LibraryAccess.checkCaller("dev.uring4j.internal.Native");
        return INSTANCE;
    }

    public int abiVersion() {
        return nAbiVersion();
    }

    private static native int nAbiVersion();

    /**
     * The library's layout table as ASCII lines {@code NAME=VALUE}, written to
     * {@code address} only if {@code capacity} bytes hold all of it.
     *
     * @return the table's size in bytes (larger than {@code capacity}: nothing written), or -errno
     */
    public int layout(long address, int capacity) {
        return nLayout(address, capacity);
    }

    private static native int nLayout(long address, int capacity);

    /** liburing version linked into the shim, as {@code major << 16 | minor}. */
    public int liburingVersion() {
        return nLiburingVersion();
    }

    private static native int nLiburingVersion();

    public int pageSize() {
        return nPageSize();
    }

    private static native int nPageSize();

    /**
     * Creates a ring with exactly these setup flags (no step-down here).
     *
     * @param wqFd          ring fd whose io-wq to share (ATTACH_WQ), or -1
     * @param memAddress    NO_MMAP: page-aligned zeroed memory for the rings, or 0
     * @return a ring handle (&gt; 0) or {@code -errno}
     */
    public long ringCreate(int entries, int cqEntries, int flags, int sqThreadCpu, int sqThreadIdleMillis, int wqFd, long memAddress, long memSize, boolean registerRingFd, long infoAddress) {
        return nRingCreate(entries, cqEntries, flags, sqThreadCpu, sqThreadIdleMillis, wqFd, memAddress, memSize, registerRingFd, infoAddress);
    }

    private static native long nRingCreate(int entries, int cqEntries, int flags, int sqThreadCpu, int sqThreadIdleMillis, int wqFd, long memAddress, long memSize, boolean registerRingFd, long infoAddress);

    /** @param closeFd false when the fd number no longer names this ring (closed behind our back) */
    public void ringDestroy(long ring, boolean closeFd) {
        nRingDestroy(ring, closeFd);
    }

    private static native void nRingDestroy(long ring, boolean closeFd);

    /**
     * Attaches the ring's staging, batch-header and completion memory (once, right after
     * {@link #ringCreate}): the batch calls then take counts that the native side bounds by
     * these sizes, never addresses.
     */
    public int ringAttach(long ring, long stagingAddress, long stagingBytes, long headerAddress, long headerBytes,
                          long completionsAddress, long completionsBytes) {
        return nRingAttach(ring, stagingAddress, stagingBytes, headerAddress, headerBytes, completionsAddress,
                completionsBytes);
    }

    private static native int nRingAttach(long ring, long stagingAddress, long stagingBytes, long headerAddress,
                                          long headerBytes, long completionsAddress, long completionsBytes);

    /**
     * Validates the first {@code count} staged records, queues and submits them, optionally
     * waits for {@code waitNr} completions ({@code timeoutNanos < 0}: no deadline), and copies
     * up to {@code capacity} completions to the attached completion memory from entry
     * {@code first} on.
     *
     * @return completions copied, or {@code -errno} (-EBADF for a handle that names no ring); details in the header
     */
    public int submitAndReap(long ring, int count, int waitNr, long timeoutNanos, int first, int capacity) {
        return nSubmitAndReap(ring, count, waitNr, timeoutNanos, first, capacity);
    }

    private static native int nSubmitAndReap(long ring, int count, int waitNr, long timeoutNanos, int first, int capacity);

    /**
     * Copies completions already posted to the CQ, without entering the kernel (for a ring
     * whose owner thread has ended).
     */
    public int reapOnly(long ring, int first, int capacity) {
        return nReapOnly(ring, first, capacity);
    }

    private static native int nReapOnly(long ring, int first, int capacity);

    /** io_uring_register_iowq_max_workers: two u32 in/out at {@code valuesAddress}. */
    public int registerIowqMaxWorkers(long ring, long valuesAddress) {
        return nRegisterIowqMaxWorkers(ring, valuesAddress);
    }

    private static native int nRegisterIowqMaxWorkers(long ring, long valuesAddress);

    /** The SQ ring's flags word (IORING_SQ_NEED_WAKEUP, IORING_SQ_CQ_OVERFLOW, IORING_SQ_TASKRUN). */
    public int sqFlags(long ring) {
        return nSqFlags(ring);
    }

    private static native int nSqFlags(long ring);

    /** Registers {@code count} fds (s32 array at {@code fdsAddress}; -1 for an empty slot). */
    public int registerFiles(long ring, long fdsAddress, int count) {
        return nRegisterFiles(ring, fdsAddress, count);
    }

    private static native int nRegisterFiles(long ring, long fdsAddress, int count);

    public int registerFilesSparse(long ring, int count) {
        return nRegisterFilesSparse(ring, count);
    }

    private static native int nRegisterFilesSparse(long ring, int count);

    /** @return the number of slots updated, or -errno */
    public int updateFiles(long ring, int offset, long fdsAddress, int count) {
        return nUpdateFiles(ring, offset, fdsAddress, count);
    }

    private static native int nUpdateFiles(long ring, int offset, long fdsAddress, int count);

    public int unregisterFiles(long ring) {
        return nUnregisterFiles(ring);
    }

    private static native int nUnregisterFiles(long ring);

    /** Registers {@code count} buffers described by a struct iovec array. */
    public int registerBuffers(long ring, long iovecsAddress, int count) {
        return nRegisterBuffers(ring, iovecsAddress, count);
    }

    private static native int nRegisterBuffers(long ring, long iovecsAddress, int count);

    public int unregisterBuffers(long ring) {
        return nUnregisterBuffers(ring);
    }

    private static native int nUnregisterBuffers(long ring);

    /** Page-aligned zeroed anonymous memory (MAP_HUGETLB if {@code huge}); address or -errno. */
    public long memMap(long size, boolean huge) {
        return nMemMap(size, huge);
    }

    private static native long nMemMap(long size, boolean huge);

    public int memUnmap(long address, long size) {
        return nMemUnmap(address, size);
    }

    private static native int nMemUnmap(long address, long size);

    /** A non-blocking, close-on-exec eventfd (the event loop's wake-up), or -errno. */
    public int eventfd() {
        return nEventfd();
    }

    private static native int nEventfd();

    /** Adds 1 to an eventfd, waking a read pending on it. */
    public int eventfdSignal(int fd) {
        return nEventfdSignal(fd);
    }

    private static native int nEventfdSignal(int fd);

    /** The calling thread's kernel thread id (for /proc/self/task/TID). */
    public int gettid() {
        return nGettid();
    }

    private static native int nGettid();

    public int ftruncate(int fd, long length) {
        return nFtruncate(fd, length);
    }

    private static native int nFtruncate(int fd, long length);

    /** lseek(fd, offset, whence) for SEEK_SET (0) and SEEK_CUR (1): the new offset, or -errno. */
    public long lseek(int fd, long offset, int whence) {
        return nLseek(fd, offset, whence);
    }

    private static native long nLseek(int fd, long offset, int whence);

    // fstat output layout (U4J_STAT_* in u4j.h).
    public static final int STAT_SIZE = 0;
    public static final int STAT_BLKSIZE = 8;
    public static final int STAT_MODE = 12;
    public static final int STAT_BYTES = 16;

    /** fstat(2) on the calling thread into {@link #STAT_BYTES} bytes at {@code outAddress}; 0 or -errno. */
    public int fstat(int fd, long outAddress) {
        return nFstat(fd, outAddress);
    }

    private static native int nFstat(int fd, long outAddress);

    /** open(2) on the calling thread of the NUL-terminated path at {@code pathAddress}: the fd or -errno (EINTR retried). */
    public int open(long pathAddress, int flags, int mode) {
        return nOpen(pathAddress, flags, mode);
    }

    private static native int nOpen(long pathAddress, int flags, int mode);

    /**
     * preadv2/pwritev2 with RWF_NOWAIT on the calling thread: the bytes transferred, or
     * -EAGAIN if it would block (then use a ring), or another -errno (-EOPNOTSUPP where the
     * file or kernel has no non-blocking path). {@code offset} -1 uses (and moves) the file
     * position. {@code address} must lie in memory the caller keeps alive for the call.
     */
    public int rwNowait(int fd, long address, int length, long offset, boolean write) {
        return nRwNowait(fd, address, length, offset, write);
    }

    private static native int nRwNowait(int fd, long address, int length, long offset, boolean write);

    public int close(int fd) {
        return nClose(fd);
    }

    private static native int nClose(int fd);

    /** Cancels every request of the ring via IORING_REGISTER_SYNC_CANCEL (6.0+); 0 or -errno. */
    public int syncCancelAll(long ring, int timeoutMillis) {
        return nSyncCancelAll(ring, timeoutMillis);
    }

    private static native int nSyncCancelAll(long ring, int timeoutMillis);

    /** bind(2) with a sockaddr of {@code length} bytes at {@code address}. */
    public int socketBind(int fd, long address, int length) {
        return nSocketBind(fd, address, length);
    }

    private static native int nSocketBind(int fd, long address, int length);

    /** socket(domain, type, protocol): the fd or -errno. */
    public int socketOpen(int domain, int type, int protocol) {
        return nSocketOpen(domain, type, protocol);
    }

    private static native int nSocketOpen(int domain, int type, int protocol);

    /** setsockopt(fd, level, name, &amp;value, sizeof(int)): 0 or -errno. */
    public int socketSetInt(int fd, int level, int name, int value) {
        return nSocketSetInt(fd, level, name, value);
    }

    private static native int nSocketSetInt(int fd, int level, int name, int value);

    public int socketListen(int fd, int backlog) {
        return nSocketListen(fd, backlog);
    }

    private static native int nSocketListen(int fd, int backlog);

    /** getsockname(2) into {@code capacity} bytes; returns the address length or -errno. */
    public int socketName(int fd, long address, int capacity) {
        return nSocketName(fd, address, capacity);
    }

    private static native int nSocketName(int fd, long address, int capacity);

    /** Maps and registers a provided-buffer ring of {@code entries} (a power of two); its address or -errno. */
    public long pbufRegister(long ring, int groupId, int entries) {
        return nPbufRegister(ring, groupId, entries);
    }

    private static native long nPbufRegister(long ring, int groupId, int entries);

    public int pbufUnregister(long ring, int groupId, long bufRing, int entries) {
        return nPbufUnregister(ring, groupId, bufRing, entries);
    }

    private static native int nPbufUnregister(long ring, int groupId, long bufRing, int entries);

    /** JNI fallback for {@link Memory#address}; 0 for a heap buffer. */
    public long directBufferAddress(ByteBuffer buffer) {
        return nDirectBufferAddress(buffer);
    }

    private static native long nDirectBufferAddress(ByteBuffer buffer);
}
