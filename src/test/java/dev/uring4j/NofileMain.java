package dev.uring4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Run in a child JVM under a small RLIMIT_NOFILE: opens through the ring until EMFILE. */
public final class NofileMain {
    private NofileMain() {}

    public static void main(String[] args) throws Exception {
        List<Integer> fds = new ArrayList<>();
        try (Ring ring = Ring.open(RingOptions.builder().entries(8).build())) {
            int[] res = {0};
            CompletionHandler h = (tag, r, flags) -> res[0] = r;
            for (int i = 0; i < 100_000; i++) {
                ring.openat(Linux.AT_FDCWD, "/dev/null", Linux.O_RDONLY | Linux.O_CLOEXEC, 0).tag(i);
                ring.submitAndReap(1, 5, TimeUnit.SECONDS, h);
                try {
                    fds.add(UringException.check("openat /dev/null", res[0]));
                } catch (UringException e) {
                    System.out.println("refused after " + fds.size() + " opens: " + e.errnoName() + " message=" + e.getMessage());
                    break;
                }
            }
            for (int fd : fds) {
                ring.closeFd(fd).tag(fd);
                ring.submitAndReap(1, 5, TimeUnit.SECONDS, h);
            }
            ring.openat(Linux.AT_FDCWD, "/dev/null", Linux.O_RDONLY | Linux.O_CLOEXEC, 0).tag(1);
            ring.submitAndReap(1, 5, TimeUnit.SECONDS, h);
            System.out.println("after closing: open " + (res[0] >= 0 ? "works" : "fails " + res[0]));
            System.out.println("inFlight=" + ring.inFlight() + " strays=" + ring.strayCompletions());
        }
    }
}
