package dev.uring4j;

import dev.uring4j.diag.MemlockReport;
import dev.uring4j.internal.BufferLifetime;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.ring.RingMemoryClaims;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The ring's registered buffers, used by {@link Ring#readFixed} and {@link Ring#writeFixed}
 * without per-operation page pinning. Registration pins the buffers' pages, which the
 * kernel charges to RLIMIT_MEMLOCK on every kernel (for callers without CAP_IPC_LOCK):
 * uring4j checks the limit first and throws {@link UringMemlockException} with the
 * numbers. Registered buffers stay referenced by the ring until unregistered.
 */
public final class FixedBuffers {
    private static final Native NATIVE = Native.access();
    /** IORING_MAX_REG_BUFFERS. */
    public static final int MAX_BUFFERS = 1 << 14;
    /** The kernel's per-buffer limit (1 GiB). */
    public static final long MAX_BUFFER_BYTES = 1L << 30;

    private final Ring ring;
    private ByteBuffer[] buffers = new ByteBuffer[0];
    private long[] addresses = new long[0];
    /** Buffer indexes sorted by address, for finding the buffer an operation's range lies in. */
    private int[] byAddress = new int[0];

    FixedBuffers(Ring ring) {
        this.ring = ring;
    }

    /** Registers these direct, writable buffers (each up to 1 GiB) as indexes 0..n-1. */
    public void register(ByteBuffer... toRegister) throws UringException {
        Objects.requireNonNull(toRegister, "buffers");
        ring.checkUsable();
        if (buffers.length > 0) {
            throw new IllegalStateException(buffers.length + " buffers are already registered: unregister them first");
        }
        if (toRegister.length == 0 || toRegister.length > MAX_BUFFERS) {
            throw new IllegalArgumentException("register 1 to " + MAX_BUFFERS + " buffers, got " + toRegister.length);
        }
        ByteBuffer[] copy = toRegister.clone();
        long[] addr = new long[copy.length];
        ByteBuffer iov = Memory.allocate(copy.length * 16);
        for (int i = 0; i < copy.length; i++) {
            ByteBuffer b = Objects.requireNonNull(copy[i], "buffers[" + i + "]");
            if (!b.isDirect() || b.isReadOnly()) {
                throw new IllegalArgumentException("buffers[" + i + "] must be a writable direct ByteBuffer (the kernel pins it)");
            }
            BufferLifetime.check("register buffers[" + i + "]", b);
            RingMemoryClaims.checkOutside("register buffers[" + i + "]", b.duplicate().clear()); // READ_FIXED writes there
            if (b.capacity() == 0 || b.capacity() > MAX_BUFFER_BYTES) {
                throw new IllegalArgumentException("buffers[" + i + "] has " + b.capacity() + " bytes; each must hold 1 byte to 1 GiB");
            }
            addr[i] = Memory.address(b);
            iov.putLong(i * 16, addr[i]).putLong(i * 16 + 8, b.capacity());
        }
        MemlockReport report = MemlockReport.current();
        long need = report.registeredBufferBytes(copy);
        if (!report.hasCapIpcLock() && !report.fits(need)) {
            throw new UringMemlockException("io_uring_register(BUFFERS)", report, need,
                    "registering " + copy.length + " buffer(s)");
        }
        int r = NATIVE.registerBuffers(ring.handle(), Memory.address(iov), copy.length);
        if (r == -Errno.ENOMEM) {
            throw new UringMemlockException("io_uring_register(BUFFERS)", MemlockReport.current(), need,
                    "registering " + copy.length + " buffer(s) (refused by the kernel: other processes of this user "
                            + "or rings closed moments ago count too)");
        }
        if (r < 0) {
            throw new UringException("io_uring_register(BUFFERS)", -r, copy.length + " buffers, " + need + " bytes");
        }
        buffers = copy;
        addresses = addr;
        byAddress = IntStream.range(0, addr.length).boxed()
                .sorted(Comparator.comparingLong(i -> addr[i])).mapToInt(Integer::intValue).toArray();
    }

    /** Unregisters the buffers; refused while READ_FIXED/WRITE_FIXED operations are in flight. */
    public void unregister() throws UringException {
        ring.checkUsable();
        if (buffers.length == 0) {
            throw new IllegalStateException("unregister: no buffers are registered");
        }
        ring.inFlight.checkTableIdle(false, ring.submissions.staged());
        int r = NATIVE.unregisterBuffers(ring.handle());
        if (r < 0) {
            throw new UringException("io_uring_unregister(BUFFERS)", -r, null);
        }
        buffers = new ByteBuffer[0];
        addresses = new long[0];
        byAddress = new int[0];
    }

    /** Number of registered buffers (0 if none). */
    public int count() {
        return buffers.length;
    }

    /** The registered buffer at {@code index}. */
    public ByteBuffer buffer(int index) {
        checkIndex("buffer", index);
        return buffers[index];
    }

    void checkIndex(String op, int index) {
        if (buffers.length == 0) {
            throw new IllegalStateException(op + " uses registered buffer " + index + ", but no buffers are registered "
                    + "(ring.fixedBuffers().register(...) first)");
        }
        if (index < 0 || index >= buffers.length) {
            throw new IndexOutOfBoundsException(op + ": buffer index " + index + " is outside the " + buffers.length
                    + " registered buffers");
        }
    }

    /**
     * The index of the registered buffer that holds {@code [address, address + length)}
     * (an operation's buffer is a registered buffer, or a slice of one).
     */
    int indexOf(String op, long address, int length) {
        if (buffers.length == 0) {
            throw new IllegalStateException(op + " needs a buffer inside a registered buffer, but no buffers are "
                    + "registered (ring.fixedBuffers().register(...) first)");
        }
        int lo = 0, hi = byAddress.length - 1, found = -1;
        while (lo <= hi) { // the last buffer starting at or below address
            int mid = (lo + hi) >>> 1;
            if (addresses[byAddress[mid]] <= address) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int k = found; k >= 0; k--) { // registered buffers may overlap: look at every candidate
            int i = byAddress[k];
            if (address + length <= addresses[i] + buffers[i].capacity()) {
                return i;
            }
        }
        throw new IllegalArgumentException(op + ": the buffer's " + length + " bytes at 0x" + Long.toHexString(address)
                + " do not lie inside any of the " + buffers.length + " registered buffers (use a registered buffer, or "
                + "a slice of one)");
    }
}
