package dev.uring4j;

import dev.uring4j.TestSupport.Collector;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Child of FixedRegistrationTest: closeDirect puts fd 0 in the SQE beside the slot, so a
 * kernel that ignored the slot would close this process's stdin. Prints whether fd 0 is
 * open before and after, and what the operation gave.
 */
public final class DirectCloseMain {
    public static void main(String[] args) throws Exception {
        Path stdin = Path.of("/proc/self/fd/0");
        boolean before = Files.exists(stdin, LinkOption.NOFOLLOW_LINKS);
        String outcome;
        try (Ring ring = Ring.open(RingOptions.defaults())) {
            ring.fixedFiles().registerSparse(2);
            Path file = Files.createTempFile("uring4j-direct-close", ".bin");
            int fd = TestSupport.openat(ring, file, Linux.O_RDONLY, 0);
            ring.fixedFiles().update(0, fd);
            Collector closed = new Collector();
            ring.closeFd(fd).tag(9); // the slot holds its own reference
            UringException.check("close", closed.await(ring, 1).res(9));
            Files.delete(file);
            Collector c = new Collector();
            ring.closeDirect(ring.fixedFiles().slot(0)).tag(1);
            try {
                c.await(ring, 1);
                outcome = "closeDirect: " + c.res(1);
            } catch (UringException e) {
                ring.reap(c);
                outcome = "closeDirect refused: " + c.res(1) + " (" + e.getMessage() + ")";
            }
        }
        boolean after = Files.exists(stdin, LinkOption.NOFOLLOW_LINKS);
        System.out.println("fd 0 open before: " + before + ", after: " + after + "; " + outcome);
    }
}
