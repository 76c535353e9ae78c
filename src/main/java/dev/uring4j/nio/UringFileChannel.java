package dev.uring4j.nio;

import dev.uring4j.Linux;
import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.ChannelEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link FileChannel} on uring4j's engine. Reads and writes (positional, relative,
 * scattering, gathering; heap and direct buffers) are the engine's: the calling thread
 * serves what the page cache can, and what would block waits in a ring while the caller
 * parks (a virtual thread unmounts). size, truncate and force are the engine's too.
 * map, lock/tryLock and transferTo/transferFrom are the JDK's own FileChannel on the same
 * open file ({@link JdkTwin}): io_uring does not help with them, and the JDK's lock table
 * then sees every lock of the JVM on the file.
 *
 * <p>The rules of {@link java.nio.channels.spi.AbstractInterruptibleChannel} hold: an
 * interrupt of a thread in an I/O method closes the channel and that thread gets
 * {@link java.nio.channels.ClosedByInterruptException}; others blocked in it get
 * {@link java.nio.channels.AsynchronousCloseException}. The position is this channel's
 * own (the descriptor is not shared with a stream), guarded as the JDK guards it.
 *
 * <p>Not final: on JDK 22+ {@link FileChannelVariant} makes a subclass that adds
 * {@code map(MapMode, long, long, Arena)}, which JDK 17's FileChannel lacks.
 */
class UringFileChannel extends FileChannel {
    private final AsyncFile file;
    /** The JDK's own channel on the same file (map, lock, transfers with sendfile). */
    final JdkTwin twin;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final Object positionLock = new Object();
    /** The file position (guarded by positionLock); in append mode the size is the position. */
    private long position;

    /** False for FIFOs, sockets and stream devices: relative transfers then use the descriptor's position, positional ones fail. */
    private final boolean seekable;
    /**
     * For character devices that seek (/dev/zero): the kernel keeps the position, which reads
     * need not move, so relative transfers use the descriptor's and position() asks lseek(2).
     */
    private final boolean kernelPosition;
    private static final ChannelEngine ENGINE = ChannelEngine.access();

    UringFileChannel(AsyncFile file, JdkTwin twin, OpenRequest request, ChannelEngine.Positions positions) {
        this.file = file;
        this.seekable = positions != ChannelEngine.Positions.NONE;
        this.kernelPosition = positions == ChannelEngine.Positions.KERNEL;
        this.twin = twin;
        this.readable = request.read;
        this.writable = request.write;
        this.append = request.append;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** The engine's future, waited for: results, or the IOException of the operation. */
    private static int await(CompletableFuture<Integer> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    static IOException unwrap(CompletionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException) {
            return (IOException) c;
        }
        if (c instanceof RuntimeException) {
            throw (RuntimeException) c;
        }
        if (c instanceof Error) {
            throw (Error) c;
        }
        return new IOException(c);
    }

    /**
     * One transfer at {@code at} (-1: at the descriptor's own position, for files that cannot
     * seek), inside begin/end: the interruptible-channel rules apply. An Arena's buffer goes
     * through copies (ArenaCopies), as many as the request needs.
     */
    private int transfer(ByteBuffer b, long at, boolean write) throws IOException {
        ByteBuffer io = write ? ArenaCopies.writeFrom(b) : ArenaCopies.readInto(b);
        // A write to a stream (FIFO, socket, tty) goes on until every byte is written: the JDK's
        // blocking write(2) returns only then, and callers rely on it (the ring's write, like a
        // RWF_NOWAIT attempt, returns what one pipe buffer took).
        boolean streamWrite = write && at < 0;
        if (io == b && !streamWrite) {
            return transferOnce(b, b, at, write);
        }
        // An Arena's buffer, through copies of at most MAX_COPY bytes: a file's transfer goes on
        // as one pread/pwrite would (until done or short), a stream's read returns what came.
        int total = 0;
        while (true) {
            int asked = io.remaining();
            int n = transferOnce(b, io, at < 0 || append ? at : at + total, write);
            if (n <= 0) {
                return total > 0 ? total : n;
            }
            total += n;
            if (!b.hasRemaining() || (at < 0 && !write) || (n < asked && !streamWrite)) {
                return total;
            }
            if (io != b) {
                io = ArenaCopies.again(b, io, write);
            }
        }
    }

    /** One transfer of {@code io} (which is {@code b}, or its stand-in), inside begin/end. */
    private int transferOnce(ByteBuffer b, ByteBuffer io, long at, boolean write) throws IOException {
        int n = 0;
        try {
            begin();
            if (!isOpen()) {
                return write ? 0 : -1;
            }
            if (at < 0) {
                n = await(ENGINE.transferAtFilePosition(file, io, write));
            } else {
                n = await(write ? file.write(io, at) : file.read(io, at));
            }
        } finally {
            end(n > 0);
        }
        if (write) {
            ArenaCopies.writeDone(b, io, n);
        } else {
            ArenaCopies.readDone(b, io, n);
        }
        return n;
    }

    /** The most buffers one scattering or gathering call moves, as the JDK's IOUtil (IOV_MAX): a short count beyond. */
    private static final int IOV_MAX = 1024;

    private static boolean anyRemaining(ByteBuffer[] bs) {
        for (ByteBuffer b : bs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The start positions of {@code bs[offset, offset + count)}, taken before any byte moves: a
     * buffer given twice is transferred at each place from the same start, as one readv/writev
     * does with the iovecs it builds first (the JDK writes {@code {x, x}} twice).
     */
    private static int[] starts(ByteBuffer[] bs, int offset, int count) {
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = bs[offset + i].position();
        }
        return starts;
    }

    /** A scattering or gathering call that moves nothing: the JDK's still runs inside begin/end (an interrupt closes). */
    private long nothingMoved() throws IOException {
        try {
            begin();
            return 0;
        } finally {
            end(false);
        }
    }

    /** Positional I/O on a FIFO or socket: what pread(2)/lseek(2) answer there, as the JDK reports it. */
    private void requireSeekable() throws IOException {
        if (!seekable) {
            throw new IOException("Illegal seek");
        }
    }

    /** A scattering or gathering transfer on a file that cannot seek: one readv/writev, inside begin/end. */
    private long vectorAtFilePosition(ByteBuffer[] bs, int offset, int length, boolean write) throws IOException {
        long n = 0;
        try {
            begin();
            if (!isOpen()) {
                return write ? 0 : -1;
            }
            if (length == 0) {
                return 0; // as the JDK: no buffers, no transfer
            }
            // at most IOV_MAX buffers per readv/writev, as the JDK's IOUtil: a short count
            ByteBuffer[] part = java.util.Arrays.copyOfRange(bs, offset, offset + Math.min(length, IOV_MAX));
            while (true) {
                ByteBuffer[] io = ArenaCopies.standIns(part, write);
                long done;
                try {
                    done = ENGINE.transferAtFilePosition(file, io, write).join();
                } catch (CompletionException e) {
                    throw unwrap(e);
                }
                ArenaCopies.vectorDone(part, io, write);
                if (done <= 0) {
                    return n > 0 ? n : done;
                }
                n += done;
                // a gathering write to a stream goes on until every byte is written, as writev(2) blocks
                if (!write || !anyRemaining(part)) {
                    return n;
                }
            }
        } finally {
            end(n > 0);
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen(); // the JDK's order: open, mode, then the buffer
        if (!readable) {
            throw new NonReadableChannelException();
        }
        checkWritable(dst);
        synchronized (positionLock) { // (READ + APPEND is refused at open: a readable channel is not in append mode)
            if (!seekable || kernelPosition) {
                return transfer(dst, -1, false);
            }
            int n = transfer(dst, position, false);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        Objects.requireNonNull(dst);
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        checkWritable(dst);
        requireSeekable();
        return transfer(dst, position, false);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
        for (int i = offset; i < offset + length; i++) {
            checkWritable(dsts[i]);
        }
        synchronized (positionLock) {
            if (!seekable || kernelPosition) {
                return vectorAtFilePosition(dsts, offset, length, false);
            }
            long at = position;
            long total = 0;
            int count = Math.min(length, IOV_MAX);
            int[] starts = starts(dsts, offset, count);
            boolean moved = false;
            for (int i = 0; i < count; i++) {
                ByteBuffer b = dsts[offset + i];
                if (b.limit() == starts[i]) {
                    continue;
                }
                b.position(starts[i]); // moved already if given twice
                moved = true;
                int n = transfer(b, at + total, false);
                if (n < 0) {
                    if (total == 0) {
                        return -1;
                    }
                    break;
                }
                total += n;
                if (b.hasRemaining()) {
                    break; // a short read: the file ends here (for now)
                }
            }
            if (!moved) {
                return nothingMoved();
            }
            position += total;
            return total;
        }
    }

    /** A destination the JDK refuses: null or read-only, inside begin/end as its IOUtil does ({@link #refuseInside}). */
    private void checkWritable(ByteBuffer dst) throws IOException {
        if (dst == null) {
            refuseInside(new NullPointerException("dst"));
        }
        if (dst.isReadOnly()) {
            refuseInside(new IllegalArgumentException("Read-only buffer"));
        }
    }

    /**
     * Throws {@code e} between begin and end, where the JDK's IOUtil finds a null or read-only
     * buffer: with the interrupt status already set, begin closes the channel and end's
     * ClosedByInterruptException replaces {@code e}, as the JDK's channel does.
     */
    private void refuseInside(RuntimeException e) throws IOException {
        try {
            begin();
            throw e;
        } finally {
            end(false);
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen(); // the JDK's order: open, mode, then the buffer
        if (!writable) {
            throw new NonWritableChannelException();
        }
        if (src == null) {
            refuseInside(new NullPointerException("src"));
        }
        synchronized (positionLock) {
            if (!seekable || kernelPosition) {
                return transfer(src, -1, true);
            }
            // In append mode the descriptor has O_APPEND: every write goes to the end.
            int n = transfer(src, append ? 0 : position, true);
            if (n > 0 && !append) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        Objects.requireNonNull(src);
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        requireSeekable();
        return transfer(src, position, true);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i] == null) {
                refuseInside(new NullPointerException("srcs[" + i + "]"));
            }
        }
        synchronized (positionLock) {
            if (!seekable || kernelPosition) {
                return vectorAtFilePosition(srcs, offset, length, true);
            }
            long total = 0;
            int count = Math.min(length, IOV_MAX);
            int[] starts = starts(srcs, offset, count);
            boolean moved = false;
            for (int i = 0; i < count; i++) {
                ByteBuffer b = srcs[offset + i];
                if (b.limit() == starts[i]) {
                    continue;
                }
                b.position(starts[i]); // moved already if given twice
                moved = true;
                int n = transfer(b, append ? 0 : position + total, true);
                total += n;
                if (b.hasRemaining()) {
                    break; // a short write (a full disk, a limit): report what was written
                }
            }
            if (!moved) {
                return nothingMoved();
            }
            if (!append) {
                position += total;
            }
            return total;
        }
    }

    // ---------------------------------------------------------------- position, size, truncate, force

    @Override
    public long position() throws IOException {
        ensureOpen();
        synchronized (positionLock) {
            boolean completed = false;
            try {
                begin(); // an lseek for the JDK: interruptible
                requireSeekable();
                long p = kernelPosition ? ENGINE.seek(file, 0, Linux.SEEK_CUR) : append ? file.size() : position;
                completed = true;
                return p;
            } finally {
                end(completed);
            }
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException();
        }
        synchronized (positionLock) {
            boolean completed = false;
            try {
                begin(); // an lseek for the JDK: interruptible
                requireSeekable();
                // lseek(2), as the JDK's: it moves a device's position, and file systems refuse
                // positions past their maximum (ext4: 16 TiB) with EINVAL
                ENGINE.seek(file, newPosition, Linux.SEEK_SET);
                position = newPosition;
                completed = true;
                return this;
            } finally {
                end(completed);
            }
        }
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        boolean completed = false;
        try {
            begin(); // an fstat for the JDK: interruptible
            long size = file.size();
            completed = true;
            return size;
        } finally {
            end(completed);
        }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        ensureOpen();
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!writable) {
            throw new NonWritableChannelException();
        }
        synchronized (positionLock) {
            boolean completed = false;
            try {
                begin();
                requireSeekable(); // the JDK's lseek answers ESPIPE on a FIFO or socket
                file.truncate(size); // truncates only if smaller, as FileChannel does
                if (position > size) {
                    position = size;
                }
                completed = true;
            } finally {
                end(completed);
            }
            return this;
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        boolean completed = false;
        try {
            begin();
            try {
                file.force(metaData).join();
            } catch (CompletionException e) {
                throw unwrap(e);
            }
            completed = true;
        } finally {
            end(completed);
        }
    }

    // ---------------------------------------------------------------- the JDK's, on the same open file

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        ensureOpen();
        if (!target.isOpen()) {
            throw new ClosedChannelException();
        }
        if (!readable) {
            throw new NonReadableChannelException();
        }
        if (target instanceof UringFileChannel && !((UringFileChannel) target).writable) {
            throw new NonWritableChannelException();
        }
        // position < 0 || count < 0: IllegalArgumentException from the twin, after its check of a JDK
        // FileChannel target's writability (NonWritableChannelException first, as the JDK)
        return viaTwin(false, () -> twin.get().transferTo(position, count, target));
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        ensureOpen();
        // The JDK's channel on the same file (the twin, with this channel's modes) checks and
        // transfers, so the checks come in the running JDK's order: JDK 25 checks a
        // FileChannelImpl source's readability before this channel's writability, JDK 17 after
        // the arguments and the size (a position past the end gives 0). A uring4j source that
        // cannot read is handed over as its own twin, which the JDK's code can tell cannot.
        ReadableByteChannel source = src instanceof UringFileChannel && !((UringFileChannel) src).readable
                && src.isOpen() ? ((UringFileChannel) src).twin.get() : src;
        return viaTwin(false, () -> twin.get().transferFrom(source, position, count));
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (size > Integer.MAX_VALUE) { // the JDK's order: these two come before the open check
            throw new IllegalArgumentException("Size exceeds Integer.MAX_VALUE");
        }
        Objects.requireNonNull(mode, "Mode is null");
        ensureOpen();
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (position + size < 0) {
            throw new IllegalArgumentException("Position + size overflow");
        }
        if (mode != MapMode.READ_ONLY && !writable) {
            throw new NonWritableChannelException();
        }
        if (!readable) {
            throw new NonReadableChannelException();
        }
        return viaTwin(false, () -> twin.get().map(mode, position, size));
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        ensureOpen();
        if (shared && !readable) {
            throw new NonReadableChannelException();
        }
        if (!shared && !writable) {
            throw new NonWritableChannelException();
        }
        return new ChannelFileLock(this, viaTwin(true, () -> twin.get().lock(position, size, shared)));
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        ensureOpen();
        if (shared && !readable) {
            throw new NonReadableChannelException();
        }
        if (!shared && !writable) {
            throw new NonWritableChannelException();
        }
        FileLock l = twin.get().tryLock(position, size, shared);
        return l == null ? null : new ChannelFileLock(this, l);
    }

    @FunctionalInterface
    interface TwinCall<T> {
        T call() throws IOException;
    }

    /**
     * A call of the JDK twin. It is an interruptible channel of its own, and the thread's
     * interrupt hook is then the twin's: an interrupt closes the twin only. This channel
     * closes with it, as the JDK's would (ClosedByInterruptException, or
     * FileLockInterruptionException from a lock, reach the caller; the interrupt status stays set).
     */
    final <T> T viaTwin(boolean lock, TwinCall<T> call) throws IOException {
        // An interrupt status already set is the twin's to act on, as the JDK's channel does: after its
        // argument checks (IllegalArgumentException, NonWritableChannelException, a closed source win),
        // in its begin(), which closes the twin; this channel then closes below.
        try {
            return call.call();
        } catch (java.nio.channels.ClosedByInterruptException | java.nio.channels.FileLockInterruptionException e) {
            close();
            throw e;
        } catch (java.nio.channels.AsynchronousCloseException e) {
            if (isOpen()) {
                close(); // the twin was closed under the call: so is this channel
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    protected void implCloseChannel() throws IOException {
        // The JDK twin first: closing it releases the locks taken through it.
        IOException first = null;
        try {
            twin.close();
        } catch (IOException e) {
            first = e;
        }
        try {
            file.close(); // pending operations complete with AsynchronousCloseException
        } catch (IOException e) {
            if (first == null) {
                first = e;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
