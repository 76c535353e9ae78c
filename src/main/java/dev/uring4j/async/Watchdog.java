package dev.uring4j.async;

import dev.uring4j.KnownIssue;
import dev.uring4j.UringSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread that looks at every event loop ten times a second and reports a
 * loop thread that has been inside io_uring_enter longer than its threshold: once per
 * episode, through {@link EventLoop#stuckReports()} and the platform logger.
 */
final class Watchdog {
    private static final System.Logger LOG = System.getLogger("dev.uring4j.async.Watchdog");
    /** Loop to the enterSince value already reported (one report per stuck episode). */
    private static final Map<EventLoop, Long> LOOPS = new ConcurrentHashMap<>();
    private static Thread thread;

    private Watchdog() {}

    static synchronized void register(EventLoop loop) {
        LOOPS.put(loop, 0L);
        if (thread == null) {
            thread = new Thread(Watchdog::run, "uring4j-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
    }

    static void unregister(EventLoop loop) {
        LOOPS.remove(loop);
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            LOOPS.forEach((loop, reported) -> inspect(loop, now, reported));
        }
    }

    static void inspect(EventLoop loop, long now, long reported) {
        long since = loop.enterSince();
        long threshold = loop.options().watchdogThreshold().toNanos();
        if (since == 0 || since == reported || now - since < threshold) {
            return;
        }
        LOOPS.replace(loop, since);
        StuckReport r = report(loop, (now - since) / 1_000_000);
        loop.addStuckReport(r);
        LOG.log(System.Logger.Level.WARNING, r.toString());
    }

    static StuckReport report(EventLoop loop, long stuckMillis) {
        int tid = loop.tid();
        Path task = Path.of("/proc/self/task", String.valueOf(tid));
        String state = "?";
        String wchan = "?";
        try {
            String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
            // Field 3, after the parenthesised command name (which may contain spaces).
            String afterComm = stat.substring(stat.lastIndexOf(')') + 2);
            state = afterComm.substring(0, afterComm.indexOf(' '));
        } catch (Exception e) {
            // the thread may have ended, or /proc is restricted
        }
        try {
            String w = Files.readString(task.resolve("wchan"), StandardCharsets.US_ASCII).trim();
            wchan = w.isEmpty() || w.equals("0") ? "-" : w;
        } catch (Exception e) {
            // kernels without CONFIG_KALLSYMS or with restricted wchan
        }
        String known = null;
        if (loop.isSqPoll()) {
            KnownIssue i = UringSupport.get().knownIssue("iowq-max-workers-sqpoll-deadlock").orElse(null);
            if (i != null && i.affected()) {
                known = i.title() + " (" + i.verdict() + "; " + i.source() + ")";
            }
        }
        return new StuckReport(loop.name(), tid, stuckMillis, state, wchan, known, Instant.now());
    }
}
