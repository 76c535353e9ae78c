package dev.uring4j.internal;

/** The {@code IORING_OP_*} values uring4j uses, and their names for messages. */
public final class Opcode {
    public static final int NOP = 0;
    public static final int READV = 1;
    public static final int WRITEV = 2;
    public static final int FSYNC = 3;
    public static final int TIMEOUT = 11;
    public static final int ASYNC_CANCEL = 14;
    public static final int FALLOCATE = 17;
    public static final int OPENAT = 18;
    public static final int CLOSE = 19;
    public static final int STATX = 21;
    public static final int READ = 22;
    public static final int WRITE = 23;

    private Opcode() {}

    public static String name(int opcode) {
        switch (opcode & 0xff) {
            case NOP: return "NOP";
            case READV: return "READV";
            case WRITEV: return "WRITEV";
            case FSYNC: return "FSYNC";
            case TIMEOUT: return "TIMEOUT";
            case ASYNC_CANCEL: return "ASYNC_CANCEL";
            case FALLOCATE: return "FALLOCATE";
            case OPENAT: return "OPENAT";
            case CLOSE: return "CLOSE";
            case STATX: return "STATX";
            case READ: return "READ";
            case WRITE: return "WRITE";
            default: return "opcode " + (opcode & 0xff);
        }
    }
}
