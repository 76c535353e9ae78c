package dev.uring4j.internal.ring;

import dev.uring4j.Opcode;

/**
 * A ring uses IO_DRAIN or zero-copy sends, never both. Zero-copy sends post completions the
 * kernel's drain accounting does not expect (a notification, even after a final
 * completion): in our tests (6.18) a drained zero-copy send, and a drained operation in
 * flight when a zero-copy send was submitted, never ran and held back every later
 * operation; no cancel reaches them. The native validator enforces the same rule.
 */
public final class DrainRule {
    private boolean usedZeroCopy;
    private boolean usedDrain;

    /** Before a record is given IO_DRAIN. */
    public void drain(String op) {
        if (usedZeroCopy) {
            throw refusal(op + ": ", "ring has used zero-copy sends");
        }
        usedDrain = true;
    }

    /** Before a zero-copy send is staged. */
    public void zeroCopy(String op) {
        if (usedDrain) {
            throw refusal(op + ": ", "ring has used IO_DRAIN");
        }
        usedZeroCopy = true;
    }

    /**
     * Gives the staged {@code record} IO_DRAIN; if the ring refuses it, the operation is
     * withdrawn (never submitted, it completes nothing) and the refusal thrown.
     */
    public void drainOrWithdraw(Submissions submissions, InFlight inFlight, int record) {
        int op = submissions.opcode(record);
        try {
            if (op == Opcode.Code.SEND_ZC || op == Opcode.Code.SENDMSG_ZC) {
                throw drainOnZeroCopy(Opcode.name(op));
            }
            drain(Opcode.name(op));
        } catch (IllegalArgumentException e) {
            long id = submissions.userData(record);
            submissions.dropLast(); // the record is the last staged: a stale Sqe no longer names it
            inFlight.release(inFlight.slotOf(id));
            throw new IllegalArgumentException(e.getMessage() + "; the operation was withdrawn (it completes nothing)");
        }
        submissions.orFlags(record, Submissions.IOSQE_IO_DRAIN);
    }

    /** Whether a staged record may still be given IO_DRAIN (not if it is itself a zero-copy send). */
    public static IllegalArgumentException drainOnZeroCopy(String op) {
        return refusal(op + ": ", "send asks for IO_DRAIN");
    }

    private static IllegalArgumentException refusal(String prefix, String what) {
        return new IllegalArgumentException(prefix + "a ring uses IO_DRAIN or zero-copy sends, not both, and this "
                + what + " (drained operations then never run: the kernel's drain accounting does not expect zero-copy"
                + " notifications); order with link() (IO_LINK), or use a ring of its own for the other");
    }
}
