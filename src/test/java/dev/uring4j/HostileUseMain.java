package dev.uring4j;

import dev.uring4j.diag.MemlockReport;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** Child-JVM scenarios of RingMemoryHostileUseTest that could crash the JVM; prints RESULT lines. */
public final class HostileUseMain {
    private HostileUseMain() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "ringmem-read": ringMemoryAsReadTarget(Path.of(args[1])); break;
            default: throw new IllegalArgumentException(args[0]);
        }
        System.out.println("EXIT-NORMALLY");
    }

    /** A read whose target is the ring's own NO_MMAP caller memory. */
    static void ringMemoryAsReadTarget(Path file) throws Exception {
        byte[] junk = new byte[1 << 16];
        Arrays.fill(junk, (byte) 0x7f);
        Files.write(file, junk);
        MemlockReport m = MemlockReport.current();
        RingOptions sizing = RingOptions.builder().entries(64).flag(SetupFlag.NO_SQARRAY, false).build();
        int need = (int) m.ringBytes(sizing);
        int page = m.pageSize();
        ByteBuffer mem = ByteBuffer.allocateDirect(need + page).alignedSlice(page).slice(0, need);
        Ring ring;
        try {
            ring = Ring.open(RingOptions.builder().entries(64).memory(RingMemory.caller(mem)).build());
        } catch (UringMemlockException e) {
            // Kernels before 5.12 charge rings to the user's locked memory, shared by every
            // process of the user (here the parent test JVM's rings): no ring, nothing to test.
            System.out.println("noMmap=unknown: the ring was refused: " + e.getMessage());
            return;
        }
        System.out.println("noMmap=" + ring.setupReport().noMmap());
        int fd = TestSupport.openat(ring, file, Linux.O_RDONLY, 0);
        try {
            ring.read(fd, mem.duplicate().clear(), 0).tag(1);
            System.out.println("RESULT read-into-ring-memory ACCEPTED");
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.out.println("RESULT read-into-ring-memory REFUSED " + e);
            ring.close();
            return;
        }
        int[] got = {0};
        long deadline = System.nanoTime() + 3_000_000_000L;
        try {
            while (got[0] < 1 && System.nanoTime() < deadline) {
                ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, (t, r, f) -> got[0]++);
            }
            for (int i = 0; i < 5; i++) {
                ring.nop().tag(10 + i);
            }
            ring.submitAndReap(5, 500, TimeUnit.MILLISECONDS, (t, r, f) -> got[0]++);
        } catch (Throwable t) {
            System.out.println("after: " + t);
        }
        System.out.println("RESULT completions=" + got[0] + " strays=" + ring.strayCompletions() + " inFlight=" + ring.inFlight());
        ring.close(Duration.ofSeconds(1), (t, r, f) -> { });
    }
}
