package dev.uring4j.nio;

import dev.uring4j.internal.BufferLifetime;
import java.nio.ByteBuffer;

/**
 * Stand-ins for buffers whose memory an {@code Arena} can free ({@code Arena.ofShared()},
 * {@code Arena.ofConfined()}, {@code FileChannel.map(..., arena)}), for the JDK's channel
 * interfaces. The JDK's FileChannel takes such buffers: it holds the arena open for the
 * call, so {@code arena.close()} fails meanwhile. uring4j cannot hold an arena open (no
 * public API does), and the kernel must never write into memory that a close freed, so
 * the kernel gets a heap copy and the bytes move between it and the user's buffer in Java,
 * where the JDK's own checks apply: a closed arena gives IllegalStateException, a confined
 * one used from another thread WrongThreadException, as FileChannel gives. Buffers the GC
 * frees (direct, mapped, heap, Arena.ofAuto/global) are used as they are.
 *
 * <p>A copy holds at most {@link #MAX_COPY} bytes, so that a huge arena buffer costs no huge
 * heap allocation: a stand-in for a longer buffer moves its first MAX_COPY bytes (a short
 * read or write, which {@link UringFileChannel} continues until the request is done, as one
 * pread/pwrite would be), and the next part goes through the same copy ({@link #again}): a
 * 64 MiB transfer allocates 256 KiB once, not 64 MiB in parts. Vectored transfers copy whole
 * buffers (one readv/writev).
 */
final class ArenaCopies {
    /** The most bytes one stand-in holds: the engine's lent direct buffers' size, so one bounce serves it. */
    static final int MAX_COPY = 256 * 1024;

    private ArenaCopies() {}

    /**
     * The buffer the kernel reads into in place of {@code dst}: {@code dst} itself, or a
     * heap buffer of its remaining size (after touching {@code dst}, so that a closed arena
     * or a wrong thread is reported before any byte is read, as the JDK reports it).
     */
    static ByteBuffer readInto(ByteBuffer dst) {
        return readInto(dst, MAX_COPY);
    }

    private static ByteBuffer readInto(ByteBuffer dst, int most) {
        if (!BufferLifetime.isFreeable("read", dst)) {
            return dst;
        }
        if (dst.hasRemaining()) {
            dst.get(dst.position()); // the arena's checks: closed, or another thread's
        }
        return ByteBuffer.allocate(Math.min(dst.remaining(), most));
    }

    /** After a read of {@code n} bytes into {@code io}, standing in for {@code dst}: moves them to {@code dst}. */
    static void readDone(ByteBuffer dst, ByteBuffer io, long n) {
        if (io != dst && n > 0) {
            dst.put(io.flip());
        }
    }

    /** The buffer the kernel writes from in place of {@code src}: {@code src} itself, or a heap copy of its remaining bytes. */
    static ByteBuffer writeFrom(ByteBuffer src) {
        return writeFrom(src, MAX_COPY);
    }

    private static ByteBuffer writeFrom(ByteBuffer src, int most) {
        if (!BufferLifetime.isFreeable("write", src)) {
            return src;
        }
        int n = Math.min(src.remaining(), most);
        return ByteBuffer.allocate(n).put(0, src, src.position(), n);
    }

    /** After a write of {@code n} bytes from {@code io}, standing in for {@code src}: advances {@code src} as the write did. */
    static void writeDone(ByteBuffer src, ByteBuffer io, long n) {
        if (io != src && n > 0) {
            src.position(src.position() + (int) n);
        }
    }

    /**
     * The stand-in for the next part of a transfer through {@code io} (the last part's stand-in,
     * fully transferred): the same memory, refilled from {@code user} for a write, emptied for a
     * read, with room for at most what remains of {@code user}.
     */
    static ByteBuffer again(ByteBuffer user, ByteBuffer io, boolean write) {
        int n = Math.min(user.remaining(), io.capacity());
        io.clear().limit(n);
        if (write) {
            io.put(0, user, user.position(), n);
        } else if (n > 0) {
            user.get(user.position()); // the arena's checks, as readInto makes them
        }
        return io;
    }

    /** Whole stand-ins for {@code bs} (one readv/writev), element by element; the array itself if every buffer is used as it is. */
    static ByteBuffer[] standIns(ByteBuffer[] bs, boolean write) {
        ByteBuffer[] io = bs;
        for (int i = 0; i < bs.length; i++) {
            ByteBuffer b = write ? writeFrom(bs[i], Integer.MAX_VALUE) : readInto(bs[i], Integer.MAX_VALUE);
            if (b != bs[i]) {
                if (io == bs) {
                    io = bs.clone();
                }
                io[i] = b;
            }
        }
        return io;
    }

    /** After a vectored transfer through {@code io}, standing in for {@code bs}. */
    static void vectorDone(ByteBuffer[] bs, ByteBuffer[] io, boolean write) {
        if (io == bs) {
            return;
        }
        for (int i = 0; i < bs.length; i++) {
            // a stand-in starts at 0 and has advanced by its share of the transfer
            long part = io[i] != bs[i] ? io[i].position() : 0;
            if (write) {
                writeDone(bs[i], io[i], part);
            } else {
                readDone(bs[i], io[i], part);
            }
        }
    }
}
