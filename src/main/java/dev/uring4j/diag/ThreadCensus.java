package dev.uring4j.diag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * io_uring kernel threads of this process, counted from /proc/self/task: SQPOLL threads
 * ({@code iou-sqp-<pid>}) and async workers ({@code iou-wrk-<pid>}). A count that grows
 * with rings created and closed is a leak (liburing 2.5-2.8 leaked iou-sqp threads).
 *
 * @param sqPollThreads {@code iou-sqp-*} threads
 * @param ioWorkers     {@code iou-wrk-*} threads
 * @param threads       all threads of the process
 */
public record ThreadCensus(int sqPollThreads, int ioWorkers, int threads) {
    /** Counts now. */
    public static ThreadCensus take() {
        int sqp = 0;
        int wrk = 0;
        int all = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
            for (Path task : tasks) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    continue; // the thread exited while we looked
                }
                all++;
                if (comm.startsWith("iou-sqp-")) {
                    sqp++;
                } else if (comm.startsWith("iou-wrk-")) {
                    wrk++;
                }
            }
        } catch (IOException e) {
            return new ThreadCensus(-1, -1, -1);
        }
        return new ThreadCensus(sqp, wrk, all);
    }
}
