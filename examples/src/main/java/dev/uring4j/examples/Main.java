package dev.uring4j.examples;

import dev.uring4j.async.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The examples' command line:
 * {@code java --enable-native-access=ALL-UNNAMED -cp target/uring4j-<v>-linux-x86_64.jar:target/examples/target/classes dev.uring4j.examples.Main echo-server [PORT]}
 * runs an {@link EchoServer} on 127.0.0.1 until Ctrl-C;
 * {@code ... echo-load PORT [CONNECTIONS MESSAGES SIZE SECONDS]} drives one with {@link EchoLoad}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws IOException {
        String command = args.length > 0 ? args[0] : "--help";
        switch (command) {
            case "echo-server" -> echoServer(args);
            case "echo-load" -> {
                if (args.length < 2) {
                    usage();
                    System.exit(2);
                }
                echoLoad(args);
            }
            default -> {
                usage();
                if (!command.equals("--help") && !command.equals("-h")) {
                    System.exit(2);
                }
            }
        }
    }

    private static void usage() {
        System.out.println("usage: dev.uring4j.examples.Main echo-server [PORT]   TCP echo server on 127.0.0.1 (default port 7007)");
        System.out.println("       dev.uring4j.examples.Main echo-load PORT [CONNECTIONS MESSAGES SIZE SECONDS]   loopback load");
    }

    private static void echoServer(String[] args) throws IOException {
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7007;
        EventLoop loop = EventLoop.open();
        EchoServer server = EchoServer.start(loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16 * 1024);
        System.out.println("echo server on " + server.address() + " (" + loop.describe().replace("\n", " ") + "); Ctrl-C stops it");
        System.out.println("accepts: " + server.acceptModeReason());
        System.out.println("receives: " + server.receiveMode() + ": " + server.receiveModeReason());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            loop.close();
            System.out.println("echoed " + server.bytesEchoed() + " bytes over " + server.connectionsAccepted() + " connections");
        }));
        // The loop's thread is a daemon: without this the JVM would end (and the server with it) here.
        try {
            Thread.currentThread().join(); // until Ctrl-C: the shutdown hook closes the server
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void echoLoad(String[] args) {
        int port = Integer.parseInt(args[1]);
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int messages = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int size = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        double seconds = args.length > 5 ? Double.parseDouble(args[5]) : 10;
        try {
            EchoLoad.Result r = EchoLoad.run(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    connections, messages, size, Duration.ofMillis((long) (seconds * 1000)));
            System.out.printf("%,d round trips of %d bytes in %.2f s: %,.0f/s; errors %d, mismatches %d%n", r.roundTrips(),
                    size, r.seconds(), r.roundTripsPerSecond(), r.errors(), r.mismatches());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
