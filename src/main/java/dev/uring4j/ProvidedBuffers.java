package dev.uring4j;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.ring.BufferGroup;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.NativeAccess;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A provided-buffer ring (IORING_REGISTER_PBUF_RING, 5.19+): {@code count} buffers of
 * {@code size} bytes the kernel picks from for {@link Ring#recvMultishot} and
 * {@link Ring#recvSelect}. A completion names its buffer in its flags
 * ({@link #bufferId(int)}); the data is {@link #buffer(int, int)}; the application hands the
 * buffer back with {@link #recycle(int)} when done. When every buffer is out the
 * receive completes with {@code -ENOBUFS} (a multishot receive then ends): recycle and
 * re-arm; no data is lost, it stays in the socket. Owned by its ring's thread.
 */
public final class ProvidedBuffers implements AutoCloseable {
    private static final Native NATIVE = Native.access();
    private static final Memory MEM = Memory.raw();

    private final Ring ring;
    private final int groupId;
    private final int count;
    private final int size;
    private final ByteBuffer slab;
    private final long slabAddress;
    private final long ringAddress;
    private final BufferGroup holders;
    private short tail;
    private boolean closed;

    ProvidedBuffers(Ring ring, int groupId, int count, int size) throws UringException {
        if (!Memory.hasRawAccess()) {
            throw new IllegalStateException("provided buffers need raw memory access: on JDK 17-21 sun.misc.Unsafe (module "
                    + "jdk.unsupported), on JDK 22+ native access (" + NativeAccess.howToEnable(Memory.class.getModule()) + ")");
        }
        if (groupId < 0 || groupId > 0xffff) {
            throw new IllegalArgumentException("groupId must be 0..65535, got " + groupId);
        }
        if (count <= 0 || count > 32768 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("count must be a power of two from 1 to 32768, got " + count);
        }
        if (size <= 0 || (long) size * count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size must be > 0 and count x size at most 2 GiB, got " + size);
        }
        this.ring = ring;
        this.groupId = groupId;
        this.count = count;
        this.size = size;
        this.slab = slab(groupId, count, size);
        this.slabAddress = Memory.address(slab);
        long br = NATIVE.pbufRegister(ring.handle(), groupId, count);
        if (br < 0) {
            throw new UringException("io_uring_register(PBUF_RING)", (int) -br, "group " + groupId + ", " + count
                    + " buffers" + (br == -Errno.EINVAL ? " (provided-buffer rings need Linux 5.19)" : ""));
        }
        this.ringAddress = br;
        this.holders = new BufferGroup(count, this);
        for (int bid = 0; bid < count; bid++) {
            add(bid);
        }
        publish();
    }

    public int groupId() {
        return groupId;
    }

    public int count() {
        return count;
    }

    public int size() {
        return size;
    }

    /** Whether a completion carries a provided buffer (IORING_CQE_F_BUFFER). */
    public static boolean hasBuffer(int cqeFlags) {
        return Cqe.hasBuffer(cqeFlags);
    }

    /**
     * The buffer id a completion of this group carries. The buffer is the application's from
     * the delivery of that completion (the ring hands it out before the handler runs) until
     * {@link #recycle}; this only reads the id, and checks it names a buffer handed out.
     *
     * @throws IllegalStateException if that buffer is with the kernel: the flags are another
     *                               group's completion's, or the buffer was recycled since
     */
    public int bufferId(int cqeFlags) {
        if (!hasBuffer(cqeFlags)) {
            throw new IllegalArgumentException("the completion carries no provided buffer (flags 0x"
                    + Integer.toHexString(cqeFlags) + ")");
        }
        int bid = Cqe.bufferId(cqeFlags);
        if (bid >= count) {
            throw new IllegalStateException("buffer id " + bid + " outside group " + groupId + " of " + count);
        }
        if (holders.withKernel(bid)) {
            throw new IllegalStateException("buffer " + bid + " of group " + groupId + " is with the kernel: these "
                    + "flags are of another group's completion, or the buffer was recycled since");
        }
        return bid;
    }

    /**
     * The group's memory: a direct buffer of {@code count x size} bytes. Beyond the JVM's direct
     * memory limit (-XX:MaxDirectMemorySize) that is a refusal of this size, thrown as the
     * ENOMEM it is, before anything was registered, rather than an OutOfMemoryError.
     */
    private static ByteBuffer slab(int groupId, int count, int size) throws UringException {
        try {
            return Memory.allocate(count * size);
        } catch (OutOfMemoryError e) {
            String op = "provideBuffers";
            throw new UringException(op, Errno.ENOMEM, UringException.describe(op, Errno.ENOMEM, "group " + groupId
                    + ": " + count + " buffers x " + size + " bytes = " + (long) count * size + " bytes of direct memory "
                    + "could not be reserved (" + e.getMessage() + "); use fewer or smaller buffers, or raise "
                    + "-XX:MaxDirectMemorySize"), e);
        }
    }

    /** What the operations receiving into this group reference: who holds each buffer. */
    BufferGroup group() {
        return holders;
    }

    /** The first {@code length} bytes of buffer {@code bid} (a view; valid until recycled). */
    public ByteBuffer buffer(int bid, int length) {
        checkId(bid);
        if (length < 0 || length > size) {
            throw new IndexOutOfBoundsException("length " + length + " outside buffers of " + size + " bytes");
        }
        return slab.slice(bid * size, length);
    }

    /** Hands buffer {@code bid} back to the kernel. */
    public void recycle(int bid) {
        ring.checkUsable();
        checkId(bid);
        if (closed) {
            throw new IllegalStateException("provided buffers of group " + groupId + " are closed");
        }
        if (holders.withKernel(bid)) {
            throw new IllegalStateException("buffer " + bid + " of group " + groupId + " is already with the kernel");
        }
        add(bid);
        publish();
    }

    private void checkId(int bid) {
        if (bid < 0 || bid >= count) {
            throw new IndexOutOfBoundsException("buffer id " + bid + " outside group " + groupId + " of " + count);
        }
    }

    private void add(int bid) {
        long e = ringAddress + (long) (tail & (count - 1)) * 16;
        MEM.putLong(e, slabAddress + (long) bid * size);
        MEM.putInt(e + 8, size);
        MEM.putShort(e + 12, (short) bid);
        holders.givenToKernel(bid);
        tail++;
    }

    private void publish() {
        VarHandle.releaseFence(); // entries before the tail the kernel reads
        MEM.putShort(ringAddress + 14, tail);
    }

    /**
     * Unregisters the group. Refused while an operation of the ring still selects from it
     * (cancel multishot receives first): the kernel could still write into the buffers.
     * Once the ring is closed this only marks the group closed: the ring's close released
     * it, or kept its memory for a kernel that had not finished (a ring closed after its
     * owner thread ended, or one that could not drain).
     */
    @Override
    public void close() throws UringException {
        if (closed) {
            return;
        }
        if (ring.isClosed() && ring.crossing.handle() == 0) { // torn down: the native ring is gone
            closed = true;
            return;
        }
        if (!ring.isClosed()) {
            ring.checkUsable();
        }
        if (ring.inFlight.referencesAny(holders)) {
            throw new IllegalStateException("operations of the ring still receive into group " + groupId
                    + ": cancel them and reap their final completions first");
        }
        int r = NATIVE.pbufUnregister(ring.handle(), groupId, ringAddress, count);
        if (r < 0) {
            throw new UringException("io_uring_unregister(PBUF_RING)", -r, "group " + groupId);
        }
        closed = true;
        ring.providedBuffers.remove(this);
    }
}
