package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.diag.UringSupport;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adversarial probes of the registration tables (probe-h3). */
@Tag("kernel")
class RegistrationHostileUseTest {
    @TempDir
    Path dir;

    private static final Duration LIMIT = Duration.ofSeconds(5);

    /** Provided-buffer rings: 5.19+ (PBUF_RING, probed through SOCKET, op 45) with SINGLE_ISSUER. */
    private static void assumeProvidedBufferRings() {
        assumeTrue(UringSupport.get().isOpcodeSupported(45) && UringSupport.get().isSingleIssuerSupported(),
                "provided-buffer rings (PBUF_RING, kernel 5.19+) are not supported here");
    }

    /**
     * Found by PublicApiSweepTest: a group of count x size bytes (within the documented 2 GiB)
     * beyond -XX:MaxDirectMemorySize threw OutOfMemoryError from ByteBuffer.allocateDirect. It
     * is refused as ENOMEM naming the sizes, nothing is registered (the group id stays free) and
     * the ring goes on. In a child JVM with a 32 MiB direct-memory limit, so that no test
     * reserves the memory for real.
     */
    @Test
    void aBufferGroupBeyondTheDirectMemoryLimitIsRefusedAsEnomem() throws Exception {
        assumeProvidedBufferRings();
        TestSupport.ChildResult r = TestSupport.runJava(List.of("-XX:MaxDirectMemorySize=32m",
                "-During4j.library.path=" + System.getProperty("uring4j.library.path")), TestSupport.childClasspath(),
                OversizedGroupMain.class.getName());
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("REFUSED ENOMEM provideBuffers failed: ENOMEM"), r.output);
        assertTrue(r.output.contains("16 buffers x 4194304 bytes = 67108864 bytes"), r.output);
        assertTrue(r.output.contains("AFTER group 9 of 4, nop 0"), r.output);
    }

    /** The child of {@link #aBufferGroupBeyondTheDirectMemoryLimitIsRefusedAsEnomem}. */
    static final class OversizedGroupMain {
        public static void main(String[] args) throws Exception {
            try (Ring ring = Ring.open(RingOptions.builder().entries(8).build())) {
                try {
                    ring.provideBuffers(9, 16, 4 << 20);
                    System.out.println("ACCEPTED a 64 MiB group under a 32 MiB limit");
                } catch (UringException e) {
                    System.out.println("REFUSED " + e.errnoName() + " " + e.getMessage());
                }
                ProvidedBuffers pb = ring.provideBuffers(9, 4, 256);
                TestSupport.Collector c = new TestSupport.Collector();
                ring.nop().tag(1);
                c.await(ring, 1);
                System.out.println("AFTER group " + pb.groupId() + " of " + pb.count() + ", nop " + c.res(1));
            }
        }
    }

    /** The owner dies; another thread closes the ring, then the provided-buffer group. */
    @Test
    void providedBuffersOfARingClosedAfterItsOwnerDiedCloseCleanly() throws Exception {
        assumeProvidedBufferRings();
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicReference<Ring> ring = new AtomicReference<>();
            AtomicReference<ProvidedBuffers> pb = new AtomicReference<>();
            Thread owner = new Thread(() -> {
                try {
                    Ring r = TestSupport.open();
                    pb.set(r.provideBuffers(7, 8, 256));
                    ring.set(r);
                } catch (UringException e) {
                    throw new RuntimeException(e);
                }
            });
            owner.start();
            owner.join();
            ring.get().close(Duration.ofSeconds(1), null);
            assertTrue(ring.get().isClosed());
            Throwable t = null;
            try {
                pb.get().close(); // try-with-resources order: the group after its ring
            } catch (Throwable e) {
                t = e;
            }
            assertTrue(t == null || t instanceof IllegalStateException,
                    "closing the group of a closed ring threw " + t + " (a native call on the destroyed ring)");
            assertThrows(IllegalStateException.class, () -> pb.get().recycle(0));
        });
    }

    @Test
    void providedBufferArgumentsAreChecked() throws Exception {
        assumeProvidedBufferRings();
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Ring ring = TestSupport.open(); Ring other = TestSupport.open()) {
                ProvidedBuffers pb = ring.provideBuffers(1, 4, 128);
                assertThrows(IndexOutOfBoundsException.class, () -> pb.buffer(0, -1));
                assertThrows(IndexOutOfBoundsException.class, () -> pb.buffer(0, 129));
                assertThrows(IndexOutOfBoundsException.class, () -> pb.buffer(4, 1));
                assertThrows(IndexOutOfBoundsException.class, () -> pb.buffer(-1, 1));
                assertThrows(IndexOutOfBoundsException.class, () -> pb.recycle(-1));
                assertThrows(IndexOutOfBoundsException.class, () -> pb.recycle(4));
                assertThrows(IllegalStateException.class, () -> pb.recycle(0), "recycling a buffer the kernel holds");
                assertThrows(IllegalArgumentException.class, () -> pb.bufferId(0));
                assertThrows(IllegalArgumentException.class, () -> other.recvMultishot(0, pb));
                assertThrows(IllegalArgumentException.class, () -> ring.provideBuffers(2, 3, 128));
                assertThrows(IllegalArgumentException.class, () -> ring.provideBuffers(2, 4, -1));
                assertThrows(IllegalArgumentException.class, () -> ring.provideBuffers(65536, 4, 1));
                assertThrows(UringException.class, () -> ring.provideBuffers(1, 4, 128), "same group twice");
                assertThrows(IllegalArgumentException.class, () -> ring.provideBuffers(3, 32768, 1 << 17));
                pb.close();
                assertThrows(IllegalStateException.class, () -> pb.recycle(0));
                assertThrows(IllegalArgumentException.class, () -> ring.recvSelect(0, pb));
            }
        });
    }

    @Test
    void fixedFilesFromElsewhereOrOutOfRangeAreRefused() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path f = dir.resolve("f");
            Files.write(f, new byte[64]);
            try (Ring a = TestSupport.open(); Ring b = TestSupport.open()) {
                int fd = TestSupport.openat(a, f, Linux.O_RDONLY, 0);
                a.fixedFiles().register(fd, -1);
                b.fixedFiles().register(fd);
                FixedFile a0 = a.fixedFiles().slot(0);
                FixedFile b0 = b.fixedFiles().slot(0);
                ByteBuffer buf = ByteBuffer.allocateDirect(16);
                assertThrows(IllegalArgumentException.class, () -> a.read(b0, buf, 0));
                assertThrows(IndexOutOfBoundsException.class, () -> a.fixedFiles().slot(2));
                assertThrows(IndexOutOfBoundsException.class, () -> a.fixedFiles().slot(-1));
                assertThrows(IndexOutOfBoundsException.class, () -> a.fixedFiles().update(1, fd, fd));
                assertThrows(IndexOutOfBoundsException.class, () -> a.fixedFiles().update(Integer.MAX_VALUE, fd));
                // the empty slot: the kernel answers
                Map<Long, Integer> res = new HashMap<>();
                a.read(a.fixedFiles().slot(1), buf, 0).tag(5);
                a.submitAndReap(1, 1, TimeUnit.SECONDS, (t, r, fl) -> res.put(t, r));
                assertEquals(-Errno.EBADF, res.get(5L));
                a.fixedFiles().unregister();
                assertThrows(IllegalStateException.class, () -> a.read(a0, buf, 0));
                a.fixedFiles().register(fd);
                FixedFile stale1 = a0; // slot 0 again: fine; the old slot 1 object is now outside
                a.read(stale1, buf.clear(), 0).tag(6);
                a.submitAndReap(1, 1, TimeUnit.SECONDS, (t, r, fl) -> res.put(t, r));
                assertEquals(16, res.get(6L));
                assertEquals(0, a.inFlight());
            }
        });
    }

    /**
     * READ_FIXED staged, buffers unregistered before submit, other buffers registered: the
     * staged record must not reach the kernel naming memory that is no longer registered,
     * and it completes exactly once.
     */
    @Test
    void fixedBuffersSwappedUnderAStagedReadFixed() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path f = dir.resolve("g");
            Files.write(f, new byte[4096]);
            try (Ring ring = TestSupport.open()) {
                int fd = TestSupport.openat(ring, f, Linux.O_RDONLY, 0);
                ByteBuffer b1 = ByteBuffer.allocateDirect(4096);
                ByteBuffer b2 = ByteBuffer.allocateDirect(4096);
                ring.fixedBuffers().register(b1);
                ring.readFixed(fd, b1.duplicate(), 0).tag(1);
                ring.fixedBuffers().unregister(); // only staged: allowed
                ring.fixedBuffers().register(b2);
                Map<Long, Integer> n = new HashMap<>();
                Map<Long, Integer> res = new HashMap<>();
                Throwable t = null;
                try {
                    ring.submit();
                } catch (UringException e) {
                    t = e;
                }
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (n.isEmpty() && System.nanoTime() < deadline) {
                    ring.submitAndReap(0, 0, TimeUnit.SECONDS, (tag, r, fl) -> {
                        n.merge(tag, 1, Integer::sum);
                        res.put(tag, r);
                    });
                }
                assertEquals(Map.of(1L, 1), n, "submit threw " + t);
                assertTrue(res.get(1L) < 0, "the READ_FIXED into unregistered memory ran: " + res + " (submit threw " + t + ")");
                assertEquals(0, ring.inFlight());
            }
        });
    }
}
