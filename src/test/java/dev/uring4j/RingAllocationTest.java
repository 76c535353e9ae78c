package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The steady-state hot path (prepare, submit, reap, dispatch) allocates nothing per operation. */
class RingAllocationTest {
    @TempDir
    Path dir;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void readsAndNopsAllocateLessThanOneBytePerOperation() throws Exception {
        Path file = dir.resolve("f");
        Files.write(file, new byte[1 << 16]);
        try (Ring ring = TestSupport.open(RingOptions.builder().entries(64).build())) {
            int fd = TestSupport.openat(ring, file, Linux.O_RDONLY, 0);
            ByteBuffer[] buffers = new ByteBuffer[32];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.allocateDirect(512);
            }
            long[] completed = {0};
            CompletionHandler handler = (tag, res, flags) -> completed[0]++;
            int rounds = Integer.getInteger("alloc.rounds", 20_000);
            run(ring, fd, buffers, handler, rounds); // warm-up: JIT, table and buffers at full size
            long before = allocated();
            long opsBefore = completed[0];
            run(ring, fd, buffers, handler, rounds);
            long bytes = allocated() - before;
            long ops = completed[0] - opsBefore;
            double perOp = (double) bytes / ops;
            assertTrue(perOp < 1.0, bytes + " bytes for " + ops + " operations = " + perOp + " bytes/op");
            TestSupport.closeFd(ring, fd);
        }
    }

    private static void run(Ring ring, int fd, ByteBuffer[] buffers, CompletionHandler handler, int rounds)
            throws UringException {
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < buffers.length; i++) {
                if ((i & 1) == 0) {
                    ring.read(fd, buffers[i].clear(), (i * 512L) & 0xffff).tag(i);
                } else {
                    ring.nop().tag(i);
                }
            }
            int done = 0;
            while (done < buffers.length) {
                done += ring.submitAndReap(buffers.length - done, 1, TimeUnit.SECONDS, handler);
            }
        }
    }
}
