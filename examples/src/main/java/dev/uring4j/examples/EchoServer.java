package dev.uring4j.examples;

import dev.uring4j.Cqe;
import dev.uring4j.Errno;
import dev.uring4j.Linux;
import dev.uring4j.Opcode;
import dev.uring4j.ProvidedBuffers;
import dev.uring4j.Sockets;
import dev.uring4j.Sqe;
import dev.uring4j.UringException;
import dev.uring4j.async.EventLoop;
import dev.uring4j.diag.UringSupport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP echo server on an {@link EventLoop}: the example of a network server on uring4j.
 * Every socket operation runs on the loop thread as a ring operation; completions drive
 * the next step.
 *
 * <p>Where the kernel has them, each connection has one multishot receive armed that
 * picks buffers from a provided-buffer ring shared by all connections (Linux 6.0), and
 * data is sent back straight from the buffer it arrived in, which is recycled once sent;
 * when every buffer is out (-Errno.ENOBUFS) the receive is re-armed as soon as one comes back,
 * and no byte is lost (it waits in the socket). Elsewhere the server steps down to one
 * receive at a time into each connection's own buffer, and {@link #receiveMode()} and
 * {@link #receiveModeReason()} say so and why. Likewise accept is multishot from 5.19
 * and re-armed single accepts before, and the listening socket comes from the ring's
 * SOCKET (5.19) or the socket syscall. Meant for loopback tests and benchmarks
 * ({@code examples/}'s {@link Main}: {@code echo-server}).
 *
 * <p>It uses only uring4j's API ({@code dev.uring4j}, {@code dev.uring4j.async}), as any
 * program on uring4j would.
 */
public final class EchoServer implements AutoCloseable {
    /** How the server's connections receive. */
    public enum ReceiveMode {
        /** One multishot receive per connection into a shared provided-buffer ring (Linux 6.0+). */
        MULTISHOT_PROVIDED_BUFFERS,
        /** One receive at a time into each connection's own buffer (every kernel). */
        SINGLE_SHOT
    }

    private static final System.Logger LOG = System.getLogger("dev.uring4j.examples.EchoServer");
    private static final AtomicInteger GROUP_IDS = new AtomicInteger(0x4500);
    /** Bytes of provided buffers per server, when the caller does not say. */
    private static final int PROVIDED_BYTES = 4 << 20;

    private final EventLoop loop;
    private final int listenFd;
    private final InetSocketAddress address;
    private final boolean multishotAccept;
    private final int bufferSize;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final CompletableFuture<Void> acceptEnded = new CompletableFuture<>();
    private final CompletableFuture<Void> connectionsEnded = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile ReceiveMode mode;
    private volatile String modeReason;

    // Loop-thread state.
    private final Set<Connection> connections = new HashSet<>();
    private final ProvidedBuffers buffers;
    /** A full-size view of each provided buffer, made once: sends take a range of it (no allocation per send). */
    private final ByteBuffer[] views;
    /** Connections whose multishot receive ended with -Errno.ENOBUFS, waiting for a buffer. */
    private final ArrayDeque<MultishotConnection> starved = new ArrayDeque<>();
    private int buffersOut;

    private EchoServer(EventLoop loop, int listenFd, InetSocketAddress address, int bufferSize, ProvidedBuffers buffers,
                       String modeReason) {
        this.loop = loop;
        this.listenFd = listenFd;
        this.address = address;
        this.bufferSize = bufferSize;
        this.buffers = buffers;
        this.views = new ByteBuffer[buffers != null ? buffers.count() : 0];
        for (int bid = 0; bid < views.length; bid++) {
            views[bid] = buffers.buffer(bid, buffers.size());
        }
        this.mode = buffers != null ? ReceiveMode.MULTISHOT_PROVIDED_BUFFERS : ReceiveMode.SINGLE_SHOT;
        this.modeReason = modeReason;
        this.multishotAccept = hasSocketOp(); // SOCKET and multishot accept: 5.19
    }

    /**
     * Starts listening on {@code bind} (use port 0 for any) and accepting on {@code loop},
     * with multishot receives into provided buffers where the kernel has them.
     */
    public static EchoServer start(EventLoop loop, InetSocketAddress bind, int bufferSize) throws IOException {
        return start(loop, bind, bufferSize, ReceiveMode.MULTISHOT_PROVIDED_BUFFERS);
    }

    /**
     * As {@link #start(EventLoop, InetSocketAddress, int)}, preferring {@code preferred};
     * {@link ReceiveMode#SINGLE_SHOT} is always possible, multishot only where supported.
     */
    public static EchoServer start(EventLoop loop, InetSocketAddress bind, int bufferSize, ReceiveMode preferred)
            throws IOException {
        return start(loop, bind, bufferSize, preferred, 0);
    }

    /** @param providedCount provided buffers (a power of two), or 0 for about 4 MiB of them */
    static EchoServer start(EventLoop loop, InetSocketAddress bind, int bufferSize, ReceiveMode preferred,
                            int providedCount) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(preferred, "preferred");
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("bufferSize must be > 0, got " + bufferSize);
        }
        int fd = listeningSocket(loop, bind);
        ProvidedBuffers pb = null;
        String reason;
        if (preferred == ReceiveMode.SINGLE_SHOT) {
            reason = "single-shot receives were asked for";
        } else {
            int count = providedCount > 0 ? providedCount
                    : Integer.highestOneBit(Math.max(8, Math.min(1024, PROVIDED_BYTES / bufferSize)));
            int group = GROUP_IDS.getAndIncrement() & 0xffff;
            try {
                pb = loop.call(ring -> ring.provideBuffers(group, count, bufferSize)).join();
                reason = "multishot receives into " + count + " provided buffers of " + bufferSize + " bytes (group "
                        + group + ")";
            } catch (CompletionException e) {
                reason = "stepped down to single-shot receives: " + e.getCause().getMessage();
                LOG.log(System.Logger.Level.INFO, "echo server: " + reason);
            }
        }
        EchoServer s = new EchoServer(loop, fd, Sockets.localAddress(fd), bufferSize, pb, reason);
        s.armAccept();
        return s;
    }

    /** Whether the kernel has IORING_OP_SOCKET (5.19, as multishot accept). */
    private static boolean hasSocketOp() {
        return UringSupport.get().isOpcodeSupported(Opcode.SOCKET);
    }

    /** A listening TCP socket: through the ring where it has SOCKET (5.19), else the syscall. */
    private static int listeningSocket(EventLoop loop, InetSocketAddress bind) throws IOException {
        int family = bind.getAddress() instanceof Inet6Address ? Linux.AF_INET6 : Linux.AF_INET;
        int type = Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC;
        int fd = hasSocketOp()
                ? await(loop.submit(ring -> ring.socket(family, type, 0), "socket"))
                : Sockets.open(family, type, 0);
        try {
            Sockets.bind(fd, bind);
            Sockets.listen(fd, 1024);
        } catch (UringException e) {
            closeQuietly(fd);
            throw e;
        }
        return fd;
    }

    /** The result of an EventLoop operation's future, its UringException (or other failure) thrown as it is. */
    private static int await(CompletableFuture<Integer> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for io_uring");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    /** close(fd) by syscall, where no ring can do it; a failure is only logged. */
    private static void closeQuietly(int fd) {
        try {
            Sockets.close(fd);
        } catch (UringException e) {
            LOG.log(System.Logger.Level.DEBUG, "close of fd " + fd + ": " + e.getMessage());
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    /** How connections receive now; see {@link #receiveModeReason()}. */
    public ReceiveMode receiveMode() {
        return mode;
    }

    /** Why the server receives as it does: the buffers it uses, or what made it step down. */
    public String receiveModeReason() {
        return modeReason;
    }

    public long connectionsAccepted() {
        return accepted.get();
    }

    public long bytesEchoed() {
        return echoed.get();
    }

    /** How the server accepts, and why: one multishot accept (5.19+) or single accepts re-armed. */
    public String acceptModeReason() {
        return multishotAccept ? "one multishot accept"
                : "single accepts, re-armed after each (multishot accept needs Linux 5.19; the probe found no "
                        + "IORING_OP_SOCKET, which came with it)";
    }

    /** Connections that ended with an error such as ECONNRESET. */
    public long connectionErrors() {
        return resets.get();
    }

    private void armAccept() {
        if (closing) {
            acceptEnded.complete(null);
            return;
        }
        try {
            loop.submit(ring -> multishotAccept ? ring.acceptMultishot(listenFd, Linux.SOCK_CLOEXEC)
                    : ring.accept(listenFd, Linux.SOCK_CLOEXEC), this::onAccept);
        } catch (RejectedExecutionException e) {
            acceptEnded.complete(null);
        }
    }

    private void onAccept(int res, int flags) {
        if (res >= 0) {
            accepted.incrementAndGet();
            if (closing) {
                closeFd(res);
            } else {
                Connection c = mode == ReceiveMode.MULTISHOT_PROVIDED_BUFFERS
                        ? new MultishotConnection(res) : new SingleShotConnection(res);
                connections.add(c);
                c.start();
            }
        } else if (res != -Errno.ECANCELED && !closing) {
            LOG.log(System.Logger.Level.DEBUG, "accept failed: " + res);
        }
        if ((flags & Cqe.F_MORE) == 0) {
            if (closing || res == -Errno.ECANCELED) {
                acceptEnded.complete(null);
            } else {
                armAccept();
            }
        }
    }

    private void closeFd(int fd) {
        try {
            loop.submit(ring -> ring.closeFd(fd), (res, flags) -> { });
        } catch (RejectedExecutionException e) {
            closeQuietly(fd);
        }
    }

    /**
     * How many provided buffers one connection may hold (chunks received and not yet sent
     * back); beyond that its data is copied out and the buffers go back at once: a peer that
     * sends without reading must not take the buffers every other connection needs.
     */
    private int fairShare() {
        return Math.max(2, buffers.count() / 8);
    }

    /** Unsent echo bytes one connection may keep in its own memory before its receive pauses. */
    private static final int OVERFLOW_LIMIT = 256 << 10;

    /** Loop thread: a provided buffer came back; a receive that ran out of buffers may go on. */
    private void recycled(int bid) {
        buffers.recycle(bid);
        buffersOut--;
        MultishotConnection c = starved.poll();
        if (c != null) {
            c.rearmAfterStarving();
        }
    }

    /** One client. Touched only on the loop thread. */
    private abstract class Connection {
        final int fd;

        Connection(int fd) {
            this.fd = fd;
        }

        abstract void start();

        void end() {
            connections.remove(this);
            closeFd(fd);
            if (closing && connections.isEmpty()) {
                connectionsEnded.complete(null);
            }
        }
    }

    /** Receive into its own buffer, echo all of it, receive again. */
    private final class SingleShotConnection extends Connection {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(bufferSize);
        int length;
        int sent;

        SingleShotConnection(int fd) {
            super(fd);
        }

        @Override
        void start() {
            loop.submit(ring -> ring.recv(fd, buffer.clear(), 0), this::onReceive);
        }

        void onReceive(int res, int flags) {
            if (res <= 0) {
                if (res < 0 && res != -Errno.ECANCELED) {
                    resets.incrementAndGet();
                }
                end();
                return;
            }
            length = res;
            sent = 0;
            send();
        }

        void send() {
            loop.submit(ring -> ring.send(fd, buffer.limit(length).position(sent), Linux.MSG_NOSIGNAL), this::onSend);
        }

        void onSend(int res, int flags) {
            if (res < 0) {
                resets.incrementAndGet();
                end();
                return;
            }
            sent += res;
            echoed.addAndGet(res);
            if (sent < length) {
                send();
            } else if (!closing) {
                start();
            } else {
                end();
            }
        }
    }

    /**
     * One multishot receive armed; each chunk is sent back from its provided buffer, in
     * order, one send at a time, and the buffer recycled once all of it is sent.
     */
    private final class MultishotConnection extends Connection {
        /** Chunks received and not yet fully sent: buffer id and length. */
        final ArrayDeque<int[]> chunks = new ArrayDeque<>();
        int sentOfHead;
        boolean armed;
        boolean sending;
        boolean receivedAny;
        /** The receive side ended (end of stream, error or cancel) or a send failed. */
        boolean finished;
        /** The armed receive's operation id (to pause it). */
        long receiveId = -1;
        /**
         * The peer sends faster than it reads our echo: the receive was cancelled (the data
         * waits in the socket and TCP slows the peer down); it is re-armed once all is sent.
         */
        boolean paused;
        /**
         * Bytes of a connection whose echoes back up, copied out of the shared buffers (which
         * go back at once): [0, overflowEnd) holds the last chunk, marked with buffer id -1.
         */
        ByteBuffer overflow;
        int overflowEnd;

        MultishotConnection(int fd) {
            super(fd);
        }

        @Override
        void start() {
            arm();
        }

        void arm() {
            armed = true;
            paused = false;
            loop.submit(ring -> {
                Sqe receive = ring.recvMultishot(fd, buffers);
                receiveId = receive.id();
                return receive;
            }, this::onReceive);
        }

        void keepInOverflow(int bid, int length) {
            if (overflow == null || overflow.capacity() - overflowEnd < length) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(2 * (overflowEnd + length), 64 << 10));
                if (overflow != null) {
                    bigger.put(0, overflow, 0, overflowEnd); // an echo in flight keeps the old one referenced
                }
                overflow = bigger;
            }
            overflow.put(overflowEnd, views[bid].clear(), 0, length); // a send may have narrowed the view before
            overflowEnd += length;
            int[] last = chunks.peekLast();
            if (last != null && last[0] < 0) {
                last[1] += length;
            } else {
                chunks.add(new int[] {-1, length});
            }
        }

        /** Stops the receive of a connection whose unsent echoes reached {@link #OVERFLOW_LIMIT}. */
        void pause() {
            paused = true;
            long id = receiveId;
            loop.submit(ring -> ring.cancel(id), (r, f) -> { });
        }

        void onReceive(int res, int flags) {
            boolean more = (flags & Cqe.F_MORE) != 0;
            armed = more;
            if (res > 0) {
                receivedAny = true;
                buffersOut++;
                int bid = buffers.bufferId(flags);
                if (finished) {
                    recycled(bid);
                } else if (overflowEnd > 0 || chunks.size() >= fairShare()) {
                    // This peer does not read its echoes: keep its bytes in its own memory and give
                    // the shared buffer back at once, so that the other connections never run out.
                    keepInOverflow(bid, res);
                    recycled(bid);
                    if (more && !paused && overflowEnd >= OVERFLOW_LIMIT) {
                        pause();
                    }
                    if (!sending) {
                        sendHead();
                    }
                } else {
                    chunks.add(new int[] {bid, res});
                    if (!sending) {
                        sendHead();
                    }
                }
                if (!more && !finished) {
                    if (closing) {
                        finished = true;
                    } else if (!paused) {
                        arm(); // the kernel ended the receive without an error (e.g. a full completion queue)
                    }
                }
            } else if (ProvidedBuffers.hasBuffer(flags)) {
                buffersOut++; // not expected without data, but a buffer the kernel handed out goes back
                recycled(buffers.bufferId(flags));
                finished = true;
            } else if (res == -Errno.ECANCELED && paused && !closing && !finished) {
                if (chunks.isEmpty()) {
                    arm(); // everything was sent while the cancel was on its way
                }
            } else if (res == -Errno.ENOBUFS && !closing && !finished) {
                if (buffersOut < buffers.count()) {
                    arm(); // buffers came back meanwhile
                } else {
                    starved.add(this);
                }
            } else if (res == -Errno.EINVAL && !receivedAny && mode == ReceiveMode.MULTISHOT_PROVIDED_BUFFERS) {
                stepDown();
            } else {
                if (res < 0 && res != -Errno.ECANCELED && res != -Errno.ENOBUFS) {
                    resets.incrementAndGet();
                }
                finished = true;
            }
            maybeEnd();
        }

        /** The kernel refused multishot receive: this and later connections receive single-shot. */
        void stepDown() {
            mode = ReceiveMode.SINGLE_SHOT;
            modeReason = "stepped down to single-shot receives: the kernel refused a multishot RECV with "
                    + "Errno.EINVAL (multishot receive needs Linux 6.0)";
            LOG.log(System.Logger.Level.INFO, "echo server: " + modeReason);
            connections.remove(this);
            Connection c = new SingleShotConnection(fd);
            connections.add(c);
            c.start();
        }

        void rearmAfterStarving() {
            if (finished || closing) {
                finished = true;
                maybeEnd();
            } else {
                arm();
            }
        }

        void sendHead() {
            int[] chunk = chunks.peek();
            sending = true;
            ByteBuffer data = chunk[0] >= 0 ? views[chunk[0]] : overflow.duplicate(); // overflow keeps growing
            int from = sentOfHead;
            int length = chunk[1] - sentOfHead; // the overflow chunk may grow (and move) before the send is prepared
            // The range is the view's [position, limit): one send per buffer at a time, so no slice per send.
            loop.submit(ring -> ring.send(fd, data.limit(from + length).position(from), Linux.MSG_NOSIGNAL),
                    this::onSend);
        }

        void onSend(int res, int flags) {
            sending = false;
            if (res < 0) {
                resets.incrementAndGet();
                finished = true;
                while (!chunks.isEmpty()) {
                    int bid = chunks.poll()[0];
                    if (bid >= 0) {
                        recycled(bid);
                    }
                }
                overflowEnd = 0;
                if (armed) {
                    // Ends the armed receive (it completes with 0 or an error), then the connection.
                    loop.submit(ring -> ring.shutdown(fd, Linux.SHUT_RDWR), (r, f) -> { });
                }
                maybeEnd();
                return;
            }
            echoed.addAndGet(res);
            sentOfHead += res;
            int[] head = chunks.peek();
            if (sentOfHead == head[1]) {
                chunks.poll();
                sentOfHead = 0;
                if (head[0] >= 0) {
                    recycled(head[0]);
                } else {
                    overflowEnd = 0; // the overflow chunk is always the last one
                }
            }
            if (!chunks.isEmpty()) {
                sendHead();
            } else if (paused && !armed && !finished && !closing) {
                arm(); // the peer read its echo: receive again
            } else {
                maybeEnd();
            }
        }

        void maybeEnd() {
            if (finished && !armed && !sending && chunks.isEmpty() && !starved.contains(this)) {
                end();
            }
        }

        @Override
        public String toString() {
            return "fd " + fd + (armed ? " receiving" : "") + (paused ? " paused" : "") + (sending ? " sending" : "") + (finished ? " finished" : "")
                    + (starved.contains(this) ? " waiting for a buffer" : "") + ", " + chunks.size() + " chunks to send";
        }
    }

    /**
     * Stops accepting, ends every connection, closes the listening socket and gives the
     * provided buffers back. The loop stays up.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        // Shutting the listening socket down ends a pending (multishot) accept.
        CompletableFuture<Integer> shut = loop.submit(ring -> ring.shutdown(listenFd, Linux.SHUT_RDWR));
        try {
            shut.join();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "shutdown of the listening socket: " + e.getMessage());
        }
        try {
            acceptEnded.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "the accept did not end within 5 s: " + e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.submit(ring -> {
                // On the loop thread: shut every connection down (pending receives then end with 0).
                for (Connection c : Set.copyOf(connections)) {
                    loop.submit(r -> r.shutdown(c.fd, Linux.SHUT_RDWR), (res, flags) -> { });
                }
                for (MultishotConnection c : starved.toArray(new MultishotConnection[0])) {
                    starved.remove(c);
                    c.rearmAfterStarving();
                }
                if (connections.isEmpty()) {
                    connectionsEnded.complete(null);
                }
                return ring.closeFd(listenFd);
            }, (res, flags) -> done.complete(null));
            done.get(5, TimeUnit.SECONDS);
            try {
                connectionsEnded.get(5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                String left = loop.call(ring -> connections.toString()).get(1, TimeUnit.SECONDS);
                throw new IllegalStateException("connections did not end within 5 s: " + left, e);
            }
            if (buffers != null) {
                loop.call(ring -> {
                    buffers.close();
                    return null;
                }).get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "echo server close: " + e);
            if (!done.isDone()) {
                closeQuietly(listenFd);
            }
        }
    }
}
