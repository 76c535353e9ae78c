package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.Collector;
import dev.uring4j.diag.UringSupport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Socket operations through the ring, on loopback only. */
@Tag("kernel")
class NetworkOpsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static void assumeSocketOp() {
        TestSupport.requireAvailable();
        assumeTrue(UringSupport.get().isOpcodeSupported(45), "kernel lacks IORING_OP_SOCKET (Linux 5.19)");
    }

    private static int socket(Ring ring) throws UringException {
        Collector c = new Collector();
        ring.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0).tag(1);
        return UringException.check("socket", c.await(ring, 1).res(1));
    }

    /** A TCP socket created through the ring, bound to a free loopback port and listening. */
    static int listening(Ring ring, int backlog) throws UringException {
        int server = socket(ring);
        Sockets.bind(server, LOOPBACK);
        Sockets.listen(server, backlog);
        return server;
    }

    @Test
    void connectAcceptSendRecvShutdownOverLoopback() throws Exception {
        assumeSocketOp();
        try (Ring ring = TestSupport.open()) {
            int server = listening(ring, 16);
            InetSocketAddress bound = Sockets.localAddress(server);
            assertTrue(bound.getPort() > 0, bound.toString());

            int client = socket(ring);
            Collector c = new Collector();
            ring.accept(server, Linux.SOCK_CLOEXEC).tag(10);
            ring.connect(client, bound).tag(11);
            c.await(ring, 2);
            assertEquals(0, c.res(11), "connected");
            int conn = UringException.check("accept", c.res(10));

            byte[] msg = "hello over io_uring".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.allocateDirect(msg.length).put(msg).flip();
            ByteBuffer in = ByteBuffer.allocateDirect(64);
            ring.send(client, out.slice(0, msg.length), Linux.MSG_NOSIGNAL).tag(12);
            ring.recv(conn, in.slice(0, 64), Linux.MSG_WAITALL & 0).tag(13);
            c.await(ring, 4);
            assertEquals(msg.length, c.res(12));
            assertEquals(msg.length, c.res(13));
            byte[] got = new byte[msg.length];
            in.get(0, got);
            assertEquals("hello over io_uring", new String(got, StandardCharsets.US_ASCII));

            // Half-close: the peer's recv sees end of stream (0), its own send still works.
            ring.shutdown(client, Linux.SHUT_WR).tag(14);
            ring.recv(conn, in.slice(0, 64), 0).tag(15);
            c.await(ring, 6);
            assertEquals(0, c.res(14));
            assertEquals(0, c.res(15), "end of stream after SHUT_WR");
            ring.send(conn, out.slice(0, msg.length), Linux.MSG_NOSIGNAL).tag(16);
            ring.recv(client, in.slice(0, 64), 0).tag(17);
            c.await(ring, 8);
            assertEquals(msg.length, c.res(17), "the other direction still flows");
            for (int fd : new int[] {conn, client, server}) {
                TestSupport.closeFd(ring, fd);
            }
        }
    }

    @Test
    void connectionRefusedAndPeerResetAreErrnos() throws Exception {
        assumeSocketOp();
        try (Ring ring = TestSupport.open()) {
            int probe = socket(ring);
            Sockets.bind(probe, LOOPBACK);
            InetSocketAddress unused = Sockets.localAddress(probe);
            TestSupport.closeFd(ring, probe); // bound, never listened: nobody there now
            int client = socket(ring);
            Collector c = new Collector();
            ring.connect(client, unused).tag(1);
            assertEquals(-Errno.ECONNREFUSED, c.await(ring, 1).res(1), "ECONNREFUSED");
            TestSupport.closeFd(ring, client);
            assertThrows(IllegalArgumentException.class,
                    () -> ring.connect(3, InetSocketAddress.createUnresolved("example.invalid", 80)).tag(2));
            assertThrows(IllegalArgumentException.class, () -> ring.shutdown(3, 7).tag(2));
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void multishotAcceptDeliversEveryConnectionUntilCancelled() throws Exception {
        assumeSocketOp();
        try (Ring ring = TestSupport.open()) {
            int server = listening(ring, 16);
            InetSocketAddress bound = Sockets.localAddress(server);
            Collector c = new Collector();
            java.util.List<int[]> accepted = new java.util.ArrayList<>();
            CompletionHandler h = (tag, res, flags) -> {
                if (tag == 100) {
                    accepted.add(new int[] {res, flags});
                } else {
                    c.onCompletion(tag, res, flags);
                }
            };
            int[] clients = new int[3];
            for (int i = 0; i < 3; i++) {
                clients[i] = socket(ring); // before the accept is armed: socket() reaps with its own handler
            }
            long acceptId = ring.acceptMultishot(server, Linux.SOCK_CLOEXEC).tag(100).id();
            for (int i = 0; i < 3; i++) {
                ring.connect(clients[i], bound).tag(200 + i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((accepted.size() < 3 || c.all.size() < 3) && System.nanoTime() < deadline) {
                ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, h);
            }
            assertEquals(3, accepted.size(), "one completion per connection from one accept");
            for (int[] a : accepted) {
                assertTrue(a[0] >= 0, "fd " + a[0]);
                assertTrue((a[1] & Cqe.F_MORE) != 0, "more to come while armed");
            }
            assertEquals(1, ring.inFlight(), "the multishot accept is still one live operation");
            ring.cancel(acceptId).tag(300);
            while ((accepted.size() < 4 || !c.byTag.containsKey(300L)) && System.nanoTime() < deadline) {
                ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, h);
            }
            assertEquals(0, c.res(300), "the cancel found the multishot accept");
            int[] last = accepted.get(3);
            assertEquals(-Errno.ECANCELED, last[0], "cancelled");
            assertEquals(0, last[1] & Cqe.F_MORE, "the final completion ends it");
            assertEquals(0, ring.inFlight(), "nothing left in flight once the final completion arrived");
            for (int i = 0; i < 3; i++) {
                TestSupport.closeFd(ring, accepted.get(i)[0]);
                TestSupport.closeFd(ring, clients[i]);
            }
            TestSupport.closeFd(ring, server);
        }
    }

    @Test
    void acceptIntoFixedSlotsAndUseThemBySlot() throws Exception {
        assumeSocketOp();
        try (Ring ring = TestSupport.open()) {
            int server = listening(ring, 4);
            int client = socket(ring);
            ring.fixedFiles().registerSparse(4);
            Collector c = new Collector();
            ring.acceptDirect(server, 0, ring.fixedFiles().slot(2)).tag(1);
            ring.connect(client, Sockets.localAddress(server)).tag(2);
            c.await(ring, 2);
            assertEquals(0, c.res(1), "accepted into slot 2 (no regular fd)");
            ring.send(client, ByteBuffer.allocateDirect(3).put(new byte[] {7, 8, 9}).flip().slice(0, 3), Linux.MSG_NOSIGNAL).tag(3);
            ByteBuffer in = ByteBuffer.allocateDirect(3);
            ring.recv(ring.fixedFiles().slot(2), in.slice(0, 3), Linux.MSG_WAITALL).tag(4);
            c.await(ring, 4);
            assertEquals(3, c.res(4));
            assertEquals(9, in.get(2));
            assertThrows(IllegalArgumentException.class, () -> ring.acceptDirect(server, Linux.SOCK_CLOEXEC, ring.fixedFiles().slot(1)).tag(5));
            assertThrows(IndexOutOfBoundsException.class, () -> ring.acceptDirect(server, 0, ring.fixedFiles().slot(4)).tag(5));
            ring.closeDirect(ring.fixedFiles().slot(2)).tag(6);
            assertEquals(0, c.await(ring, 5).res(6));
            TestSupport.closeFd(ring, client);
            TestSupport.closeFd(ring, server);
        }
    }

    @Test
    void pollAndLinkedTimeout() throws Exception {
        assumeSocketOp();
        try (Ring ring = TestSupport.open()) {
            int server = listening(ring, 4);
            int client = socket(ring);
            Collector c = new Collector();
            ring.accept(server, Linux.SOCK_CLOEXEC).tag(1);
            ring.connect(client, Sockets.localAddress(server)).tag(2);
            c.await(ring, 2);
            int conn = c.res(1);
            // A recv with nothing to read, linked to a 50 ms timeout: the timeout cancels it.
            ring.recv(conn, ByteBuffer.allocateDirect(8).slice(0, 8), 0).link().tag(3);
            ring.linkTimeout(50, TimeUnit.MILLISECONDS).tag(4);
            c.await(ring, 4);
            assertEquals(-Errno.ECANCELED, c.res(3), "recv cancelled by its linked timeout");
            assertEquals(-Errno.ETIME, c.res(4), "ETIME");
            // POLLOUT is ready at once on a connected socket; POLLIN after the peer sends.
            ring.pollAdd(client, Linux.POLLOUT).tag(5);
            assertTrue((c.await(ring, 5).res(5) & Linux.POLLOUT) != 0);
            ring.pollAdd(conn, Linux.POLLIN).tag(6);
            ring.send(client, ByteBuffer.allocateDirect(1).slice(0, 1), Linux.MSG_NOSIGNAL).tag(7);
            c.await(ring, 7);
            assertTrue((c.res(6) & Linux.POLLIN) != 0, "POLLIN after data arrived");
            for (int fd : new int[] {conn, client, server}) {
                TestSupport.closeFd(ring, fd);
            }
        }
    }
}
