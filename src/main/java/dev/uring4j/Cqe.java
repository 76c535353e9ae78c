package dev.uring4j;

/**
 * The {@code flags} of a completion ({@code IORING_CQE_F_*}), as a {@link CompletionHandler}
 * receives them, and helpers to read them. The one home of CQE flag values.
 */
public final class Cqe {
    /** {@code IORING_CQE_F_BUFFER}: the completion carries a provided buffer's id (upper 16 bits). */
    public static final int F_BUFFER = 1;
    /** {@code IORING_CQE_F_MORE}: more completions will follow for this operation (multishot, zero-copy). */
    public static final int F_MORE = 1 << 1;
    /** {@code IORING_CQE_F_SOCK_NONEMPTY}: the socket had more data after this receive. */
    public static final int F_SOCK_NONEMPTY = 1 << 2;
    /** {@code IORING_CQE_F_NOTIF}: the notification of a zero-copy send; the kernel no longer reads its buffer. */
    public static final int F_NOTIF = 1 << 3;
    private static final int BUFFER_SHIFT = 16;

    private Cqe() {}

    /** Whether more completions follow for the same operation ({@link #F_MORE}). */
    public static boolean more(int flags) {
        return (flags & F_MORE) != 0;
    }

    /** Whether this is a zero-copy send's notification ({@link #F_NOTIF}). */
    public static boolean notification(int flags) {
        return (flags & F_NOTIF) != 0;
    }

    /** Whether the completion carries a provided buffer ({@link #F_BUFFER}). */
    public static boolean hasBuffer(int flags) {
        return (flags & F_BUFFER) != 0;
    }

    /** The provided buffer's id, valid when {@link #hasBuffer} is true. */
    public static int bufferId(int flags) {
        return flags >>> BUFFER_SHIFT;
    }
}
