package dev.uring4j;

/**
 * The io_uring opcodes ({@code IORING_OP_*}), for {@link Ring#isOpcodeSupported(Opcode)}
 * and messages. {@link Code} holds the numbers uring4j encodes, as compile-time constants:
 * the one home of opcode values.
 */
public enum Opcode {
    NOP(0),
    READV(1),
    WRITEV(2),
    FSYNC(3),
    READ_FIXED(4),
    WRITE_FIXED(5),
    POLL_ADD(6),
    POLL_REMOVE(7),
    SYNC_FILE_RANGE(8),
    SENDMSG(9),
    RECVMSG(10),
    TIMEOUT(11),
    TIMEOUT_REMOVE(12),
    ACCEPT(13),
    ASYNC_CANCEL(14),
    LINK_TIMEOUT(15),
    CONNECT(16),
    FALLOCATE(17),
    OPENAT(18),
    CLOSE(19),
    FILES_UPDATE(20),
    STATX(21),
    READ(22),
    WRITE(23),
    FADVISE(24),
    MADVISE(25),
    SEND(26),
    RECV(27),
    OPENAT2(28),
    EPOLL_CTL(29),
    SPLICE(30),
    PROVIDE_BUFFERS(31),
    REMOVE_BUFFERS(32),
    TEE(33),
    SHUTDOWN(34),
    RENAMEAT(35),
    UNLINKAT(36),
    MKDIRAT(37),
    SYMLINKAT(38),
    LINKAT(39),
    MSG_RING(40),
    FSETXATTR(41),
    SETXATTR(42),
    FGETXATTR(43),
    GETXATTR(44),
    SOCKET(45),
    URING_CMD(46),
    SEND_ZC(47),
    SENDMSG_ZC(48),
    READ_MULTISHOT(49),
    WAITID(50),
    FUTEX_WAIT(51),
    FUTEX_WAKE(52),
    FUTEX_WAITV(53),
    FIXED_FD_INSTALL(54),
    FTRUNCATE(55),
    BIND(56),
    LISTEN(57),
    RECV_ZC(58),
    EPOLL_WAIT(59),
    READV_FIXED(60),
    WRITEV_FIXED(61);

    /** The opcode numbers uring4j's operations use. */
    public static final class Code {
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
        public static final int ASYNC_CANCEL = 14;
        public static final int LINK_TIMEOUT = 15;
        public static final int CONNECT = 16;
        public static final int FALLOCATE = 17;
        public static final int OPENAT = 18;
        public static final int CLOSE = 19;
        public static final int STATX = 21;
        public static final int READ = 22;
        public static final int WRITE = 23;
        public static final int SEND = 26;
        public static final int RECV = 27;
        public static final int SHUTDOWN = 34;
        public static final int SOCKET = 45;
        public static final int SEND_ZC = 47;
        public static final int SENDMSG_ZC = 48;

        private Code() {}
    }

    private static final Opcode[] BY_CODE = values();
    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The kernel's number for this opcode. */
    public int code() {
        return code;
    }

    /** The opcode with this number, or null for one newer than this table. */
    public static Opcode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The opcode's name, e.g. {@code READ}, or {@code opcode 70} for one newer than this table. */
    public static String name(int code) {
        Opcode op = of(code & 0xff);
        return op != null ? op.name() : "opcode " + (code & 0xff);
    }
}
