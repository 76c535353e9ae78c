package dev.uring4j;

import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;

/** Native memory for one {@code struct statx}, filled by {@link Ring#statx}, with typed getters. */
public final class StatxBuffer {
    static final int SIZE = 256;
    final ByteBuffer buffer = Memory.allocate(SIZE);

    /** Allocates the 256 bytes of native memory a statx result needs. */
    public StatxBuffer() {
        // the buffer is allocated by the field initializer
    }

    /** Bits of {@code STATX_*} the kernel filled in. */
    public int mask() {
        return buffer.getInt(0);
    }

    /** Preferred I/O block size of the file system. */
    public int blockSize() {
        return buffer.getInt(4);
    }

    public int mode() {
        return buffer.getShort(28) & 0xffff;
    }

    public long inode() {
        return buffer.getLong(32);
    }

    public long size() {
        return buffer.getLong(40);
    }

    public long blocks() {
        return buffer.getLong(48);
    }

    public int nlink() {
        return buffer.getInt(16);
    }

    /** Modification time, seconds since the epoch. */
    public long mtimeSeconds() {
        return buffer.getLong(112);
    }

    public boolean isRegularFile() {
        return (mode() & Linux.S_IFMT) == Linux.S_IFREG;
    }

    public boolean isDirectory() {
        return (mode() & Linux.S_IFMT) == Linux.S_IFDIR;
    }
}
