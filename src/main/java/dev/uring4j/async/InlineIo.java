package dev.uring4j.async;

import dev.uring4j.Errno;

/**
 * The caller's own attempt at a read or write before anything crosses threads: RWF_NOWAIT
 * (Linux 4.14+) transfers what the page cache can serve without blocking and answers
 * EAGAIN otherwise, so a cached read costs the caller one system call, like
 * {@code FileChannel.read}, and only an operation that would block goes to a ring.
 * {@code -During4j.inlineIo=false} turns it off (every operation then goes to a ring).
 */
final class InlineIo {
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("uring4j.inlineIo", "true"));

    /** Results of whole-block transfers, boxed once: a completed future then costs one object. */
    private static final int BOX_UNIT = 512;
    private static final Integer[] BOXES = new Integer[(1 << 20) / BOX_UNIT + 1];

    static {
        for (int i = 0; i < BOXES.length; i++) {
            BOXES[i] = i * BOX_UNIT; // distinct objects; Integer.valueOf caches only up to 127
        }
    }

    private InlineIo() {}

    static Integer boxed(int n) {
        return n >= 0 && n % BOX_UNIT == 0 && n / BOX_UNIT < BOXES.length ? BOXES[n / BOX_UNIT] : Integer.valueOf(n);
    }

    /**
     * Errors that say the file (or kernel, or a seccomp filter) offers no non-blocking
     * transfer at all, so that trying again is wasted: the file stops trying. Not EINVAL:
     * that is this request's own fault (a position whose end overflows, a misaligned
     * O_DIRECT buffer), and one bad request must not turn off the path for the file.
     */
    static boolean noNonBlockingPath(int errno) {
        return errno == Errno.EOPNOTSUPP || errno == Errno.ENOSYS || errno == Errno.EPERM || errno == Errno.ESPIPE;
    }
}
