package dev.uring4j.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.UringSupport;
import dev.uring4j.internal.cli.EchoLoad;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The EventLoop echo server, driven by real sockets on loopback. */
@Tag("kernel")
class EchoServerTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static void assumeNetwork() {
        assumeTrue(UringSupport.get().isOpcodeSupported(45), "kernel lacks IORING_OP_SOCKET (Linux 5.19)");
    }

    @Test
    void manyConcurrentConnectionsGetTheirExactBytesBack() throws Exception {
        assumeNetwork();
        try (EventLoop loop = EventLoop.open(); EchoServer server = EchoServer.start(loop, ANY_LOOPBACK_PORT, 8192)) {
            EchoLoad.Result r = EchoLoad.run(server.address(), 48, 200, 1000, Duration.ofSeconds(60));
            assertEquals(48L * 200, r.roundTrips(), r.toString());
            assertEquals(0, r.errors(), r.toString());
            assertEquals(0, r.mismatches(), r.toString());
            assertEquals(48, server.connectionsAccepted());
            EchoLoad.Result big = EchoLoad.run(server.address(), 4, 20, 100_000, Duration.ofSeconds(60));
            assertEquals(80, big.roundTrips(), "messages larger than the server's buffer: " + big);
            assertEquals(0, big.mismatches());
        }
    }

    @Test
    void peerResetMidStreamEndsOnlyThatConnection() throws Exception {
        assumeNetwork();
        try (EventLoop loop = EventLoop.open(); EchoServer server = EchoServer.start(loop, ANY_LOOPBACK_PORT, 4096)) {
            for (int i = 0; i < 5; i++) {
                SocketChannel ch = SocketChannel.open(server.address());
                ch.setOption(StandardSocketOptions.SO_LINGER, 0); // close sends RST
                ch.write(ByteBuffer.wrap(new byte[100_000]));      // more than gets echoed before the reset
                ch.close();
            }
            EchoLoad.Result after = EchoLoad.run(server.address(), 4, 50, 512, Duration.ofSeconds(30));
            assertEquals(200, after.roundTrips(), "the server keeps serving: " + after);
            assertEquals(0, after.mismatches());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.connectionErrors() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(server.connectionErrors() > 0, "resets are seen as connection errors (ECONNRESET or EPIPE)");
        }
    }

    @Test
    void halfCloseGetsTheWholeEchoThenEndOfStream() throws Exception {
        assumeNetwork();
        try (EventLoop loop = EventLoop.open(); EchoServer server = EchoServer.start(loop, ANY_LOOPBACK_PORT, 4096);
             SocketChannel ch = SocketChannel.open(server.address())) {
            byte[] data = new byte[10_000];
            new java.util.Random(3).nextBytes(data);
            ByteBuffer out = ByteBuffer.wrap(data);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(20_000);
            while (ch.read(in) >= 0) {
                // until the server closes after our end of stream
            }
            assertEquals(10_000, in.position());
            assertTrue(java.util.Arrays.equals(data, java.util.Arrays.copyOf(in.array(), 10_000)));
        }
    }

    @Test
    void acceptWhileClosingLeavesNothingBehind() throws Exception {
        assumeNetwork();
        EventLoop loop = EventLoop.open();
        EchoServer server = EchoServer.start(loop, ANY_LOOPBACK_PORT, 1024);
        AtomicInteger connected = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    try (SocketChannel ch = SocketChannel.open(server.address())) {
                        ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                        connected.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return; // refused once the server is closed
                    }
                }
            });
            th.start();
            clients.add(th);
        }
        Thread.sleep(20);
        server.close();
        loop.close();
        for (Thread th : clients) {
            th.join(30_000);
            assertTrue(!th.isAlive(), "client finished");
        }
        assertTrue(loop.isTerminated());
        assertTrue(connected.get() > 0);
    }
}
