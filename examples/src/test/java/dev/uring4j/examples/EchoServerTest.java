package dev.uring4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.async.EventLoop;
import dev.uring4j.diag.UringSupport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import dev.uring4j.Opcode;
import dev.uring4j.examples.EchoServer.ReceiveMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The EventLoop echo server, driven by real sockets on loopback, in both receive modes
 * (multishot into provided buffers where the kernel has it, single-shot everywhere).
 */
@Tag("kernel")
class EchoServerTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** io_uring must work where this suite runs: a missing native library is a failure, not a skip. */
    private static void assumeNetwork() {
        dev.uring4j.UringUnavailableException cause = dev.uring4j.Uring.unavailabilityCause();
        if (cause != null) {
            org.junit.jupiter.api.Assertions.fail("io_uring is unavailable: " + cause.getMessage(), cause);
        }
    }

    /** Whether multishot receive into provided buffers (Linux 6.0, with SEND_ZC) is there. */
    private static boolean kernelHasMultishotRecv() {
        return UringSupport.get().supportedOpcodes().contains("SEND_ZC");
    }

    private static EchoServer start(EventLoop loop, int bufferSize, ReceiveMode mode) throws java.io.IOException {
        EchoServer s = EchoServer.start(loop, ANY_LOOPBACK_PORT, bufferSize, mode);
        if (mode == ReceiveMode.MULTISHOT_PROVIDED_BUFFERS) {
            assumeTrue(s.receiveMode() == mode, "kernel lacks multishot receive into provided buffers (Linux 6.0): "
                    + s.receiveModeReason());
        }
        return s;
    }

    /** After close, nothing of the server is left in the loop's ring: every multishot op ended. */
    private static void assertNothingInFlight(EventLoop loop) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int inFlight;
        do {
            inFlight = loop.call(dev.uring4j.Ring::inFlight).get();
        } while (inFlight > 1 && System.nanoTime() < deadline); // 1: the loop's own wake-up read
        assertTrue(inFlight <= 1, inFlight + " operations still in flight");
    }

    @ParameterizedTest
    @EnumSource(ReceiveMode.class)
    void manyConcurrentConnectionsGetTheirExactBytesBack(ReceiveMode mode) throws Exception {
        assumeNetwork();
        try (EventLoop loop = EventLoop.open(); EchoServer server = start(loop, 8192, mode)) {
            EchoLoad.Result r = EchoLoad.run(server.address(), 48, 200, 1000, Duration.ofSeconds(60));
            assertEquals(48L * 200, r.roundTrips(), r.toString());
            assertEquals(0, r.errors(), r.toString());
            assertEquals(0, r.mismatches(), r.toString());
            assertEquals(48, server.connectionsAccepted());
            EchoLoad.Result big = EchoLoad.run(server.address(), 4, 20, 100_000, Duration.ofSeconds(60));
            assertEquals(80, big.roundTrips(), "messages larger than the server's buffer: " + big);
            assertEquals(0, big.mismatches());
            server.close();
            assertNothingInFlight(loop);
        }
    }

    @Test
    void receiveModeIsReportedAndStepsDownWhereTheKernelLacksIt() throws Exception {
        assumeNetwork();
        try (EventLoop loop = EventLoop.open();
             EchoServer auto = EchoServer.start(loop, ANY_LOOPBACK_PORT, 4096);
             EchoServer single = EchoServer.start(loop, ANY_LOOPBACK_PORT, 4096, ReceiveMode.SINGLE_SHOT)) {
            assertEquals(ReceiveMode.SINGLE_SHOT, single.receiveMode());
            assertTrue(auto.acceptModeReason().startsWith(UringSupport.get().supportedOpcodes().contains("SOCKET")
                    ? "one multishot accept" : "single accepts"), auto.acceptModeReason());
            if (kernelHasMultishotRecv()) {
                assertEquals(ReceiveMode.MULTISHOT_PROVIDED_BUFFERS, auto.receiveMode(), auto.receiveModeReason());
                assertTrue(auto.receiveModeReason().contains("provided buffers of 4096 bytes"), auto.receiveModeReason());
            } else {
                assertEquals(ReceiveMode.SINGLE_SHOT, auto.receiveMode());
                assertTrue(auto.receiveModeReason().startsWith("stepped down"), auto.receiveModeReason());
            }
            // Either way it serves.
            EchoLoad.Result r = EchoLoad.run(auto.address(), 2, 20, 300, Duration.ofSeconds(30));
            assertEquals(40, r.roundTrips(), r.toString());
            assertEquals(0, r.mismatches());
        }
    }

    /** 4 provided buffers of 256 bytes for 16 connections of 10 kB messages: receives run dry all the time. */
    @Test
    void providedBufferExhaustionLosesNoByte() throws Exception {
        assumeNetwork();
        try (EventLoop loop = EventLoop.open();
             EchoServer server = EchoServer.start(loop, ANY_LOOPBACK_PORT, 256, ReceiveMode.MULTISHOT_PROVIDED_BUFFERS, 4)) {
            assumeTrue(server.receiveMode() == ReceiveMode.MULTISHOT_PROVIDED_BUFFERS,
                    "kernel lacks multishot receive into provided buffers (Linux 6.0): " + server.receiveModeReason());
            EchoLoad.Result r = EchoLoad.run(server.address(), 16, 30, 10_000, Duration.ofSeconds(60));
            assertEquals(16L * 30, r.roundTrips(), r.toString());
            assertEquals(0, r.errors(), r.toString());
            assertEquals(0, r.mismatches(), r.toString());
            assertEquals(16L * 30 * 10_000, server.bytesEchoed());
            server.close();
            assertNothingInFlight(loop);
        }
    }

    @ParameterizedTest
    @EnumSource(ReceiveMode.class)
    void peerResetMidStreamEndsOnlyThatConnection(ReceiveMode mode) throws Exception {
        assumeNetwork();
        try (EventLoop loop = EventLoop.open(); EchoServer server = start(loop, 4096, mode)) {
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

    @ParameterizedTest
    @EnumSource(ReceiveMode.class)
    void halfCloseGetsTheWholeEchoThenEndOfStream(ReceiveMode mode) throws Exception {
        assumeNetwork();
        try (EventLoop loop = EventLoop.open(); EchoServer server = start(loop, 4096, mode);
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

    @ParameterizedTest
    @EnumSource(ReceiveMode.class)
    void acceptWhileClosingLeavesNothingBehind(ReceiveMode mode) throws Exception {
        assumeNetwork();
        EventLoop loop = EventLoop.open();
        EchoServer server = start(loop, 1024, mode);
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
        assertNothingInFlight(loop);
        loop.close();
        for (Thread th : clients) {
            th.join(30_000);
            assertTrue(!th.isAlive(), "client finished");
        }
        assertTrue(loop.isTerminated());
        assertTrue(connected.get() > 0);
    }

    /**
     * One peer sends without reading its echo: it must not take every shared provided
     * buffer and stall the other connections (their round trips stay fast).
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aPeerThatNeverReadsDoesNotStallTheOthers() throws Exception {
        assumeNetwork();
        assumeTrue(kernelHasMultishotRecv(), "multishot receive into provided buffers (Linux 6.0)");
        try (EventLoop loop = EventLoop.open();
             EchoServer server = EchoServer.start(loop, ANY_LOOPBACK_PORT, 4096, ReceiveMode.MULTISHOT_PROVIDED_BUFFERS, 64);
             SocketChannel hog = SocketChannel.open(server.address())) {
            hog.configureBlocking(false);
            ByteBuffer junk = ByteBuffer.allocate(1 << 16);
            long sent = 0;
            long end = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < end && sent < (64L << 20)) { // until the socket buffers on both sides are full
                junk.clear();
                int n = hog.write(junk);
                if (n == 0) {
                    Thread.sleep(5);
                }
                sent += n;
            }
            assertTrue(sent > 64 * 4096, "the hog sent " + sent + " bytes: more than all shared buffers hold");
            EchoLoad.Result r = EchoLoad.run(server.address(), 8, 100, 1000, Duration.ofSeconds(20));
            assertEquals(800, r.roundTrips(), "the other connections were stalled: " + r);
            assertEquals(0, r.mismatches(), r.toString());
        }
    }
}
