package dev.uring4j;

import java.util.List;
import java.util.Objects;

/**
 * io_uring cannot be used here. {@link #reason()} says which of a fixed set of causes
 * applies; the message says what to do about it; {@link #attempts()} lists every step
 * the loader and the support probe tried.
 */
public class UringUnavailableException extends UringException {
    private static final long serialVersionUID = 1L;

    private final UnavailabilityReason reason;
    private final List<String> attempts;

    public UringUnavailableException(UnavailabilityReason reason, int errno, String message,
                                     List<String> attempts, Throwable cause) {
        super("io_uring", errno, message + formatAttempts(attempts), cause);
        this.reason = reason;
        this.attempts = List.copyOf(attempts);
    }

    /** A fresh exception (with the caller's stack) for a cause computed earlier. */
    public UringUnavailableException(UringUnavailableException original) {
        super("io_uring", Objects.requireNonNull(original, "original").errno(), original.getMessage(), original);
        this.reason = original.reason;
        this.attempts = original.attempts;
    }

    /**
     * The same cause, explained in the caller's context first, e.g. that a property forced
     * io_uring, so no fallback is used.
     */
    public UringUnavailableException(String context, UringUnavailableException original) {
        super("io_uring", Objects.requireNonNull(original, "original").errno(), context + ": " + original.getMessage(),
                original);
        this.reason = original.reason;
        this.attempts = original.attempts;
    }

    public UnavailabilityReason reason() {
        return reason;
    }

    /** Each loading or probing step, with its outcome, in order. */
    public List<String> attempts() {
        return attempts;
    }

    /** Also the constructor's check of {@code attempts}: it runs before the super call can throw anything else. */
    private static String formatAttempts(List<String> attempts) {
        Objects.requireNonNull(attempts, "attempts");
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i) == null) {
                throw new NullPointerException("attempts[" + i + "] is null");
            }
        }
        if (attempts.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\n  attempts:");
        for (String a : attempts) {
            sb.append("\n    - ").append(a);
        }
        return sb.toString();
    }
}
