package dev.uring4j;

/** Per-operation SQE flags ({@code IOSQE_*}), combined with {@code |}. */
public final class SqeFlags {
    public static final int NONE = 0;
    /** The fd argument is an index into the ring's {@link FixedFiles} table. */
    public static final int FIXED_FILE = 1;
    /** Start only after every earlier operation completed. */
    public static final int IO_DRAIN = 1 << 1;
    /** The next operation starts after this one succeeds; a failure cancels the rest of the chain. */
    public static final int IO_LINK = 1 << 2;
    /** Like IO_LINK, but the chain continues even if this one fails. */
    public static final int IO_HARDLINK = 1 << 3;
    /** Go straight to the async worker instead of trying non-blocking first. */
    public static final int ASYNC = 1 << 4;

    static final int ALLOWED = FIXED_FILE | IO_DRAIN | IO_LINK | IO_HARDLINK | ASYNC;

    private SqeFlags() {}
}
