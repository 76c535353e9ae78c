package dev.uring4j.async;

import dev.uring4j.Linux;
import dev.uring4j.StatxBuffer;
import dev.uring4j.UringException;
import dev.uring4j.internal.Errno;
import dev.uring4j.internal.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** AsyncFile on io_uring: every operation is one ring operation on an event loop. */
final class UringAsyncFile extends AsyncFile {
    private static final dev.uring4j.internal.Native NATIVE = dev.uring4j.internal.Native.access();
    private static final int O_SYNC = 04010000;
    private static final int O_DSYNC = 010000;
    private static final int DIRECT_ALIGNMENT = 4096;

    private final int fd;
    private final List<EventLoop> loops;
    private final boolean direct;
    private final String name;

    private UringAsyncFile(Path path, Set<? extends OpenOption> options, int fd, List<EventLoop> loops) {
        super(path, options);
        this.fd = fd;
        this.loops = loops;
        this.direct = options.contains(UringOpenOption.DIRECT);
        this.name = path.toString();
    }

    static UringAsyncFile openUring(Path path, Set<? extends OpenOption> options, AsyncFileConfig config) throws IOException {
        List<EventLoop> loops = config.loops() != null ? config.loops() : List.of(SharedLoop.get());
        int flags = openFlags(options);
        String p = path.toString();
        int fd;
        try {
            fd = await(loops.get(0).submit((ring, tag) -> ring.openat(Linux.AT_FDCWD, p, flags, 0666, 0, tag), "open " + p));
        } catch (UringException e) {
            throw openException(path, e);
        }
        return new UringAsyncFile(path, options, fd, loops);
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
            flags |= O_SYNC;
        } else if (options.contains(StandardOpenOption.DSYNC)) {
            flags |= O_DSYNC;
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
    private static IOException openException(Path path, UringException e) {
        String file = path.toString();
        switch (e.errno()) {
            case Errno.ENOENT:
                return new NoSuchFileException(file);
            case Errno.EEXIST:
                return new FileAlreadyExistsException(file);
            case Errno.EACCES:
            case Errno.EPERM:
                return new AccessDeniedException(file);
            default:
                return new FileSystemException(file, null, Errno.description(e.errno()) + " (" + e.errnoName() + ")");
        }
    }

    @Override
    public Backend backend() {
        return Backend.IOURING;
    }

    private EventLoop loop() {
        int n = loops.size();
        return n == 1 ? loops.get(0) : loops.get((int) (Thread.currentThread().getId() % n));
    }

    private ByteBuffer bounce(int size) {
        return direct ? AlignedBuffers.allocate(size, DIRECT_ALIGNMENT) : ByteBuffer.allocateDirect(size);
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
        void onResult(int res, int flags) {
            if (res < 0) {
                completeExceptionally(isClosed() && res == -Errno.EBADF ? new AsynchronousCloseException()
                        : UringException.ofResult(operation + " " + name, res));
            } else {
                try {
                    complete(result(res));
                } catch (RuntimeException e) {
                    completeExceptionally(e);
                }
            }
        }

        abstract T result(int res);
    }

    private <T, F extends FileTask<T>> F start(F task) {
        if (!loop().execute(task)) {
            task.completeExceptionally(new AsynchronousCloseException());
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
            this.io = dst.isDirect() ? dst : bounce(rem);
            this.position = position;
        }

        @Override
        long prepare(dev.uring4j.Ring ring, long tag) throws UringException {
            return ring.read(fd, io, io == dst ? pos : 0, rem, position, 0, tag);
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
            this.io = src.isDirect() ? src : bounce(rem).put(0, src, pos, rem);
            this.position = position;
        }

        @Override
        long prepare(dev.uring4j.Ring ring, long tag) throws UringException {
            return ring.write(fd, io, io == src ? pos : 0, rem, position, 0, tag);
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
            io = new ByteBuffer[user.length];
            positions = new int[user.length];
            long total = 0;
            for (int i = 0; i < user.length; i++) {
                positions[i] = user[i].position();
                int r = user[i].remaining();
                total += r;
                if (user[i].isDirect()) {
                    io[i] = user[i];
                } else {
                    io[i] = read ? bounce(r) : bounce(r).put(0, user[i], positions[i], r);
                }
            }
            wanted = total;
        }

        @Override
        long prepare(dev.uring4j.Ring ring, long tag) throws UringException {
            // Direct buffers are used at their positions; bounce buffers from 0.
            return read ? ring.readv(fd, io, position, 0, tag) : ring.writev(fd, io, position, 0, tag);
        }

        @Override
        Long result(int n) {
            if (read && n == 0 && wanted > 0) {
                return -1L;
            }
            int left = n;
            for (int i = 0; i < user.length && left > 0; i++) {
                int share = Math.min(left, user[i].limit() - positions[i]);
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
        long prepare(dev.uring4j.Ring ring, long tag) throws UringException {
            return op.prepare(ring, tag);
        }

        @Override
        Void result(int res) {
            return null;
        }
    }

    @Override
    CompletableFuture<Integer> doRead(ByteBuffer dst, long position) {
        return start(new ReadTask(dst, position));
    }

    @Override
    CompletableFuture<Integer> doWrite(ByteBuffer src, long position) {
        return start(new WriteTask(src, position));
    }

    @Override
    CompletableFuture<Long> doRead(ByteBuffer[] dsts, long position) {
        return start(new VectorTask(true, dsts, position));
    }

    @Override
    CompletableFuture<Long> doWrite(ByteBuffer[] srcs, long position) {
        return start(new VectorTask(false, srcs, position));
    }

    @Override
    CompletableFuture<Void> doForce(boolean metaData) {
        return start(new SimpleTask("fsync", (ring, tag) -> ring.fsync(fd, !metaData, 0, tag)));
    }

    @Override
    CompletableFuture<Void> doAllocate(long position, long length) {
        return start(new SimpleTask("fallocate", (ring, tag) -> ring.fallocate(fd, 0, position, length, 0, tag)));
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        StatxBuffer st = new StatxBuffer();
        await(loop().submit((ring, tag) -> ring.statx(fd, "", Linux.AT_EMPTY_PATH, Linux.STATX_SIZE, st, 0, tag),
                "statx " + name));
        return st.size();
    }

    @Override
    public int blockSize() throws IOException {
        ensureOpen();
        StatxBuffer st = new StatxBuffer();
        await(loop().submit((ring, tag) -> ring.statx(fd, "", Linux.AT_EMPTY_PATH, Linux.STATX_BASIC_STATS, st, 0, tag),
                "statx " + name));
        return st.blockSize();
    }

    @Override
    void doTruncate(long size) throws IOException {
        int r = NATIVE.ftruncate(fd, size);
        if (r < 0) {
            throw new UringException("ftruncate " + name, -r, "to " + size + " bytes");
        }
    }

    @Override
    void doClose() throws IOException {
        // Each loop fails and cancels this file's operations (they are queued before the close).
        for (EventLoop l : loops) {
            l.sweep(this).join();
        }
        EventLoop l = loops.get(0);
        if (!l.isShutdown()) {
            try {
                await(l.submit((ring, tag) -> ring.closeFd(fd, 0, tag), "close " + name));
                return;
            } catch (IOException | RuntimeException e) {
                if (!l.isShutdown()) {
                    throw e;
                }
            }
        }
        int r = NATIVE.close(fd);
        if (r < 0) {
            throw new UringException("close " + name, -r, null);
        }
    }

    @Override
    int pendingCount() {
        return 0; // pending operations live in the loops, which the close sweep has failed
    }

    /** Waits for a loop future, unwrapping its exception. */
    static int await(CompletableFuture<Integer> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for io_uring");
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
