package dev.uring4j.async;

import dev.uring4j.Linux;
import dev.uring4j.Sockets;
import dev.uring4j.UringException;
import dev.uring4j.UringSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP echo server on an {@link EventLoop}: the example of a network server on uring4j.
 * Every socket operation runs on the loop thread as a ring operation; completions drive
 * the next step (accept, then per connection receive, send back everything received,
 * receive again). Multishot accept where the kernel has it (5.19), re-armed single
 * accepts otherwise. Meant for loopback tests and benchmarks ({@code java -jar
 * uring4j-<v>-linux-x86_64.jar echo-server}).
 */
public final class EchoServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.uring4j.async.EchoServer");

    private final EventLoop loop;
    private final int listenFd;
    private final InetSocketAddress address;
    private final boolean multishotAccept;
    private final int bufferSize;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    /** Loop-thread state. */
    private final Set<Connection> connections = new HashSet<>();
    private volatile boolean closing;
    private final CompletableFuture<Void> acceptEnded = new CompletableFuture<>();

    private EchoServer(EventLoop loop, int listenFd, InetSocketAddress address, int bufferSize) {
        this.loop = loop;
        this.listenFd = listenFd;
        this.address = address;
        this.bufferSize = bufferSize;
        this.multishotAccept = UringSupport.get().isOpcodeSupported(45); // SOCKET and multishot accept: 5.19
    }

    /** Starts listening on {@code bind} (use port 0 for any) and accepting on {@code loop}. */
    public static EchoServer start(EventLoop loop, InetSocketAddress bind, int bufferSize) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(bind, "bind");
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("bufferSize must be > 0, got " + bufferSize);
        }
        int family = bind.getAddress() instanceof java.net.Inet6Address ? Linux.AF_INET6 : Linux.AF_INET;
        int fd = UringAsyncFile.await(loop.submit((ring, tag) -> ring.socket(family,
                Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, 0, 0, tag), "socket"));
        try {
            Sockets.bind(fd, bind);
            Sockets.listen(fd, 1024);
        } catch (UringException e) {
            dev.uring4j.internal.Native.close(fd);
            throw e;
        }
        EchoServer s = new EchoServer(loop, fd, Sockets.localAddress(fd), bufferSize);
        s.armAccept();
        return s;
    }

    public InetSocketAddress address() {
        return address;
    }

    public long connectionsAccepted() {
        return accepted.get();
    }

    public long bytesEchoed() {
        return echoed.get();
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
            loop.submit((ring, tag) -> ring.accept(listenFd, Linux.SOCK_CLOEXEC, multishotAccept, 0, tag), this::onAccept);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            acceptEnded.complete(null);
        }
    }

    private void onAccept(int res, int flags) {
        if (res >= 0) {
            accepted.incrementAndGet();
            if (closing) {
                closeFd(res);
            } else {
                Connection c = new Connection(res);
                connections.add(c);
                c.receive();
            }
        } else if (res != -125 && !closing) {
            LOG.log(System.Logger.Level.DEBUG, "accept failed: " + res);
        }
        if ((flags & Linux.CQE_F_MORE) == 0) {
            if (closing || res == -125) {
                acceptEnded.complete(null);
            } else {
                armAccept();
            }
        }
    }

    private void closeFd(int fd) {
        try {
            loop.submit((ring, tag) -> ring.closeFd(fd, 0, tag), (res, flags) -> { });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            dev.uring4j.internal.Native.close(fd);
        }
    }

    /** One client: receive, echo all of it, receive again. Touched only on the loop thread. */
    private final class Connection {
        final int fd;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(bufferSize);
        int length;
        int sent;

        Connection(int fd) {
            this.fd = fd;
        }

        void receive() {
            loop.submit((ring, tag) -> ring.recv(fd, buffer, 0, buffer.capacity(), 0, 0, tag), this::onReceive);
        }

        void onReceive(int res, int flags) {
            if (res <= 0) {
                if (res < 0 && res != -125) {
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
            loop.submit((ring, tag) -> ring.send(fd, buffer, sent, length - sent, Linux.MSG_NOSIGNAL, 0, tag), this::onSend);
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
                receive();
            } else {
                end();
            }
        }

        void end() {
            connections.remove(this);
            closeFd(fd);
        }
    }

    /** Stops accepting, ends every connection and closes the listening socket. The loop stays up. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        // Shutting the listening socket down ends a pending (multishot) accept.
        CompletableFuture<Integer> shut = loop.submit((ring, tag) -> ring.shutdown(listenFd, Linux.SHUT_RDWR, 0, tag));
        try {
            shut.join();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "shutdown of the listening socket: " + e.getMessage());
        }
        try {
            acceptEnded.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "the accept did not end within 5 s: " + e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.submit((ring, tag) -> {
                // On the loop thread: shut every connection down (pending receives then end with 0).
                for (Connection c : Set.copyOf(connections)) {
                    loop.submit((r, t) -> r.shutdown(c.fd, Linux.SHUT_RDWR, 0, t), (res, flags) -> { });
                }
                return ring.closeFd(listenFd, 0, tag);
            }, (res, flags) -> done.complete(null));
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            dev.uring4j.internal.Native.close(listenFd);
        }
    }
}
