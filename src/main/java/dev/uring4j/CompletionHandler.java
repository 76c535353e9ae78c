package dev.uring4j;

/**
 * Receives completions on the ring's owner thread. Called with primitives only, so a
 * reused handler costs no allocation per completion.
 */
@FunctionalInterface
public interface CompletionHandler {
    /**
     * @param tag   the tag given when the operation was prepared
     * @param res   the result: bytes, a file descriptor, 0, or {@code -errno}
     *              (see {@link UringException#check(String, int)} and {@link Errno})
     * @param flags {@code IORING_CQE_F_*} bits
     */
    void onCompletion(long tag, int res, int flags);

    /**
     * As {@link #onCompletion(long, int, int)}, with the object attached to the operation
     * ({@link Sqe#attach}, null if none); by default it ignores the attachment.
     */
    default void onCompletion(long tag, Object attachment, int res, int flags) {
        onCompletion(tag, res, flags);
    }
}
