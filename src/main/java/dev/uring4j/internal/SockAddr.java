package dev.uring4j.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** struct sockaddr_in / sockaddr_in6 encoding (family in host order, port and address in network order). */
public final class SockAddr {
    public static final int MAX = 128;

    private SockAddr() {}

    /** Writes the address at index 0 of {@code out} (native order buffer); returns its length. */
    public static int encode(InetSocketAddress a, ByteBuffer out) {
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + a + ": resolve it first");
        }
        InetAddress ip = a.getAddress();
        for (int i = 0; i < 28; i++) {
            out.put(i, (byte) 0);
        }
        ByteBuffer be = out.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (ip instanceof Inet4Address) {
            out.putShort(0, (short) 2);
            be.putShort(2, (short) a.getPort());
            be.put(4, ip.getAddress());
            return 16;
        }
        out.putShort(0, (short) 10);
        be.putShort(2, (short) a.getPort());
        be.put(8, ip.getAddress());
        out.putInt(24, ((Inet6Address) ip).getScopeId());
        return 28;
    }

    public static InetSocketAddress decode(ByteBuffer in) {
        ByteBuffer be = in.duplicate().order(ByteOrder.BIG_ENDIAN);
        int family = in.getShort(0);
        int port = be.getShort(2) & 0xffff;
        byte[] ip = new byte[family == 2 ? 4 : 16];
        be.get(family == 2 ? 4 : 8, ip);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
