package dev.uring4j.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.uring4j.async.EventLoop;
import dev.uring4j.examples.EchoLoad;
import dev.uring4j.examples.EchoServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;

/**
 * Echo round trips per second on loopback: the uring4j EchoServer on one EventLoop vs a
 * plain NIO selector server on one thread vs Netty 4.2's epoll and io_uring transports on
 * one event loop thread each, all driven by the same blocking clients in this JVM (so CPU
 * per request includes the clients, equally for all).
 *
 * <pre>--server uring4j|uring4j-single|nio|netty-epoll|netty-io_uring --connections N --size BYTES --seconds S --warmup S</pre>
 *
 * The Netty servers live in bench/java-netty ({@code NettyEcho}) and need Netty on the
 * classpath (bench/pom.xml); the other two do not.
 */
public final class EchoBench {
    private EchoBench() {}

    /** A running echo server under test. */
    interface Server extends AutoCloseable {
        InetSocketAddress address() throws IOException;

        /** The contender name reported in the results. */
        String name();
    }

    public static void main(String[] args) throws Exception {
        String server = "uring4j";
        int connections = 1;
        int size = 64;
        double seconds = 3;
        double warmup = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server": server = args[++i]; break;
                case "--connections": connections = Integer.parseInt(args[++i]); break;
                case "--size": size = Integer.parseInt(args[++i]); break;
                case "--seconds": seconds = Double.parseDouble(args[++i]); break;
                case "--warmup": warmup = Double.parseDouble(args[++i]); break;
                default: throw new IllegalArgumentException(args[i]);
            }
        }
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        Server echo;
        try {
            echo = start(server, any);
        } catch (UnsupportedOperationException e) {
            System.err.println("echo bench: " + server + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        InetSocketAddress address = echo.address();
        EchoLoad.run(address, connections, Integer.MAX_VALUE, size, Duration.ofMillis((long) (warmup * 1000)));
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        EchoLoad.Result r = EchoLoad.run(address, connections, Integer.MAX_VALUE, size, Duration.ofMillis((long) (seconds * 1000)));
        long cpu = os.getProcessCpuTime() - cpu0;
        echo.close();
        if (r.errors() > 0 || r.mismatches() > 0) {
            throw new IllegalStateException("echo errors: " + r);
        }
        System.out.printf(Locale.ROOT, "{\"contender\":\"%s\",\"workload\":\"echo-%dB\",\"depth\":%d,\"ops\":%d,\"seconds\":%.4f,"
                        + "\"opsPerSec\":%.1f,\"cpuNsPerOp\":%.1f,\"allocBytesPerOp\":0}%n",
                echo.name(), size, connections,
                r.roundTrips(), r.seconds(), r.roundTripsPerSecond(), cpu / (double) r.roundTrips());
        System.exit(0);
    }

    private static Server start(String server, InetSocketAddress any) throws Exception {
        switch (server) {
            case "uring4j":
            case "uring4j-single": {
                EventLoop loop = EventLoop.open();
                EchoServer.ReceiveMode mode = server.equals("uring4j") ? EchoServer.ReceiveMode.MULTISHOT_PROVIDED_BUFFERS
                        : EchoServer.ReceiveMode.SINGLE_SHOT;
                EchoServer s = EchoServer.start(loop, any, 16 * 1024, mode);
                if (s.receiveMode() != mode) {
                    System.err.println("echo bench: " + s.receiveModeReason());
                }
                return new Server() {
                    @Override
                    public InetSocketAddress address() {
                        return s.address();
                    }

                    @Override
                    public String name() {
                        return s.receiveMode() == EchoServer.ReceiveMode.SINGLE_SHOT
                                ? "uring4j EchoServer, single-shot recv (1 EventLoop)"
                                : "uring4j EchoServer, multishot recv (1 EventLoop)";
                    }

                    @Override
                    public void close() {
                        s.close();
                        loop.close();
                    }
                };
            }
            case "nio":
                return new NioEcho(any);
            case "netty-epoll":
            case "netty-io_uring":
                return netty(server.substring("netty-".length()), any);
            default:
                throw new IllegalArgumentException("--server uring4j|uring4j-single|nio|netty-epoll|netty-io_uring, not " + server);
        }
    }

    /** Loaded by name so that this file compiles and the other servers run without Netty. */
    private static Server netty(String transport, InetSocketAddress any) throws Exception {
        try {
            Class<?> c = Class.forName("dev.uring4j.bench.NettyEcho");
            return (Server) c.getMethod("start", String.class, InetSocketAddress.class).invoke(null, transport, any);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new UnsupportedOperationException("NettyEcho or Netty is not on the classpath (scripts/bench builds it "
                    + "from bench/java-netty with the classpath of bench/pom.xml): " + e);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            throw (Error) cause;
        }
    }

    /** The plain-NIO baseline: one selector thread, read then write back. */
    static final class NioEcho implements Server {
        private final ServerSocketChannel listener;
        private final Selector selector;
        private final Thread thread;
        private volatile boolean running = true;

        NioEcho(InetSocketAddress bind) throws IOException {
            listener = ServerSocketChannel.open().bind(bind);
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
            thread = new Thread(this::run, "nio-echo");
            thread.start();
        }

        @Override
        public InetSocketAddress address() throws IOException {
            return (InetSocketAddress) listener.getLocalAddress();
        }

        @Override
        public String name() {
            return "NIO selector (1 thread)";
        }

        private void run() {
            try {
                while (running) {
                    selector.select(100);
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        if (k.isAcceptable()) {
                            SocketChannel c = listener.accept();
                            if (c != null) {
                                c.configureBlocking(false);
                                c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(16 * 1024));
                            }
                        } else if (k.isReadable() || k.isWritable()) {
                            SocketChannel c = (SocketChannel) k.channel();
                            ByteBuffer b = (ByteBuffer) k.attachment();
                            try {
                                if (k.isReadable() && b.position() == 0 && c.read(b) < 0) {
                                    k.cancel();
                                    c.close();
                                    continue;
                                }
                                b.flip();
                                c.write(b);
                                b.compact();
                                k.interestOps(b.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                            } catch (IOException e) {
                                k.cancel();
                                c.close();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws Exception {
            running = false;
            selector.wakeup();
            thread.join();
            listener.close();
            selector.close();
        }
    }
}
