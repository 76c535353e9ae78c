package dev.uring4j.async;

import dev.uring4j.Uring;
import dev.uring4j.UringUnavailableException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous file I/O callable from any thread, on io_uring where this process can use
 * it and on {@link java.nio.channels.FileChannel} with a bounded thread pool where it
 * cannot. Both backends behave the same: the API mirrors
 * {@link java.nio.channels.AsynchronousFileChannel} (positional reads and writes that
 * advance the buffer's position on completion, -1 at end of file,
 * {@link NonWritableChannelException} for a write to a file opened read-only,
 * {@link ClosedChannelException} after close, {@link AsynchronousCloseException} for
 * operations pending at close) and adds vectored I/O, {@link #readFully}, {@link #writeFully},
 * {@link #allocate} and O_DIRECT ({@link UringOpenOption#DIRECT}).
 *
 * <p>The backend is chosen once per process: {@code -During4j.backend=iouring|nio}, else
 * io_uring if {@link Uring#isAvailable()}; {@link #defaultBackend()} and
 * {@link #defaultBackendReason()} say which and why (also logged once).
 *
 * <p>Cancelling a returned future cancels the operation (in the kernel, for io_uring);
 * the buffer stays referenced until the kernel is done with it.
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
    private volatile boolean closed;

    AsyncFile(Path path, Set<? extends OpenOption> options) {
        this.path = path;
        this.writable = options.contains(StandardOpenOption.WRITE);
        this.readable = options.contains(StandardOpenOption.READ) || !writable;
        this.deleteOnClose = options.contains(StandardOpenOption.DELETE_ON_CLOSE);
    }

    // ---------------------------------------------------------------- opening

    /** Opens with the default backend and configuration; options as for {@link java.nio.channels.FileChannel#open}. */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        Set<OpenOption> set = new HashSet<>();
        Collections.addAll(set, options);
        return open(path, set, AsyncFileConfig.defaults());
    }

    /**
     * Opens {@code path}. Supported options: READ, WRITE, CREATE, CREATE_NEW,
     * TRUNCATE_EXISTING, DELETE_ON_CLOSE, SYNC, DSYNC, NOFOLLOW_LINKS, SPARSE (ignored),
     * {@link UringOpenOption#DIRECT}. APPEND is refused, as for AsynchronousFileChannel:
     * every operation names its position.
     */
    public static AsyncFile open(Path path, Set<? extends OpenOption> options, AsyncFileConfig config) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(config, "config");
        if (options.contains(StandardOpenOption.APPEND)) {
            throw new UnsupportedOperationException("APPEND is not supported: AsyncFile operations name their position");
        }
        if (options.contains(StandardOpenOption.TRUNCATE_EXISTING) && !options.contains(StandardOpenOption.WRITE)) {
            throw new IllegalArgumentException("TRUNCATE_EXISTING needs WRITE");
        }
        Backend b = config.backend() != null ? config.backend() : defaultBackend();
        if (b == Backend.IOURING) {
            Uring.ensureAvailable();
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
                        + cause.reason() + "; opening files will fail)");
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
            LOG.log(System.Logger.Level.INFO, "AsyncFile backend: " + BACKEND + " (" + REASON + ")");
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
        return track(() -> doRead(dst, position));
    }

    /** Writes {@code src}'s remaining bytes at {@code position}; src's position advances by the bytes written. */
    public final CompletableFuture<Integer> write(ByteBuffer src, long position) {
        checkWrite(src, position);
        return track(() -> doWrite(src, position));
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

    /** One step of readFully/writeFully: transfer more, then recurse on completion until done. */
    private void transferMore(boolean read, ByteBuffer buffer, long position, int done, int wanted,
                              AsyncFuture<Integer> result) {
        if (done == wanted) {
            result.complete(done);
            return;
        }
        CompletableFuture<Integer> step;
        try {
            step = isClosed() ? CompletableFuture.failedFuture(new AsynchronousCloseException())
                    : read ? read(buffer, position + done) : write(buffer, position + done);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        result.dependOn(step);
        step.whenComplete((n, ex) -> {
            if (ex != null) {
                result.completeExceptionally(ex);
            } else if (n < 0) {
                result.completeExceptionally(new EOFException("end of " + path + " at position " + (position + done)
                        + " after " + done + " of " + wanted + " bytes"));
            } else {
                transferMore(read, buffer, position, done + n, wanted, result);
            }
        });
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
     */
    public final CompletableFuture<Void> allocate(long position, long length) {
        if (position < 0 || length <= 0) {
            throw new IllegalArgumentException("position must be >= 0 and length > 0, got " + position + ", " + length);
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
        return !closed;
    }

    /**
     * Closes the file. Operations still pending complete with {@link AsynchronousCloseException}
     * (and are cancelled); their buffers stay referenced until the kernel releases them.
     */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            doClose();
        } finally {
            if (deleteOnClose) {
                java.nio.file.Files.deleteIfExists(path);
            }
        }
    }

    // ---------------------------------------------------------------- backend contract

    abstract CompletableFuture<Integer> doRead(ByteBuffer dst, long position);

    abstract CompletableFuture<Integer> doWrite(ByteBuffer src, long position);

    abstract CompletableFuture<Long> doRead(ByteBuffer[] dsts, long position);

    abstract CompletableFuture<Long> doWrite(ByteBuffer[] srcs, long position);

    abstract CompletableFuture<Void> doForce(boolean metaData);

    abstract CompletableFuture<Void> doAllocate(long position, long length);

    abstract void doTruncate(long size) throws IOException;

    /** Completes every pending operation with AsynchronousCloseException (cancelling it), then closes the file. */
    abstract void doClose() throws IOException;

    // ---------------------------------------------------------------- shared checks and bookkeeping

    final boolean isClosed() {
        return closed;
    }

    final void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    private void checkRead(ByteBuffer dst, long position) {
        Objects.requireNonNull(dst, "dst");
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
    final <T> CompletableFuture<T> track(java.util.function.Supplier<CompletableFuture<T>> start) {
        if (closed) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        return start.get();
    }

    /** Operations started and not completed (tests and diagnostics). */
    abstract int pendingCount();
}
