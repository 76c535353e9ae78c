package dev.uring4j;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.RingLoan;
import dev.uring4j.internal.VirtualThreads;
import dev.uring4j.internal.ring.Closer;
import dev.uring4j.internal.ring.Completions;
import dev.uring4j.internal.ring.Crossing;
import dev.uring4j.internal.ring.DrainRule;
import dev.uring4j.internal.ring.InFlight;
import dev.uring4j.internal.ring.RingInfo;
import dev.uring4j.internal.ring.RingMemoryClaims;
import dev.uring4j.internal.ring.RingParts;
import dev.uring4j.internal.ring.Stager;
import dev.uring4j.internal.ring.Submissions;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One io_uring instance, used by the platform thread that opened it.
 *
 * <p>An operation method ({@link #read(int, ByteBuffer, long)}, {@link #send(int, ByteBuffer, int)}
 * ...) takes only the operation's own arguments, stages one SQE-layout record, and returns
 * its {@link Sqe}, on which the SQE-wide choices are named calls:
 * {@code ring.read(fd, buf, 0).hardLink().tag(2)}. Registered files are {@link FixedFile}s,
 * a type of their own. {@link #submit()}, {@link #submitAndWait} and {@link #submitAndReap}
 * hand every staged record to the kernel in <em>one</em> native call, which also copies
 * available completions back; they are delivered to a {@link CompletionHandler} with the
 * operation's tag. No allocation happens per operation in steady state.
 *
 * <p>Buffers: every buffer an operation uses stays referenced by the ring until its last
 * completion; the operation uses the buffer's bytes from its position to its limit, and
 * when the completion is delivered the position has advanced by the bytes transferred, as
 * the JDK's channels leave it. Every operation is delivered exactly once, with its result,
 * an error, or {@code -ECANCELED} (also on close and when a batch is refused). The rules
 * in full are in the {@linkplain dev.uring4j package documentation}.
 *
 * <p>An unclosed ring is never collected (it may own memory the kernel writes to): close it.
 */
public final class Ring implements AutoCloseable {
    private static final Native NATIVE = Native.access();
    private static final CompletionHandler DISCARD = (tag, res, flags) -> { };

    static {
        // Errors must stay reportable when the process is out of file descriptors: class
        // loading then fails too, so load the error path's classes up front.
        Errno.name(Errno.EMFILE);
        new UringException("init", Errno.EMFILE, null).getMessage();
        RingLoan.install(r -> ((Ring) r).managed = true, r -> ((Ring) r).managerTurn = true);
    }

    /** Open rings are strongly reachable: an abandoned ring must not free memory under the kernel. */
    private static final Set<Ring> OPEN = ConcurrentHashMap.newKeySet();

    private final Thread owner;
    private final int ownerTid;
    private final long handle;
    /** Read on every call by the owner; written once, by close's winner. */
    private boolean closed;
    private boolean managed; // by an EventLoop (internal.RingLoan): see checkTurn
    private boolean managerTurn;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The setup's report, and the NO_MMAP memory it made (released by it once the kernel is done). */
    final RingSetup setup;
    private final SetupReport setupReport;
    private final RingInfo info;

    final InFlight inFlight;
    final Submissions submissions;
    final Completions completions;
    final Crossing crossing;
    final Stager stager;
    final DrainRule drainRule = new DrainRule();
    final FixedFiles fixedFiles = new FixedFiles(this);
    final FixedBuffers fixedBuffers = new FixedBuffers(this);
    final List<ProvidedBuffers> providedBuffers = new ArrayList<>();
    private CompletionHandler lastHandler;
    /** The id of the operation the last {@link Sqe} names (the only one it may change). */
    private long lastPrepared = -1;
    /** Sqe objects handed out in turn (no allocation per operation); a stale one names an older id. */
    private final Sqe[] cursors = new Sqe[64];
    private int nextCursor;

    private Ring(RingSetup setup, ByteBuffer info) {
        this.owner = Thread.currentThread();
        this.ownerTid = NATIVE.gettid();
        this.handle = setup.handle;
        this.setup = setup;
        this.setupReport = setup.report;
        this.info = new RingInfo(info);
        int setupBits = setup.report.appliedBits();
        RingParts parts = new RingParts(handle, this.info.sqEntries, this.info.cqEntries,
                (setupBits & SetupFlag.SQE128.bit()) != 0, (setupBits & SetupFlag.CQE32.bit()) != 0);
        this.inFlight = parts.inFlight;
        this.submissions = parts.submissions;
        this.completions = parts.completions;
        this.crossing = parts.crossing;
        this.stager = parts.stager;
        for (int i = 0; i < cursors.length; i++) {
            cursors[i] = new Sqe(this);
        }
    }

    /**
     * Sets up a ring owned by the calling (platform) thread.
     *
     * @throws UringUnavailableException if io_uring cannot be used in this process (with why)
     * @throws UringException            if the kernel refuses this configuration (naming the flag or size)
     * @throws IllegalStateException     on a virtual thread (use {@code EventLoop}), or for ring memory in use
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
        ByteBuffer memory = options.memory().buffer;
        if (memory != null) {
            RingMemoryClaims.claim(memory);
        }
        Ring ring;
        try {
            ring = new Ring(RingSetup.create(options, info), info);
        } catch (Throwable t) {
            RingMemoryClaims.release(memory);
            throw t;
        }
        if (memory != null && ring.setup.callerMemory != memory) {
            RingMemoryClaims.release(memory); // set up in kernel memory after all (NO_MMAP refused)
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
        return info.sqEntries;
    }

    public int cqEntries() {
        return info.cqEntries;
    }

    /** {@code IORING_FEAT_*} bits reported by the kernel. */
    public int features() {
        return info.features;
    }

    /** The ring's file descriptor (for diagnostics; do not close it); -1 if set up with REGISTERED_FD_ONLY. */
    public int fd() {
        return info.ringFd;
    }

    /** Whether this kernel supports the opcode (probe); true for every opcode on kernels without the probe (&lt; 5.6). */
    public boolean isOpcodeSupported(Opcode opcode) {
        return info.isOpcodeSupported(Objects.requireNonNull(opcode, "opcode").code());
    }

    /** Operations prepared and not yet delivered to a handler (staged, in the kernel, or reaped). */
    public int inFlight() {
        return inFlight.active();
    }

    /** Records staged and not yet submitted. */
    public int staged() {
        return submissions.staged();
    }

    /**
     * The tag of an operation of this ring while it is in flight.
     *
     * @throws IllegalArgumentException if {@code operationId} names no operation of this ring in flight
     */
    public long tagOf(long operationId) {
        checkUsable();
        int slot = inFlight.slotOf(operationId);
        if (slot < 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(operationId)
                    + " names no operation of this ring in flight (an id from Sqe.id(), not a tag)");
        }
        return inFlight.tag(slot);
    }

    /** Completions whose user_data named no live operation (should stay 0). */
    public long strayCompletions() {
        return completions.strays();
    }

    /** Native calls made to submit and reap (one per batch): a measure of batching. */
    public long crossings() {
        return crossing.crossings();
    }

    /** -errno of the last absorbed io_uring_enter condition (ETIME, EINTR, EBUSY, EAGAIN), or 0. */
    public int lastEnterError() {
        return crossing.lastEnterError();
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

    /** For SQPOLL rings: whether the kernel thread sleeps after its idle time (the next submission wakes it). */
    public boolean isSqThreadSleeping() {
        checkUsable();
        return (NATIVE.sqFlags(handle) & 1) != 0;
    }

    /** Number of buffers process-wide kept for ever because the kernel had not released them at close. */
    public static int leakedBuffers() {
        return Closer.leakedBuffers();
    }

    // ---------------------------------------------------------------- file operations

    /** Prepares a no-op that completes with 0. */
    public Sqe nop() throws UringException {
        return sqe(FileOps.nop(core()));
    }

    /** Prepares a read into {@code dst}'s remaining bytes at file {@code offset} (-1: the file position). */
    public Sqe read(int fd, ByteBuffer dst, long offset) throws UringException {
        return sqe(FileOps.transfer(core(), Opcode.Code.READ, "read", fd, 0, dst, offset));
    }

    /** As {@link #read(int, ByteBuffer, long)}, on a registered file. */
    public Sqe read(FixedFile file, ByteBuffer dst, long offset) throws UringException {
        return sqe(FileOps.transfer(core(), Opcode.Code.READ, "read", slot(file), Stager.FIXED_FILE, dst, offset));
    }

    /** Prepares a write of {@code src}'s remaining bytes at file {@code offset} (-1: the file position). */
    public Sqe write(int fd, ByteBuffer src, long offset) throws UringException {
        return sqe(FileOps.transfer(core(), Opcode.Code.WRITE, "write", fd, 0, src, offset));
    }

    /** As {@link #write(int, ByteBuffer, long)}, on a registered file. */
    public Sqe write(FixedFile file, ByteBuffer src, long offset) throws UringException {
        return sqe(FileOps.transfer(core(), Opcode.Code.WRITE, "write", slot(file), Stager.FIXED_FILE, src, offset));
    }

    /** Prepares a scattering read: fills each buffer's remaining bytes in order. */
    public Sqe readv(int fd, ByteBuffer[] dsts, long offset) throws UringException {
        return sqe(FileOps.vectored(core(), Opcode.Code.READV, "readv", fd, 0, dsts, offset));
    }

    /** As {@link #readv(int, ByteBuffer[], long)}, on a registered file. */
    public Sqe readv(FixedFile file, ByteBuffer[] dsts, long offset) throws UringException {
        return sqe(FileOps.vectored(core(), Opcode.Code.READV, "readv", slot(file), Stager.FIXED_FILE, dsts, offset));
    }

    /** Prepares a gathering write of each buffer's remaining bytes in order. */
    public Sqe writev(int fd, ByteBuffer[] srcs, long offset) throws UringException {
        return sqe(FileOps.vectored(core(), Opcode.Code.WRITEV, "writev", fd, 0, srcs, offset));
    }

    /** As {@link #writev(int, ByteBuffer[], long)}, on a registered file. */
    public Sqe writev(FixedFile file, ByteBuffer[] srcs, long offset) throws UringException {
        return sqe(FileOps.vectored(core(), Opcode.Code.WRITEV, "writev", slot(file), Stager.FIXED_FILE, srcs, offset));
    }

    /**
     * Prepares a read into {@code dst}, which lies inside one of the ring's
     * {@linkplain #fixedBuffers() registered buffers} (READ_FIXED: no page pinning per operation).
     */
    public Sqe readFixed(int fd, ByteBuffer dst, long offset) throws UringException {
        return sqe(FileOps.fixed(core(), Opcode.Code.READ_FIXED, "readFixed", fd, 0, dst, offset));
    }

    /** As {@link #readFixed(int, ByteBuffer, long)}, on a registered file. */
    public Sqe readFixed(FixedFile file, ByteBuffer dst, long offset) throws UringException {
        return sqe(FileOps.fixed(core(), Opcode.Code.READ_FIXED, "readFixed", slot(file), Stager.FIXED_FILE, dst, offset));
    }

    /** Prepares a write from {@code src}, which lies inside one of the ring's registered buffers. */
    public Sqe writeFixed(int fd, ByteBuffer src, long offset) throws UringException {
        return sqe(FileOps.fixed(core(), Opcode.Code.WRITE_FIXED, "writeFixed", fd, 0, src, offset));
    }

    /** As {@link #writeFixed(int, ByteBuffer, long)}, on a registered file. */
    public Sqe writeFixed(FixedFile file, ByteBuffer src, long offset) throws UringException {
        return sqe(FileOps.fixed(core(), Opcode.Code.WRITE_FIXED, "writeFixed", slot(file), Stager.FIXED_FILE, src,
                offset));
    }

    /** Prepares fsync(fd): data and metadata, as {@code FileChannel.force(true)}. */
    public Sqe fsync(int fd) throws UringException {
        return sqe(FileOps.fsync(core(), fd, 0, false));
    }

    /** As {@link #fsync(int)}, on a registered file. */
    public Sqe fsync(FixedFile file) throws UringException {
        return sqe(FileOps.fsync(core(), slot(file), Stager.FIXED_FILE, false));
    }

    /** Prepares fdatasync(fd): data, and metadata only as needed to read it back, as {@code force(false)}. */
    public Sqe fdatasync(int fd) throws UringException {
        return sqe(FileOps.fsync(core(), fd, 0, true));
    }

    /** As {@link #fdatasync(int)}, on a registered file. */
    public Sqe fdatasync(FixedFile file) throws UringException {
        return sqe(FileOps.fsync(core(), slot(file), Stager.FIXED_FILE, true));
    }

    /** Prepares fallocate(fd, mode, offset, length); see {@link Linux#FALLOC_FL_KEEP_SIZE}. */
    public Sqe fallocate(int fd, int mode, long offset, long length) throws UringException {
        return sqe(FileOps.fallocate(core(), fd, 0, mode, offset, length));
    }

    /** As {@link #fallocate(int, int, long, long)}, on a registered file. */
    public Sqe fallocate(FixedFile file, int mode, long offset, long length) throws UringException {
        return sqe(FileOps.fallocate(core(), slot(file), Stager.FIXED_FILE, mode, offset, length));
    }

    /** Prepares openat(dirfd, path, flags, mode) ({@link Linux#AT_FDCWD} for the working directory): the result is the fd. */
    public Sqe openat(int dirfd, String path, int flags, int mode) throws UringException {
        return sqe(FileOps.openat(core(), "openat", dirfd, path, flags, mode, 0));
    }

    /** Prepares openat into a registered file slot (direct descriptors, 5.15+): the result is 0, and no fd is created. */
    public Sqe openatDirect(int dirfd, String path, int flags, int mode, FixedFile slot) throws UringException {
        return sqe(FileOps.openat(core(), "openatDirect", dirfd, path, flags, mode, slot(slot) + 1));
    }

    /** Prepares openat into a free registered slot the kernel picks (5.19+): the result is the slot's index. */
    public Sqe openatDirectAnySlot(int dirfd, String path, int flags, int mode) throws UringException {
        fixedFiles.checkRegistered("openatDirectAnySlot");
        return sqe(FileOps.openat(core(), "openatDirectAnySlot", dirfd, path, flags, mode, -1));
    }

    /** Prepares close(fd) through the ring. */
    public Sqe closeFd(int fd) throws UringException {
        return sqe(FileOps.close(core(), fd, 0));
    }

    /** Prepares closing a registered file slot (5.15+): the slot becomes empty. */
    public Sqe closeDirect(FixedFile slot) throws UringException {
        return sqe(FileOps.close(core(), 0, slot(slot) + 1));
    }

    /**
     * Prepares statx(dirfd, path, flags, mask) into {@code out}, e.g. flags
     * {@link Linux#AT_EMPTY_PATH} with an empty path and a file's fd, mask {@link Linux#STATX_BASIC_STATS}.
     */
    public Sqe statx(int dirfd, String path, int flags, int mask, StatxBuffer out) throws UringException {
        return sqe(FileOps.statx(core(), dirfd, path, flags, mask, out));
    }

    /** Prepares a timeout that completes with {@code -ETIME} after {@code timeout}. */
    public Sqe timeout(long timeout, TimeUnit unit) throws UringException {
        return sqe(FileOps.timeout(core(), timeout, unit, 0));
    }

    /** Prepares a timeout that completes with 0 once {@code count} other completions arrived, or -ETIME. */
    public Sqe timeout(long timeout, TimeUnit unit, int count) throws UringException {
        return sqe(FileOps.timeout(core(), timeout, unit, count));
    }

    /**
     * Prepares a timeout for the operation prepared just before it with {@link Sqe#link()}:
     * if that one still runs after {@code timeout}, it is cancelled and this completes with
     * -ETIME; otherwise this completes with -ECANCELED.
     */
    public Sqe linkTimeout(long timeout, TimeUnit unit) throws UringException {
        return sqe(FileOps.linkTimeout(core(), timeout, unit));
    }

    /**
     * Prepares cancellation of an operation by its id ({@link Sqe#id()}, not its tag). The
     * cancel completes with 0, {@code -ENOENT} (already done) or {@code -EALREADY} (running;
     * it completes on its own); the target completes with {@code -ECANCELED} if cancelled.
     *
     * @throws IllegalArgumentException for a value that is no operation id of this ring
     */
    public Sqe cancel(long operationId) throws UringException {
        return sqe(FileOps.cancel(core(), operationId));
    }

    // ---------------------------------------------------------------- network operations

    /**
     * Registers a provided-buffer ring of {@code count} (a power of two) buffers of
     * {@code size} bytes as group {@code groupId} (5.19+), for {@link #recvMultishot} and
     * {@link #recvSelect}; they live until the group is closed (or the ring is).
     */
    public ProvidedBuffers provideBuffers(int groupId, int count, int size) throws UringException {
        checkUsable();
        ProvidedBuffers pb = new ProvidedBuffers(this, groupId, count, size);
        providedBuffers.add(pb);
        return pb;
    }

    /** Prepares socket(domain, type, protocol) (5.19+): the result is the new fd. */
    public Sqe socket(int domain, int type, int protocol) throws UringException {
        return sqe(NetOps.socket(core(), domain, type, protocol));
    }

    /** Prepares connect(fd, address): 0 or -errno (e.g. -ECONNREFUSED). */
    public Sqe connect(int fd, InetSocketAddress address) throws UringException {
        return sqe(NetOps.connect(core(), fd, 0, address));
    }

    /** As {@link #connect(int, InetSocketAddress)}, on a registered socket. */
    public Sqe connect(FixedFile socket, InetSocketAddress address) throws UringException {
        return sqe(NetOps.connect(core(), slot(socket), Stager.FIXED_FILE, address));
    }

    /** Prepares accept on a listening socket ({@code flags}: e.g. {@link Linux#SOCK_CLOEXEC}): the result is the fd. */
    public Sqe accept(int fd, int flags) throws UringException {
        return sqe(NetOps.accept(core(), fd, 0, flags, false, 0));
    }

    /** Prepares a multishot accept (5.19+): a completion per connection, with {@link Cqe#F_MORE} until the last. */
    public Sqe acceptMultishot(int fd, int flags) throws UringException {
        return sqe(NetOps.accept(core(), fd, 0, flags, true, 0));
    }

    /** Prepares accept into a registered slot (5.19+): the result is 0. */
    public Sqe acceptDirect(int fd, int flags, FixedFile slot) throws UringException {
        return sqe(NetOps.accept(core(), fd, 0, flags, false, slot(slot) + 1));
    }

    /** Prepares accept into free registered slots the kernel picks (5.19+), multishot or not: the result is the slot. */
    public Sqe acceptDirectAnySlot(int fd, int flags, boolean multishot) throws UringException {
        fixedFiles.checkRegistered("acceptDirectAnySlot");
        return sqe(NetOps.accept(core(), fd, 0, flags, multishot, -1));
    }

    /** Prepares send of {@code src}'s remaining bytes with MSG_* flags (e.g. {@link Linux#MSG_NOSIGNAL}). */
    public Sqe send(int fd, ByteBuffer src, int msgFlags) throws UringException {
        return sqe(NetOps.transfer(core(), Opcode.Code.SEND, "send", fd, 0, src, msgFlags));
    }

    /** As {@link #send(int, ByteBuffer, int)}, on a registered socket. */
    public Sqe send(FixedFile socket, ByteBuffer src, int msgFlags) throws UringException {
        return sqe(NetOps.transfer(core(), Opcode.Code.SEND, "send", slot(socket), Stager.FIXED_FILE, src, msgFlags));
    }

    /** Prepares recv into {@code dst}'s remaining bytes; 0 means the peer closed its side. */
    public Sqe recv(int fd, ByteBuffer dst, int msgFlags) throws UringException {
        return sqe(NetOps.transfer(core(), Opcode.Code.RECV, "recv", fd, 0, dst, msgFlags));
    }

    /** As {@link #recv(int, ByteBuffer, int)}, on a registered socket. */
    public Sqe recv(FixedFile socket, ByteBuffer dst, int msgFlags) throws UringException {
        return sqe(NetOps.transfer(core(), Opcode.Code.RECV, "recv", slot(socket), Stager.FIXED_FILE, dst, msgFlags));
    }

    /**
     * Prepares a multishot receive (6.0+) into buffers the kernel picks from {@code buffers}:
     * one completion per chunk, with {@link Cqe#F_MORE} while armed and the buffer in its flags
     * ({@link ProvidedBuffers#bufferId}); it ends with a completion without F_MORE (0 at end of
     * stream, -ENOBUFS when no buffer was free: recycle and re-arm, nothing is lost).
     */
    public Sqe recvMultishot(int fd, ProvidedBuffers buffers) throws UringException {
        return sqe(NetOps.recvSelect(core(), "recvMultishot", fd, 0, buffers, true));
    }

    /** Prepares one receive into a buffer the kernel picks from {@code buffers}. */
    public Sqe recvSelect(int fd, ProvidedBuffers buffers) throws UringException {
        return sqe(NetOps.recvSelect(core(), "recvSelect", fd, 0, buffers, false));
    }

    /** Prepares sendmsg(fd, msg, msgFlags): gathers {@code msg}'s buffers, to its destination if set. */
    public Sqe sendmsg(int fd, SocketMessage msg, int msgFlags) throws UringException {
        return sqe(NetOps.message(core(), Opcode.Code.SENDMSG, "sendmsg", fd, msg, msgFlags));
    }

    /** Prepares recvmsg(fd, msg, msgFlags): after the completion {@code msg} has the sender, flags and control data. */
    public Sqe recvmsg(int fd, SocketMessage msg, int msgFlags) throws UringException {
        return sqe(NetOps.message(core(), Opcode.Code.RECVMSG, "recvmsg", fd, msg, msgFlags));
    }

    /**
     * Prepares a zero-copy send (SEND_ZC, 6.0+) of {@code src}'s remaining bytes: it completes
     * twice, the byte count with {@link Cqe#F_MORE}, then a {@link Cqe#F_NOTIF} notification
     * once the kernel no longer reads the buffer (referenced until then: do not change it).
     * A ring uses {@link Sqe#drain()} or zero-copy sends, not both.
     */
    public Sqe sendZc(int fd, ByteBuffer src, int msgFlags) throws UringException {
        return sqe(NetOps.transfer(core(), Opcode.Code.SEND_ZC, "sendZc", fd, 0, src, msgFlags));
    }

    /** As {@link #sendZc}, from {@code src}, which lies inside one of the ring's registered buffers. */
    public Sqe sendZcFixed(int fd, ByteBuffer src, int msgFlags) throws UringException {
        return sqe(NetOps.sendZcFixed(core(), fd, src, msgFlags));
    }

    /** Prepares a zero-copy sendmsg (SENDMSG_ZC, 6.1+); completes twice, as {@link #sendZc}. */
    public Sqe sendmsgZc(int fd, SocketMessage msg, int msgFlags) throws UringException {
        return sqe(NetOps.message(core(), Opcode.Code.SENDMSG_ZC, "sendmsgZc", fd, msg, msgFlags));
    }

    /** Prepares shutdown(fd, how) (5.11+), how = {@link Linux#SHUT_RD}, SHUT_WR or SHUT_RDWR. */
    public Sqe shutdown(int fd, int how) throws UringException {
        return sqe(NetOps.shutdown(core(), fd, how));
    }

    /** Prepares a poll for {@code events} ({@link Linux#POLLIN}...): completes with the ready events. */
    public Sqe pollAdd(int fd, int events) throws UringException {
        return sqe(NetOps.poll(core(), fd, events, false));
    }

    /** Prepares a multishot poll (5.13+): a completion per readiness, with {@link Cqe#F_MORE}. */
    public Sqe pollMultishot(int fd, int events) throws UringException {
        return sqe(NetOps.poll(core(), fd, events, true));
    }

    /**
     * Limits the ring's io-wq workers (IORING_REGISTER_IOWQ_MAX_WORKERS) for bounded
     * (files) and unbounded (sockets) work; 0 leaves a limit unchanged. On SQPOLL rings of
     * kernels with the known deadlock this is refused unless {@code force}.
     *
     * @return the previous limits {bounded, unbounded}
     */
    public int[] setIoWorkerLimits(int bounded, int unbounded, boolean force) throws UringException {
        checkUsable();
        return FileOps.ioWorkerLimits(handle, setupReport, bounded, unbounded, force);
    }

    // ---------------------------------------------------------------- submission and completion

    /** Submits staged operations without waiting; completions already available are reaped. */
    public int submit() throws UringException {
        checkUsable();
        checkTurn("submit");
        return crossing.submitAll(0, 0);
    }

    /**
     * Submits staged operations and waits until at least {@code minCompletions} are ready
     * (at most {@link #cqEntries()}: as many as the ring holds until they are dispatched)
     * or the timeout passes ({@code timeout < 0}: no deadline). Refused at once if the
     * operations in flight could never deliver that many; an interrupt ends the wait
     * ({@link UringException} with errno EINTR, the interrupt status kept).
     *
     * @return the number of records submitted
     */
    public int submitAndWait(int minCompletions, long timeout, TimeUnit unit) throws UringException {
        checkUsable();
        checkTurn("submitAndWait");
        Objects.requireNonNull(unit, "unit");
        return crossing.submitAndWait(minCompletions, timeout < 0 ? -1 : unit.toNanos(timeout));
    }

    /**
     * Submits, waits as {@link #submitAndWait} does, then dispatches every reaped completion.
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
     * Dispatches completions: those already reaped, or, if there are none, whatever the
     * kernel has ready now (without submitting staged records). If the handler throws, the
     * completions not yet dispatched stay for the next call.
     *
     * @return the number of completions dispatched
     */
    public int reap(CompletionHandler handler) throws UringException {
        Objects.requireNonNull(handler, "handler");
        checkUsable();
        checkTurn("reap");
        if (completions.ready() == 0 && inFlight.active() > submissions.staged()) {
            crossing.cross(0, 0, 0);
        }
        return dispatch(handler);
    }

    private int dispatch(CompletionHandler handler) {
        lastHandler = handler;
        return completions.dispatch(handler);
    }

    // ---------------------------------------------------------------- for Sqe, the tables and the encoders

    /** The ring's parts for an operation method, after the closed and thread checks. */
    Ring core() {
        checkUsable();
        return this;
    }

    /** The Sqe of the operation just staged. */
    private Sqe sqe(long id) {
        lastPrepared = id;
        return cursors[nextCursor++ & (cursors.length - 1)].reset(id, submissions.staged() - 1);
    }

    /** The ring, if {@code s} names the last operation prepared and it is still staged. */
    Ring current(Sqe s) {
        // The last operation prepared, still staged: a submit empties the staging area, and the
        // next operation changes lastPrepared (staging makes room before that, never after).
        // A closed ring has nothing staged, so one test covers it too (named by checkUsable).
        if (Thread.currentThread() != owner || s.idForCheck() != lastPrepared || s.record() >= submissions.staged()) {
            checkUsable();
            throw new IllegalStateException("this Sqe's operation was followed by another operation, or was submitted: "
                    + "set its flags and tag right after preparing it (ring.read(...).link().tag(t))");
        }
        return this;
    }

    private int slot(FixedFile file) {
        return fixedFiles.slotOf(file);
    }

    long handle() {
        return handle;
    }

    /**
     * An EventLoop's ring (internal.RingLoan) takes submit, wait, reap and close only from the
     * loop, which gives itself the turn before each call; a call consumes it, so user code
     * inside the loop's dispatch is refused too.
     */
    private void checkTurn(String what) {
        if (managed) {
            if (!managerTurn) {
                throw new IllegalStateException(what + ": this Ring belongs to an EventLoop, which submits, reaps and "
                        + "closes it; a RingOp prepares one operation and returns its Sqe");
            }
            managerTurn = false;
        }
    }

    /** Closed and thread checks, shared with the registration tables. */
    void checkUsable() {
        if (closed) {
            throw new IllegalStateException("this Ring is closed");
        }
        Thread t = Thread.currentThread();
        if (t != owner) {
            throw new IllegalStateException("this Ring belongs to thread '" + owner.getName() + "' and was called from '"
                    + t.getName() + "': a Ring is used by the thread that opened it (it matches "
                    + "IORING_SETUP_SINGLE_ISSUER); hand work to that thread, or use an EventLoop");
        }
    }

    // ---------------------------------------------------------------- close

    /** Closes the ring, draining for up to 10 s, delivering to the handler last used (see below). */
    @Override
    public void close() {
        close(Duration.ofSeconds(10), null);
    }

    /**
     * Closes the ring. Staged records complete with {@code -ECANCELED} without reaching the
     * kernel; in-flight operations are cancelled and drained until {@code drainTimeout}; what
     * the kernel still holds then completes with {@code -ECANCELED} and its memory is kept for
     * ever ({@link #leakedBuffers()}). Exactly one caller closes; runs on the owner thread, or
     * on any thread once the owner has ended. Whatever the handler throws is rethrown after
     * the ring is torn down.
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
        if (ownerAlive) {
            checkTurn("close");
        }
        if (!closing.compareAndSet(false, true)) {
            return; // another thread (the owner having ended) is closing it
        }
        closed = true;
        CompletionHandler h = handler != null ? handler : lastHandler != null ? lastHandler : DISCARD;
        Throwable failure = RingTeardown.run(this, h, drainTimeout, ownerAlive, ownerTid);
        OPEN.remove(this);
        if (failure != null) {
            throw Ring.<RuntimeException>rethrow(failure); // as thrown: a handler may throw a checked one too
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T rethrow(Throwable t) throws T {
        throw (T) t;
    }

    @Override
    public String toString() {
        return "Ring{fd=" + info.ringFd + ", sq=" + info.sqEntries + ", cq=" + info.cqEntries + ", inFlight=" + inFlight.active()
                + (closed ? ", closed" : "") + ", " + setupReport + '}';
    }
}
