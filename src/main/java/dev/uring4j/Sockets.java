package dev.uring4j;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.SockAddr;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Socket set-up as plain syscalls, for what io_uring gained late or not at all: socket
 * (IORING_OP_SOCKET is 5.19), bind and listen (6.11), integer socket options, the local
 * address, and close. The sockets work with every {@link Ring} socket operation. Their
 * constants (domains, types, protocols, option levels and names) are in {@link Linux}.
 */
public final class Sockets {
    private static final Native NATIVE = Native.access();

    private Sockets() {}

    /** These are natives of the shim: without it, the loader's explanation instead of UnsatisfiedLinkError. */
    private static void needNative() throws UringUnavailableException {
        UringUnavailableException why = Uring.loadNative();
        if (why != null) {
            throw why;
        }
    }

    /**
     * socket(domain, type, protocol) as a syscall, on every kernel; {@link Ring#socket}
     * does the same through the ring from 5.19.
     *
     * @return the new socket's file descriptor
     */
    public static int open(int domain, int type, int protocol) throws UringException {
        needNative();
        int r = NATIVE.socketOpen(domain, type, protocol);
        if (r < 0) {
            throw new UringException("socket", -r, "domain " + domain + ", type 0x" + Integer.toHexString(type)
                    + ", protocol " + protocol);
        }
        return r;
    }

    /** setsockopt(fd, level, name) with an int value, e.g. {@code (fd, Linux.IPPROTO_TCP, Linux.TCP_NODELAY, 1)}. */
    public static void setOption(int fd, int level, int name, int value) throws UringException {
        needNative();
        int r = NATIVE.socketSetInt(fd, level, name, value);
        if (r < 0) {
            throw new UringException("setsockopt", -r, "fd " + fd + ", level " + level + ", option " + name);
        }
    }

    /** close(fd) as a syscall (for a socket no ring operation uses any more). */
    public static void close(int fd) throws UringException {
        needNative();
        if (fd < 0) {
            throw new IllegalArgumentException("file descriptor must be >= 0, got " + fd);
        }
        int r = NATIVE.close(fd);
        if (r < 0) {
            throw new UringException("close", -r, "fd " + fd);
        }
    }

    public static void bind(int fd, InetSocketAddress address) throws UringException {
        needNative();
        Objects.requireNonNull(address, "address");
        ByteBuffer sa = Memory.allocate(SockAddr.MAX);
        int len = SockAddr.encode(address, sa);
        int r = NATIVE.socketBind(fd, Memory.address(sa), len);
        if (r < 0) {
            throw new UringException("bind " + address, -r, "fd " + fd);
        }
    }

    public static void listen(int fd, int backlog) throws UringException {
        needNative();
        int r = NATIVE.socketListen(fd, backlog);
        if (r < 0) {
            throw new UringException("listen", -r, "fd " + fd);
        }
    }

    /** The socket's local address (after bind to port 0: the port the kernel chose). */
    public static InetSocketAddress localAddress(int fd) throws UringException {
        needNative();
        ByteBuffer sa = Memory.allocate(SockAddr.MAX);
        int r = NATIVE.socketName(fd, Memory.address(sa), SockAddr.MAX);
        if (r < 0) {
            throw new UringException("getsockname", -r, "fd " + fd);
        }
        return SockAddr.decode(sa);
    }
}
