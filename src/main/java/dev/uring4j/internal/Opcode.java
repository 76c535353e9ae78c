package dev.uring4j.internal;

/** The {@code IORING_OP_*} values uring4j uses, and their names for messages. */
public final class Opcode {
    public static final int NOP = 0;
    public static final int READV = 1;
    public static final int WRITEV = 2;
    public static final int FSYNC = 3;
    public static final int READ_FIXED = 4;
    public static final int WRITE_FIXED = 5;
    public static final int POLL_ADD = 6;
    public static final int SENDMSG = 9;
    public static final int RECVMSG = 10;
    public static final int TIMEOUT = 11;
    public static final int ACCEPT = 13;
    public static final int LINK_TIMEOUT = 15;
    public static final int CONNECT = 16;
    public static final int SEND = 26;
    public static final int RECV = 27;
    public static final int SHUTDOWN = 34;
    public static final int SOCKET = 45;
    public static final int SEND_ZC = 47;
    public static final int SENDMSG_ZC = 48;
    public static final int ASYNC_CANCEL = 14;
    public static final int FALLOCATE = 17;
    public static final int OPENAT = 18;
    public static final int CLOSE = 19;
    public static final int STATX = 21;
    public static final int READ = 22;
    public static final int WRITE = 23;

    private Opcode() {}

    /** IORING_OP_* names by value (liburing 2.9's list, plus 6.15's RECV_ZC to WRITEV_FIXED). */
    private static final String[] NAMES = {
            "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED",
            "POLL_ADD", "POLL_REMOVE", "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT",
            "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL", "LINK_TIMEOUT", "CONNECT", "FALLOCATE",
            "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
            "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL",
            "SPLICE", "PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT",
            "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING", "FSETXATTR",
            "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC",
            "SENDMSG_ZC", "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV",
            "FIXED_FD_INSTALL", "FTRUNCATE", "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT",
            "READV_FIXED", "WRITEV_FIXED"};

    /** The opcode's name, e.g. {@code READ}, or {@code opcode 61} for one newer than this table. */
    public static String name(int opcode) {
        int op = opcode & 0xff;
        return op < NAMES.length ? NAMES[op] : "opcode " + op;
    }
}
