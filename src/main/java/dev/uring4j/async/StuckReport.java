package dev.uring4j.async;

import java.time.Instant;

/**
 * The watchdog's report of an event loop thread that stayed inside io_uring_enter past
 * its threshold (the loop always waits with a deadline, so this means the kernel holds it).
 *
 * @param thread      the loop thread's name
 * @param tid         its kernel thread id
 * @param stuckMillis how long it had been inside io_uring_enter
 * @param state       its state from /proc/self/task/TID/stat (R, S, D...), or "?" if unreadable
 * @param wchan       the kernel function it waits in (/proc/self/task/TID/wchan), or "?" if unreadable
 * @param knownIssue  a matching known kernel bug (e.g. the 6.1 &lt; 6.1.118 IOWQ deadlock), or null
 * @param at          when the report was made
 */
public record StuckReport(String thread, int tid, long stuckMillis, String state, String wchan, String knownIssue,
                          Instant at) {
    @Override
    public String toString() {
        return "event loop thread '" + thread + "' (tid " + tid + ") has been inside io_uring_enter for " + stuckMillis
                + " ms; state " + state + ", wchan " + wchan + (knownIssue != null ? "; known issue: " + knownIssue : "");
    }
}
