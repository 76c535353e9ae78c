package dev.uring4j;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.SockAddr;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A {@code struct msghdr} in native memory for {@link Ring#sendmsg}, {@link Ring#recvmsg}
 * and {@link Ring#sendmsgZc}: scatter/gather buffers, an optional peer address and an
 * optional control (ancillary data) area. Reusable: set it up, submit it, and after its
 * completion read what the kernel wrote ({@link #address()}, {@link #flags()},
 * {@link #controlLength()}) before setting it up again.
 *
 * <p>While an operation uses it ({@link #isInUse()}), the kernel may read or write its
 * memory, so every setter throws {@link IllegalStateException}, and so does submitting it
 * again, on this ring or another. Meant for the thread of the ring it is submitted to;
 * used from two threads at once (two rings given one message), one submission or setter
 * wins and the other throws {@link IllegalStateException}: checking that the message is
 * idle and taking it are one step.
 */
public final class SocketMessage {
    // struct msghdr on LP64 (x86_64, aarch64)
    private static final int MSG_NAME = 0, MSG_NAMELEN = 8, MSG_IOV = 16, MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32, MSG_CONTROLLEN = 40, MSG_FLAGS = 48;
    private static final int HEADER = 64;
    private static final int NAME = HEADER;
    private static final int IOVECS = NAME + SockAddr.MAX;
    /** Ancillary data uring4j lets through (the native validator's MAX_CONTROL). */
    public static final int MAX_CONTROL = 65536;

    private final int maxBuffers;
    private final int controlOffset;
    private final int controlCapacity;
    private final ByteBuffer memory;
    private final long base;
    private ByteBuffer[] buffers = new ByteBuffer[0];
    private InetSocketAddress destination;
    private int controlLength;
    private Ring ring;
    private long userData;
    private boolean received;
    /**
     * 1 while one thread prepares an operation with this message or changes it. Without it,
     * two threads could both find the message idle: both submit it, the second attach hides
     * the first operation, and a setter could then replace the buffers the first
     * operation's iovecs point at, which its slot keeps alive only through this message.
     */
    private volatile int busy;
    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(SocketMessage.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param maxBuffers      buffers one message may scatter into or gather from (1 to 1024)
     * @param controlCapacity bytes of ancillary data (0 for none, at most {@value #MAX_CONTROL})
     */
    public SocketMessage(int maxBuffers, int controlCapacity) {
        if (maxBuffers < 1 || maxBuffers > 1024) {
            throw new IllegalArgumentException("maxBuffers must be 1 to 1024 (UIO_MAXIOV), got " + maxBuffers);
        }
        if (controlCapacity < 0 || controlCapacity > MAX_CONTROL) {
            throw new IllegalArgumentException("controlCapacity must be 0 to " + MAX_CONTROL + ", got " + controlCapacity);
        }
        this.maxBuffers = maxBuffers;
        this.controlOffset = IOVECS + 16 * maxBuffers;
        this.controlCapacity = controlCapacity;
        this.memory = Memory.allocate(controlOffset + controlCapacity);
        this.base = Memory.address(memory);
    }

    /**
     * The buffers to send from (each its position to limit) or receive into (each its
     * position to limit, in order). Positions are not moved: the result says how many
     * bytes went where.
     */
    public SocketMessage buffers(ByteBuffer... buffers) {
        Objects.requireNonNull(buffers, "buffers");
        if (buffers.length > maxBuffers) {
            throw new IllegalArgumentException(buffers.length + " buffers, but this message was made for at most "
                    + maxBuffers);
        }
        ByteBuffer[] copy = buffers.clone();
        for (int i = 0; i < copy.length; i++) {
            Objects.requireNonNull(copy[i], "buffer " + i);
        }
        lock("buffers");
        this.buffers = copy;
        unlock();
        return this;
    }

    /** The destination of {@link Ring#sendmsg} (a datagram socket's peer), or null for a connected socket. */
    public SocketMessage destination(InetSocketAddress to) {
        if (to != null && to.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + to + ": resolve it first");
        }
        lock("destination");
        this.destination = to;
        unlock();
        return this;
    }

    /**
     * The control area: ancillary data to send (write {@code cmsghdr} records here and set
     * {@link #controlLength(int)}), or what {@link Ring#recvmsg} received (the first
     * {@link #controlLength()} bytes). Native byte order.
     */
    public ByteBuffer control() {
        return memory.slice(controlOffset, controlCapacity).order(ByteOrder.nativeOrder());
    }

    /** How many bytes of {@link #control()} {@link Ring#sendmsg} sends. */
    public SocketMessage controlLength(int length) {
        if (length < 0 || length > controlCapacity) {
            throw new IndexOutOfBoundsException("control length " + length + " outside the control area of "
                    + controlCapacity + " bytes");
        }
        lock("controlLength");
        this.controlLength = length;
        unlock();
        return this;
    }

    /** After a receive: the bytes of ancillary data received; otherwise the length to send. */
    public int controlLength() {
        return received ? (int) memory.getLong(MSG_CONTROLLEN) : controlLength;
    }

    /** After a receive: the sender's address, or null if the socket reported none (e.g. TCP). */
    public InetSocketAddress address() {
        if (!received) {
            return destination;
        }
        int len = memory.getInt(MSG_NAMELEN);
        int family = memory.getShort(NAME) & 0xffff;
        if (len == 0 || (family != Linux.AF_INET && family != Linux.AF_INET6)) {
            return null;
        }
        return SockAddr.decode(memory.slice(NAME, SockAddr.MAX).order(ByteOrder.nativeOrder()));
    }

    /** After a receive: msg_flags, e.g. {@link Linux#MSG_TRUNC} or {@link Linux#MSG_CTRUNC}. */
    public int flags() {
        return received ? memory.getInt(MSG_FLAGS) : 0;
    }

    /**
     * Whether an operation submitted with this message has not completed yet (or another
     * thread is submitting or changing it right now).
     */
    public boolean isInUse() {
        return busy != 0 || usedByOperation();
    }

    private boolean usedByOperation() {
        Ring r = ring;
        return r != null && r.inFlight.slotOf(userData) >= 0;
    }

    int bufferCount() {
        return buffers.length;
    }

    ByteBuffer buffer(int i) {
        return buffers[i];
    }

    /**
     * Takes the message for {@code op} (a setter, or preparing an operation until
     * {@link #unlock()}): refused while another thread holds it or an operation uses it.
     */
    void lock(String op) {
        if (!BUSY.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException(op + ": another thread is submitting or changing this SocketMessage right"
                    + " now; a SocketMessage belongs to one thread at a time (use one per ring)");
        }
        if (usedByOperation()) {
            busy = 0;
            throw new IllegalStateException(op + ": this SocketMessage is in use by an operation that has not completed;"
                    + " wait for its completion (or use another SocketMessage)");
        }
    }

    void unlock() {
        busy = 0;
    }

    /** Writes iovec {@code i}. */
    void iovec(int i, long address, int length) {
        memory.putLong(IOVECS + 16 * i, address).putLong(IOVECS + 16 * i + 8, length);
    }

    /** Writes the msghdr for a send or a receive of {@link #bufferCount()} iovecs; returns its address. */
    long header(boolean receive) {
        int nameLen = 0;
        if (receive) {
            nameLen = SockAddr.MAX;
        } else if (destination != null) {
            nameLen = SockAddr.encode(destination, memory.slice(NAME, SockAddr.MAX).order(ByteOrder.nativeOrder()));
        }
        int control = receive ? controlCapacity : controlLength;
        memory.putLong(MSG_NAME, nameLen == 0 ? 0 : base + NAME);
        memory.putLong(MSG_NAMELEN, nameLen); // socklen_t and its padding
        memory.putLong(MSG_IOV, buffers.length == 0 ? 0 : base + IOVECS);
        memory.putLong(MSG_IOVLEN, buffers.length);
        memory.putLong(MSG_CONTROL, control == 0 ? 0 : base + controlOffset);
        memory.putLong(MSG_CONTROLLEN, control);
        memory.putLong(MSG_FLAGS, 0); // msg_flags and its padding
        this.received = receive;
        return base;
    }

    /** Marks the message in use by operation {@code userData} of {@code ring}. */
    void attach(Ring ring, long userData) {
        this.ring = ring;
        this.userData = userData;
    }
}
