package dev.uring4j;

import dev.uring4j.internal.BufferLifetime;
import dev.uring4j.internal.Errno;
import dev.uring4j.internal.InFlight;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.Opcode;
import dev.uring4j.internal.VirtualThreads;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One io_uring instance, used by one thread (the thread that opened it).
 *
 * <p>Operations are prepared with methods such as {@link #read(int, ByteBuffer, long, int, long)};
 * each encodes one SQE-layout record into a staging buffer and returns the operation's
 * id (for {@link #cancel}). {@link #submit()}, {@link #submitAndWait} and
 * {@link #submitAndReap} hand every staged record to the kernel in <em>one</em> native
 * call, which also copies available completions back. Completions are delivered to a
 * {@link CompletionHandler} with the tag given at preparation. No allocation happens
 * per operation in steady state.
 *
 * <p>Memory safety: every buffer an operation uses stays referenced by the ring until
 * its completion is dispatched, so the garbage collector cannot free memory the kernel
 * may still write. Buffers are not modified by the ring (positions and limits are
 * unchanged): the completion's result says how many bytes were transferred.
 *
 * <p>Exactly once: every prepared operation is delivered to a handler exactly once,
 * with its result, an error, or {@code -ECANCELED} (also on close and when the
 * native validator or the kernel refuses a batch).
 *
 * <p>An unclosed ring is never collected (it may own memory the kernel writes to):
 * close it.
 */
public final class Ring implements AutoCloseable {
    private static final dev.uring4j.internal.Native NATIVE = dev.uring4j.internal.Native.access();
    private static final dev.uring4j.internal.Memory MEM = dev.uring4j.internal.Memory.raw();
    /** user_data of the cancellations close() sends; never a slot's user_data. */
    private static final long CLOSE_CANCEL_USER_DATA = -2L;
    private static final int MAX_RW = 0x7ffff000;
    private static final int FSYNC_DATASYNC = 1;
    private static final CompletionHandler DISCARD = (tag, res, flags) -> { };
    private static final boolean RAW = Memory.hasRawAccess();
    /** IOSQE_BUFFER_SELECT: set internally by the provided-buffer receives only. */
    private static final int BUFFER_SELECT = 1 << 5;
    private static final System.Logger LOG = System.getLogger("dev.uring4j.Ring");
    private static final Charset PATH_CHARSET = Charset.forName(
            System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));

    static {
        // Errors must stay reportable when the process is out of file descriptors: class
        // loading then fails too, so load the error path's classes up front.
        Errno.name(Errno.EMFILE);
        new UringException("init", Errno.EMFILE, null).getMessage();
    }

    /** Open rings are strongly reachable: an abandoned ring must not free memory under the kernel. */
    private static final Set<Ring> OPEN = ConcurrentHashMap.newKeySet();
    /** Buffers of operations the kernel did not complete before close's deadline: never freed (each counted once). */
    private static final Set<Object> LEAKED = Collections.synchronizedSet(
            Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

    /**
     * Caller-provided ring memory (RingMemory.caller) in use by a ring, or kept after a close
     * that could not drain: the kernel owns it, so no second ring may be set up in it.
     */
    private static final Set<ByteBuffer> RING_MEMORY_IN_USE = Collections.synchronizedSet(
            Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

    private static void claimRingMemory(ByteBuffer memory) {
        long start = Memory.address(memory);
        long end = start + memory.capacity();
        synchronized (RING_MEMORY_IN_USE) {
            for (ByteBuffer b : RING_MEMORY_IN_USE) {
                long s = Memory.address(b);
                if (start < s + b.capacity() && s < end) {
                    throw new IllegalStateException("this ring memory overlaps memory another ring uses (or kept after "
                            + "a close the kernel had not finished): two rings in one region would overwrite each other's "
                            + "queues. Give each ring its own buffer");
                }
            }
            RING_MEMORY_IN_USE.add(memory);
        }
    }

    private final Thread owner;
    /** The owner's kernel thread id: after it dies, close waits for the kernel to finish with the task. */
    private final int ownerTid;
    private long handle;
    /** Read on every call by the owner; written once, by close's winner. */
    private boolean closed;
    /** One winner per close, also when threads race to close a ring whose owner has ended. */
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private final SetupReport setupReport;
    private final int sqEntries;
    private final int cqEntries;
    private final int features;
    private final int ringFd;
    private final int lastOp;
    private final boolean[] opSupported = new boolean[256];
    private final int sqeSize;
    private final int cqeSize;

    private final ByteBuffer staging;
    private final long stagingAddress;
    private final int stagingCapacity;
    private int staged;

    private final ByteBuffer header;
    private final long headerAddress;
    private final ByteBuffer completions;
    private final long completionsAddress;
    private final int completionCapacity;
    private int pendingHead;
    private int pendingCount;

    /** Completions made up by the ring for operations the kernel never saw. */
    private long[] syntheticUserData = new long[16];
    private int[] syntheticResult = new int[16];
    private int syntheticHead;
    private int syntheticCount;

    private final InFlight inFlight;
    private final FixedFiles fixedFiles = new FixedFiles(this);
    private final FixedBuffers fixedBuffers = new FixedBuffers(this);
    /** NO_MMAP ring memory: the kernel writes into it until the ring is gone. */
    private ByteBuffer callerMemory;
    private long mappedAddress;
    private long mappedSize;
    private CompletionHandler lastHandler;
    private long strayCompletions;
    private int lastEnterError;
    private boolean leakedAtClose;
    private long crossings;

    private Ring(RingSetup setup, ByteBuffer info) {
        this.owner = Thread.currentThread();
        this.ownerTid = NATIVE.gettid();
        this.handle = setup.handle;
        this.setupReport = setup.report;
        this.features = info.getInt(Native.INFO_FEATURES);
        this.sqEntries = info.getInt(Native.INFO_SQ_ENTRIES);
        this.cqEntries = info.getInt(Native.INFO_CQ_ENTRIES);
        this.ringFd = info.getInt(Native.INFO_RING_FD);
        this.lastOp = info.getInt(Native.INFO_LAST_OP);
        for (int op = 0; op < 256; op++) {
            opSupported[op] = lastOp < 0 || info.get(Native.INFO_OPS + op) != 0;
        }
        int setupBits = setup.report.appliedBits();
        this.sqeSize = (setupBits & SetupFlag.SQE128.bit()) != 0 ? 128 : 64;
        this.cqeSize = (setupBits & SetupFlag.CQE32.bit()) != 0 ? 32 : 16;
        this.stagingCapacity = sqEntries;
        this.staging = Memory.allocate(stagingCapacity * sqeSize);
        this.stagingAddress = Memory.address(staging);
        this.header = Memory.allocate(Native.HDR_SIZE);
        this.headerAddress = Memory.address(header);
        this.completionCapacity = cqEntries;
        this.completions = Memory.allocate(completionCapacity * cqeSize);
        this.completionsAddress = Memory.address(completions);
        this.inFlight = new InFlight(sqEntries + cqEntries);
        int attached = NATIVE.ringAttach(handle, stagingAddress, staging.capacity(), headerAddress, header.capacity(),
                completionsAddress, completions.capacity());
        if (attached < 0) {
            NATIVE.ringDestroy(handle, true);
            throw new IllegalStateException("attaching the ring's staging memory failed: errno " + -attached);
        }
        this.callerMemory = setup.callerMemory;
        this.mappedAddress = setup.mappedAddress;
        this.mappedSize = setup.mappedSize;
    }

    /**
     * Sets up a ring owned by the calling thread.
     *
     * @throws UringUnavailableException if io_uring cannot be used in this process (with why)
     * @throws UringException            if the kernel refuses this configuration (naming the flag or size)
     */
    public static Ring open(RingOptions options) throws UringException {
        Objects.requireNonNull(options, "options");
        if (VirtualThreads.isVirtual(Thread.currentThread())) {
            throw new IllegalStateException("a Ring cannot be opened on a virtual thread: its owner must be an OS thread "
                    + "(SINGLE_ISSUER, DEFER_TASKRUN and the registered ring fd belong to the carrier thread the kernel "
                    + "sees, and a virtual thread moves between carriers: submits would fail with EBADF and completions "
                    + "would be lost). Use dev.uring4j.async.EventLoop or AsyncFile from virtual threads, or open the Ring "
                    + "on a platform thread");
        }
        Uring.ensureAvailable();
        ByteBuffer info = Memory.allocate(Native.INFO_SIZE);
        ByteBuffer callerMemory = options.memory().buffer;
        if (callerMemory != null) {
            claimRingMemory(callerMemory);
        }
        Ring ring;
        try {
            ring = new Ring(RingSetup.create(options, info), info);
        } catch (Throwable t) {
            if (callerMemory != null) {
                RING_MEMORY_IN_USE.remove(callerMemory);
            }
            throw t;
        }
        if (callerMemory != null && ring.callerMemory != callerMemory) {
            RING_MEMORY_IN_USE.remove(callerMemory); // set up in kernel memory after all (NO_MMAP refused)
        }
        OPEN.add(ring);
        return ring;
    }

    // ---------------------------------------------------------------- description

    /** Requested, applied and dropped setup flags, with reasons. */
    public SetupReport setupReport() {
        return setupReport;
    }

    public int sqEntries() {
        return sqEntries;
    }

    public int cqEntries() {
        return cqEntries;
    }

    /** {@code IORING_FEAT_*} bits reported by the kernel. */
    public int features() {
        return features;
    }

    /** The ring's file descriptor (for diagnostics; do not close it). */
    public int fd() {
        return ringFd;
    }

    /** Whether this kernel supports the opcode (probe); true for every opcode on kernels without the probe (&lt; 5.6). */
    public boolean isOpcodeSupported(int opcode) {
        return opcode >= 0 && opcode < 256 && opSupported[opcode];
    }

    /** Operations prepared and not yet delivered to a handler (staged, in the kernel, or reaped). */
    public int inFlight() {
        return inFlight.active();
    }

    /**
     * The tag an operation of this ring was prepared with, while it is in flight (an
     * {@code EventLoop} checks with it that a RingOp used the tag it was given).
     *
     * @throws IllegalArgumentException if {@code operationId} names no operation of this ring in flight
     */
    public long tagOf(long operationId) {
        checkOwner();
        int slot = inFlight.slotOf(operationId);
        if (slot < 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(operationId)
                    + " names no operation of this ring in flight (an id returned by one of its operations, not a tag)");
        }
        return inFlight.tag(slot);
    }

    /** Records staged and not yet submitted. */
    public int staged() {
        return staged;
    }

    /** Completions whose user_data named no live operation (should stay 0). */
    public long strayCompletions() {
        return strayCompletions;
    }

    /** Native calls made to submit and reap (one per batch): a measure of batching. */
    public long crossings() {
        return crossings;
    }

    /** -errno of the last absorbed io_uring_enter condition (ETIME, EINTR, EBUSY, EAGAIN), or 0. */
    public int lastEnterError() {
        return lastEnterError;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The registered file table of this ring. */
    public FixedFiles fixedFiles() {
        return fixedFiles;
    }

    /** The registered buffers of this ring. */
    public FixedBuffers fixedBuffers() {
        return fixedBuffers;
    }

    /**
     * For SQPOLL rings: whether the kernel thread has gone to sleep after its idle time
     * (IORING_SQ_NEED_WAKEUP). The next submission wakes it; this is for diagnostics.
     */
    public boolean isSqThreadSleeping() {
        checkOwner();
        return (NATIVE.sqFlags(handle) & 1) != 0;
    }

    long handle() {
        return handle;
    }

    /**
     * Refuses to unregister a table that operations in flight use: kernels before 6.x
     * wait for them inside the unregister call (it never returns for a read that never
     * completes), and after it the operations would refer to a table that is gone.
     */
    void checkTableIdle(boolean files) {
        // Kernels up to at least 6.12 make unregister wait for every request in flight, not
        // only those using the table (measured in the kernel matrix: a pending read made it hang).
        int users = inFlight.active() - staged;
        if (users > 0) {
            int direct = files ? inFlight.fileTableUsers() : inFlight.bufferTableUsers();
            throw new IllegalStateException(users + " operation(s) are in flight (" + direct + " of them use the "
                    + (files ? "file table" : "registered buffers") + "): reap them (or cancel them and reap the "
                    + "cancellations) before unregistering; kernels up to 6.12 wait for every request inside the "
                    + "unregister call");
        }
    }

    /** The ring fd for another ring's ATTACH_WQ. */
    int fdForAttach() {
        if (closed) {
            throw new IllegalStateException("cannot attach to a closed ring");
        }
        if (ringFd < 0) {
            throw new IllegalStateException("cannot attach to a ring set up with REGISTERED_FD_ONLY (it has no fd)");
        }
        return ringFd;
    }

    /** Number of buffers process-wide kept forever because the kernel had not released them at close. */
    public static int leakedBuffers() {
        return LEAKED.size();
    }

    // ---------------------------------------------------------------- operations

    /** Prepares a no-op that completes with 0. */
    public long nop(int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("nop", sqeFlags);
        return stage(Opcode.NOP, sqeFlags, -1, 0, 0, 0, 0, tag, null);
    }

    /**
     * Prepares a read of {@code dst.remaining()} bytes into {@code dst} at its position.
     *
     * @param offset file offset, or -1 for the file's current position
     */
    public long read(int fd, ByteBuffer dst, long offset, int sqeFlags, long tag) throws UringException {
        Objects.requireNonNull(dst, "dst");
        return read(fd, dst, dst.position(), dst.remaining(), offset, sqeFlags, tag);
    }

    /** Prepares a read of {@code length} bytes into {@code dst[index, index+length)}. */
    public long read(int fd, ByteBuffer dst, int index, int length, long offset, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        long address = bufferRange("read", dst, index, length, true);
        checkFd("read", fd, sqeFlags);
        checkOffset("read", offset);
        return stage(Opcode.READ, sqeFlags, fd, offset, address, length, 0, tag, dst);
    }

    /** Prepares a write of {@code src.remaining()} bytes from {@code src} at its position. */
    public long write(int fd, ByteBuffer src, long offset, int sqeFlags, long tag) throws UringException {
        Objects.requireNonNull(src, "src");
        return write(fd, src, src.position(), src.remaining(), offset, sqeFlags, tag);
    }

    /** Prepares a write of {@code src[index, index+length)}. */
    public long write(int fd, ByteBuffer src, int index, int length, long offset, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        long address = bufferRange("write", src, index, length, false);
        checkFd("write", fd, sqeFlags);
        checkOffset("write", offset);
        return stage(Opcode.WRITE, sqeFlags, fd, offset, address, length, 0, tag, src);
    }

    /** Prepares a vectored read filling each buffer's remaining space in order. */
    public long readv(int fd, ByteBuffer[] dsts, long offset, int sqeFlags, long tag) throws UringException {
        return vectored(Opcode.READV, "readv", fd, dsts, offset, sqeFlags, tag);
    }

    /** Prepares a vectored write of each buffer's remaining bytes in order. */
    public long writev(int fd, ByteBuffer[] srcs, long offset, int sqeFlags, long tag) throws UringException {
        return vectored(Opcode.WRITEV, "writev", fd, srcs, offset, sqeFlags, tag);
    }

    /** Prepares fsync ({@code dataOnly}: fdatasync). */
    public long fsync(int fd, boolean dataOnly, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        checkFd("fsync", fd, sqeFlags);
        return stage(Opcode.FSYNC, sqeFlags, fd, 0, 0, 0, dataOnly ? FSYNC_DATASYNC : 0, tag, null);
    }

    /** Prepares fallocate(fd, mode, offset, length); see {@link Linux#FALLOC_FL_KEEP_SIZE}. */
    public long fallocate(int fd, int mode, long offset, long length, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        checkFd("fallocate", fd, sqeFlags);
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("fallocate needs offset >= 0 and length > 0, got offset " + offset
                    + ", length " + length);
        }
        return stage(Opcode.FALLOCATE, sqeFlags, fd, offset, length, mode, 0, tag, null);
    }

    /**
     * Prepares openat(dirfd, path, flags, mode); the result is the new file descriptor.
     *
     * @param dirfd a directory fd or {@link Linux#AT_FDCWD}
     */
    public long openat(int dirfd, String path, int flags, int mode, int sqeFlags, long tag) throws UringException {
        return openat("openat", dirfd, path, flags, mode, 0, sqeFlags, tag);
    }

    /**
     * Prepares openat into fixed file slot {@code slot} of {@link #fixedFiles()} (5.15+),
     * or into a free slot the kernel picks with {@link FixedFiles#ALLOC} (5.19+). The
     * result is 0 (or, with ALLOC, the slot chosen); no regular fd is created.
     */
    public long openatDirect(int dirfd, String path, int flags, int mode, int slot, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        if (slot != FixedFiles.ALLOC) {
            fixedFiles.checkSlot("openatDirect", slot);
        } else if (!fixedFiles.isRegistered()) {
            fixedFiles.checkSlot("openatDirect", 0);
        }
        int fileIndex = slot == FixedFiles.ALLOC ? -1 /* IORING_FILE_INDEX_ALLOC */ : slot + 1;
        return openat("openatDirect", dirfd, path, flags, mode, fileIndex, sqeFlags, tag);
    }

    private long openat(String op, int dirfd, String path, int flags, int mode, int fileIndex, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("openat", sqeFlags);
        checkDirFd(op, dirfd);
        byte[] bytes = pathBytes(op, path);
        int slot = inFlight.acquire(tag);
        long address = putPath(slot, bytes);
        return stageSlot(slot, Opcode.OPENAT, sqeFlags, dirfd, 0, address, mode, flags, (long) fileIndex << 32);
    }

    /** Prepares close of fixed file slot {@code slot} (5.15+): the slot becomes empty. */
    public long closeDirect(int slot, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("close", sqeFlags);
        fixedFiles.checkSlot("closeDirect", slot);
        return stage(Opcode.CLOSE, sqeFlags, 0, 0, 0, 0, 0, tag, null, (long) (slot + 1) << 32);
    }

    /**
     * Prepares a read into registered buffer {@code bufIndex} at {@code [bufOffset, bufOffset+length)}
     * (READ_FIXED: no per-operation page pinning).
     */
    public long readFixed(int fd, int bufIndex, int bufOffset, int length, long fileOffset, int sqeFlags, long tag)
            throws UringException {
        return rwFixed(Opcode.READ_FIXED, "readFixed", fd, bufIndex, bufOffset, length, fileOffset, sqeFlags, tag);
    }

    /** Prepares a write from registered buffer {@code bufIndex} at {@code [bufOffset, bufOffset+length)}. */
    public long writeFixed(int fd, int bufIndex, int bufOffset, int length, long fileOffset, int sqeFlags, long tag)
            throws UringException {
        return rwFixed(Opcode.WRITE_FIXED, "writeFixed", fd, bufIndex, bufOffset, length, fileOffset, sqeFlags, tag);
    }

    private long rwFixed(int opcode, String op, int fd, int bufIndex, int bufOffset, int length, long fileOffset,
                         int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        long address = fixedBuffers.address(op, bufIndex, bufOffset, length);
        checkFd(op, fd, sqeFlags);
        checkOffset(op, fileOffset);
        return stage(opcode, sqeFlags, fd, fileOffset, address, length, 0, tag, fixedBuffers.buffer(bufIndex),
                bufIndex & 0xffffL);
    }

    /** Prepares close(fd) through the ring. */
    public long closeFd(int fd, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("close", sqeFlags);
        checkFd("close", fd, sqeFlags);
        return stage(Opcode.CLOSE, sqeFlags, fd, 0, 0, 0, 0, tag, null);
    }

    /**
     * Prepares statx(dirfd, path, flags, mask) into {@code out}.
     *
     * @param flags e.g. {@link Linux#AT_EMPTY_PATH} (with an empty path and a file's fd as dirfd)
     * @param mask  e.g. {@link Linux#STATX_BASIC_STATS}
     */
    public long statx(int dirfd, String path, int flags, int mask, StatxBuffer out, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("statx", sqeFlags);
        Objects.requireNonNull(out, "out");
        checkDirFd("statx", dirfd);
        byte[] bytes = pathBytes("statx", path);
        int slot = inFlight.acquire(tag);
        long address = putPath(slot, bytes);
        inFlight.reference(slot, out);
        return stageSlot(slot, Opcode.STATX, sqeFlags, dirfd, Memory.address(out.buffer), address, mask, flags);
    }

    /**
     * Prepares a timeout that completes with {@code -ETIME} after {@code timeout}, or
     * with 0 once {@code count} other completions have arrived (count 0: time only).
     */
    public long timeout(long timeout, TimeUnit unit, int count, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("timeout", sqeFlags);
        Objects.requireNonNull(unit, "unit");
        if (timeout < 0 || count < 0) {
            throw new IllegalArgumentException("timeout and count must be >= 0, got " + timeout + " " + unit
                    + " and count " + count);
        }
        int slot = inFlight.acquire(tag);
        return stageSlot(slot, Opcode.TIMEOUT, sqeFlags, -1, count, timespec(slot, unit.toNanos(timeout)), 1, 0);
    }

    /**
     * Prepares cancellation of an operation by the id its preparation returned. The
     * cancel completes with 0 (cancelled), {@code -ENOENT} (not found: already done) or
     * {@code -EALREADY} (running; it will complete on its own); the target completes
     * with {@code -ECANCELED} if it was cancelled.
     */
    public long cancel(long operationId, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("cancel", sqeFlags);
        if (!inFlight.isOwnId(operationId)) {
            throw new IllegalArgumentException("0x" + Long.toHexString(operationId) + " is not an operation id of this "
                    + "ring (the value an operation method returned; not a tag, nor another ring's id)");
        }
        return stage(Opcode.ASYNC_CANCEL, sqeFlags, -1, 0, operationId, 0, 0, tag, null);
    }

    // ---------------------------------------------------------------- network operations

    private final java.util.List<ProvidedBuffers> providedBuffers = new ArrayList<>();

    /**
     * Registers a provided-buffer ring of {@code count} (a power of two) buffers of
     * {@code size} bytes as group {@code groupId} (5.19+), for {@link #recvMultishot} and
     * {@link #recvSelect}. The buffers live until the group is closed (or the ring is).
     */
    public ProvidedBuffers provideBuffers(int groupId, int count, int size) throws UringException {
        checkOwner();
        ProvidedBuffers pb = new ProvidedBuffers(this, groupId, count, size);
        providedBuffers.add(pb);
        return pb;
    }

    boolean usesBuffers(ProvidedBuffers pb) {
        boolean[] used = {false};
        inFlight.forEachActive(slot -> used[0] |= inFlight.reference(slot) == pb);
        return used[0];
    }

    void forget(ProvidedBuffers pb) {
        providedBuffers.remove(pb);
    }

    /**
     * Prepares a multishot receive (6.0+) into buffers the kernel picks from {@code buffers}:
     * one completion per chunk received, each with {@link Linux#CQE_F_MORE} while it stays
     * armed and the buffer in its flags ({@link ProvidedBuffers#bufferId}). It ends with a
     * completion without CQE_F_MORE: 0 at end of stream, -ENOBUFS when no buffer was free
     * (recycle and re-arm; unread data stays in the socket), an error, or -ECANCELED.
     */
    public long recvMultishot(int fd, ProvidedBuffers buffers, int sqeFlags, long tag) throws UringException {
        return recvSelect("recvMultishot", fd, buffers, true, sqeFlags, tag);
    }

    /** Prepares one receive into a buffer the kernel picks from {@code buffers}. */
    public long recvSelect(int fd, ProvidedBuffers buffers, int sqeFlags, long tag) throws UringException {
        return recvSelect("recvSelect", fd, buffers, false, sqeFlags, tag);
    }

    private long recvSelect(String op, int fd, ProvidedBuffers buffers, boolean multishot, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        Objects.requireNonNull(buffers, "buffers");
        if (!providedBuffers.contains(buffers)) {
            throw new IllegalArgumentException(op + ": group " + buffers.groupId() + " is not registered with this ring");
        }
        checkFd(op, fd, sqeFlags);
        return completesMoreThanOnce(multishot, stage(Opcode.RECV, sqeFlags | BUFFER_SELECT, fd, 0, 0, 0, 0, tag, buffers, multishot ? 2L : 0L,
                buffers.groupId() & 0xffffL));
    }

    /** Prepares socket(domain, type, protocol) (5.19+); the result is the new fd. */
    public long socket(int domain, int type, int protocol, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("socket", sqeFlags);
        if (domain < 0) {
            throw new IllegalArgumentException("socket: domain must be >= 0 (e.g. Linux.AF_INET), got " + domain);
        }
        return stage(Opcode.SOCKET, sqeFlags, domain, type & 0xffffffffL, 0, protocol, 0, tag, null);
    }

    /** Prepares connect(fd, address); completes with 0 or -errno (e.g. -ECONNREFUSED). */
    public long connect(int fd, java.net.InetSocketAddress address, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        Objects.requireNonNull(address, "address");
        checkFd("connect", fd, sqeFlags);
        int slot = inFlight.acquire(tag);
        ByteBuffer sa = inFlight.scratch(slot, dev.uring4j.internal.SockAddr.MAX);
        int len;
        try {
            len = dev.uring4j.internal.SockAddr.encode(address, sa);
        } catch (IllegalArgumentException e) {
            inFlight.release(slot);
            throw e;
        }
        return stageSlot(slot, Opcode.CONNECT, sqeFlags, fd, len, Memory.address(sa), 0, 0);
    }

    /**
     * Prepares accept on a listening socket; the result is the new connection's fd.
     * {@code multishot} (5.19+) keeps accepting: each connection completes with
     * {@link Linux#CQE_F_MORE} set until the last completion, which has it clear.
     *
     * @param flags e.g. {@link Linux#SOCK_CLOEXEC}
     */
    public long accept(int fd, int flags, boolean multishot, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        checkFd("accept", fd, sqeFlags);
        return completesMoreThanOnce(multishot, stage(Opcode.ACCEPT, sqeFlags, fd, 0, 0, 0, flags, tag, null, multishot ? 1L : 0L, 0L));
    }

    /**
     * Prepares accept into fixed file slot {@code slot} of {@link #fixedFiles()} (5.19+),
     * or into a slot the kernel picks with {@link FixedFiles#ALLOC} (then the result is the
     * slot). Multishot needs ALLOC: each connection gets its own slot.
     */
    public long acceptDirect(int fd, int flags, int slot, boolean multishot, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        checkFd("acceptDirect", fd, sqeFlags);
        if ((flags & Linux.SOCK_CLOEXEC) != 0) {
            throw new IllegalArgumentException("acceptDirect: SOCK_CLOEXEC does not apply to fixed slots (the kernel refuses it)");
        }
        if (slot != FixedFiles.ALLOC) {
            if (multishot) {
                throw new IllegalArgumentException("acceptDirect: multishot needs FixedFiles.ALLOC (a slot per connection)");
            }
            fixedFiles.checkSlot("acceptDirect", slot);
        } else if (!fixedFiles.isRegistered()) {
            fixedFiles.checkSlot("acceptDirect", 0);
        }
        long fileIndex = slot == FixedFiles.ALLOC ? 0xffffffffL : slot + 1L;
        return completesMoreThanOnce(multishot, stage(Opcode.ACCEPT, sqeFlags, fd, 0, 0, 0, flags, tag, null, multishot ? 1L : 0L, fileIndex << 32));
    }

    /** Prepares send of {@code src[index, index+length)} with MSG_* flags (e.g. {@link Linux#MSG_NOSIGNAL}). */
    public long send(int fd, ByteBuffer src, int index, int length, int msgFlags, int sqeFlags, long tag)
            throws UringException {
        return transfer(Opcode.SEND, "send", fd, src, index, length, msgFlags, sqeFlags, tag);
    }

    /** Prepares recv into {@code dst[index, index+length)}; 0 means the peer closed its side. */
    public long recv(int fd, ByteBuffer dst, int index, int length, int msgFlags, int sqeFlags, long tag)
            throws UringException {
        return transfer(Opcode.RECV, "recv", fd, dst, index, length, msgFlags, sqeFlags, tag);
    }

    /** SEND, RECV and SEND_ZC on a caller buffer: the checks, then the record referencing the buffer. */
    private long transfer(int opcode, String op, int fd, ByteBuffer buffer, int index, int length, int msgFlags,
                          int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        if (opcode == Opcode.SEND_ZC) {
            noDrain(op, sqeFlags);
        }
        long address = bufferRange(op, buffer, index, length, opcode == Opcode.RECV);
        checkFd(op, fd, sqeFlags);
        return stage(opcode, sqeFlags, fd, 0, address, length, msgFlags, tag, buffer);
    }

    /**
     * Prepares sendmsg(fd, msg, msgFlags): gathers {@code msg}'s buffers, to its
     * {@linkplain SocketMessage#destination destination} if set, with its control data.
     * {@code msg} and its buffers stay referenced, and unchangeable, until the completion.
     */
    public long sendmsg(int fd, SocketMessage msg, int msgFlags, int sqeFlags, long tag) throws UringException {
        return message(Opcode.SENDMSG, "sendmsg", fd, msg, msgFlags, sqeFlags, tag);
    }

    /**
     * Prepares recvmsg(fd, msg, msgFlags): scatters into {@code msg}'s buffers; after the
     * completion {@code msg} has the sender's address, msg_flags (e.g. {@link Linux#MSG_TRUNC})
     * and the control data received. The result is the byte count (0: end of stream).
     */
    public long recvmsg(int fd, SocketMessage msg, int msgFlags, int sqeFlags, long tag) throws UringException {
        return message(Opcode.RECVMSG, "recvmsg", fd, msg, msgFlags, sqeFlags, tag);
    }

    /**
     * Prepares a zero-copy sendmsg (SENDMSG_ZC, 6.1+). Completes twice, as {@link #sendZc}:
     * the byte count with {@link Linux#CQE_F_MORE}, then the {@link Linux#CQE_F_NOTIF}
     * notification once the kernel no longer reads the buffers; they stay referenced, and
     * {@code msg} in use, until then.
     */
    public long sendmsgZc(int fd, SocketMessage msg, int msgFlags, int sqeFlags, long tag) throws UringException {
        return completesMoreThanOnce(true, message(Opcode.SENDMSG_ZC, "sendmsgZc", fd, msg, msgFlags, sqeFlags, tag));
    }

    private long message(int opcode, String op, int fd, SocketMessage msg, int msgFlags, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        if (opcode == Opcode.SENDMSG_ZC) {
            noDrain(op, sqeFlags);
        }
        Objects.requireNonNull(msg, "msg");
        msg.checkIdle(op);
        checkFd(op, fd, sqeFlags);
        boolean receive = opcode == Opcode.RECVMSG;
        long total = 0;
        for (int i = 0; i < msg.bufferCount(); i++) {
            ByteBuffer b = msg.buffer(i);
            msg.iovec(i, bufferRange(op + " buffer " + i, b, b.position(), b.remaining(), receive), b.remaining());
            total += b.remaining();
        }
        if (total > MAX_RW) {
            throw new IllegalArgumentException(op + " of " + total + " bytes exceeds the kernel's per-call maximum of "
                    + MAX_RW + " bytes");
        }
        long header = msg.header(receive);
        int slot = inFlight.acquire(tag);
        inFlight.reference(slot, msg); // and through it the buffers, which cannot change while in use
        long userData = stageSlot(slot, opcode, sqeFlags, fd, 0, header, 1, msgFlags);
        msg.attach(this, userData);
        return userData;
    }

    /**
     * Prepares a zero-copy send (SEND_ZC, 6.0+) of {@code src[index, index+length)} on a
     * connected socket: the kernel sends from the buffer's pages instead of copying them.
     * It completes twice: first the byte count (or -errno) with {@link Linux#CQE_F_MORE},
     * then a notification with {@link Linux#CQE_F_NOTIF} once the kernel no longer reads
     * the buffer. The buffer stays referenced until the notification; do not change it
     * before then. Pays off for large sends to a real NIC; over loopback the kernel copies.
     * A ring uses {@link SqeFlags#IO_DRAIN} or zero-copy sends, not both (the other is
     * refused: the kernel then never runs drained operations). A
     * notification the kernel posts after a final completion (a send cancelled in a link
     * chain gets one) is counted in {@link #strayCompletions()} and dropped.
     */
    public long sendZc(int fd, ByteBuffer src, int index, int length, int msgFlags, int sqeFlags, long tag)
            throws UringException {
        return completesMoreThanOnce(true, transfer(Opcode.SEND_ZC, "sendZc", fd, src, index, length, msgFlags, sqeFlags, tag));
    }

    /** As {@link #sendZc}, from registered buffer {@code bufIndex} at {@code [bufOffset, bufOffset+length)}. */
    public long sendZcFixed(int fd, int bufIndex, int bufOffset, int length, int msgFlags, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        noDrain("sendZcFixed", sqeFlags);
        long address = fixedBuffers.address("sendZcFixed", bufIndex, bufOffset, length);
        checkFd("sendZcFixed", fd, sqeFlags);
        return completesMoreThanOnce(true, stage(Opcode.SEND_ZC, sqeFlags, fd, 0, address, length, msgFlags, tag, fixedBuffers.buffer(bufIndex),
                SEND_ZC_FIXED_BUF, bufIndex & 0xffffL));
    }

    /** What the ring has used of IO_DRAIN and zero-copy sends: it uses one or the other (see noDrain). */
    private boolean usedZeroCopy;
    private boolean usedDrain;

    /**
     * A ring uses IO_DRAIN or zero-copy sends, never both. Zero-copy sends post completions
     * the kernel's drain accounting does not expect (a notification, even after a final
     * completion): in our tests (6.18) a drained zero-copy send, and a drained operation in
     * flight when a zero-copy send was submitted, never ran, and held back every later
     * operation; no cancel reaches them. The native validator enforces the same rule.
     */
    private void noDrain(String op, int sqeFlags) {
        if ((sqeFlags & SqeFlags.IO_DRAIN) != 0 || usedDrain) {
            throw drainOrZeroCopy(op + ": ", (sqeFlags & SqeFlags.IO_DRAIN) != 0 ? "send asks for IO_DRAIN"
                    : "ring has used IO_DRAIN");
        }
    }

    /** The one refusal of the IO_DRAIN / zero-copy rule (see noDrain), naming what this ring did. */
    private static IllegalArgumentException drainOrZeroCopy(String prefix, String what) {
        return new IllegalArgumentException(prefix + "a ring uses SqeFlags.IO_DRAIN or zero-copy sends, not both, and this "
                + what + " (drained operations then never run: the kernel's drain accounting does not expect zero-copy"
                + " notifications); order with IO_LINK, or use a ring of its own for the other");
    }

    /**
     * For a staged record: the registration tables it uses (unregistering them is refused
     * while it is in flight), and whether it commits the ring to IO_DRAIN or to zero-copy
     * sends (see noDrain).
     */
    private void noteRareUses(int slot, int opcode, int sqeFlags, long word40) {
        usedDrain |= (sqeFlags & SqeFlags.IO_DRAIN) != 0;
        usedZeroCopy |= opcode == Opcode.SEND_ZC || opcode == Opcode.SENDMSG_ZC;
        int tables = ((sqeFlags & SqeFlags.FIXED_FILE) != 0 || (word40 >>> 32) != 0 ? InFlight.USES_FILE_TABLE : 0)
                | (opcode == Opcode.READ_FIXED || opcode == Opcode.WRITE_FIXED
                        || (opcode == Opcode.SEND_ZC && (sqeFlags >>> 16 & SEND_ZC_FIXED_BUF) != 0)
                        ? InFlight.USES_BUFFER_TABLE : 0);
        if (tables != 0) {
            inFlight.markUses(slot, tables);
        }
    }

    /** Marks an operation that may complete more than once (multishot, zero-copy notification) for the wait check. */
    private long completesMoreThanOnce(boolean more, long userData) {
        if (more) {
            inFlight.markUses(inFlight.slotOf(userData), InFlight.COMPLETES_MORE_THAN_ONCE);
        }
        return userData;
    }

    /** IORING_RECVSEND_FIXED_BUF (an ioprio flag of SEND_ZC). */
    private static final long SEND_ZC_FIXED_BUF = 1L << 2;

    /** Whether {@code userData} names an operation of this ring that has not completed. */
    boolean isInFlight(long userData) {
        return inFlight.slotOf(userData) >= 0;
    }

    /** Prepares shutdown(fd, how) (5.11+), how = {@link Linux#SHUT_RD}, SHUT_WR or SHUT_RDWR. */
    public long shutdown(int fd, int how, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        checkFd("shutdown", fd, sqeFlags);
        if (how < 0 || how > 2) {
            throw new IllegalArgumentException("shutdown: how must be SHUT_RD (0), SHUT_WR (1) or SHUT_RDWR (2), got " + how);
        }
        return stage(Opcode.SHUTDOWN, sqeFlags, fd, 0, 0, how, 0, tag, null);
    }

    /**
     * Prepares a poll for {@code events} ({@link Linux#POLLIN}...); completes with the
     * ready events. {@code multishot} (5.13+) keeps polling, with {@link Linux#CQE_F_MORE}.
     */
    public long pollAdd(int fd, int events, boolean multishot, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        checkFd("pollAdd", fd, sqeFlags);
        return completesMoreThanOnce(multishot, stage(Opcode.POLL_ADD, sqeFlags, fd, 0, 0, multishot ? 1 : 0, events, tag, null));
    }

    /**
     * Prepares a timeout for the operation prepared just before it with
     * {@link SqeFlags#IO_LINK}: if that operation is still running after {@code timeout},
     * it is cancelled (-ECANCELED) and this completes with -ETIME; otherwise this
     * completes with -ECANCELED.
     */
    public long linkTimeout(long timeout, TimeUnit unit, int sqeFlags, long tag) throws UringException {
        checkUsable(sqeFlags);
        noFixedFile("linkTimeout", sqeFlags);
        Objects.requireNonNull(unit, "unit");
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout must be >= 0, got " + timeout + " " + unit);
        }
        int slot = inFlight.acquire(tag);
        return stageSlot(slot, Opcode.LINK_TIMEOUT, sqeFlags, -1, 0, timespec(slot, unit.toNanos(timeout)), 1, 0);
    }

    /**
     * Stages a record without the Java-side checks, so tests can prove the native
     * validator refuses what Java would never produce. Not API.
     */
    long stageUnchecked(int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags, long tag)
            throws UringException {
        checkUsable(0);
        return stage(opcode, sqeFlags, fd, off, addr, len, opFlags, tag, null);
    }

    /**
     * Limits the ring's io-wq worker threads (IORING_REGISTER_IOWQ_MAX_WORKERS): at most
     * {@code bounded} workers for bounded work (regular files, block devices) and
     * {@code unbounded} for unbounded work (sockets, pipes); 0 leaves a limit unchanged.
     * On SQPOLL rings on kernels with the known deadlock (fixed in 5.15.173, 6.1.118,
     * 6.6.62, 6.10) this is refused unless {@code force} is set.
     *
     * @return the previous limits {bounded, unbounded}
     */
    public int[] setIoWorkerLimits(int bounded, int unbounded, boolean force) throws UringException {
        checkUsable(0);
        if (bounded < 0 || unbounded < 0) {
            throw new IllegalArgumentException("worker limits must be >= 0 (0 = unchanged), got " + bounded + ", " + unbounded);
        }
        checkIowqGuard(UringSupport.kernelVersionOrNull(), setupReport.applied().contains(SetupFlag.SQPOLL), force);
        ByteBuffer values = Memory.allocate(8);
        values.putInt(0, bounded).putInt(4, unbounded);
        int r = NATIVE.registerIowqMaxWorkers(handle, Memory.address(values));
        if (r < 0) {
            throw new UringException("io_uring_register(IOWQ_MAX_WORKERS)", -r, "bounded " + bounded + ", unbounded " + unbounded);
        }
        return new int[] {values.getInt(0), values.getInt(4)};
    }

    /** The known-bug guard of {@link #setIoWorkerLimits}, with the kernel version injectable for tests. */
    static void checkIowqGuard(KernelVersion kernel, boolean sqpoll, boolean force) throws UringException {
        if (!sqpoll || force || kernel == null) {
            return;
        }
        KnownIssue issue = dev.uring4j.internal.KnownIssues.iowqDeadlock(kernel);
        if (issue.affected()) {
            throw new UringException("io_uring_register(IOWQ_MAX_WORKERS)", 0, "refused on this SQPOLL ring: "
                    + issue.title() + "; " + issue.verdict() + " (" + issue.source()
                    + "). Upgrade the kernel, or pass force=true to call it anyway");
        }
    }

    // ---------------------------------------------------------------- submission and completion

    /** Submits staged operations without waiting; completions already available are reaped. */
    public int submit() throws UringException {
        checkUsable(0);
        return cross(0, 0);
    }

    /**
     * Submits staged operations and waits until at least {@code minCompletions} are
     * ready to dispatch, or the timeout passes ({@code timeout < 0}: no deadline).
     *
     * @return the number of records submitted
     */
    public int submitAndWait(int minCompletions, long timeout, TimeUnit unit) throws UringException {
        checkUsable(0);
        Objects.requireNonNull(unit, "unit");
        int need = waitCount(minCompletions);
        if (need == 0 || timeout == 0) {
            return cross(need, 0);
        }
        checkWaitCanEnd(minCompletions);
        // The kernel's wait is not interruptible by Thread.interrupt(): wait in slices and
        // look at the interrupt status between them, as the JDK's interruptible channels react.
        long total = timeout < 0 ? Long.MAX_VALUE : unit.toNanos(timeout);
        long deadline = System.nanoTime() + Math.min(total, Long.MAX_VALUE / 4);
        checkInterrupt();
        int submitted = cross(need, Math.min(total, WAIT_SLICE_NANOS));
        while ((need = waitCount(minCompletions)) > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            checkInterrupt();
            crossNative(0, need, Math.min(left, WAIT_SLICE_NANOS));
        }
        return submitted;
    }

    /** How long one kernel wait lasts at most before the interrupt status is looked at. */
    private static final long WAIT_SLICE_NANOS = 50_000_000L;

    private static void checkInterrupt() throws UringException {
        if (Thread.currentThread().isInterrupted()) {
            throw new UringException("io_uring_enter", Errno.EINTR, "the waiting thread was interrupted (its interrupt "
                    + "status stays set); the operations in flight go on: reap them later, or cancel them");
        }
    }

    /**
     * A wait for more completions than the operations in flight can ever deliver would
     * only end at its timeout (or never): refused at once, naming the numbers.
     */
    private void checkWaitCanEnd(int minCompletions) {
        int active = inFlight.active();
        if (minCompletions > active && inFlight.multiCompletionUsers() == 0) {
            throw new IllegalStateException("waiting for " + minCompletions + " completion(s), but only " + active
                    + " operation(s) are in flight (" + staged + " staged, "
                    + ((pendingCount - pendingHead) + (syntheticCount - syntheticHead)) + " completed and not yet "
                    + "dispatched) and none of them completes more than once: the wait could never be satisfied");
        }
    }

    /**
     * Submits, waits as {@link #submitAndWait} does, then dispatches every reaped
     * completion to {@code handler}.
     *
     * @return the number of completions dispatched
     */
    public int submitAndReap(int minCompletions, long timeout, TimeUnit unit, CompletionHandler handler)
            throws UringException {
        Objects.requireNonNull(handler, "handler");
        submitAndWait(minCompletions, timeout, unit);
        return dispatch(handler);
    }

    /**
     * Dispatches completions to {@code handler}: those already reaped, or, if there are
     * none, whatever the kernel has ready now (without submitting staged records).
     * If the handler throws, the completions not yet dispatched stay for the next call.
     *
     * @return the number of completions dispatched
     */
    public int reap(CompletionHandler handler) throws UringException {
        Objects.requireNonNull(handler, "handler");
        checkUsable(0);
        if (pendingHead == pendingCount && syntheticHead == syntheticCount && inFlight.active() > staged) {
            crossNative(0, 0, 0);
        }
        return dispatch(handler);
    }

    private int waitCount(int minCompletions) {
        if (minCompletions < 0) {
            throw new IllegalArgumentException("minCompletions must be >= 0, got " + minCompletions);
        }
        int ready = (pendingCount - pendingHead) + (syntheticCount - syntheticHead);
        return Math.max(0, minCompletions - ready);
    }

    private int cross(int waitNr, long timeoutNanos) throws UringException {
        int count = staged;
        staged = 0;
        return crossNative(count, waitNr, timeoutNanos);
    }

    /** The one native crossing: validate+queue {@code count} records, submit, wait, reap. */
    private int crossNative(int count, int waitNr, long timeoutNanos) throws UringException {
        compactPending();
        crossings++;
        int capacity = completionCapacity - pendingCount;
        int r = NATIVE.submitAndReap(handle, count, waitNr, timeoutNanos, pendingCount, capacity);
        if (r >= 0) {
            pendingCount += r;
            lastEnterError = header.getInt(Native.HDR_ENTER_ERR);
            return header.getInt(Native.HDR_SUBMITTED);
        }
        int bad = header.getInt(Native.HDR_BAD_INDEX);
        if (bad >= 0) {
            for (int i = 0; i < count; i++) {
                synthesize(recordUserData(i), i == bad ? -Errno.EINVAL : -Errno.ECANCELED);
            }
            throw new UringException("submit", Errno.EINVAL, "record " + bad + " ("
                    + Opcode.name(staging.get(bad * sqeSize)) + ") was rejected by the native validator: "
                    + NativeReject.describe(header.getInt(Native.HDR_REASON), header.getInt(Native.HDR_DETAIL))
                    + "; it completes with -EINVAL and the other " + (count - 1)
                    + " operations of the batch with -ECANCELED, none reached the kernel");
        }
        int queued = header.getInt(Native.HDR_SUBMITTED);
        for (int i = queued; i < count; i++) {
            synthesize(recordUserData(i), -Errno.ECANCELED);
        }
        throw new UringException("io_uring_enter", -r, queued + " of " + count
                + " records reached the submission queue; the rest complete with -ECANCELED");
    }

    private long recordUserData(int record) {
        return staging.getLong(record * sqeSize + 32);
    }

    private void compactPending() {
        if (pendingHead == 0) {
            return;
        }
        int remaining = pendingCount - pendingHead;
        if (remaining > 0) {
            completions.put(0, completions, pendingHead * cqeSize, remaining * cqeSize);
        }
        pendingHead = 0;
        pendingCount = remaining;
    }

    private void synthesize(long userData, int result) {
        if (syntheticCount == syntheticUserData.length) {
            syntheticUserData = java.util.Arrays.copyOf(syntheticUserData, syntheticCount * 2);
            syntheticResult = java.util.Arrays.copyOf(syntheticResult, syntheticCount * 2);
        }
        syntheticUserData[syntheticCount] = userData;
        syntheticResult[syntheticCount++] = result;
    }

    private int dispatch(CompletionHandler handler) {
        lastHandler = handler;
        int n = 0;
        while (syntheticHead < syntheticCount) {
            int i = syntheticHead++;
            if (deliver(handler, syntheticUserData[i], syntheticResult[i], 0)) {
                n++;
            }
        }
        syntheticHead = 0;
        syntheticCount = 0;
        while (pendingHead < pendingCount) {
            int off = pendingHead++ * cqeSize;
            long ud;
            int res;
            int flags;
            if (RAW) {
                long a = completionsAddress + off; // off < completionCapacity * cqeSize
                ud = MEM.getLong(a);
                res = MEM.getInt(a + 8);
                flags = MEM.getInt(a + 12);
            } else {
                ud = completions.getLong(off);
                res = completions.getInt(off + 8);
                flags = completions.getInt(off + 12);
            }
            if (deliver(handler, ud, res, flags)) {
                n++;
            }
        }
        return n;
    }

    private boolean deliver(CompletionHandler handler, long userData, int res, int flags) {
        if (userData == CLOSE_CANCEL_USER_DATA) {
            return false;
        }
        int slot = inFlight.slotOf(userData);
        if (slot < 0) {
            strayCompletions++;
            return false;
        }
        long tag = inFlight.tag(slot);
        if ((flags & Linux.CQE_F_MORE) == 0) {
            inFlight.release(slot);
        }
        handler.onCompletion(tag, res, flags);
        return true;
    }

    // ---------------------------------------------------------------- encoding

    private long stage(int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags, long tag,
                       Object ref) throws UringException {
        return stage(opcode, sqeFlags, fd, off, addr, len, opFlags, tag, ref, 0L);
    }

    private long stage(int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags, long tag,
                       Object ref, long word40) throws UringException {
        return stage(opcode, sqeFlags, fd, off, addr, len, opFlags, tag, ref, 0L, word40);
    }

    private long stage(int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags, long tag,
                       Object ref, long ioprio, long word40) throws UringException {
        int slot = inFlight.acquire(tag);
        if (ref != null) {
            inFlight.reference(slot, ref);
        }
        return stageSlot(slot, opcode, sqeFlags | (int) (ioprio << 16), fd, off, addr, len, opFlags, word40);
    }

    private long stageSlot(int slot, int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags)
            throws UringException {
        return stageSlot(slot, opcode, sqeFlags, fd, off, addr, len, opFlags, 0L);
    }

    /** @param word40 bytes 40..47 of the SQE: buf_index (u16), personality (u16), file_index (u32) */
    private long stageSlot(int slot, int opcode, int sqeFlags, int fd, long off, long addr, int len, int opFlags,
                           long word40) throws UringException {
        if (staged == stagingCapacity) {
            try {
                flushForRoom();
            } catch (UringException | RuntimeException e) {
                inFlight.release(slot); // never staged: nothing to deliver
                throw e;
            }
        }
        long userData = inFlight.userData(slot);
        // One cheap test keeps the bookkeeping of rarer records out of this method, which must
        // stay under HotSpot's inlining limit (FreqInlineSize, 325 bytecodes): at 366 it was
        // no longer inlined and NOP batches lost 5%.
        if ((sqeFlags & (SqeFlags.FIXED_FILE | SqeFlags.IO_DRAIN)) != 0 || word40 != 0 || opcode < Opcode.POLL_ADD
                && opcode > Opcode.FSYNC || opcode == Opcode.SEND_ZC || opcode == Opcode.SENDMSG_ZC) {
            noteRareUses(slot, opcode, sqeFlags, word40);
        }
        // bits 16..31 of sqeFlags carry ioprio (per-op flags of network ops), set only internally
        long w0 = (opcode & 0xffL) | ((sqeFlags & 0xffL) << 8) | (((sqeFlags >>> 16) & 0xffffL) << 16) | ((long) fd << 32);
        long w3 = (len & 0xffffffffL) | ((long) opFlags << 32);
        writeRecord(staged * sqeSize, w0, off, addr, w3, userData, word40);
        staged++;
        return userData;
    }

    /**
     * Staging is full: submits what is staged, except an open linked chain (records with
     * IO_LINK or IO_HARDLINK at the end), which moves to the front so that it reaches the
     * kernel in one piece with the record being staged. A chain as long as the staging
     * area cannot be submitted whole and is refused.
     */
    private void flushForRoom() throws UringException {
        int chainStart = staged;
        while (chainStart > 0 && (staging.get((chainStart - 1) * sqeSize + 1) & CHAIN_FLAGS) != 0) {
            chainStart--;
        }
        if (chainStart == staged) {
            cross(0, 0);
            return;
        }
        if (chainStart == 0) {
            throw new IllegalStateException("a linked chain (IO_LINK/IO_HARDLINK) of more than " + stagingCapacity
                    + " operations cannot reach the kernel in one piece (the ring has " + stagingCapacity
                    + " SQ entries): submit shorter chains, or open the ring with more entries");
        }
        int chain = staged - chainStart;
        staged = 0;
        try {
            crossNative(chainStart, 0, 0);
        } finally {
            staging.put(0, staging, chainStart * sqeSize, chain * sqeSize);
            staged = chain;
        }
    }

    private static final int CHAIN_FLAGS = SqeFlags.IO_LINK | SqeFlags.IO_HARDLINK;

    /** Bytes 0..47 of the record at {@code base} of the staging buffer; 48..63 (addr3, pad) stay zero. */
    private void writeRecord(int base, long w0, long off, long addr, long w3, long userData, long word40) {
        if (RAW) {
            // base < stagingCapacity * sqeSize (checked by the caller): the record lies inside the staging buffer.
            long a = stagingAddress + base;
            MEM.putLong(a, w0);
            MEM.putLong(a + 8, off);
            MEM.putLong(a + 16, addr);
            MEM.putLong(a + 24, w3);
            MEM.putLong(a + 32, userData);
            MEM.putLong(a + 40, word40);
        } else {
            staging.putLong(base, w0).putLong(base + 8, off).putLong(base + 16, addr).putLong(base + 24, w3)
                    .putLong(base + 32, userData).putLong(base + 40, word40);
        }
    }

    private long vectored(int opcode, String op, int fd, ByteBuffer[] buffers, long offset, int sqeFlags, long tag)
            throws UringException {
        checkUsable(sqeFlags);
        Objects.requireNonNull(buffers, "buffers");
        if (buffers.length == 0 || buffers.length > 1024) {
            throw new IllegalArgumentException(op + " needs 1 to 1024 buffers (UIO_MAXIOV), got " + buffers.length);
        }
        checkFd(op, fd, sqeFlags);
        checkOffset(op, offset);
        ByteBuffer[] refs = buffers.clone();
        long total = 0;
        long[] addresses = new long[refs.length];
        for (int i = 0; i < refs.length; i++) {
            ByteBuffer b = Objects.requireNonNull(refs[i], () -> op + ": buffer is null");
            addresses[i] = bufferRange(op + " buffer", b, b.position(), b.remaining(), opcode == Opcode.READV);
            total += b.remaining();
        }
        if (total > MAX_RW) {
            throw new IllegalArgumentException(op + " of " + total + " bytes exceeds the kernel's per-call maximum of "
                    + MAX_RW + " bytes");
        }
        int slot = inFlight.acquire(tag);
        inFlight.reference(slot, refs);
        ByteBuffer iov = inFlight.scratch(slot, refs.length * 16);
        for (int i = 0; i < refs.length; i++) {
            iov.putLong(i * 16, addresses[i]).putLong(i * 16 + 8, refs[i].remaining());
        }
        return stageSlot(slot, opcode, sqeFlags, fd, offset, Memory.address(iov), refs.length, 0);
    }

    /** A struct __kernel_timespec in the slot's scratch memory; its address. */
    private long timespec(int slot, long nanos) {
        ByteBuffer ts = inFlight.scratch(slot, 16);
        ts.putLong(0, nanos / 1_000_000_000L).putLong(8, nanos % 1_000_000_000L);
        return Memory.address(ts);
    }

    private long putPath(int slot, byte[] bytes) {
        ByteBuffer b = inFlight.scratch(slot, bytes.length + 1);
        b.put(0, bytes).put(bytes.length, (byte) 0);
        return Memory.address(b);
    }

    // ---------------------------------------------------------------- checks

    /** Closed and thread checks shared by the ring's registration tables. */
    void checkOwner() {
        checkUsable(0);
    }

    private void checkUsable(int sqeFlags) {
        if (closed) {
            throw new IllegalStateException("this Ring is closed" + (handle == 0 ? "" : " (closing)"));
        }
        Thread t = Thread.currentThread();
        if (t != owner) {
            throw wrongThread(t);
        }
        if ((sqeFlags & ~SqeFlags.ALLOWED) != 0) {
            throw new IllegalArgumentException("unsupported SQE flags 0x" + Integer.toHexString(sqeFlags & ~SqeFlags.ALLOWED)
                    + ": use SqeFlags.FIXED_FILE, IO_DRAIN, IO_LINK, IO_HARDLINK, ASYNC");
        }
        if ((sqeFlags & SqeFlags.IO_DRAIN) != 0) {
            if (usedZeroCopy) {
                throw drainOrZeroCopy("", "ring has used zero-copy sends");
            }
        }
    }

    private IllegalStateException wrongThread(Thread t) {
        return new IllegalStateException("this Ring belongs to thread '" + owner.getName() + "' and was called from '"
                + t.getName() + "': a Ring is used by the thread that opened it (it matches "
                + "IORING_SETUP_SINGLE_ISSUER); hand work to that thread, or use an EventLoop");
    }

    private static long bufferRange(String op, ByteBuffer b, int index, int length, boolean kernelWrites) {
        Objects.requireNonNull(b, () -> op + ": buffer is null");
        if (!b.isDirect()) {
            throw new IllegalArgumentException(op + " needs a direct ByteBuffer (ByteBuffer.allocateDirect or a mapped "
                    + "buffer): the kernel accesses it after this call returns, and heap buffers move during GC");
        }
        if (kernelWrites && b.isReadOnly()) {
            throw new IllegalArgumentException(op + " would write into a read-only buffer");
        }
        BufferLifetime.check(op, b); // memory an Arena can free under the kernel is refused
        if (index < 0 || length < 0 || index > b.capacity() - length) {
            throw new IndexOutOfBoundsException(op + ": range [" + index + ", " + index + " + " + length
                    + ") is outside the buffer's capacity " + b.capacity());
        }
        if (length > MAX_RW) {
            throw new IllegalArgumentException(op + " of " + length + " bytes exceeds the kernel's per-call maximum of "
                    + MAX_RW + " bytes");
        }
        return Memory.address(b) + index;
    }

    private void checkFd(String op, int fd, int sqeFlags) {
        if ((sqeFlags & SqeFlags.FIXED_FILE) != 0) {
            fixedFiles.checkSlot(op, fd);
        } else if (fd < 0) {
            throw new IllegalArgumentException(op + ": file descriptor must be >= 0, got " + fd);
        }
    }

    private static void noFixedFile(String op, int sqeFlags) {
        if ((sqeFlags & SqeFlags.FIXED_FILE) != 0) {
            throw new IllegalArgumentException(op + " does not take SqeFlags.FIXED_FILE"
                    + (op.equals("openat") || op.equals("close") ? " (use the Direct variant for fixed slots)" : ""));
        }
    }

    private static void checkDirFd(String op, int dirfd) {
        if (dirfd < 0 && dirfd != Linux.AT_FDCWD) {
            throw new IllegalArgumentException(op + ": dirfd must be >= 0 or Linux.AT_FDCWD, got " + dirfd);
        }
    }

    private static void checkOffset(String op, long offset) {
        if (offset < -1) {
            throw new IllegalArgumentException(op + ": offset must be >= 0, or -1 for the current file position, got "
                    + offset);
        }
    }

    private static byte[] pathBytes(String op, String path) {
        Objects.requireNonNull(path, "path");
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(op + ": path contains a NUL character");
        }
        byte[] bytes = path.getBytes(PATH_CHARSET);
        if (bytes.length >= 4096) {
            throw new IllegalArgumentException(op + ": path is " + bytes.length + " bytes; Linux allows at most 4095 (PATH_MAX)");
        }
        return bytes;
    }

    // ---------------------------------------------------------------- close

    /**
     * Closes the ring: waits up to 10 s for in-flight operations after cancelling them,
     * delivering their completions to the handler last used with this ring (if any).
     * Idempotent.
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(10), null);
    }

    /**
     * Closes the ring. Staged records never reach the kernel and complete with
     * {@code -ECANCELED}; in-flight operations are cancelled and drained until {@code drainTimeout}
     * passes. Operations the kernel still holds after that complete with {@code -ECANCELED}
     * but their buffers are kept forever ({@link #leakedBuffers()}), because the kernel may
     * still write them. Idempotent; must be called on the owner thread unless that thread
     * has ended.
     *
     * @param handler receives the remaining completions; null for the last handler used
     */
    public void close(Duration drainTimeout, CompletionHandler handler) {
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (closed || closing.get()) {
            return;
        }
        boolean ownerAlive = owner.isAlive();
        if (Thread.currentThread() != owner && ownerAlive) {
            throw new IllegalStateException("close() must run on the ring's owner thread '" + owner.getName()
                    + "' (called from '" + Thread.currentThread().getName() + "')");
        }
        if (!closing.compareAndSet(false, true)) {
            return; // another thread (the owner having ended) is closing it
        }
        closed = true;
        CompletionHandler h = handler != null ? handler : lastHandler != null ? lastHandler : DISCARD;
        Throwable failure = null;
        try {
            for (int i = 0; i < staged; i++) {
                synthesize(recordUserData(i), -Errno.ECANCELED);
            }
            staged = 0;
            failure = dispatchAll(h, failure);
            long deadline = System.nanoTime() + drainTimeout.toNanos();
            failure = ownerAlive ? cancelAndDrain(h, deadline, failure) : drainAfterOwnerEnded(h, deadline, failure);
        } catch (Throwable t) { // our own failure (e.g. out of memory): the ring is still torn down below
            failure = addFailure(failure, t);
        }
        failure = leakWhatTheKernelHolds(h, drainTimeout, failure);
        boolean drained = inFlight.active() == 0 && !leakedAtClose;
        if (drained && ownerAlive) {
            for (ProvidedBuffers pb : new ArrayList<>(providedBuffers)) {
                try {
                    pb.close(); // unmaps the buffer ring liburing mapped
                } catch (UringException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "unregistering provided buffers at close: " + e.getMessage());
                }
            }
        }
        NATIVE.ringDestroy(handle, fdStillNamesARing());
        handle = 0;
        releaseRingMemory(drained);
        OPEN.remove(this);
        if (failure != null) {
            throw Ring.<RuntimeException>rethrow(failure); // as thrown: a handler may throw a checked one too
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T rethrow(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * Operations the kernel had not completed by close's deadline complete with -ECANCELED,
     * but their memory (buffers, scratch) is kept for ever: the kernel may still write it.
     */
    private Throwable leakWhatTheKernelHolds(CompletionHandler h, Duration drainTimeout, Throwable failure) {
        if (inFlight.active() == 0) {
            return failure;
        }
        leakedAtClose = true;
        int kept = inFlight.active();
        inFlight.forEachActive(slot -> {
            leak(inFlight.reference(slot));
            leak(inFlight.scratchIfAny(slot)); // not scratch(): that would allocate one to leak
            synthesize(inFlight.userData(slot), -Errno.ECANCELED);
        });
        LOG.log(System.Logger.Level.WARNING, "io_uring ring closed with " + kept + " operation(s) the kernel had "
                + "not completed within " + drainTimeout + "; their buffers are kept, never freed");
        return dispatchAll(h, failure);
    }

    private static void leak(Object memory) {
        if (memory != null) {
            LEAKED.add(memory);
        }
    }

    private static Throwable addFailure(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    /**
     * The owner thread has ended: the kernel cancels and waits for every request that task
     * issued while the task exits, so once it is gone from /proc the kernel holds none of
     * this ring's memory (except on SQPOLL rings, whose kernel thread submitted them). Entering
     * the ring from this thread is refused (SINGLE_ISSUER) or, through a registered ring fd,
     * would name a ring of this thread: completions are only read from the CQ.
     */
    private Throwable drainAfterOwnerEnded(CompletionHandler h, long deadline, Throwable failure) {
        java.nio.file.Path task = java.nio.file.Path.of("/proc/self/task", String.valueOf(ownerTid));
        while (java.nio.file.Files.exists(task) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean kernelDone = !java.nio.file.Files.exists(task) && !setupReport.applied().contains(SetupFlag.SQPOLL);
        int n;
        do {
            compactPending();
            n = NATIVE.reapOnly(handle, pendingCount, completionCapacity - pendingCount);
            if (n > 0) {
                pendingCount += n;
            }
            failure = dispatchAll(h, failure);
        } while (n > 0);
        if (kernelDone) {
            inFlight.forEachActive(slot -> synthesize(inFlight.userData(slot), -Errno.ECANCELED));
            failure = dispatchAll(h, failure);
        }
        return failure;
    }

    /**
     * Whether our fd number still names an io_uring instance. If the application closed
     * it behind our back (and the number may already name another file), closing it
     * again would close someone else's file.
     */
    private boolean fdStillNamesARing() {
        if (ringFd < 0) {
            return false;
        }
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd", String.valueOf(ringFd)))
                    .toString().equals("anon_inode:[io_uring]");
        } catch (java.io.IOException | RuntimeException e) {
            return !(e instanceof java.nio.file.NoSuchFileException);
        }
    }

    /**
     * NO_MMAP memory is unmapped only if every operation completed: otherwise the kernel
     * may still post completions into it, so it is kept forever, like leaked buffers.
     */
    private void releaseRingMemory(boolean drained) {
        if (!drained) {
            if (callerMemory != null) {
                LEAKED.add(callerMemory);
            }
            if (mappedAddress != 0) {
                LEAKED.add(new long[] {mappedAddress, mappedSize});
            }
        } else {
            if (mappedAddress != 0) {
                NATIVE.memUnmap(mappedAddress, mappedSize);
            }
            if (callerMemory != null) {
                RING_MEMORY_IN_USE.remove(callerMemory);
            }
        }
        callerMemory = null;
        mappedAddress = 0;
        mappedSize = 0;
    }

    /** Dispatches every ready completion; what a handler throws (an Error too) is kept and the rest still run. */
    private Throwable dispatchAll(CompletionHandler h, Throwable failure) {
        while (pendingHead < pendingCount || syntheticHead < syntheticCount) {
            try {
                dispatch(h);
            } catch (Throwable e) {
                failure = addFailure(failure, e);
            }
        }
        return failure;
    }

    /** Cancels everything in flight (at least once, also with a zero timeout) and reaps until the deadline. */
    private Throwable cancelAndDrain(CompletionHandler h, long deadline, Throwable failure) {
        boolean syncCancel = true;
        try {
            while (inFlight.active() > 0) {
                long left = deadline - System.nanoTime();
                if (syncCancel) {
                    // Bypasses the SQ: cancellations cannot be held up behind an IO_DRAIN record.
                    int r = NATIVE.syncCancelAll(handle, (int) Math.max(1, Math.min(100, left / 1_000_000)));
                    syncCancel = r != -Errno.EINVAL && r != -Errno.EOPNOTSUPP;
                }
                if (!syncCancel) {
                    stageCancels(); // kernels before 6.0: one ASYNC_CANCEL per operation
                }
                crossNative(staged, left > 0 ? 1 : 0, Math.max(0, Math.min(left, 100_000_000L)));
                staged = 0;
                failure = dispatchAll(h, failure);
                if (left <= 0) {
                    break;
                }
            }
        } catch (UringException | UncheckedUringException e) {
            LOG.log(System.Logger.Level.WARNING, "cancelling in-flight operations at close failed: " + e.getMessage());
        }
        return failure;
    }

    private void stageCancels() {
        inFlight.forEachActive(slot -> {
            if (staged == stagingCapacity) {
                flushCancels();
            }
            int base = staged++ * sqeSize;
            staging.putLong(base, Opcode.ASYNC_CANCEL | (-1L << 32));
            staging.putLong(base + 8, 0L);
            staging.putLong(base + 16, inFlight.userData(slot));
            staging.putLong(base + 24, 0L);
            staging.putLong(base + 32, CLOSE_CANCEL_USER_DATA);
            staging.putLong(base + 40, 0L);
            staging.putLong(base + 48, 0L);
            staging.putLong(base + 56, 0L);
        });
    }

    private void flushCancels() {
        try {
            cross(0, 0);
        } catch (UringException e) {
            throw new UncheckedUringException(e);
        }
    }

    /** Carries a UringException out of a lambda inside close. */
    private static final class UncheckedUringException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedUringException(UringException e) {
            super(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Ring{fd=" + ringFd + ", sq=" + sqEntries + ", cq=" + cqEntries + ", inFlight=" + inFlight.active()
                + (closed ? ", closed" : "") + ", " + setupReport + '}';
    }
}
