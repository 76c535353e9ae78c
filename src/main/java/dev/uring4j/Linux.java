package dev.uring4j;

import java.util.Locale;

/** Linux constants for the operations {@link Ring} offers (values for this JVM's architecture). */
public final class Linux {
    private static final boolean ARM64 = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).matches("aarch64|arm64");

    public static final int AT_FDCWD = -100;
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_DIRECTORY = ARM64 ? 040000 : 0200000;
    public static final int O_NOFOLLOW = ARM64 ? 0100000 : 0400000;
    public static final int O_DIRECT = ARM64 ? 0200000 : 040000;
    public static final int O_CLOEXEC = 02000000;

    public static final int FALLOC_FL_KEEP_SIZE = 1;
    public static final int FALLOC_FL_PUNCH_HOLE = 2;

    public static final int STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_SIZE = 0x200, STATX_BASIC_STATS = 0x7ff;

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int IPPROTO_TCP = 6;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int POLLIN = 0x1;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;
    public static final int IPPROTO_UDP = 17;
    public static final int MSG_PEEK = 0x2;
    /** In {@link SocketMessage#flags()}: ancillary data did not fit the control buffer. */
    public static final int MSG_CTRUNC = 0x8;
    /** In {@link SocketMessage#flags()}: a datagram was longer than the buffers (the rest is dropped). */
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITALL = 0x100;
    public static final int MSG_NOSIGNAL = 0x4000;


    private Linux() {}
}
