package dev.uring4j.async;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** AsyncFile on FileChannel: each operation is a task on a bounded thread pool. */
final class NioAsyncFile extends AsyncFile {
    private final FileChannel channel;
    private final ExecutorService executor;
    /** Operations not yet completed: failed with AsynchronousCloseException at close. */
    private final Set<AsyncFuture<?>> pending = ConcurrentHashMap.newKeySet();

    private NioAsyncFile(Path path, Set<? extends OpenOption> options, FileChannel channel, ExecutorService executor,
                         Executor callbacks) {
        super(path, options, callbacks);
        this.channel = channel;
        this.executor = executor;
    }

    static NioAsyncFile openNio(Path path, Set<? extends OpenOption> options, AsyncFileConfig config) throws IOException {
        Set<OpenOption> nio = new HashSet<>(options);
        if (nio.remove(UringOpenOption.DIRECT)) {
            nio.add(jdkDirect());
        }
        FileChannel ch = FileChannel.open(path, nio);
        return new NioAsyncFile(path, options, ch, config.executor() != null ? config.executor() : Pool.EXECUTOR,
                config.callbackExecutor());
    }

    /** com.sun.nio.file.ExtendedOpenOption.DIRECT, looked up so that no compile-time dependency is needed. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static OpenOption jdkDirect() {
        try {
            Class<? extends Enum> c = (Class<? extends Enum>) Class.forName("com.sun.nio.file.ExtendedOpenOption");
            return (OpenOption) Enum.valueOf(c, "DIRECT");
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new UnsupportedOperationException("O_DIRECT needs com.sun.nio.file.ExtendedOpenOption (module jdk.unsupported)", e);
        }
    }

    /**
     * The shared pool: bounded threads, idle threads exit. Its threads are {@link UringThread}s:
     * a blocking wait there for an uring4j future that is not done is refused, since the
     * awaited task may be queued behind the waiting thread.
     */
    private static final class Pool {
        static final ExecutorService EXECUTOR;

        static {
            int n = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            AtomicInteger ids = new AtomicInteger();
            ThreadPoolExecutor e = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                return new UringThread(r, "uring4j-nio-" + ids.incrementAndGet(), "NIO pool");
            });
            e.allowCoreThreadTimeOut(true);
            EXECUTOR = e;
        }
    }

    @Override
    public Backend backend() {
        return Backend.NIO;
    }

    @FunctionalInterface
    private interface Body<T> {
        T run() throws IOException;
    }

    private <T> AsyncFuture<T> run(Body<T> body) {
        AsyncFuture<T> f = new AsyncFuture<>(null);
        Future<?> task = executor.submit(() -> {
            if (f.isDone()) {
                return; // cancelled or failed by close before it started
            }
            T value = null;
            Throwable failure = null;
            try {
                // A worker thread interrupted (an executor's shutdownNow, a pool that interrupts
                // its workers) must not close the channel under the file: AsyncFile, like
                // AsynchronousFileChannel, is not closed by interrupts.
                value = notInterruptible(body);
            } catch (ClosedByInterruptException e) {
                // interrupted inside the call itself: FileChannel has closed the descriptor, so
                // the file is closed too, and says so (isOpen() false, ClosedChannelException after)
                closeAfterInterrupt();
                failure = e;
            } catch (ClosedChannelException e) {
                failure = isClosed() ? new AsynchronousCloseException() : e;
            } catch (Throwable t) {
                failure = t;
            }
            complete(f, value, failure);
        });
        f.setCanceller(() -> task.cancel(false)); // never interrupt: that would close the channel
        pending.add(f);
        f.whenComplete((v, e) -> pending.remove(f));
        if (isClosed() && pending.remove(f)) {
            f.completeExceptionally(new AsynchronousCloseException());
            f.cancelUnderlying();
        }
        return f;
    }

    private void closeAfterInterrupt() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // the channel is closed already; what close adds (pending operations failed) is done
        }
    }

    /** Completes on the file's callback executor if it has one (as the io_uring backend does). */
    private <T> void complete(AsyncFuture<T> f, T value, Throwable failure) {
        Executor callbacks = callbackExecutor();
        if (callbacks == null && executor == Pool.EXECUTOR && f.getNumberOfDependents() > 0) {
            callbacks = CallbackThreads.EXECUTOR; // the shared pool never runs user code
        }
        Runnable r = () -> {
            if (failure != null) {
                f.deliverFailure(failure);
            } else {
                f.deliver(value);
            }
        };
        if (callbacks == null) {
            r.run();
            return;
        }
        try {
            callbacks.execute(r);
        } catch (RuntimeException e) {
            r.run();
        }
    }

    @Override
    AsyncFuture<Integer> doRead(ByteBuffer dst, long position) {
        return run(() -> channel.read(dst, position));
    }

    @Override
    AsyncFuture<Integer> doWrite(ByteBuffer src, long position) {
        return run(() -> channel.write(src, position));
    }

    @Override
    AsyncFuture<Long> doRead(ByteBuffer[] dsts, long position) {
        return run(() -> {
            ByteBuffer[] places = places(dsts);
            long total = 0;
            try {
                for (ByteBuffer b : places) {
                    while (b.hasRemaining()) {
                        int n = channel.read(b, position + total);
                        if (n <= 0) {
                            return total == 0 && n < 0 ? -1L : total;
                        }
                        total += n;
                    }
                }
                return total;
            } finally {
                advance(dsts, places);
            }
        });
    }

    @Override
    AsyncFuture<Long> doWrite(ByteBuffer[] srcs, long position) {
        return run(() -> {
            ByteBuffer[] places = places(srcs);
            long total = 0;
            try {
                for (ByteBuffer b : places) {
                    while (b.hasRemaining()) {
                        total += channel.write(b, position + total);
                    }
                }
                return total;
            } finally {
                advance(srcs, places);
            }
        });
    }

    /**
     * The buffers of a vectored call as iovecs: each one's bytes from its position to its limit
     * when the call starts, a view of its own, so that a buffer given twice is two places (as
     * in readv/writev and the io_uring backend) rather than one that the first place used up.
     */
    private static ByteBuffer[] places(ByteBuffer[] buffers) {
        ByteBuffer[] places = new ByteBuffer[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            places[i] = buffers[i].duplicate();
        }
        return places;
    }

    /** Each buffer's position moves past what its place transferred. */
    private static void advance(ByteBuffer[] buffers, ByteBuffer[] places) {
        for (int i = 0; i < buffers.length; i++) {
            buffers[i].position(places[i].position());
        }
    }

    @Override
    AsyncFuture<Void> doForce(boolean metaData) {
        return run(() -> {
            channel.force(metaData);
            return null;
        });
    }

    @Override
    AsyncFuture<Void> doAllocate(long position, long length) {
        return run(() -> {
            long end = position + length;
            if (channel.size() < end) {
                // FileChannel cannot reserve blocks: grow the file to cover the range.
                channel.write(ByteBuffer.allocate(1), end - 1);
            }
            return null;
        });
    }

    /**
     * Runs a FileChannel call on the caller's thread with its interrupt status cleared, and
     * restores it: FileChannel closes itself when a thread in one of its calls is interrupted
     * (ClosedByInterruptException), while AsyncFile, like AsynchronousFileChannel, is not
     * closed by interrupts. (An interrupt arriving during the call itself still closes the
     * channel: FileChannel offers no way around that.)
     */
    private <T> T notInterruptible(Body<T> body) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return body.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return notInterruptible(channel::size);
    }

    @Override
    public int blockSize() throws IOException {
        ensureOpen();
        return (int) Files.getFileStore(path()).getBlockSize();
    }

    @Override
    void doTruncate(long size) throws IOException {
        notInterruptible(() -> channel.truncate(size));
    }

    @Override
    void failPending() {
        for (AsyncFuture<?> f : pending) {
            f.completeExceptionally(new AsynchronousCloseException());
            f.cancelUnderlying();
        }
    }

    /** FileChannel keeps its own count of threads using the descriptor and closes it once. */
    @Override
    void closeDescriptor() throws IOException {
        channel.close();
    }

    @Override
    int pendingCount() {
        return pending.size();
    }
}
