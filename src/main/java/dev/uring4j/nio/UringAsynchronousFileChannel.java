package dev.uring4j.nio;

import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.ChannelEngine;
import dev.uring4j.internal.BufferLifetime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@link AsynchronousFileChannel} on uring4j's engine: a read or write the page cache can
 * serve completes at once on the calling thread; others run in a ring. The returned
 * {@link Future}s are uring4j's: cancelling one cancels the kernel operation.
 *
 * <p><b>Where handlers run.</b> With an executor given at open, every
 * {@link CompletionHandler} runs on it, as the JDK does. Without one, a handler of an
 * operation that completed at once runs on the initiating thread (up to 16 nested
 * invocations deep, then on a uring4j callback thread, so that a handler starting the next
 * read cannot grow the stack without bound), and the others on a uring4j callback thread,
 * never on an event loop. Exceptions a handler throws are logged and dropped. lock/tryLock
 * are the JDK's own on the same open file ({@link JdkTwin}); a blocking lock waits on a
 * callback thread.
 */
final class UringAsynchronousFileChannel extends AsynchronousFileChannel {
    private static final System.Logger LOG = System.getLogger("dev.uring4j.nio.UringAsynchronousFileChannel");
    private static final ChannelEngine ENGINE = ChannelEngine.access();
    private static final int MAX_DIRECT_DEPTH = 16;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final AsyncFile file;
    private final JdkTwin twin;
    private final ExecutorService executor;
    private final boolean readable;
    private final boolean writable;

    /** False for FIFOs and sockets: every transfer is positional, so it fails ("Illegal seek"), as the JDK's. */
    private final boolean seekable;

    UringAsynchronousFileChannel(AsyncFile file, JdkTwin twin, OpenRequest request, ExecutorService executor,
                                 boolean seekable) {
        this.file = file;
        this.seekable = seekable;
        this.twin = twin;
        this.readable = request.read;
        this.writable = request.write;
        this.executor = executor;
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        try {
            twin.close();
        } catch (IOException e) {
            first = e;
        }
        file.close(); // pending operations fail with AsynchronousCloseException
        if (first != null) {
            throw first;
        }
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public AsynchronousFileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
        if (!isOpen()) {
            // As the JDK's: its open check fails inside the operation, reported as an asynchronous close.
            throw new java.nio.channels.AsynchronousCloseException();
        }
        file.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        try {
            file.force(metaData).join();
        } catch (CompletionException e) {
            throw UringFileChannel.unwrap(e);
        }
    }

    // ---------------------------------------------------------------- reads and writes

    /** The JDK's order: position, mode, then the buffer. */
    private void checkRead(ByteBuffer dst, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (!readable) {
            throw new NonReadableChannelException();
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
    }

    /** The JDK's order: position, mode; a closed channel then fails the operation before the buffer is looked at. */
    private void checkWrite(ByteBuffer src, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
        if (isOpen()) {
            Objects.requireNonNull(src);
        }
    }

    private CompletableFuture<Integer> readNow(ByteBuffer dst, long position) {
        if (!seekable) {
            return CompletableFuture.failedFuture(new IOException("Illegal seek"));
        }
        ByteBuffer io = standIn(dst, false);
        return io == dst ? file.read(dst, position) : new ThroughCopies(dst, position, false).start(io);
    }

    private CompletableFuture<Integer> writeNow(ByteBuffer src, long position) {
        if (!isOpen()) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        if (!seekable) {
            return CompletableFuture.failedFuture(new IOException("Illegal seek"));
        }
        ByteBuffer io = standIn(src, true);
        return io == src ? file.write(src, position) : new ThroughCopies(src, position, true).start(io);
    }

    /**
     * A transfer of an Arena's buffer through copies of at most ArenaCopies.MAX_COPY bytes,
     * one after the other until the request is done or a transfer is short, as the JDK's one
     * pread/pwrite: the same count. The bytes move on the completing thread; an arena closed
     * meanwhile fails the transfer (IllegalStateException). A loop, not a chain of futures:
     * transfers that complete at once would otherwise nest one call per copy. Every part goes
     * through the first part's copy (ArenaCopies.again): one allocation per transfer.
     */
    private final class ThroughCopies {
        private final ByteBuffer user;
        private final long position;
        private final boolean write;
        private final CompletableFuture<Integer> result = new CompletableFuture<>();
        private int total;
        private int asked; // the size of the part in flight

        ThroughCopies(ByteBuffer user, long position, boolean write) {
            this.user = user;
            this.position = position;
            this.write = write;
        }

        CompletableFuture<Integer> start(ByteBuffer first) {
            run(first);
            return result;
        }

        private void run(ByteBuffer io) {
            try {
                while (io != null) {
                    ByteBuffer copy = io;
                    asked = copy.remaining();
                    CompletableFuture<Integer> f = write ? file.write(copy, position + total)
                            : file.read(copy, position + total);
                    if (!f.isDone()) {
                        f.whenComplete((n, e) -> {
                            ByteBuffer next;
                            try {
                                if (e != null) {
                                    throw e;
                                }
                                next = after(copy, n);
                            } catch (Throwable t) {
                                fail(t);
                                return;
                            }
                            run(next);
                        });
                        return;
                    }
                    io = after(copy, f.join());
                }
            } catch (Throwable t) {
                fail(t);
            }
        }

        private void fail(Throwable t) {
            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            if (total > 0 && cause.getClass() == ClosedChannelException.class) {
                // closed between two parts: for the caller, an operation pending at close
                cause = new AsynchronousCloseException();
            }
            result.completeExceptionally(cause);
        }

        /** Moves the bytes of one copy; the next copy, or null once the result is complete. */
        private ByteBuffer after(ByteBuffer io, int n) {
            if (write) {
                ArenaCopies.writeDone(user, io, n);
            } else {
                ArenaCopies.readDone(user, io, n);
            }
            if (n <= 0 || n < asked || !user.hasRemaining()) {
                result.complete(n <= 0 && total == 0 ? n : total + Math.max(n, 0));
                return null;
            }
            total += n;
            return ArenaCopies.again(user, io, write);
        }
    }

    /**
     * The buffer the kernel uses for {@code b}: a copy for an Arena's memory (see
     * ArenaCopies). A confined arena's buffer is refused, as the JDK's asynchronous socket
     * channels refuse it: its bytes would have to be touched on the completing thread.
     */
    private static ByteBuffer standIn(ByteBuffer b, boolean write) {
        if (BufferLifetime.isFreeable(write ? "write" : "read", b) && BufferLifetime.isThreadConfined(b)) {
            throw new IllegalStateException("Confined session not supported (an asynchronous operation completes on "
                    + "another thread, which may not touch an Arena.ofConfined() buffer; use Arena.ofShared())");
        }
        return write ? ArenaCopies.writeFrom(b) : ArenaCopies.readInto(b);
    }

    @Override
    public Future<Integer> read(ByteBuffer dst, long position) {
        checkRead(dst, position);
        checkExecutor(dst.hasRemaining());
        return readNow(dst, position);
    }

    @Override
    public <A> void read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        checkRead(dst, position);
        checkExecutor(dst.hasRemaining());
        deliver(readNow(dst, position), attachment, handler);
    }

    @Override
    public Future<Integer> write(ByteBuffer src, long position) {
        checkWrite(src, position);
        checkExecutor(src != null && src.hasRemaining()); // a closed channel may get null (checkWrite)
        return writeNow(src, position);
    }

    @Override
    public <A> void write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        checkWrite(src, position);
        checkExecutor(src != null && src.hasRemaining()); // a closed channel may get null (checkWrite)
        deliver(writeNow(src, position), attachment, handler);
    }

    /**
     * The JDK runs each read, write and lock of a channel opened with an executor as a task
     * of that executor, so a shut-down executor refuses the operation from the call with
     * RejectedExecutionException (after the argument checks; a closed channel, or a read or
     * write of nothing, starts no task). uring4j's operations run on the ring, but refuse the
     * same way, and a handler that a shut-down executor refuses later is run directly.
     */
    private void checkExecutor(boolean movesBytes) {
        if (executor != null && movesBytes && executor.isShutdown() && isOpen()) {
            throw new RejectedExecutionException("the channel's executor " + executor + " is shut down");
        }
    }

    // ---------------------------------------------------------------- locks

    private void checkLock(boolean shared) {
        if (shared && !readable) {
            throw new NonReadableChannelException();
        }
        if (!shared && !writable) {
            throw new NonWritableChannelException();
        }
    }

    /**
     * Takes the lock: at once if free (an overlapping lock held in this JVM throws
     * OverlappingFileLockException here, from the call, as the JDK does), else by waiting on
     * a callback thread.
     */
    private CompletableFuture<FileLock> lockAsync(long position, long size, boolean shared) {
        checkLock(shared);
        checkExecutor(true);
        CompletableFuture<FileLock> f = new LockFuture();
        FileLock now;
        try {
            now = twin.get().tryLock(position, size, shared);
        } catch (IOException e) {
            f.completeExceptionally(e);
            return f;
        }
        if (now != null) {
            f.complete(new ChannelFileLock(this, now));
            return f;
        }
        try {
            ENGINE.callbackExecutor().execute(() -> {
                try {
                    FileLock l = twin.get().lock(position, size, shared);
                    if (!f.complete(new ChannelFileLock(this, l))) {
                        l.release(); // cancelled or timed out meanwhile: nobody holds it, so nobody would release it
                    }
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /**
     * A lock's future: {@code cancel(true)} closes the channel, as the JDK's (its forceful
     * cancel ends the wait that way, and the channel's locks go with it); a lock granted after
     * any cancel or timeout is released at once.
     */
    private final class LockFuture extends CompletableFuture<FileLock> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && mayInterruptIfRunning) {
                try {
                    close();
                } catch (IOException ignored) {
                    // the channel is closed in any case; the cancel itself succeeded
                }
            }
            return cancelled;
        }
    }

    @Override
    public Future<FileLock> lock(long position, long size, boolean shared) {
        return lockAsync(position, size, shared);
    }

    @Override
    public <A> void lock(long position, long size, boolean shared, A attachment,
                         CompletionHandler<FileLock, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        deliver(lockAsync(position, size, shared), attachment, handler);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        checkLock(shared);
        FileLock l = twin.get().tryLock(position, size, shared);
        return l == null ? null : new ChannelFileLock(this, l);
    }

    // ---------------------------------------------------------------- handlers

    private <V, A> void deliver(CompletableFuture<V> f, A attachment, CompletionHandler<V, ? super A> handler) {
        if (executor != null) {
            f.whenComplete((v, e) -> dispatch(v, e, attachment, handler));
            return;
        }
        if (f.isDone()) {
            int[] depth = DEPTH.get();
            if (depth[0] < MAX_DIRECT_DEPTH) {
                depth[0]++;
                try {
                    f.whenComplete((v, e) -> invoke(v, e, attachment, handler));
                } finally {
                    depth[0]--;
                }
                return;
            }
        }
        f.whenCompleteAsync((v, e) -> invoke(v, e, attachment, handler), ENGINE.callbackExecutor());
    }

    private <V, A> void dispatch(V v, Throwable e, A attachment, CompletionHandler<V, ? super A> handler) {
        try {
            executor.execute(() -> invoke(v, e, attachment, handler));
        } catch (RejectedExecutionException r) {
            invoke(v, e, attachment, handler); // the executor is shut down: deliver rather than lose it
        }
    }

    private static <V, A> void invoke(V v, Throwable e, A attachment, CompletionHandler<V, ? super A> handler) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        try {
            if (cause == null) {
                handler.completed(v, attachment);
            } else {
                handler.failed(cause, attachment);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "a CompletionHandler threw; dropped", t);
        }
    }
}
