package dev.uring4j.internal.ring;

import dev.uring4j.internal.BufferLifetime;
import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Objects;

/** The argument checks of ring operations: each refusal names the operation and the rule. */
public final class Checks {
    /** The kernel's per-call maximum (MAX_RW_COUNT on 4 KiB pages). */
    public static final int MAX_RW = 0x7ffff000;
    /** AT_FDCWD. */
    public static final int AT_FDCWD = -100;
    private static final Charset PATH_CHARSET = Charset.forName(
            System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));

    private Checks() {}

    /**
     * The address of {@code b}'s bytes {@code [position, limit)} after checking that the
     * kernel may use them: direct, writable if the kernel writes, memory uring4j can keep
     * alive, and within the kernel's per-call maximum.
     */
    public static long bufferAddress(String op, ByteBuffer b, boolean kernelWrites) {
        if (b == null) { // not requireNonNull with a message supplier: that lambda captures op, once per operation
            throw new NullPointerException(op + ": buffer is null");
        }
        if (!b.isDirect()) {
            throw new IllegalArgumentException(op + " needs a direct ByteBuffer (ByteBuffer.allocateDirect or a mapped "
                    + "buffer): the kernel accesses it after this call returns, and heap buffers move during GC");
        }
        if (kernelWrites && b.isReadOnly()) {
            throw new IllegalArgumentException(op + " would write into a read-only buffer");
        }
        BufferLifetime.check(op, b); // memory an Arena can free under the kernel is refused
        if (kernelWrites) {
            RingMemoryClaims.checkOutside(op, b);
        }
        if (b.remaining() > MAX_RW) {
            throw new IllegalArgumentException(op + " of " + b.remaining() + " bytes exceeds the kernel's per-call "
                    + "maximum of " + MAX_RW + " bytes");
        }
        return Memory.address(b) + b.position();
    }

    /**
     * The bytes from {@code address} (a {@link #bufferAddress} of {@code b}) to {@code b}'s
     * limit, read once: another thread moving the buffer's position back between the two reads
     * would otherwise give the kernel a length that runs past the buffer's end (the JDK's IOUtil
     * reads position and limit once for the same reason).
     *
     * @throws IllegalStateException if the limit was moved below the position meanwhile
     */
    public static int length(ByteBuffer b, long address) {
        int position = position(b, address);
        int limit = b.limit();
        if (limit < position) {
            throw new IllegalStateException("the buffer's limit (" + limit + ") moved below the position (" + position
                    + ") while the operation was prepared: a ByteBuffer is not safe for use by several threads");
        }
        return limit - position;
    }

    /** The position {@code address} (a {@link #bufferAddress} of {@code b}) stands for. */
    public static int position(ByteBuffer b, long address) {
        return (int) (address - Memory.address(b));
    }

    public static void fd(String op, int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException(op + ": file descriptor must be >= 0, got " + fd);
        }
    }

    public static void dirFd(String op, int dirfd) {
        if (dirfd < 0 && dirfd != AT_FDCWD) {
            throw new IllegalArgumentException(op + ": dirfd must be >= 0 or Linux.AT_FDCWD, got " + dirfd);
        }
    }

    public static void offset(String op, long offset) {
        if (offset < -1) {
            throw new IllegalArgumentException(op + ": offset must be >= 0, or -1 for the current file position, got "
                    + offset);
        }
    }

    public static void total(String op, long total) {
        if (total > MAX_RW) {
            throw new IllegalArgumentException(op + " of " + total + " bytes exceeds the kernel's per-call maximum of "
                    + MAX_RW + " bytes");
        }
    }

    public static byte[] path(String op, String path) {
        Objects.requireNonNull(path, "path");
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(op + ": path contains a NUL character");
        }
        byte[] bytes = path.getBytes(PATH_CHARSET);
        if (bytes.length >= 4096) {
            throw new IllegalArgumentException(op + ": path is " + bytes.length + " bytes; Linux allows at most 4095 (PATH_MAX)");
        }
        return bytes;
    }

    public static void nonNegative(String op, String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(op + ": " + what + " must be >= 0, got " + value);
        }
    }
}
