package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.Collector;
import dev.uring4j.diag.UringSupport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Provided-buffer rings and multishot receive, on loopback. */
@Tag("kernel")
class ProvidedBuffersTest {
    private static final int RECV = 7;

    /** A connected pair: {server-side conn, client}. */
    private static int[] pair(Ring ring) throws UringException {
        Collector c = new Collector();
        int server = NetworkOpsTest.listening(ring, 1);
        ring.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0).tag(2);
        c.await(ring, 1);
        int client = UringException.check("socket", c.res(2));
        ring.accept(server, Linux.SOCK_CLOEXEC).tag(3);
        ring.connect(client, Sockets.localAddress(server)).tag(4);
        c.await(ring, 3);
        assertEquals(0, c.res(4));
        int conn = UringException.check("accept", c.res(3));
        TestSupport.closeFd(ring, server);
        return new int[] {conn, client};
    }

    private static void assumeSupport() {
        TestSupport.requireAvailable();
        assumeTrue(UringSupport.get().isOpcodeSupported(45) && UringSupport.get().isSingleIssuerSupported(),
                "provided-buffer rings with multishot recv need Linux 6.0");
    }

    @Test
    void multishotReceiveAcrossBufferExhaustionLosesNoByte() throws Exception {
        assumeSupport();
        try (Ring ring = TestSupport.open()) {
            int[] p = pair(ring);
            ProvidedBuffers pb = ring.provideBuffers(1, 4, 16);
            byte[] sent = new byte[300];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = (byte) (i * 7);
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int[] state = {0, 0, 0}; // armed, enobufs seen, end seen
            java.util.List<Integer> toRecycle = new java.util.ArrayList<>();
            CompletionHandler h = (tag, res, flags) -> {
                if (tag != RECV) {
                    return;
                }
                if (res > 0) {
                    int bid = pb.bufferId(flags);
                    ByteBuffer b = pb.buffer(bid, res);
                    byte[] chunk = new byte[res];
                    b.get(chunk);
                    got.write(chunk, 0, res);
                    toRecycle.add(bid); // hold on to buffers for a while: forces exhaustion
                } else if (res == -Errno.ENOBUFS) {
                    state[1]++;
                }
                if ((flags & Cqe.F_MORE) == 0) {
                    state[0] = 0;
                }
            };
            ring.recvMultishot(p[0], pb).tag(RECV);
            state[0] = 1;
            ring.send(p[1], ByteBuffer.allocateDirect(sent.length).put(sent).flip().slice(0, sent.length), Linux.MSG_NOSIGNAL).tag(9);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.size() < sent.length && System.nanoTime() < deadline) {
                ring.submitAndReap(1, 50, TimeUnit.MILLISECONDS, h);
                if (state[0] == 0) { // ended (ENOBUFS): give the buffers back and re-arm
                    for (int bid : toRecycle) {
                        pb.recycle(bid);
                    }
                    toRecycle.clear();
                    ring.recvMultishot(p[0], pb).tag(RECV);
                    state[0] = 1;
                }
            }
            assertArrayEquals(sent, got.toByteArray(), "every byte, in order, across re-arms");
            assertTrue(state[1] > 0, "300 bytes through 4 x 16-byte buffers must run out of buffers");
            assertThrows(IllegalStateException.class, pb::close, "still receiving into the group");
            assertThrows(IndexOutOfBoundsException.class, () -> pb.recycle(4));
            TestSupport.closeFd(ring, p[1]); // peer closes: the multishot receive ends with 0
            while (state[0] == 1 && System.nanoTime() < deadline) {
                ring.submitAndReap(1, 50, TimeUnit.MILLISECONDS, h);
            }
            assertEquals(0, state[0], "ended");
            for (int bid : toRecycle) {
                pb.recycle(bid);
            }
            assertThrows(IllegalStateException.class, () -> pb.recycle(0), "a buffer already with the kernel");
            pb.close();
            TestSupport.closeFd(ring, p[0]);
        }
    }

    /**
     * Two groups of the same count: the flags of one group's completion name a buffer of the
     * other too. Asking the other group for it is refused, and so is recycling there, so its
     * buffer ring never gets one buffer twice (the kernel would hand it to two receives).
     *
     * <p>Regression for: bufferId marked the other group's buffer returned; its recycle was
     * accepted, and a later receive overwrote data the application had not recycled.
     */
    @Test
    void anotherGroupsCompletionCannotReturnABufferTheKernelHolds() throws Exception {
        assumeSupport();
        try (Ring ring = TestSupport.open()) {
            int[] p = pair(ring);
            ProvidedBuffers a = ring.provideBuffers(1, 2, 16);
            ProvidedBuffers b = ring.provideBuffers(2, 2, 16);
            Collector c = new Collector();
            ring.send(p[1], ByteBuffer.allocateDirect(7).put("hello-B".getBytes()).flip(), 0).tag(20);
            c.await(ring, 1);
            ring.recvSelect(p[0], b).tag(21);
            c.await(ring, 2);
            assertEquals(7, c.res(21));
            int flags = c.all.get(1).flags;
            int bid = b.bufferId(flags);
            assertEquals("hello-B", java.nio.charset.StandardCharsets.US_ASCII.decode(b.buffer(bid, 7)).toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.bufferId(flags));
            assertTrue(e.getMessage().contains("is with the kernel"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> a.recycle(bid), "never handed out: not recyclable");
            b.recycle(bid);
            assertThrows(IllegalStateException.class, () -> b.bufferId(flags), "recycled: with the kernel again");
            assertThrows(IllegalStateException.class, () -> b.recycle(bid), "recycled twice");
            TestSupport.closeFd(ring, p[0]);
            TestSupport.closeFd(ring, p[1]);
        }
    }

    @Test
    void hostileUseIsRefused() throws Exception {
        assumeSupport();
        try (Ring ring = TestSupport.open(); Ring other = TestSupport.open()) {
            assertThrows(IllegalArgumentException.class, () -> ring.provideBuffers(1, 3, 16), "not a power of two");
            assertThrows(IllegalArgumentException.class, () -> ring.provideBuffers(70000, 4, 16));
            ProvidedBuffers pb = ring.provideBuffers(2, 8, 64);
            UringException dup = assertThrows(UringException.class, () -> ring.provideBuffers(2, 8, 64));
            assertEquals("EEXIST", dup.errnoName());
            ProvidedBuffers elsewhere = other.provideBuffers(5, 2, 8);
            assertThrows(IllegalArgumentException.class, () -> ring.recvMultishot(0, elsewhere).tag(1),
                    "a group of another ring");
            assertThrows(IllegalArgumentException.class, () -> pb.bufferId(0), "flags without a buffer");
            // The native validator refuses buffer select on an unregistered group.
            UncheckedRecords.stage(ring, 27 /* RECV */, 1 << 5, 0, 0, 0, 0, 0, 11);
            assertTrue(assertThrows(UringException.class, ring::submit).getMessage().contains("no registered provided-buffer group"));
            Collector c = new Collector();
            ring.reap(c);
            assertEquals(-Errno.EINVAL, c.res(11));
        }
    }
}
