package dev.uring4j.internal.ring;

import dev.uring4j.internal.Memory;
import java.nio.ByteBuffer;

/**
 * The staging area: SQE-layout records (64 or 128 bytes) that Java fills and one native
 * call validates and copies into the SQ. Records are written at the end; only the last
 * one may still be changed (its SQE flags, by {@code Sqe}). Owned by the ring's thread.
 */
public final class Submissions {
    private static final Memory MEM = Memory.raw();
    private static final boolean RAW = Memory.hasRawAccess();
    /** The SQE flags ({@code IOSQE_*}): their one home; the API names them as Sqe calls and types. */
    public static final int IOSQE_FIXED_FILE = 1, IOSQE_IO_DRAIN = 1 << 1, IOSQE_IO_LINK = 1 << 2,
            IOSQE_IO_HARDLINK = 1 << 3, IOSQE_ASYNC = 1 << 4, IOSQE_BUFFER_SELECT = 1 << 5;
    /** The flags that continue a linked chain. */
    public static final int CHAIN_FLAGS = IOSQE_IO_LINK | IOSQE_IO_HARDLINK;

    private final ByteBuffer buffer;
    private final long address;
    private final int capacity;
    private final int sqeSize;
    private int staged;

    public Submissions(int capacity, int sqeSize) {
        this.capacity = capacity;
        this.sqeSize = sqeSize;
        this.buffer = Memory.allocate(capacity * sqeSize);
        this.address = Memory.address(buffer);
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public long address() {
        return address;
    }

    public int capacity() {
        return capacity;
    }

    public int staged() {
        return staged;
    }

    public boolean isFull() {
        return staged == capacity;
    }

    /**
     * Appends bytes 0..47 of a record; 48..63 (addr3, pad) stay zero from allocation.
     * The caller checked {@link #isFull()} first: the record lies inside the buffer.
     */
    public void append(long w0, long off, long addr, long w3, long userData, long word40) {
        int base = staged * sqeSize;
        if (RAW) {
            long a = address + base;
            MEM.putLong(a, w0);
            MEM.putLong(a + 8, off);
            MEM.putLong(a + 16, addr);
            MEM.putLong(a + 24, w3);
            MEM.putLong(a + 32, userData);
            MEM.putLong(a + 40, word40);
        } else {
            buffer.putLong(base, w0).putLong(base + 8, off).putLong(base + 16, addr).putLong(base + 24, w3)
                    .putLong(base + 32, userData).putLong(base + 40, word40);
        }
        staged++;
    }

    public long userData(int record) {
        return buffer.getLong(record * sqeSize + 32);
    }

    public int opcode(int record) {
        return buffer.get(record * sqeSize) & 0xff;
    }

    public int flags(int record) {
        return buffer.get(record * sqeSize + 1) & 0xff;
    }

    /** Sets SQE flag bits of a staged record. */
    public void orFlags(int record, int bits) {
        int at = record * sqeSize + 1;
        buffer.put(at, (byte) (buffer.get(at) | bits));
    }

    /** Takes back the last staged record (its operation was withdrawn before submission). */
    public void dropLast() {
        if (staged > 0) {
            staged--;
            buffer.put(staged * sqeSize, new byte[sqeSize]); // bytes 48.. must stay zero for the next record
        }
    }

    /** Hands every staged record over (to the native call): the area is empty afterwards. */
    public int takeAll() {
        int n = staged;
        staged = 0;
        return n;
    }

    /**
     * The first record of the linked chain still open at the end of the staging area (the
     * records with IO_LINK or IO_HARDLINK there), or {@link #staged()} if none is open.
     */
    public int openChainStart() {
        int i = staged;
        while (i > 0 && (flags(i - 1) & CHAIN_FLAGS) != 0) {
            i--;
        }
        return i;
    }

    /** Keeps records {@code [first, staged)}, moved to the front (the others were handed over). */
    public void keepFrom(int first, int stagedBefore) {
        int kept = stagedBefore - first;
        buffer.put(0, buffer, first * sqeSize, kept * sqeSize);
        staged = kept;
    }
}
