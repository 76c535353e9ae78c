package dev.uring4j.async;

import java.time.Instant;
import java.util.List;

/**
 * The watchdog's report of an event loop thread that stopped making progress: it stayed
 * inside io_uring_enter past its threshold (the loop always waits with a deadline, so this
 * means the kernel holds it), or it stayed that long in one step outside the kernel, such
 * as a user callback that blocks (every file on that loop waits meanwhile).
 *
 * @param thread      the loop thread's name
 * @param tid         its kernel thread id
 * @param stuckMillis how long it has made no progress
 * @param state       its state from /proc/self/task/TID/stat (R, S, D...), or "?" if unreadable
 * @param wchan       the kernel function it waits in (/proc/self/task/TID/wchan), or "?" if unreadable
 * @param knownIssue  a matching known kernel bug (e.g. the 6.1 &lt; 6.1.118 IOWQ deadlock), or null
 * @param at          when the report was made
 * @param doing       what the loop was doing: "inside io_uring_enter", "delivering completions (...)"...
 * @param stackTop    the top frames of the loop thread's Java stack when the report was made (may be empty)
 */
public record StuckReport(String thread, int tid, long stuckMillis, String state, String wchan, String knownIssue,
                          Instant at, String doing, List<String> stackTop) {
    public StuckReport {
        stackTop = List.copyOf(stackTop);
    }

    /** A report of a thread inside io_uring_enter, without a stack. */
    public StuckReport(String thread, int tid, long stuckMillis, String state, String wchan, String knownIssue,
                       Instant at) {
        this(thread, tid, stuckMillis, state, wchan, knownIssue, at, "inside io_uring_enter", List.of());
    }

    /** Whether the thread was held inside io_uring_enter (by the kernel) rather than busy elsewhere. */
    public boolean insideKernel() {
        return doing.equals("inside io_uring_enter");
    }

    @Override
    public String toString() {
        String what = insideKernel() ? "has been inside io_uring_enter" : "has made no progress, " + doing + ",";
        return "event loop thread '" + thread + "' (tid " + tid + ") " + what + " for " + stuckMillis
                + " ms; state " + state + ", wchan " + wchan + (knownIssue != null ? "; known issue: " + knownIssue : "")
                + (stackTop.isEmpty() ? "" : "; top of its stack: " + String.join(" <- ", stackTop));
    }
}
