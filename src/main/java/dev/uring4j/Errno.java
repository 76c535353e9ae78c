package dev.uring4j;

import dev.uring4j.internal.ErrnoNames;

/**
 * Linux errno values, names and descriptions: the one home of errno numbers in uring4j
 * (names and descriptions come from an internal table that internal code uses too).
 * A completion's result is {@code -errno} on failure, so compare with the negated
 * constant: {@code res == -Errno.ECANCELED}. x86_64 and aarch64 share the asm-generic
 * numbering for every value listed here.
 */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9, EAGAIN = 11,
            ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EINVAL = 22, EMFILE = 24,
            ENOSPC = 28, ESPIPE = 29, EPIPE = 32, ENOSYS = 38, ELOOP = 40, ETIME = 62, EOPNOTSUPP = 95, ECONNRESET = 104, ENOBUFS = 105,
            ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111, EALREADY = 114, ECANCELED = 125;

    private Errno() {}

    /** Symbolic name, e.g. {@code EBADF}; {@code errno 200} for unknown values. */
    public static String name(int errno) {
        return ErrnoNames.name(errno);
    }

    /** strerror-style description. */
    public static String description(int errno) {
        return ErrnoNames.description(errno);
    }
}
