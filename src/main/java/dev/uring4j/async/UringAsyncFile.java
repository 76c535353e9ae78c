package dev.uring4j.async;

import dev.uring4j.Errno;
import dev.uring4j.Linux;
import dev.uring4j.Ring;
import dev.uring4j.Sqe;
import dev.uring4j.UringException;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.ring.Checks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * AsyncFile on io_uring: every read, write, force and allocate is one ring operation on an
 * event loop, holding a use of the descriptor until its final completion; open, fstat and
 * ftruncate are system calls on the calling thread, under a use (see AsyncFile on close).
 */
final class UringAsyncFile extends AsyncFile {
    private static final Native NATIVE = Native.access();
    /** fstat output, one per thread (size() and blockSize() allocate nothing). */
    private static final ThreadLocal<ByteBuffer> STAT = ThreadLocal.withInitial(() -> Memory.allocate(Native.STAT_BYTES));
    private static final int DIRECT_ALIGNMENT = 4096;

    private final int fd;
    private final List<EventLoop> loops;
    private final boolean direct;
    /** O_DIRECT: the alignment FileChannel enforces (the file store's block size); else 0. */
    private final int alignment;
    private final String name;
    /**
     * Whether reads and writes first try RWF_NOWAIT on the calling thread; cleared for good
     * when the file or kernel has no non-blocking path (EOPNOTSUPP, ESPIPE, a seccomp EPERM).
     * O_DIRECT, O_SYNC and O_DSYNC files never try: their "non-blocking" transfer still
     * waits for the device.
     */
    private volatile boolean inlineReads;
    /** For the drop-in channels: failures are the JDK's plain IOException with the system's message. */
    private volatile boolean jdkErrors;
    private volatile boolean inlineWrites;

    private UringAsyncFile(Path path, Set<? extends OpenOption> options, int fd, List<EventLoop> loops, int alignment,
                           Executor callbacks) {
        super(path, options, callbacks);
        this.fd = fd;
        this.loops = loops;
        this.direct = options.contains(UringOpenOption.DIRECT);
        this.alignment = alignment;
        this.name = path.toString();
        boolean inline = InlineIo.ENABLED && !direct && !options.contains(StandardOpenOption.SYNC)
                && !options.contains(StandardOpenOption.DSYNC);
        this.inlineReads = inline;
        this.inlineWrites = inline;
    }

    /**
     * Opens with open(2) on the calling thread, blocking as FileChannel.open does (a FIFO
     * waits for its peer; io_uring's OPENAT would try non-blocking first and fail with
     * ENXIO), with nothing asynchronous left to leak if the caller is interrupted.
     */
    static UringAsyncFile openUring(Path path, Set<? extends OpenOption> options, AsyncFileConfig config) throws IOException {
        return openWith(path, options, openFlags(options), 0666, config);
    }

    /**
     * open(2) with flags and mode decided by the caller (the drop-in channels, which follow
     * the JDK's rules for options such as APPEND and the permissions of a created file).
     * {@code options} says what the file may do (READ, WRITE, DELETE_ON_CLOSE, DIRECT...).
     */
    static UringAsyncFile openWith(Path path, Set<? extends OpenOption> options, int flags, int mode,
                                   AsyncFileConfig config) throws IOException {
        List<EventLoop> loops = config.loops(); // null: the shared loops, chosen per operation
        byte[] bytes = pathBytes(path);
        ByteBuffer p = ByteBuffer.allocateDirect(bytes.length + 1).put(bytes).put((byte) 0);
        int fd = NATIVE.open(Memory.address(p), flags, mode);
        Reference.reachabilityFence(p);
        if (fd < 0) {
            throw openException(path, -fd);
        }
        try {
            int alignment = options.contains(UringOpenOption.DIRECT) ? directAlignment(path) : 0;
            return new UringAsyncFile(path, options, fd, loops, alignment, config.callbackExecutor());
        } catch (Throwable t) {
            NATIVE.close(fd);
            throw t;
        }
    }

    /** The path's bytes as the JDK passes them to system calls (sun.jnu.encoding). */
    private static byte[] pathBytes(Path path) {
        String enc = System.getProperty("sun.jnu.encoding");
        Charset cs;
        try {
            cs = enc != null ? Charset.forName(enc) : StandardCharsets.UTF_8;
        } catch (RuntimeException e) {
            cs = StandardCharsets.UTF_8;
        }
        // As the JDK (UnixPath.getByteArrayForSysCalls): the empty path is the working directory
        // to system calls; open("") would fail with ENOENT. Messages still name the path as given.
        String s = path.toString();
        return (s.isEmpty() ? "." : s).getBytes(cs);
    }

    /** The alignment FileChannel uses for O_DIRECT: the file system's fundamental block size (statvfs f_frsize). */
    private static int directAlignment(Path path) throws IOException {
        long b = Files.getFileStore(path).getBlockSize();
        if (b <= 0 || b > (1 << 20) || Long.bitCount(b) != 1) {
            throw new IOException("O_DIRECT on " + path + ": unusable block size " + b);
        }
        return (int) b;
    }

    private static int openFlags(Set<? extends OpenOption> options) {
        boolean write = options.contains(StandardOpenOption.WRITE);
        boolean read = options.contains(StandardOpenOption.READ) || !write;
        int flags = Linux.O_CLOEXEC | (read && write ? Linux.O_RDWR : write ? Linux.O_WRONLY : Linux.O_RDONLY);
        if (options.contains(StandardOpenOption.CREATE_NEW)) {
            flags |= Linux.O_CREAT | Linux.O_EXCL;
        } else if (options.contains(StandardOpenOption.CREATE) && write) {
            flags |= Linux.O_CREAT;
        }
        if (options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            flags |= Linux.O_TRUNC;
        }
        if (options.contains(StandardOpenOption.SYNC)) {
            flags |= Linux.O_SYNC;
        } else if (options.contains(StandardOpenOption.DSYNC)) {
            flags |= Linux.O_DSYNC;
        }
        if (options.contains(LinkOption.NOFOLLOW_LINKS)) {
            flags |= Linux.O_NOFOLLOW;
        }
        if (options.contains(UringOpenOption.DIRECT)) {
            flags |= Linux.O_DIRECT;
        }
        return flags;
    }

    /** The same exceptions FileChannel.open throws, so both backends look alike. */
    private static IOException openException(Path path, int errno) {
        String file = path.toString();
        switch (errno) {
            case Errno.ENOENT:
                return new NoSuchFileException(file);
            case Errno.EEXIST:
                return new FileAlreadyExistsException(file);
            case Errno.EACCES:
            case Errno.EPERM:
                return new AccessDeniedException(file);
            case Errno.ELOOP: // as the JDK words it (NOFOLLOW_LINKS on a symbolic link)
                return new FileSystemException(file, null, Errno.description(errno)
                        + " or unable to access attributes of symbolic link");
            default:
                return new FileSystemException(file, null, Errno.description(errno)); // FileChannel.open's words
        }
    }

    @Override
    public Backend backend() {
        return Backend.IOURING;
    }

    /** Whether reads still try the calling thread first (false once the file or kernel had no RWF_NOWAIT path). */
    boolean readsOnCaller() {
        return inlineReads;
    }

    /** Failures as FileChannel reports them (IOException "Is a directory"), for the drop-in channels. */
    void reportErrorsAsTheJdk() {
        jdkErrors = true;
    }

    private IOException failure(String operation, int errno, String detail) {
        return jdkErrors ? new IOException(Errno.description(errno))
                : new UringException(operation + " " + name, errno, detail);
    }

    /** The descriptor number: meaningful only while the caller holds a use (see ChannelEngine). */
    int descriptor() {
        return fd;
    }

    /** Hands the task to its loop: the file's own, or a shared one; false if no loop accepts it. */
    private boolean execute(LoopTask<?> task) throws UringException {
        if (loops == null) {
            return SharedLoops.execute(task);
        }
        int n = loops.size();
        return (n == 1 ? loops.get(0) : loops.get((int) ((Thread.currentThread().getId() & Long.MAX_VALUE) % n)))
                .execute(task);
    }

    /** A bounce buffer for one operation; {@link #giveBack} returns it once the kernel is done with it. */
    private ByteBuffer bounce(int size) {
        if (!direct && size <= TempBuffers.MAX_CACHED) {
            return TempBuffers.take(size);
        }
        return direct ? AlignedBuffers.allocate(size, Math.max(DIRECT_ALIGNMENT, alignment)) : ByteBuffer.allocateDirect(size);
    }

    private void giveBack(ByteBuffer io, ByteBuffer user) {
        if (io != user && !direct && !user.isDirect()) { // a bounce buffer (a direct user buffer's io is a view of it)
            TempBuffers.give(io);
        }
    }

    /**
     * The bytes of one transfer: at most the kernel's per-call maximum, as read(2) and the
     * JDK's channels transfer at most that much and return a short count (callers loop).
     */
    private static int perCall(long remaining) {
        return (int) Math.min(remaining, Checks.MAX_RW);
    }

    /** {@code b} itself, or a view of its first {@code n} remaining bytes. */
    private static ByteBuffer firstBytes(ByteBuffer b, int n) {
        return n == b.remaining() ? b : b.duplicate().limit(b.position() + n);
    }

    // ---------------------------------------------------------------- O_DIRECT rules, as FileChannel states them

    /**
     * FileChannel's wording for a misaligned direct buffer changed in JDK 20 (JDK-8295456: "Current position of
     * the bytebuffer (P) is not a multiple of the block size (B): alignment offset = O"; JDK 17's says "Current
     * location ... (B)"): the messages below follow the JDK they run on.
     */
    private static final boolean ALIGNMENT_OFFSET_IN_MESSAGE = Runtime.version().feature() >= 20;

    /** FileChannel's checks for one buffer at a channel position, in its order; null if aligned. */
    private IOException misaligned(ByteBuffer b, long position) {
        if (position % alignment != 0) {
            return new IOException("Channel position (" + position + ") is not a multiple of the block size ("
                    + alignment + ")");
        }
        int pos = b.position();
        int rem = b.remaining();
        int offset = b.isDirect() ? b.alignmentOffset(pos, alignment) : 0;
        if (offset != 0) {
            return new IOException(ALIGNMENT_OFFSET_IN_MESSAGE
                    ? "Current position of the bytebuffer (" + pos + ") is not a multiple of the block size ("
                            + alignment + "): alignment offset = " + offset
                    : "Current location of the bytebuffer (" + pos + ") is not a multiple of the block size ("
                            + alignment + ")");
        }
        if (rem % alignment != 0) {
            return new IOException("Number of remaining bytes (" + rem + ") is not a multiple of the block size ("
                    + alignment + ")");
        }
        return null;
    }

    /** The vectored form: each buffer with bytes remaining, at the position where it starts. */
    private IOException misaligned(ByteBuffer[] bs, long position) {
        long at = position;
        for (ByteBuffer b : bs) {
            if (b.hasRemaining()) {
                IOException e = misaligned(b, at);
                if (e != null) {
                    return e;
                }
                at += b.remaining();
            }
        }
        return null;
    }

    /** One file operation: the future the caller holds, and the loop's task. */
    private abstract class FileTask<T> extends LoopTask<T> {
        final String operation;

        FileTask(String operation) {
            this.operation = operation;
        }

        @Override
        AsyncFile owner() {
            return UringAsyncFile.this;
        }

        @Override
        void onRetire() {
            try {
                giveBackBounces();
            } finally {
                releaseUse(); // the last one after close closes the descriptor
            }
        }

        /** Bounce buffers of this operation go back to the cache: the kernel is done with them. */
        void giveBackBounces() {
        }

        @Override
        void onResult(int res, int flags) {
            if (isDone()) {
                return; // cancelled or timed out: no copy into, and no position change of, the caller's buffer
            }
            // The outcome is taken here, on the loop: it copies out of bounce buffers, which go
            // back to the cache when the loop retires this task right after.
            T value = null;
            Throwable failure = null;
            if (res < 0) {
                failure = isClosed() && res == -Errno.EBADF ? new AsynchronousCloseException()
                        : failure(operation, -res, null);
            } else {
                try {
                    value = result(res);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            Executor callbacks = callbackExecutor();
            if (callbacks == null && loops == null && getNumberOfDependents() > 0) {
                callbacks = CallbackThreads.EXECUTOR; // a shared loop never runs user code
            }
            if (callbacks == null) {
                settle(value, failure);
                return;
            }
            T v = value;
            Throwable f = failure;
            try {
                callbacks.execute(() -> settle(v, f));
            } catch (RuntimeException e) { // refused (shut down, saturated): complete here rather than never
                settle(v, f);
            }
        }

        private void settle(T value, Throwable failure) {
            if (failure != null) {
                deliverFailure(failure);
            } else {
                deliver(value);
            }
        }

        abstract T result(int res);
    }

    /** Hands a task to the loop holding a use of the descriptor, which the loop releases when it retires the task. */
    private <T, F extends FileTask<T>> F start(F task) {
        if (!acquireUse()) {
            task.deliverFailure(new ClosedChannelException());
            return task;
        }
        Throwable refused;
        try {
            // The file is open; its loop is not: a refusal, not an asynchronous close.
            refused = execute(task) ? null : new RejectedExecutionException(loops == null
                    ? "uring4j's shared event loops refused the operation three times (each was retiring or shutting "
                    + "down)" : "the EventLoop this file was opened with is shut down: the file can only be closed");
        } catch (UringException | RuntimeException e) {
            refused = e; // no shared loop could start (the reason says why)
        }
        if (refused != null) {
            task.deliverFailure(refused);
            task.retire();
        }
        return task;
    }

    /** Read into dst's remaining space, through a bounce buffer for heap buffers. */
    private final class ReadTask extends FileTask<Integer> {
        final ByteBuffer dst;
        final ByteBuffer io;
        final int pos;
        final int rem;
        final long position;

        ReadTask(ByteBuffer dst, long position) {
            super("read");
            this.dst = dst;
            this.pos = dst.position();
            this.rem = dst.remaining();
            this.io = dst.isDirect() ? firstBytes(dst, perCall(rem)) : bounce(perCall(rem));
            this.position = position;
        }

        @Override
        Sqe prepare(Ring ring) throws UringException {
            return ring.read(fd, io, position); // dst itself reads [pos, pos + rem); a bounce buffer from 0
        }

        @Override
        void giveBackBounces() {
            giveBack(io, dst);
        }

        @Override
        Integer result(int n) {
            if (n == 0 && rem > 0) {
                return -1;
            }
            if (io != dst) {
                dst.put(pos, io, 0, n);
            }
            dst.position(pos + n);
            return n;
        }
    }

    private final class WriteTask extends FileTask<Integer> {
        final ByteBuffer src;
        final ByteBuffer io;
        final int pos;
        final int rem;
        final long position;

        WriteTask(ByteBuffer src, long position) {
            super("write");
            this.src = src;
            this.pos = src.position();
            this.rem = src.remaining();
            int n = perCall(rem);
            this.io = src.isDirect() ? firstBytes(src, n) : bounce(n).put(0, src, pos, n);
            this.position = position;
        }

        @Override
        Sqe prepare(Ring ring) throws UringException {
            return ring.write(fd, io, position);
        }

        @Override
        void giveBackBounces() {
            giveBack(io, src);
        }

        @Override
        Integer result(int n) {
            src.position(pos + n);
            return n;
        }
    }

    private final class VectorTask extends FileTask<Long> {
        final boolean read;
        final ByteBuffer[] user;
        final ByteBuffer[] io;
        final int[] positions;
        final long wanted;
        final long position;

        VectorTask(boolean read, ByteBuffer[] user, long position) {
            super(read ? "readv" : "writev");
            this.read = read;
            this.user = user;
            this.position = position;
            positions = new int[user.length];
            long total = 0;
            long budget = Checks.MAX_RW; // readv(2) transfers at most this in all (a short count): the rest waits
            int used = 0;
            ByteBuffer[] parts = new ByteBuffer[user.length];
            for (int i = 0; i < user.length; i++) {
                positions[i] = user[i].position();
                total += user[i].remaining();
                if (budget == 0) {
                    continue; // this and later buffers are not part of this transfer: parts is a prefix
                }
                int r = (int) Math.min(user[i].remaining(), budget);
                budget -= r;
                if (user[i].isDirect()) {
                    parts[used++] = firstBytes(user[i], r);
                } else {
                    parts[used++] = read ? bounce(r) : bounce(r).put(0, user[i], positions[i], r);
                }
            }
            io = used == parts.length ? parts : Arrays.copyOf(parts, used);
            wanted = total;
        }

        @Override
        void giveBackBounces() {
            for (int i = 0; i < io.length; i++) { // io may hold fewer (the per-call maximum)
                giveBack(io[i], user[i]);
            }
        }

        @Override
        Sqe prepare(Ring ring) throws UringException {
            // Direct buffers are used at their positions; bounce buffers from 0.
            return read ? ring.readv(fd, io, position) : ring.writev(fd, io, position);
        }

        @Override
        Long result(int n) {
            if (read && n == 0 && wanted > 0) {
                return -1L;
            }
            int left = n;
            for (int i = 0; i < user.length && left > 0; i++) {
                int share = Math.min(left, Math.max(0, user[i].limit() - positions[i]));
                if (read && io[i] != user[i]) {
                    user[i].put(positions[i], io[i], 0, share);
                }
                user[i].position(positions[i] + share);
                left -= share;
            }
            return (long) n;
        }
    }

    private final class SimpleTask extends FileTask<Void> {
        final EventLoop.RingOp op;

        SimpleTask(String operation, EventLoop.RingOp op) {
            super(operation);
            this.op = op;
        }

        @Override
        Sqe prepare(Ring ring) throws UringException {
            return op.prepare(ring);
        }

        @Override
        Void result(int res) {
            return null;
        }
    }

    @Override
    CompletableFuture<Integer> doRead(ByteBuffer dst, long position) {
        IOException e = direct ? misaligned(dst, position) : null;
        if (e != null) {
            return UringFuture.failed(e);
        }
        if (inlineReads) {
            CompletableFuture<Integer> now = tryNow(dst, position, false);
            if (now != null) {
                return now;
            }
        }
        return start(new ReadTask(dst, position));
    }

    @Override
    CompletableFuture<Integer> doWrite(ByteBuffer src, long position) {
        IOException e = direct ? misaligned(src, position) : null;
        if (e != null) {
            return UringFuture.failed(e);
        }
        if (inlineWrites) {
            CompletableFuture<Integer> now = tryNow(src, position, true);
            if (now != null) {
                return now;
            }
        }
        return start(new WriteTask(src, position));
    }

    /**
     * The caller does the transfer itself when it cannot block: RWF_NOWAIT on this thread,
     * under a use of the descriptor. Gives a completed future, or null when the transfer
     * would block (or failed: the ring then reports the error with its own wording), and
     * the operation goes to a ring while the caller waits on the future.
     */
    private CompletableFuture<Integer> tryNow(ByteBuffer b, long position, boolean write) {
        int pos = b.position();
        int rem = b.limit() - pos;
        boolean heap = !b.isDirect();
        if (heap && rem > TempBuffers.MAX_CACHED) {
            return null; // a large heap transfer goes to a ring with a bounce buffer of its own
        }
        ByteBuffer io = heap ? TempBuffers.take(rem) : b;
        if (heap && write) {
            io.put(0, b, pos, rem);
        }
        int r = nowait(io, heap ? 0 : pos, rem, position, write);
        if (heap) {
            if (r > 0 && !write) {
                b.put(pos, io, 0, r);
            }
            TempBuffers.give(io);
        }
        if (r < 0) {
            if (r != -Errno.EAGAIN && InlineIo.noNonBlockingPath(-r)) {
                if (write) {
                    inlineWrites = false;
                } else {
                    inlineReads = false;
                }
            }
            return null;
        }
        b.position(pos + r);
        return UringFuture.completedWith(InlineIo.boxed(!write && r == 0 && rem > 0 ? -1 : r));
    }

    /** One RWF_NOWAIT transfer of {@code io}'s bytes [at, at + length) under a use; -errno on failure. */
    private int nowait(ByteBuffer io, int at, int length, long position, boolean write) {
        if (!acquireUse()) {
            return -Errno.EBADF; // closed meanwhile: the ring path gives the ClosedChannelException
        }
        try {
            return NATIVE.rwNowait(fd, Memory.address(io) + at, length, position, write);
        } finally {
            Reference.reachabilityFence(io);
            releaseUse();
        }
    }

    @Override
    CompletableFuture<Long> doRead(ByteBuffer[] dsts, long position) {
        IOException e = direct ? misaligned(dsts, position) : null;
        return e != null ? UringFuture.failed(e) : start(new VectorTask(true, dsts, position));
    }

    @Override
    CompletableFuture<Long> doWrite(ByteBuffer[] srcs, long position) {
        IOException e = direct ? misaligned(srcs, position) : null;
        return e != null ? UringFuture.failed(e) : start(new VectorTask(false, srcs, position));
    }

    @Override
    CompletableFuture<Void> doForce(boolean metaData) {
        return start(new SimpleTask("fsync", ring -> metaData ? ring.fsync(fd) : ring.fdatasync(fd)));
    }

    @Override
    CompletableFuture<Void> doAllocate(long position, long length) {
        return start(new SimpleTask("fallocate", ring -> ring.fallocate(fd, 0, position, length)));
    }

    /** fstat(2) on the calling thread under a use of the descriptor; the stat buffer of this thread. */
    private ByteBuffer fstat() throws IOException {
        if (!acquireUse()) {
            throw new ClosedChannelException();
        }
        try {
            ByteBuffer st = STAT.get();
            int r = NATIVE.fstat(fd, Memory.address(st));
            if (r < 0) {
                throw failure("fstat", -r, null);
            }
            return st;
        } finally {
            releaseUse();
        }
    }

    @Override
    public long size() throws IOException {
        return fstat().getLong(Native.STAT_SIZE);
    }

    @Override
    ChannelEngine.Positions positions() throws IOException {
        int type = fstat().getInt(Native.STAT_MODE) & Linux.S_IFMT;
        if (type == Linux.S_IFIFO || type == Linux.S_IFSOCK) {
            return ChannelEngine.Positions.NONE;
        }
        if (type != Linux.S_IFCHR) {
            return ChannelEngine.Positions.CHANNEL;
        }
        // A character device: a stream (a tty, /dev/ptmx) has no lseek; the others keep their own
        // position, whatever the reads did (/dev/zero's stays 0), so the channel asks for it.
        try {
            seek(0, Linux.SEEK_CUR);
            return ChannelEngine.Positions.KERNEL;
        } catch (IOException e) {
            return ChannelEngine.Positions.NONE;
        }
    }

    @Override
    long seek(long offset, int whence) throws IOException {
        if (!acquireUse()) {
            throw new ClosedChannelException();
        }
        try {
            long r = NATIVE.lseek(fd, offset, whence);
            if (r < 0) {
                throw failure("lseek", (int) -r, "to " + offset);
            }
            return r;
        } finally {
            releaseUse();
        }
    }

    @Override
    public int blockSize() throws IOException {
        int b = fstat().getInt(Native.STAT_BLKSIZE);
        return direct ? alignment : b;
    }

    @Override
    void doTruncate(long size) throws IOException {
        if (!acquireUse()) {
            throw new ClosedChannelException();
        }
        try {
            int r = NATIVE.ftruncate(fd, size);
            if (r < 0) {
                throw failure("ftruncate", -r, "to " + size + " bytes");
            }
        } finally {
            releaseUse();
        }
    }

    @Override
    void failPending() {
        // Each loop fails and cancels this file's operations (they were queued before the close);
        // operations still queued behind the sweep are dropped when the loop reaches them.
        List<EventLoop> all = loops != null ? loops : SharedLoops.running();
        List<CompletableFuture<Void>> sweeps = new ArrayList<>(all.size());
        for (EventLoop l : all) {
            sweeps.add(l.sweep(this));
        }
        if (!UringThread.current()) {
            for (CompletableFuture<Void> s : sweeps) {
                s.join(); // quick: the loops do it next; never from a loop thread (it would wait on itself)
            }
        }
    }

    @Override
    void closeDescriptor() throws IOException {
        int r = NATIVE.close(fd);
        if (r < 0) {
            throw new UringException("close " + name, -r, null);
        }
    }

    @Override
    int pendingCount() {
        return 0; // pending operations live in the loops, which the close sweep has failed
    }

    /** Waits for a loop future, unwrapping its exception (not on a loop thread: the future refuses it). */
    static int await(CompletableFuture<Integer> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for io_uring");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                throw (IOException) c;
            }
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IOException(c);
        }
    }
}
