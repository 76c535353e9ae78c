package dev.uring4j.async;

import dev.uring4j.Uring;
import dev.uring4j.UringUnavailableException;
import dev.uring4j.internal.BufferLifetime;
import dev.uring4j.internal.HostPaths;
import dev.uring4j.internal.ring.RingMemoryClaims;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Asynchronous file I/O callable from any thread, on io_uring where this process can use
 * it and on {@link java.nio.channels.FileChannel} with a bounded thread pool where it
 * cannot. Both backends behave the same: the API mirrors
 * {@link java.nio.channels.AsynchronousFileChannel} (positional reads and writes that
 * advance the buffer's position on completion, -1 at end of file,
 * {@link NonWritableChannelException} for a write to a file opened read-only,
 * {@link ClosedChannelException} after close, {@link AsynchronousCloseException} for
 * operations pending at close; one transfer moves at most the kernel's per-call maximum,
 * 0x7ffff000 bytes, and returns that short count, as read(2) and the JDK's channels do) and
 * adds vectored I/O, {@link #readFully}, {@link #writeFully}, {@link #allocate} and O_DIRECT
 * ({@link UringOpenOption#DIRECT}). An operation on a file whose own event loop was shut down
 * fails with {@link java.util.concurrent.RejectedExecutionException}.
 *
 * <p>The backend is chosen once per process: {@code -During4j.backend=iouring|nio}, else
 * io_uring if {@link Uring#isAvailable()}; {@link #defaultBackend()} and
 * {@link #defaultBackendReason()} say which and why (also logged once).
 *
 * <p>Cancelling a returned future cancels the operation (in the kernel, for io_uring);
 * the buffer stays referenced until the kernel is done with it. Buffers whose memory can be
 * freed behind uring4j's back (views of an {@code Arena.ofConfined()}/{@code ofShared()}
 * segment) are refused up front, on both backends, as {@code BufferLifetime} describes.
 *
 * <p><b>Where the work happens.</b> On io_uring, a read or write of one buffer (direct,
 * or heap up to 256 KiB through a lent direct buffer) that the page cache can serve is done by the calling thread itself (one non-blocking
 * system call, RWF_NOWAIT), and the returned future is already complete: a cached read
 * from any thread, platform or virtual, costs what {@code FileChannel.read} costs and
 * crosses no thread. Only an operation that would block (a cache miss, a write that must
 * wait, O_DIRECT, SYNC/DSYNC files, vectored transfers, heap buffers above 256 KiB, force,
 * allocate)
 * goes to an event loop's ring: the file's own loops, or else one of the
 * {@link SharedLoops} (one per processor), while the caller waits on the future if it
 * wants to. {@code -During4j.inlineIo=false} sends every operation to a ring.
 *
 * <p><b>Where callbacks run.</b> A future that is already complete runs the actions
 * chained to it (thenApply, whenComplete...) on the thread that chains them, as any
 * CompletableFuture does. A future completed later is completed, and its actions run, on
 * the thread that completes it: the event loop's thread for io_uring, a thread of the NIO
 * pool for NIO, unless the file has a callback executor
 * ({@link AsyncFileConfig.Builder#callbackExecutor}), which then runs them. A slow action
 * on a loop thread delays the other operations already in that loop's ring; new operations
 * go to a shared loop that is not busy in callbacks ({@link SharedLoops}), and the loop's
 * watchdog reports a callback that blocks ({@link EventLoop#stuckReports()}).
 * {@link #open}, {@link #size()}, {@link #blockSize()} and {@link #truncate} run on the
 * calling thread (open blocks as {@link java.nio.channels.FileChannel#open} does, e.g. for
 * a FIFO without a peer); they and {@link #close()} may be called from a callback.
 *
 * <p><b>Deadlines and interrupts.</b> Completing a returned future from outside
 * ({@code orTimeout}, {@code completeOnTimeout}, {@code complete}) or cancelling it
 * cancels the operation in the kernel; the buffer stays referenced until the kernel is done
 * with it, and its contents are then undefined. {@code get(timeout)} that times out and a
 * {@code get()} interrupted ({@link InterruptedException}) end the wait only: the operation
 * goes on, as with {@link java.nio.channels.AsynchronousFileChannel}'s futures;
 * {@code join()} does not react to interrupts (as {@link CompletableFuture#join()}).
 * A virtual thread waiting on a future unmounts (it never spins or enters io_uring), so
 * its carrier runs other virtual threads meanwhile.
 *
 * <p><b>No blocking waits on loop or pool threads.</b> {@code join()}, {@code get()} and
 * {@code get(timeout)} of a future from this class (or one derived from it) that is not
 * done throw {@link IllegalStateException} at once when called on an event-loop thread or
 * on a thread of the shared NIO pool: such a wait would wait on itself. Chain the next step
 * with thenApply/thenCompose/whenComplete, or wait from another thread. (Threads of an
 * executor you configure ({@link AsyncFileConfig.Builder#executor}) are not checked.)
 *
 * <p><b>Close.</b> {@link #close()} is one atomic transition: of concurrent calls exactly
 * one closes the file, and no operation uses the descriptor once close may have released
 * it. Every operation holds a use of the descriptor, from its start until its final
 * completion; close marks the file closed (new operations fail with
 * {@link ClosedChannelException}), completes every pending operation with
 * {@link AsynchronousCloseException} (cancelling it in the kernel), and the descriptor is
 * closed once, when the last use is released. Called from any other thread, close returns
 * when the descriptor is closed, or after 5 s if the kernel still
 * holds an operation (logged as a warning: the descriptor is then left open, leaked if the
 * kernel never completes it, rather than closed under the kernel). Called on an event-loop
 * or NIO pool thread, close does not wait: the descriptor is closed when the last
 * operation's completion has been delivered.
 */
public abstract class AsyncFile implements AutoCloseable {
    /** Where operations run. */
    public enum Backend { IOURING, NIO }

    static final System.Logger LOG = System.getLogger("dev.uring4j.async.AsyncFile");
    public static final String PROP_BACKEND = "uring4j.backend";

    private final Path path;
    private final boolean readable;
    private final boolean writable;
    private final boolean deleteOnClose;
    /** How long close waits for the kernel to finish the operations it cancelled (tests shorten it). */
    static volatile long closeWaitMillis = 5_000;
    /** Uses of the descriptor (operations and calls using it now); the last after close closes it. */
    private final DescriptorUses uses = new DescriptorUses(this::descriptorReleased);
    /** Completes when the descriptor has been closed (exceptionally if closing it failed). */
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    /** Where futures of operations still in flight are completed (null: the completing thread). */
    private final Executor callbackExecutor;

    AsyncFile(Path path, Set<? extends OpenOption> options) {
        this(path, options, null);
    }

    AsyncFile(Path path, Set<? extends OpenOption> options, Executor callbackExecutor) {
        this.path = path;
        this.callbackExecutor = callbackExecutor;
        this.writable = options.contains(StandardOpenOption.WRITE);
        this.readable = options.contains(StandardOpenOption.READ) || !writable;
        this.deleteOnClose = options.contains(StandardOpenOption.DELETE_ON_CLOSE);
    }

    // ---------------------------------------------------------------- opening

    /** Opens with the default backend and configuration; options as for {@link java.nio.channels.FileChannel#open}. */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Set<OpenOption> set = new HashSet<>();
        for (OpenOption o : options) {
            set.add(Objects.requireNonNull(o, "an option is null"));
        }
        return open(path, set, AsyncFileConfig.defaults());
    }

    /**
     * Opens {@code path}. Supported options: READ, WRITE, CREATE, CREATE_NEW,
     * TRUNCATE_EXISTING, DELETE_ON_CLOSE, SYNC, DSYNC, NOFOLLOW_LINKS, SPARSE (ignored),
     * {@link UringOpenOption#DIRECT}. APPEND is refused, as for AsynchronousFileChannel:
     * every operation names its position. A path of another file-system provider (a zip
     * file's entry) is refused with {@link UnsupportedOperationException}: its string names no
     * host file.
     */
    public static AsyncFile open(Path path, Set<? extends OpenOption> options, AsyncFileConfig config) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(config, "config");
        if (!HostPaths.isHostFile(path)) {
            // As the JDK's AsynchronousFileChannel.open of such a path: refused, never opened by its string.
            throw new UnsupportedOperationException("AsyncFile opens files of the default file system; " + path
                    + " belongs to the '" + path.getFileSystem().provider().getScheme() + "' provider");
        }
        if (options.contains(StandardOpenOption.APPEND)) {
            throw new UnsupportedOperationException("APPEND is not supported: AsyncFile operations name their position");
        }
        if (options.contains(StandardOpenOption.TRUNCATE_EXISTING) && !options.contains(StandardOpenOption.WRITE)) {
            throw new IllegalArgumentException("TRUNCATE_EXISTING needs WRITE");
        }
        Backend b = config.backend() != null ? config.backend() : defaultBackend();
        if (b == Backend.IOURING) {
            UringUnavailableException cause = Uring.unavailabilityCause();
            if (cause != null) {
                throw new UringUnavailableException(config.backend() != null
                        ? "AsyncFileConfig.backend(IOURING) requires io_uring, and no NIO fallback is used"
                        : "-D" + PROP_BACKEND + "=iouring forces io_uring, so no NIO fallback is used "
                                + "(remove the property to fall back)", cause);
            }
            return UringAsyncFile.openUring(path, options, config);
        }
        return NioAsyncFile.openNio(path, options, config);
    }

    private static final class Choice {
        static final Backend BACKEND;
        static final String REASON;

        static {
            String prop = System.getProperty(PROP_BACKEND, "").trim().toLowerCase(Locale.ROOT);
            UringUnavailableException cause = Uring.unavailabilityCause();
            if (prop.equals("nio")) {
                BACKEND = Backend.NIO;
                REASON = "-D" + PROP_BACKEND + "=nio";
            } else if (prop.equals("iouring") || prop.equals("io_uring")) {
                BACKEND = Backend.IOURING;
                REASON = "-D" + PROP_BACKEND + "=iouring" + (cause == null ? "" : " (but io_uring is unavailable: "
                        + cause.reason() + ": files opened without a backend of their own fail; no NIO fallback is used)");
            } else if (!prop.isEmpty()) {
                BACKEND = cause == null ? Backend.IOURING : Backend.NIO;
                REASON = "unknown -D" + PROP_BACKEND + "=" + prop + " (use iouring or nio); chose by availability";
            } else if (cause == null) {
                BACKEND = Backend.IOURING;
                REASON = "io_uring is available";
            } else {
                BACKEND = Backend.NIO;
                REASON = "io_uring is unavailable (" + cause.reason() + "): " + cause.getMessage().split("\n")[0];
            }
            // A fallback the user can fix (library missing, other version, native access denied)
            // or a forced backend that cannot work is a warning; a host without io_uring is not.
            boolean warn = cause != null && (cause.reason().isMisconfiguration() || BACKEND == Backend.IOURING)
                    && !prop.equals("nio");
            LOG.log(warn ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    "AsyncFile backend: " + BACKEND + " (" + REASON + ")");
        }
    }

    /** The backend files open with unless their config names one. */
    public static Backend defaultBackend() {
        return Choice.BACKEND;
    }

    /** Why {@link #defaultBackend()} was chosen. */
    public static String defaultBackendReason() {
        return Choice.REASON;
    }

    // ---------------------------------------------------------------- operations

    /** The backend this file uses. */
    public abstract Backend backend();

    /**
     * Reads into {@code dst} from {@code position}; the future gives the bytes read, or -1
     * at end of file, and dst's position advances by the bytes read.
     */
    public final CompletableFuture<Integer> read(ByteBuffer dst, long position) {
        checkRead(dst, position);
        return isClosed() ? UringFuture.failed(new ClosedChannelException()) : doRead(dst, position);
    }

    /** Writes {@code src}'s remaining bytes at {@code position}; src's position advances by the bytes written. */
    public final CompletableFuture<Integer> write(ByteBuffer src, long position) {
        checkWrite(src, position);
        return isClosed() ? UringFuture.failed(new ClosedChannelException()) : doWrite(src, position);
    }

    /** Vectored read filling the buffers in order; -1 at end of file. */
    public final CompletableFuture<Long> read(ByteBuffer[] dsts, long position) {
        Objects.requireNonNull(dsts, "dsts");
        if (dsts.length == 0 || dsts.length > 1024) {
            throw new IllegalArgumentException("1 to 1024 buffers, got " + dsts.length);
        }
        for (ByteBuffer b : dsts) {
            checkRead(b, position);
        }
        ByteBuffer[] copy = dsts.clone();
        return track(() -> doRead(copy, position));
    }

    /** Vectored write of the buffers' remaining bytes in order. */
    public final CompletableFuture<Long> write(ByteBuffer[] srcs, long position) {
        Objects.requireNonNull(srcs, "srcs");
        if (srcs.length == 0 || srcs.length > 1024) {
            throw new IllegalArgumentException("1 to 1024 buffers, got " + srcs.length);
        }
        for (ByteBuffer b : srcs) {
            checkWrite(b, position);
        }
        ByteBuffer[] copy = srcs.clone();
        return track(() -> doWrite(copy, position));
    }

    /**
     * Reads until {@code dst} is full; fails with {@link EOFException} if the file ends first.
     * The future gives the bytes read (dst's remaining at the call).
     */
    public final CompletableFuture<Integer> readFully(ByteBuffer dst, long position) {
        checkRead(dst, position);
        AsyncFuture<Integer> result = new AsyncFuture<>(null);
        int wanted = dst.remaining();
        return track(() -> {
            transferMore(true, dst, position, 0, wanted, result);
            return result;
        });
    }

    /**
     * The steps of readFully/writeFully: transfers more until done. Steps that complete at
     * once (served from the page cache on this thread) continue in this loop, not by
     * recursion; a step still in flight continues from its completion.
     */
    private void transferMore(boolean read, ByteBuffer buffer, long position, int done, int wanted,
                              AsyncFuture<Integer> result) {
        while (true) {
            if (result.isDone()) {
                return; // cancelled (or timed out) by the caller: no further steps
            }
            if (done == wanted) {
                result.deliver(done);
                return;
            }
            CompletableFuture<Integer> step;
            try {
                step = isClosed() ? CompletableFuture.failedFuture(new AsynchronousCloseException())
                        : read ? read(buffer, position + done) : write(buffer, position + done);
            } catch (RuntimeException e) {
                result.deliverFailure(e);
                return;
            }
            if (step.isDone() && !step.isCompletedExceptionally()) {
                int n = step.join();
                if (n >= 0) {
                    done += n;
                    continue;
                }
            }
            int sofar = done;
            result.dependOn(step);
            step.whenComplete((n, ex) -> {
                if (ex != null) {
                    result.deliverFailure(ex);
                } else if (n < 0) {
                    result.deliverFailure(new EOFException("end of " + path + " at position " + (position + sofar)
                            + " after " + sofar + " of " + wanted + " bytes"));
                } else {
                    transferMore(read, buffer, position, sofar + n, wanted, result);
                }
            });
            return;
        }
    }

    /** Writes all of {@code src}'s remaining bytes, in as many writes as it takes. */
    public final CompletableFuture<Integer> writeFully(ByteBuffer src, long position) {
        checkWrite(src, position);
        AsyncFuture<Integer> result = new AsyncFuture<>(null);
        int wanted = src.remaining();
        return track(() -> {
            transferMore(false, src, position, 0, wanted, result);
            return result;
        });
    }

    /** Flushes written data to the device (fdatasync unless {@code metaData}, then fsync). */
    public final CompletableFuture<Void> force(boolean metaData) {
        return track(() -> doForce(metaData));
    }

    /**
     * Allocates {@code [position, position+length)} (fallocate mode 0), growing the file
     * if needed. With the NIO backend the file grows but blocks are not reserved.
     *
     * @throws IllegalArgumentException for a negative position, a length that is not positive,
     *                                  or a range whose end overflows a long
     */
    public final CompletableFuture<Void> allocate(long position, long length) {
        if (position < 0 || length <= 0) {
            throw new IllegalArgumentException("position must be >= 0 and length > 0, got " + position + ", " + length);
        }
        if (position + length < 0) { // both backends alike (NIO would grow nothing and report success)
            throw new IllegalArgumentException("position + length overflows a long: " + position + " + " + length);
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
        return track(() -> doAllocate(position, length));
    }

    /** The file's current size. */
    public abstract long size() throws IOException;

    /** Truncates the file to {@code size} if it is larger (as AsynchronousFileChannel.truncate). */
    public final AsyncFile truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
        ensureOpen();
        if (size < size()) {
            doTruncate(size);
        }
        return this;
    }

    /** The file system block size (alignment unit for {@link UringOpenOption#DIRECT}). */
    public abstract int blockSize() throws IOException;

    public final Path path() {
        return path;
    }

    public final boolean isOpen() {
        return !uses.isClosed();
    }

    /**
     * Closes the file (see the class comment): one winner among concurrent calls; operations
     * still pending complete with {@link AsynchronousCloseException} (and are cancelled);
     * their buffers stay referenced until the kernel releases them, and the descriptor is
     * closed when the last of them has completed. Safe to call from a callback.
     */
    @Override
    public final void close() throws IOException {
        // The winner holds a use of its own while it fails what is pending, so that the
        // descriptor is not closed under that work.
        boolean winner = false;
        if (uses.acquire()) {
            winner = uses.close();
            if (!winner) {
                uses.release(); // another close won meanwhile
            }
        }
        if (winner) {
            try {
                failPending();
            } finally {
                releaseUse();
                if (deleteOnClose) {
                    Files.deleteIfExists(path);
                }
            }
        }
        if (UringThread.current()) {
            return; // never wait on a loop or pool thread: the last completion closes the descriptor
        }
        try {
            released.get(closeWaitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the descriptor is closed when the last use ends
        } catch (TimeoutException e) {
            // No timer thread for this (CompletableFuture's delayer thread would keep the
            // context class loader of the first caller alive: a redeploy leak); the waiting
            // winner reports it. A close on a loop thread does not wait, and does not report.
            if (winner) {
                warnIfStillOpen(closeWaitMillis);
            }
        } catch (ExecutionException e) {
            if (winner) {
                Throwable c = e.getCause();
                if (c instanceof IOException) {
                    throw (IOException) c;
                }
                throw new IOException("closing " + path + " failed", c);
            }
        }
    }

    private void warnIfStillOpen(long waitedMillis) {
        if (!released.isDone()) {
            LOG.log(System.Logger.Level.WARNING, "closing " + path + ": " + uses.held() + " operation(s) "
                    + "using its descriptor (cancelled at close) have not completed after " + waitedMillis + " ms; the "
                    + "descriptor stays open until they do (leaked if they never do) rather than being closed under the "
                    + "kernel");
        }
    }

    /** Uses of the descriptor held now (tests and diagnostics). */
    final int usesHeld() {
        return (int) uses.held();
    }

    /**
     * Takes a use of the descriptor: false (and nothing taken) if the file is closed. A use
     * keeps the descriptor from being closed until {@link #releaseUse()}. One atomic add on a counter cell of the calling thread's.
     */
    final boolean acquireUse() {
        return uses.acquire();
    }

    /** Releases a use; the last one after close closes the descriptor (on this thread). */
    final void releaseUse() {
        uses.release();
    }

    private void descriptorReleased() {
        try {
            closeDescriptor();
            released.complete(null);
        } catch (Throwable t) {
            released.completeExceptionally(t);
            LOG.log(System.Logger.Level.WARNING, "closing the descriptor of " + path + " failed", t);
        }
    }

    /** Whether the descriptor has been closed (tests). */
    final boolean descriptorClosed() {
        return released.isDone();
    }

    final Executor callbackExecutor() {
        return callbackExecutor;
    }

    // ---------------------------------------------------------------- backend contract

    abstract CompletableFuture<Integer> doRead(ByteBuffer dst, long position);

    abstract CompletableFuture<Integer> doWrite(ByteBuffer src, long position);

    abstract CompletableFuture<Long> doRead(ByteBuffer[] dsts, long position);

    abstract CompletableFuture<Long> doWrite(ByteBuffer[] srcs, long position);

    abstract CompletableFuture<Void> doForce(boolean metaData);

    abstract CompletableFuture<Void> doAllocate(long position, long length);

    abstract void doTruncate(long size) throws IOException;

    /**
     * Completes every pending operation with AsynchronousCloseException and cancels it;
     * called once, by the winning close, after the file is marked closed. Must not wait on
     * an event-loop or pool thread.
     */
    abstract void failPending() throws IOException;

    /** Closes the descriptor: called exactly once, when the last use after close is released. */
    abstract void closeDescriptor() throws IOException;

    // ---------------------------------------------------------------- shared checks and bookkeeping

    final boolean isClosed() {
        return uses.isClosed();
    }

    final void ensureOpen() throws ClosedChannelException {
        if (isClosed()) {
            throw new ClosedChannelException();
        }
    }

    /**
     * For the drop-in channels on files that cannot seek (a FIFO, a socket): a transfer at
     * the descriptor's own position (read(2)/write(2), as the JDK's relative transfers do).
     */
    final CompletableFuture<Integer> transferAtFilePosition(ByteBuffer b, boolean write) {
        if (write) {
            checkWrite(b, 0);
        } else {
            checkRead(b, 0);
        }
        return isClosed() ? UringFuture.failed(new ClosedChannelException()) : write ? doWrite(b, -1) : doRead(b, -1);
    }

    /** As {@link #transferAtFilePosition}, vectored (one readv/writev: a stream returns what it has). */
    final CompletableFuture<Long> transferAtFilePosition(ByteBuffer[] bs, boolean write) {
        for (ByteBuffer b : bs) {
            if (write) {
                checkWrite(b, 0);
            } else {
                checkRead(b, 0);
            }
        }
        ByteBuffer[] copy = bs.clone();
        return isClosed() ? UringFuture.failed(new ClosedChannelException()) : write ? doWrite(copy, -1) : doRead(copy, -1);
    }

    /** Who keeps a FileChannel's position over this file (see {@link ChannelEngine.Positions}). */
    ChannelEngine.Positions positions() throws IOException {
        return ChannelEngine.Positions.CHANNEL; // the io_uring backend asks the kernel; the drop-in channels use no other
    }

    /** lseek(2) on the descriptor (SEEK_SET or SEEK_CUR), for files whose position the kernel keeps. */
    long seek(long offset, int whence) throws IOException {
        throw new UnsupportedOperationException("seek on the " + backend() + " backend");
    }

    private void checkRead(ByteBuffer dst, long position) {
        Objects.requireNonNull(dst, "dst");
        BufferLifetime.check("read", dst);
        RingMemoryClaims.checkOutside("read", dst);
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + position);
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read into a read-only buffer");
        }
        if (!readable) {
            throw new NonReadableChannelException();
        }
    }

    private void checkWrite(ByteBuffer src, long position) {
        Objects.requireNonNull(src, "src");
        BufferLifetime.check("write", src);
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + position);
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    /**
     * Starts an operation unless the file is closed (then a future failed with
     * ClosedChannelException, as AsynchronousFileChannel gives).
     */
    final <T> CompletableFuture<T> track(Supplier<CompletableFuture<T>> start) {
        if (isClosed()) {
            return UringFuture.failed(new ClosedChannelException());
        }
        return start.get();
    }

    /** Operations started and not completed (tests and diagnostics). */
    abstract int pendingCount();
}
