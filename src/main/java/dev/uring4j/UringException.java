package dev.uring4j;

import dev.uring4j.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * An io_uring operation or call failed with an errno. Carries the errno, its symbolic
 * name and the operation, so that a log line says what failed and why.
 */
public class UringException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;

    /** @param errno positive errno, or 0 when the failure is not an errno */
    public UringException(String operation, int errno, String detail) {
        this(operation, errno, describe(operation, errno, detail), null);
    }

    protected UringException(String operation, int errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
        this.operation = operation;
    }

    /** Exception for a negative completion result ({@code -errno}). */
    public static UringException ofResult(String operation, int res) {
        if (res >= 0) {
            throw new IllegalArgumentException("result " + res + " is not an error");
        }
        return new UringException(operation, -res, null);
    }

    /**
     * Returns {@code res} when it is not an error, else throws the matching exception:
     * the usual way to consume a completion result.
     */
    public static int check(String operation, int res) throws UringException {
        if (res < 0) {
            throw ofResult(operation, res);
        }
        return res;
    }

    /**
     * As {@link #check}, unchecked: for a {@link CompletionHandler}, which cannot throw a
     * checked exception. Throws {@link java.io.UncheckedIOException} whose cause is the
     * {@code UringException}.
     */
    public static int require(String operation, int res) {
        if (res < 0) {
            throw new UncheckedIOException(ofResult(operation, res));
        }
        return res;
    }

    /** The positive errno (e.g. 9 for EBADF), or 0 when the failure is not an errno. */
    public int errno() {
        return errno;
    }

    /** Symbolic errno name, e.g. {@code EBADF}. */
    public String errnoName() {
        return errno == 0 ? "" : Errno.name(errno);
    }

    /** The operation or call that failed, e.g. {@code read} or {@code io_uring_setup}. */
    public String operation() {
        return operation;
    }

    static String describe(String operation, int errno, String detail) {
        StringBuilder sb = new StringBuilder(Objects.requireNonNull(operation, "operation")).append(" failed");
        if (errno != 0) {
            sb.append(": ").append(Errno.name(errno)).append(" (").append(Errno.description(errno)).append(')');
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append(errno != 0 ? "; " : ": ").append(detail);
        }
        return sb.toString();
    }
}
