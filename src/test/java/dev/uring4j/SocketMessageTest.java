package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring4j.TestSupport.Collector;
import dev.uring4j.Errno;
import dev.uring4j.diag.UringSupport;
import dev.uring4j.internal.Memory;
import dev.uring4j.Opcode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SENDMSG/RECVMSG with {@link SocketMessage}, and the zero-copy sends (SEND_ZC,
 * SENDMSG_ZC) whose buffers stay referenced until their notification. Sockets come from
 * {@link Sockets#open}, so the message tests run on every kernel with io_uring (5.10 too).
 */
@Tag("kernel")
class SocketMessageTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static int udp() throws UringException {
        int fd = Sockets.open(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, Linux.IPPROTO_UDP);
        Sockets.bind(fd, LOOPBACK);
        return fd;
    }

    private static ByteBuffer direct(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    private static String ascii(ByteBuffer b, int length) {
        byte[] out = new byte[length];
        b.get(b.position(), out);
        return new String(out, StandardCharsets.US_ASCII);
    }

    /** A connected TCP pair {client, server-side connection}, made with plain sockets and ring accept/connect. */
    private static int[] tcpPair(Ring ring) throws UringException {
        int listener = Sockets.open(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        Sockets.bind(listener, LOOPBACK);
        Sockets.listen(listener, 4);
        int client = Sockets.open(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0);
        Collector c = new Collector();
        ring.accept(listener, Linux.SOCK_CLOEXEC).tag(1);
        ring.connect(client, Sockets.localAddress(listener)).tag(2);
        c.await(ring, 2);
        assertEquals(0, c.res(2), "connect");
        int conn = UringException.check("accept", c.res(1));
        Sockets.close(listener);
        return new int[] {client, conn};
    }

    @Test
    void datagramsGatherScatterAndCarryTheSendersAddress() throws Exception {
        TestSupport.requireAvailable();
        try (Ring ring = TestSupport.open()) {
            int a = udp();
            int b = udp();
            InetSocketAddress aAddr = Sockets.localAddress(a);
            InetSocketAddress bAddr = Sockets.localAddress(b);

            SocketMessage out = new SocketMessage(2, 0).buffers(direct("hello "), direct("datagram")).destination(bAddr);
            ByteBuffer head = ByteBuffer.allocateDirect(4);
            ByteBuffer rest = ByteBuffer.allocateDirect(64);
            SocketMessage in = new SocketMessage(2, 0).buffers(head, rest);
            Collector c = new Collector();
            ring.recvmsg(b, in, 0).tag(1);
            ring.sendmsg(a, out, 0).tag(2);
            c.await(ring, 2);
            assertEquals(14, c.res(2), "gathered from two buffers");
            assertEquals(14, c.res(1));
            assertEquals("hell", ascii(head, 4), "scattered: the first buffer fills first");
            assertEquals("o datagram", ascii(rest, 10));
            assertEquals(aAddr, in.address(), "the sender's address");
            assertEquals(0, in.flags());
            assertEquals(0, head.position(), "positions are not moved");

            // A datagram longer than the buffers: the rest is dropped and MSG_TRUNC says so.
            byte[] big = new byte[100];
            new Random(1).nextBytes(big);
            ByteBuffer bigBuf = ByteBuffer.allocateDirect(100).put(big).flip();
            in.buffers(head, ByteBuffer.allocateDirect(16));
            ring.recvmsg(b, in, 0).tag(3);
            ring.sendmsg(a, out.buffers(bigBuf), 0).tag(4);
            c.await(ring, 4);
            assertEquals(100, c.res(4));
            assertEquals(20, c.res(3));
            assertEquals(Linux.MSG_TRUNC, in.flags() & Linux.MSG_TRUNC, "MSG_TRUNC in msg_flags");
            Sockets.close(a);
            Sockets.close(b);
        }
    }

    @Test
    void controlDataIsReceivedAndSent() throws Exception {
        TestSupport.requireAvailable();
        try (Ring ring = TestSupport.open()) {
            int a = udp();
            int b = udp();
            Sockets.setOption(b, Linux.IPPROTO_IP, Linux.IP_PKTINFO, 1);
            SocketMessage out = new SocketMessage(1, 64).buffers(direct("x")).destination(Sockets.localAddress(b));
            SocketMessage in = new SocketMessage(1, 64).buffers(ByteBuffer.allocateDirect(8));
            Collector c = new Collector();
            ring.recvmsg(b, in, 0).tag(1);
            ring.sendmsg(a, out, 0).tag(2);
            c.await(ring, 2);
            assertEquals(1, c.res(1));
            // struct cmsghdr { size_t len; int level; int type; } then struct in_pktinfo { int ifindex; spec_dst; addr; }
            assertEquals(32, in.controlLength(), "one IP_PKTINFO control message");
            ByteBuffer cmsg = in.control();
            assertEquals(28, cmsg.getLong(0), "cmsg_len");
            assertEquals(Linux.IPPROTO_IP, cmsg.getInt(8));
            assertEquals(Linux.IP_PKTINFO, cmsg.getInt(12));
            byte[] dst = new byte[4];
            cmsg.get(24, dst);
            assertArrayEquals(new byte[] {127, 0, 0, 1}, dst, "ipi_addr: the datagram's destination");

            // A control area too small for the message: MSG_CTRUNC.
            SocketMessage small = new SocketMessage(1, 8).buffers(ByteBuffer.allocateDirect(8));
            ring.recvmsg(b, small, 0).tag(3);
            ring.sendmsg(a, out, 0).tag(4);
            c.await(ring, 4);
            assertEquals(Linux.MSG_CTRUNC, small.flags() & Linux.MSG_CTRUNC, "MSG_CTRUNC in msg_flags");

            // Sent control data reaches the kernel: an unknown SOL_SOCKET message is refused.
            ByteBuffer bogus = out.control();
            bogus.putLong(0, 20).putInt(8, Linux.SOL_SOCKET).putInt(12, 0x7fff).putInt(16, 0);
            out.controlLength(24);
            ring.sendmsg(a, out, 0).tag(5);
            assertEquals(-Errno.EINVAL, c.await(ring, 5).res(5), "EINVAL for a control message the kernel does not know");
            Sockets.close(a);
            Sockets.close(b);
        }
    }

    @Test
    void streamMessagesHaveNoAddressAndAMessageInUseCannotChange() throws Exception {
        TestSupport.requireAvailable();
        try (Ring ring = TestSupport.open()) {
            int[] pair = tcpPair(ring);
            ByteBuffer dst = ByteBuffer.allocateDirect(32);
            SocketMessage in = new SocketMessage(1, 0).buffers(dst);
            Collector c = new Collector();
            ring.recvmsg(pair[1], in, 0).tag(10);
            ring.submit();
            assertTrue(in.isInUse(), "pending receive");
            assertThrows(IllegalStateException.class, () -> in.buffers(ByteBuffer.allocateDirect(8)));
            assertThrows(IllegalStateException.class, () -> in.destination(null));
            assertThrows(IllegalStateException.class, () -> ring.recvmsg(pair[1], in, 0).tag(11));
            assertEquals(1, ring.inFlight(), "the refused second use staged nothing");

            ring.sendmsg(pair[0], new SocketMessage(1, 0).buffers(direct("stream")), Linux.MSG_NOSIGNAL).tag(12);
            c.await(ring, 2);
            assertEquals(6, c.res(10));
            assertFalse(in.isInUse());
            assertEquals("stream", ascii(dst, 6));
            assertNull(in.address(), "a connected TCP socket reports no address");

            Sockets.close(pair[0]); // end of stream for the receiver
            ring.recvmsg(pair[1], in, 0).tag(13);
            assertEquals(0, c.await(ring, 3).res(13), "0 at end of stream");
            Sockets.close(pair[1]);
        }
    }

    /**
     * One message given to two rings on two threads at once is submitted by one of them: the
     * other gets IllegalStateException. Before, both could find it idle and both submit it;
     * the second attach hid the first receive, so the message looked idle while the first
     * was still in flight, and a setter could replace the buffers its iovec pointed at (kept
     * alive only through the message: the GC could free memory the kernel would write).
     */
    @Test
    void oneMessageRacedOntoTwoRingsIsTakenByOneOfThem() throws Exception {
        TestSupport.requireAvailable();
        int rounds = 400;
        SocketMessage shared = new SocketMessage(1, 0).buffers(ByteBuffer.allocateDirect(64));
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.CyclicBarrier staged = new java.util.concurrent.CyclicBarrier(2);
        int[][] won = new int[2][rounds];
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                try (Ring ring = TestSupport.open()) {
                    int socket = udp();
                    int sender = udp();
                    InetSocketAddress to = Sockets.localAddress(socket);
                    for (int round = 0; round < rounds; round++) {
                        start.await(10, TimeUnit.SECONDS);
                        try {
                            ring.recvmsg(socket, shared, 0).tag(1);
                            won[me][round] = 1;
                        } catch (IllegalStateException refused) {
                            won[me][round] = 0;
                        }
                        staged.await(10, TimeUnit.SECONDS);
                        if (won[me][round] == 1) { // complete the receive before the next round
                            Collector c = new Collector();
                            ring.sendmsg(sender, new SocketMessage(1, 0).buffers(direct("x")).destination(to), 0).tag(2);
                            c.await(ring, 2);
                            assertEquals(1, c.res(1), "the receive got the datagram");
                        }
                    }
                    Sockets.close(socket);
                    Sockets.close(sender);
                } catch (Throwable e) {
                    errors.add(e);
                    start.reset();
                    staged.reset();
                }
            }, "message-racer-" + t);
            threads[t].start();
        }
        for (Thread th : threads) {
            th.join(TimeUnit.SECONDS.toMillis(120));
        }
        assertTrue(errors.isEmpty(), () -> "racer failed: " + errors);
        int both = 0;
        for (int round = 0; round < rounds; round++) {
            assertTrue(won[0][round] + won[1][round] >= 1, "round " + round + ": neither thread could submit");
            both += won[0][round] & won[1][round];
        }
        assertEquals(0, both, "rounds in which both rings submitted the one message");
        assertFalse(shared.isInUse());
    }

    @Test
    void javaRefusesWhatTheKernelCouldNotUse() throws Exception {
        TestSupport.requireAvailable();
        try (Ring ring = TestSupport.open()) {
            SocketMessage heap = new SocketMessage(1, 0).buffers(ByteBuffer.allocate(8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ring.sendmsg(3, heap, 0).tag(1));
            assertTrue(e.getMessage().contains("direct ByteBuffer"), e.getMessage());
            SocketMessage readOnly = new SocketMessage(1, 0).buffers(ByteBuffer.allocateDirect(8).asReadOnlyBuffer());
            assertThrows(IllegalArgumentException.class, () -> ring.recvmsg(3, readOnly, 0).tag(1));
            assertThrows(IllegalArgumentException.class,
                    () -> new SocketMessage(1, 0).buffers(ByteBuffer.allocateDirect(1), ByteBuffer.allocateDirect(1)));
            assertThrows(IllegalArgumentException.class, () -> new SocketMessage(0, 0));
            assertThrows(IllegalArgumentException.class, () -> new SocketMessage(1, SocketMessage.MAX_CONTROL + 1));
            assertThrows(IndexOutOfBoundsException.class, () -> new SocketMessage(1, 8).controlLength(9));
            assertThrows(NullPointerException.class, () -> new SocketMessage(1, 0).buffers((ByteBuffer) null));
            assertThrows(IllegalArgumentException.class, () -> new SocketMessage(1, 0)
                    .destination(InetSocketAddress.createUnresolved("example.invalid", 9)));
            assertThrows(IllegalArgumentException.class, () -> ring.sendmsg(-1, new SocketMessage(1, 0), 0).tag(1));
            assertEquals(0, ring.inFlight());
        }
    }

    /**
     * A msghdr the Java API never writes, staged raw (only uring4j's own code can stage
     * records): the native validator never reads through the record's addresses (it used
     * to, and a wild one crashed the JVM); the kernel copies the msghdr and its iovecs
     * itself and answers each bad one with -errno.
     */
    @Test
    void badMsghdrsAndWildAddressesAreAnsweredByTheKernel() throws Exception {
        TestSupport.requireAvailable();
        int fd = Sockets.open(Linux.AF_INET, Linux.SOCK_DGRAM, 0);
        try (Ring ring = TestSupport.open()) {
            Sockets.bind(fd, new InetSocketAddress("127.0.0.1", 0));
            ByteBuffer iov = Memory.allocate(16).putLong(0, 0x1000).putLong(8, 100); // a wild base
            Object[][] cases = {
                    // namelen, name, iovlen, iov, controllen, control, flags
                    {200L, 1L, 0L, 0L, 0L, 0L, 0L},
                    {16L, 0x1000L, 0L, 0L, 0L, 0L, 0L},
                    {0L, 0L, 2000L, 1L, 0L, 0L, 0L},
                    {0L, 0L, 1L, 0x1000L, 0L, 0L, 0L},
                    {0L, 0L, 0L, 0L, 70000L, 1L, 0L},
                    {0L, 0L, 1L, Memory.address(iov), 0L, 0L, 0L},
            };
            for (Object[] k : cases) {
                ByteBuffer m = Memory.allocate(64);
                m.putLong(0, (Long) k[1]).putLong(8, (Long) k[0]).putLong(16, (Long) k[3]).putLong(24, (Long) k[2])
                        .putLong(32, (Long) k[5]).putLong(40, (Long) k[4]).putLong(48, (Long) k[6]);
                Collector c = new Collector();
                UncheckedRecords.stage(ring, Opcode.Code.SENDMSG, 0, fd, 0, Memory.address(m), 1, Linux.MSG_DONTWAIT, 7);
                ring.submit();
                int res = c.await(ring, 1).res(7);
                assertTrue(res < 0, "sendmsg with a bad msghdr " + java.util.Arrays.toString(k) + " gave " + res);
                assertTrue(m.isDirect()); // keeps m reachable until here
            }
            for (int opcode : new int[] {Opcode.Code.SENDMSG, Opcode.Code.RECVMSG, Opcode.Code.READV, Opcode.Code.WRITEV}) {
                Collector c = new Collector();
                UncheckedRecords.stage(ring, opcode, 0, fd, 0, 0x1000L, 1, opcode == Opcode.Code.RECVMSG ? Linux.MSG_DONTWAIT : 0, 9);
                ring.submit();
                assertEquals(-Errno.EFAULT, c.await(ring, 1).res(9), Opcode.name(opcode) + " at a wild address");
            }
            Collector c = new Collector();
            UncheckedRecords.stage(ring, Opcode.Code.SENDMSG, 0, 0, 0, 0, 1, 0, 8);
            assertThrows(UringException.class, ring::submit);
            assertEquals(-Errno.EINVAL, c.await(ring, 1).res(8), "null msghdr (refused by the validator)");
        } finally {
            Sockets.close(fd);
        }
    }

    /** Records every completion, more than one per tag allowed (multishot, zero-copy). */
    private static final class AllCompletions implements CompletionHandler {
        final List<long[]> all = new ArrayList<>();

        @Override
        public void onCompletion(long tag, int res, int flags) {
            all.add(new long[] {tag, res, flags});
        }

        List<long[]> of(long tag) {
            List<long[]> r = new ArrayList<>();
            for (long[] d : all) {
                if (d[0] == tag) {
                    r.add(d);
                }
            }
            return r;
        }

        /** Reaps until operation {@code tag} has {@code n} completions. */
        void awaitTag(Ring ring, long tag, int n) throws UringException {
            while (of(tag).size() < n) {
                await(ring, all.size() + 1);
            }
        }

        void await(Ring ring, int n) throws UringException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (all.size() < n) {
                assertTrue(System.nanoTime() < deadline, "only " + all.size() + " of " + n + " completions in 10 s");
                ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, this);
            }
        }
    }

    /** The send result with CQE_F_MORE, then the notification with CQE_F_NOTIF and without CQE_F_MORE. */
    /** @param bytes what was asked for: a stream socket may take less (a short send), never more or none */
    private static void assertZeroCopyPair(List<long[]> cqes, int bytes) {
        assertEquals(2, cqes.size(), "two completions for a zero-copy send");
        assertTrue(cqes.get(0)[1] > 0 && cqes.get(0)[1] <= bytes, "bytes sent: " + cqes.get(0)[1] + " of " + bytes);
        assertEquals(Cqe.F_MORE, cqes.get(0)[2] & (Cqe.F_MORE | Cqe.F_NOTIF), "first: F_MORE");
        assertEquals(Cqe.F_NOTIF, cqes.get(1)[2] & (Cqe.F_MORE | Cqe.F_NOTIF), "then: F_NOTIF only");
    }

    /** Receives exactly {@code length} bytes, reaping into {@code h} (which also sees the sends' completions). */
    private static byte[] drain(Ring ring, AllCompletions h, int fd, int length) throws UringException {
        ByteBuffer in = ByteBuffer.allocateDirect(length);
        byte[] got = new byte[length];
        int have = 0;
        for (long tag = 1000 + h.all.size(); have < length; tag++) { // tags no earlier completion used
            ring.recv(fd, in.slice(have, length - have), 0).tag(tag);
            while (h.of(tag).isEmpty()) {
                h.await(ring, h.all.size() + 1);
            }
            int n = UringException.check("recv", (int) h.of(tag).get(0)[1]);
            assertTrue(n > 0, "early end of stream after " + have);
            have += n;
        }
        in.get(0, got);
        return got;
    }

    @Test
    void zeroCopySendKeepsItsBufferUntilTheNotification() throws Exception {
        TestSupport.requireAvailable();
        assumeTrue(UringSupport.get().isOpcodeSupported(Opcode.SEND_ZC), "kernel lacks IORING_OP_SEND_ZC (Linux 6.0)");
        try (Ring ring = TestSupport.open()) {
            int[] pair = tcpPair(ring);
            byte[] data = new byte[256 * 1024];
            new Random(7).nextBytes(data);
            ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
            AllCompletions h = new AllCompletions();
            ring.sendZc(pair[0], src.slice(0, 100_000), Linux.MSG_NOSIGNAL).tag(1);
            h.awaitTag(ring, 1, 1);
            // Until the notification the operation, and the buffer with it, stay in flight. The
            // notification may wait for the reader (6.1 over loopback does), so read first.
            assertEquals(h.of(1).size() < 2 ? 1 : 0, ring.inFlight(), "in flight until the notification");
            int first = (int) h.of(1).get(0)[1]; // a stream socket may take less than asked (short send)
            assertArrayEquals(java.util.Arrays.copyOf(data, first), drain(ring, h, pair[1], first));
            h.awaitTag(ring, 1, 2);
            assertZeroCopyPair(h.of(1), 100_000);
            assertEquals(0, ring.inFlight());

            // From a registered buffer; more than the socket buffers take at once, so the
            // notification waits until the reader has drained what the kernel still holds.
            ring.fixedBuffers().register(new ByteBuffer[] {src});
            int rest = data.length - first;
            ring.sendZcFixed(pair[0], ring.fixedBuffers().buffer(0).slice(first, rest), Linux.MSG_NOSIGNAL).tag(2);
            h.awaitTag(ring, 2, 1);
            int second = (int) h.of(2).get(0)[1]; // seen short on 7.3 under QEMU: read only what was sent
            assertArrayEquals(java.util.Arrays.copyOfRange(data, first, first + second), drain(ring, h, pair[1], second));
            h.awaitTag(ring, 2, 2);
            assertZeroCopyPair(h.of(2), rest);
            assertThrows(IndexOutOfBoundsException.class, () -> ring.sendZcFixed(pair[0], ring.fixedBuffers().buffer(0).slice(200_000, 100_000), 0).tag(3));
            assertThrows(IndexOutOfBoundsException.class, () -> ring.sendZcFixed(pair[0], ring.fixedBuffers().buffer(1).slice(0, 1), 0).tag(3));
            IllegalArgumentException drain = assertThrows(IllegalArgumentException.class,
                    () -> ring.sendZc(pair[0], src.slice(0, 1), 0).drain().tag(3));
            assertTrue(drain.getMessage().contains("IO_LINK"), drain.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ring.sendZcFixed(pair[0], ring.fixedBuffers().buffer(0).slice(0, 1), 0).drain().tag(3));
            assertThrows(IllegalArgumentException.class,
                    () -> ring.sendmsgZc(pair[0], new SocketMessage(1, 0), 0).drain().tag(3));
            Collector d = new Collector();
            UncheckedRecords.stage(ring, Opcode.Code.SEND_ZC, 2 /* IOSQE_IO_DRAIN */, pair[0], 0, Memory.address(src), 1, 0, 5);
            UringException raw = assertThrows(UringException.class, ring::submit);
            assertTrue(raw.getMessage().contains("IO_DRAIN and zero-copy sends on one ring"), raw.getMessage());
            assertEquals(-Errno.EINVAL, d.await(ring, 1).res(5));
            // A ring uses IO_DRAIN or zero-copy sends, not both (the kernel's drain accounting
            // does not expect zero-copy notifications): Java and the native validator refuse.
            IllegalArgumentException later = assertThrows(IllegalArgumentException.class, () -> ring.nop().drain().tag(6));
            assertTrue(later.getMessage().contains("has used zero-copy sends"), later.getMessage());
            UncheckedRecords.stage(ring, Opcode.Code.NOP, 2 /* IOSQE_IO_DRAIN */, -1, 0, 0, 0, 0, 7);
            assertThrows(UringException.class, ring::submit);
            assertEquals(-Errno.EINVAL, d.await(ring, 2).res(7));
            try (Ring drained = TestSupport.open()) {
                drained.nop().drain().tag(1);
                IllegalArgumentException zc = assertThrows(IllegalArgumentException.class,
                        () -> drained.sendZc(pair[0], src.slice(0, 1), 0).tag(2));
                assertTrue(zc.getMessage().contains("has used IO_DRAIN"), zc.getMessage());
                drained.submit();
                Collector e2 = new Collector();
                UncheckedRecords.stage(drained, Opcode.Code.SEND_ZC, 0, pair[0], 0, Memory.address(src), 1, 0, 3);
                assertThrows(UringException.class, drained::submit);
                assertEquals(-Errno.EINVAL, e2.await(drained, 2).res(3));
            }
            // Raw records the Java API never writes: the native validator checks the range itself.
            Collector c = new Collector();
            UncheckedRecords.stage(ring, Opcode.Code.SEND_ZC, 4 << 16, pair[0], 0, Memory.address(src) + 200_000, 100_000, 0, 4);
            UringException e = assertThrows(UringException.class, ring::submit);
            assertTrue(e.getMessage().contains("outside its registered buffer"), e.getMessage());
            assertEquals(-Errno.EINVAL, c.await(ring, 1).res(4));
            assertEquals(0, ring.inFlight());
            ring.fixedBuffers().unregister();
            Sockets.close(pair[0]);
            Sockets.close(pair[1]);
        }
    }

    @Test
    void zeroCopySendmsgAndAFailedZeroCopySendStillCompleteFully() throws Exception {
        TestSupport.requireAvailable();
        assumeTrue(UringSupport.get().isOpcodeSupported(Opcode.SENDMSG_ZC), "kernel lacks IORING_OP_SENDMSG_ZC (Linux 6.1)");
        try (Ring ring = TestSupport.open()) {
            int[] pair = tcpPair(ring);
            SocketMessage msg = new SocketMessage(2, 0).buffers(direct("zero-"), direct("copy"));
            AllCompletions h = new AllCompletions();
            ring.sendmsgZc(pair[0], msg, Linux.MSG_NOSIGNAL).tag(1);
            h.awaitTag(ring, 1, 1);
            assertEquals(h.of(1).size() < 2, msg.isInUse(), "the message is in use until the notification");
            assertEquals("zero-copy", new String(drain(ring, h, pair[1], 9), StandardCharsets.US_ASCII));
            h.awaitTag(ring, 1, 2);
            assertZeroCopyPair(h.of(1), 9);
            assertFalse(msg.isInUse());

            // A send on a socket whose peer is gone fails; every completion still arrives once.
            Sockets.close(pair[1]);
            ByteBuffer src = direct("after close");
            for (int i = 0; i < 4; i++) { // the first send may still succeed (the reset comes back after it)
                ring.sendZc(pair[0], src.slice(0, src.remaining()), Linux.MSG_NOSIGNAL).tag(10 + i);
                int before = h.all.size();
                h.awaitTag(ring, 10 + i, 1);
                if ((h.of(10 + i).get(0)[2] & Cqe.F_MORE) != 0) {
                    h.awaitTag(ring, 10 + i, 2);
                }
                assertEquals(0, ring.inFlight());
                long[] last = h.all.get(h.all.size() - 1);
                assertEquals(10 + i, last[0]);
                assertEquals(0, last[2] & Cqe.F_MORE, "the last completion ends the operation");
                assertTrue(h.all.size() - before >= 1);
            }
            assertTrue(h.of(13).get(0)[1] < 0, "a send to a reset connection fails: " + h.of(13).get(0)[1]);
            assertEquals(0, ring.strayCompletions(), "no completion arrived after its operation ended");
            Sockets.close(pair[0]);
        }
    }

    /**
     * A zero-copy send to a peer that never reads: the kernel holds the buffer's pages in
     * the socket's queue until they are sent or the socket goes, so closing the ring alone
     * cannot finish it: close waits its drain time, completes the operation with
     * -ECANCELED and keeps the buffer (never freed). With the socket closed first, the
     * notification follows and nothing is kept.
     */
    @Test
    void closingTheRingWithAZeroCopySendStuckOnAFullSocket() throws Exception {
        TestSupport.requireAvailable();
        assumeTrue(UringSupport.get().isOpcodeSupported(Opcode.SEND_ZC), "kernel lacks IORING_OP_SEND_ZC (Linux 6.0)");
        for (boolean closeSocketsFirst : new boolean[] {true, false}) {
            Ring ring = TestSupport.open();
            int[] pair = tcpPair(ring);
            ByteBuffer big = ByteBuffer.allocateDirect(64 << 20); // more than the socket buffers hold: it blocks
            AllCompletions h = new AllCompletions();
            ring.sendZc(pair[0], big.slice(0, big.capacity()), Linux.MSG_NOSIGNAL).tag(1);
            ring.submitAndReap(0, 200, TimeUnit.MILLISECONDS, h);
            assertEquals(1, ring.inFlight(), "the send waits for the reader");
            long leakedBefore = Ring.leakedBuffers();
            if (closeSocketsFirst) {
                Sockets.close(pair[0]);
                Sockets.close(pair[1]);
            }
            ring.close(java.time.Duration.ofSeconds(closeSocketsFirst ? 10 : 1), h);
            List<long[]> cqes = h.of(1);
            if (closeSocketsFirst) {
                assertFalse(cqes.isEmpty(), "the send completed");
                assertEquals(Cqe.F_NOTIF, cqes.get(cqes.size() - 1)[2] & (Cqe.F_NOTIF | Cqe.F_MORE),
                        "and ended with its notification: " + cqes.size() + " completions");
                assertEquals(leakedBefore, Ring.leakedBuffers(), "nothing kept");
            } else {
                long[] last = cqes.get(cqes.size() - 1);
                assertEquals(-Errno.ECANCELED, last[1], "close ends what the kernel did not finish with -ECANCELED");
                assertEquals(0, last[2], "a final completion (no F_MORE, no F_NOTIF: the kernel never notified)");
                assertTrue(Ring.leakedBuffers() > leakedBefore, "the buffer is kept, not freed under the kernel");
                Sockets.close(pair[0]); // lets the kernel finish and free its ring
                Sockets.close(pair[1]);
            }
        }
    }
}
