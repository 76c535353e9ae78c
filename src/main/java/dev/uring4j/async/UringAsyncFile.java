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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** AsyncFile on io_uring: every operation is one ring operation on an event loop. */
final class UringAsyncFile extends AsyncFile {
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

    private <T> AsyncFuture<T> run(EventLoop.RingOp op, String operation, ResultMapper<T> mapper) {
        AsyncFuture<T> f = new AsyncFuture<>(null);
        CompletableFuture<Integer> lf = loop().submit(op, operation);
        f.setCanceller(() -> lf.cancel(false));
        lf.whenComplete((n, ex) -> {
            if (ex != null) {
                f.completeExceptionally(map(ex));
            } else {
                try {
                    f.complete(mapper.map(n));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }
        });
        return f;
    }

    @FunctionalInterface
    private interface ResultMapper<T> {
        T map(int res);
    }

    private Throwable map(Throwable ex) {
        Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        if (isClosed() && (t instanceof CancellationException
                || (t instanceof UringException && ((UringException) t).errno() == Errno.EBADF))) {
            return new AsynchronousCloseException();
        }
        return t;
    }

    @Override
    AsyncFuture<Integer> doRead(ByteBuffer dst, long position) {
        int pos = dst.position();
        int rem = dst.remaining();
        ByteBuffer io = dst.isDirect() ? dst : bounce(rem);
        int ioPos = dst.isDirect() ? pos : 0;
        return run((ring, tag) -> ring.read(fd, io, ioPos, rem, position, 0, tag), "read " + name, n -> {
            if (n == 0 && rem > 0) {
                return -1;
            }
            if (io != dst) {
                dst.put(pos, io, 0, n);
            }
            dst.position(pos + n);
            return n;
        });
    }

    @Override
    AsyncFuture<Integer> doWrite(ByteBuffer src, long position) {
        int pos = src.position();
        int rem = src.remaining();
        ByteBuffer io = src;
        int ioPos = pos;
        if (!src.isDirect()) {
            io = bounce(rem).put(0, src, pos, rem);
            ioPos = 0;
        }
        ByteBuffer buffer = io;
        int index = ioPos;
        return run((ring, tag) -> ring.write(fd, buffer, index, rem, position, 0, tag), "write " + name, n -> {
            src.position(pos + n);
            return n;
        });
    }

    @Override
    AsyncFuture<Long> doRead(ByteBuffer[] dsts, long position) {
        ByteBuffer[] io = new ByteBuffer[dsts.length];
        int[] positions = new int[dsts.length];
        long total = 0;
        for (int i = 0; i < dsts.length; i++) {
            positions[i] = dsts[i].position();
            total += dsts[i].remaining();
            io[i] = dsts[i].isDirect() ? dsts[i] : bounce(dsts[i].remaining());
        }
        long wanted = total;
        return run((ring, tag) -> ring.readv(fd, io, position, 0, tag), "readv " + name, n -> {
            if (n == 0 && wanted > 0) {
                return -1L;
            }
            distribute(dsts, io, positions, n, true);
            return (long) n;
        });
    }

    @Override
    AsyncFuture<Long> doWrite(ByteBuffer[] srcs, long position) {
        ByteBuffer[] io = new ByteBuffer[srcs.length];
        int[] positions = new int[srcs.length];
        for (int i = 0; i < srcs.length; i++) {
            positions[i] = srcs[i].position();
            if (srcs[i].isDirect()) {
                io[i] = srcs[i];
            } else {
                io[i] = bounce(srcs[i].remaining()).put(0, srcs[i], positions[i], srcs[i].remaining());
            }
        }
        return run((ring, tag) -> ring.writev(fd, io, position, 0, tag), "writev " + name, n -> {
            distribute(srcs, io, positions, n, false);
            return (long) n;
        });
    }

    /** Advances each buffer's position over its share of {@code n} bytes (copying from bounce buffers on reads). */
    private static void distribute(ByteBuffer[] user, ByteBuffer[] io, int[] positions, int n, boolean copyIn) {
        int left = n;
        for (int i = 0; i < user.length && left > 0; i++) {
            int share = Math.min(left, user[i].limit() - positions[i]);
            if (copyIn && io[i] != user[i]) {
                user[i].put(positions[i], io[i], 0, share);
            }
            user[i].position(positions[i] + share);
            left -= share;
        }
    }

    @Override
    AsyncFuture<Void> doForce(boolean metaData) {
        return run((ring, tag) -> ring.fsync(fd, !metaData, 0, tag), "fsync " + name, n -> null);
    }

    @Override
    AsyncFuture<Void> doAllocate(long position, long length) {
        return run((ring, tag) -> ring.fallocate(fd, 0, position, length, 0, tag), "fallocate " + name, n -> null);
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
        int r = Native.ftruncate(fd, size);
        if (r < 0) {
            throw new UringException("ftruncate " + name, -r, "to " + size + " bytes");
        }
    }

    @Override
    void doClose() throws IOException {
        EventLoop l = loops.get(0);
        if (!l.isShutdown()) {
            try {
                await(l.submit((ring, tag) -> ring.closeFd(fd, 0, tag), "close " + name));
                return;
            } catch (IOException | RuntimeException e) {
                if (l.isShutdown()) {
                    Native.close(fd);
                    return;
                }
                throw e;
            }
        }
        int r = Native.close(fd);
        if (r < 0) {
            throw new UringException("close " + name, -r, null);
        }
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
