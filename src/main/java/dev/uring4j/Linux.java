package dev.uring4j;

import java.util.Locale;

/**
 * Linux constants for the operations {@link Ring} and {@link Sockets} offer (values for this
 * JVM's architecture): the one home of open, fallocate, statx, socket, socket-option, shutdown,
 * poll and message flags. Errno values are in {@link Errno}, completion flags in {@link Cqe}.
 */
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
    /** Writes complete with their data and the metadata needed to read it back (as {@code StandardOpenOption.DSYNC}). */
    public static final int O_DSYNC = 010000;
    /** Writes complete with data and all metadata (as {@code StandardOpenOption.SYNC}); includes {@link #O_DSYNC}. */
    public static final int O_SYNC = 04010000;

    public static final int FALLOC_FL_KEEP_SIZE = 1;
    public static final int FALLOC_FL_PUNCH_HOLE = 2;

    public static final int STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_SIZE = 0x200, STATX_BASIC_STATS = 0x7ff;

    /** File type bits of a mode ({@code st_mode}, {@code stx_mode}): {@code (mode & S_IFMT) == S_IFIFO}. */
    public static final int S_IFMT = 0170000;
    /** lseek(2) whence. */
    public static final int SEEK_SET = 0, SEEK_CUR = 1;
    public static final int S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFDIR = 0040000, S_IFREG = 0100000,
            S_IFSOCK = 0140000;

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;
    /** IPPROTO_IP: a protocol argument, and the level of IP options ({@link #IP_PKTINFO}). */
    public static final int IPPROTO_IP = 0;
    /** IPPROTO_TCP: a protocol argument, and the level of TCP options ({@link #TCP_NODELAY}). */
    public static final int IPPROTO_TCP = 6;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int POLLIN = 0x1;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;
    public static final int IPPROTO_UDP = 17;

    /** SOL_SOCKET: the level of socket options ({@link Sockets#setOption}) and of their control messages. */
    public static final int SOL_SOCKET = 1;
    /** SO_REUSEADDR (level {@link #SOL_SOCKET}). */
    public static final int SO_REUSEADDR = 2;
    /** SO_RCVBUF (level {@link #SOL_SOCKET}). */
    public static final int SO_RCVBUF = 8;
    /** TCP_NODELAY (level {@link #IPPROTO_TCP}). */
    public static final int TCP_NODELAY = 1;
    /** IP_PKTINFO (level {@link #IPPROTO_IP}): datagrams arrive with an IP_PKTINFO control message. */
    public static final int IP_PKTINFO = 8;

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
