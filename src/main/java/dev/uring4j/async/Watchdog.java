package dev.uring4j.async;

import dev.uring4j.diag.KnownIssue;
import dev.uring4j.diag.UringSupport;
import dev.uring4j.internal.Deadlines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread that looks at every event loop ten times a second and reports a loop
 * thread that has been inside io_uring_enter longer than its threshold, or that has made
 * no progress outside it for that long (a callback that blocks or spins): once per episode,
 * through {@link EventLoop#stuckReports()} and the platform logger.
 */
final class Watchdog {
    private static final System.Logger LOG = System.getLogger("dev.uring4j.async.Watchdog");
    private static final int STACK_FRAMES = 8;
    private static final Map<EventLoop, Seen> LOOPS = new ConcurrentHashMap<>();
    private static Thread thread;

    /** What the watchdog last saw of one loop (watchdog thread only). */
    static final class Seen {
        long reportedEnter;
        long progress = -1;
        long progressSince;
        long reportedProgress = -1;
    }

    private Watchdog() {}

    static synchronized void register(EventLoop loop) {
        LOOPS.put(loop, new Seen());
        if (thread == null) {
            thread = new Thread(Watchdog::run, "uring4j-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Loops watched now (tests). */
    static int watching() {
        return LOOPS.size();
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
            synchronized (Watchdog.class) {
                if (LOOPS.isEmpty()) {
                    thread = null; // ends with the last loop; the next register starts another
                    return;
                }
            }
            long now = System.nanoTime();
            LOOPS.forEach((loop, seen) -> {
                try {
                    inspect(loop, now, seen);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "inspecting " + loop.name() + " failed", e);
                }
            });
        }
    }

    static void inspect(EventLoop loop, long now, Seen seen) {
        long threshold = Deadlines.nanos(loop.options().watchdogThreshold());
        long since = loop.enterSince();
        if (since != 0) {
            seen.progress = -1; // the loop steps again when it leaves the kernel
            if (since == seen.reportedEnter || now - since < threshold) {
                return;
            }
            seen.reportedEnter = since;
            publish(loop, report(loop, (now - since) / 1_000_000, "inside io_uring_enter"));
            return;
        }
        long p = loop.progress();
        if (p != seen.progress) {
            seen.progress = p;
            seen.progressSince = now;
            return;
        }
        if (now - seen.progressSince < threshold || p == seen.reportedProgress || loop.isTerminated()
                || loop.enterSince() != 0) {
            return;
        }
        seen.reportedProgress = p;
        publish(loop, report(loop, (now - seen.progressSince) / 1_000_000, loop.doing()));
    }

    private static void publish(EventLoop loop, StuckReport r) {
        loop.addStuckReport(r);
        LOG.log(System.Logger.Level.WARNING, r.toString());
    }

    static StuckReport report(EventLoop loop, long stuckMillis, String doing) {
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
        if (loop.isSqPoll() && doing.equals("inside io_uring_enter")) {
            KnownIssue i = UringSupport.get().knownIssue("iowq-max-workers-sqpoll-deadlock").orElse(null);
            if (i != null && i.affected()) {
                known = i.title() + " (" + i.verdict() + "; " + i.source() + ")";
            }
        }
        List<String> stack = new ArrayList<>();
        try {
            StackTraceElement[] frames = loop.thread().getStackTrace();
            for (int i = 0; i < frames.length && i < STACK_FRAMES; i++) {
                stack.add(frames[i].toString());
            }
        } catch (SecurityException e) {
            // no stack then
        }
        return new StuckReport(loop.name(), tid, stuckMillis, state, wchan, known, Instant.now(), doing, stack);
    }
}
