package dev.uring4j;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import dev.uring4j.internal.SockAddr;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Socket set-up that io_uring only gained in 6.11 (BIND, LISTEN), done with plain
 * syscalls on sockets created by {@link Ring#socket}: bind, listen, and the local address.
 */
public final class Sockets {
    private Sockets() {}

    public static void bind(int fd, InetSocketAddress address) throws UringException {
        Objects.requireNonNull(address, "address");
        ByteBuffer sa = Memory.allocate(SockAddr.MAX);
        int len = SockAddr.encode(address, sa);
        int r = Native.socketBind(fd, Memory.address(sa), len);
        if (r < 0) {
            throw new UringException("bind " + address, -r, "fd " + fd);
        }
    }

    public static void listen(int fd, int backlog) throws UringException {
        int r = Native.socketListen(fd, backlog);
        if (r < 0) {
            throw new UringException("listen", -r, "fd " + fd);
        }
    }

    /** The socket's local address (after bind to port 0: the port the kernel chose). */
    public static InetSocketAddress localAddress(int fd) throws UringException {
        ByteBuffer sa = Memory.allocate(SockAddr.MAX);
        int r = Native.socketName(fd, Memory.address(sa), SockAddr.MAX);
        if (r < 0) {
            throw new UringException("getsockname", -r, "fd " + fd);
        }
        return SockAddr.decode(sa);
    }
}
