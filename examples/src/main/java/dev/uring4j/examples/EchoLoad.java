package dev.uring4j.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The echo load generator: {@code connections} blocking clients (one thread each), each
 * sending {@code messages} messages of {@code size} bytes and checking every echoed byte,
 * until done or {@code limit} passes. Loopback only: it refuses any other address.
 */
public final class EchoLoad {
    /** What a run did. */
    public record Result(long roundTrips, long bytes, long errors, long mismatches, double seconds) {
        public double roundTripsPerSecond() {
            return roundTrips / seconds;
        }
    }

    private EchoLoad() {}

    public static Result run(InetSocketAddress server, int connections, int messages, int size, Duration limit)
            throws InterruptedException {
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the load generator only targets loopback addresses, not " + server);
        }
        if (connections <= 0 || connections > 1024 || messages <= 0 || size <= 0 || size > (1 << 20)) {
            throw new IllegalArgumentException("connections 1..1024, messages > 0, size 1..1 MiB");
        }
        AtomicLong trips = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong mismatches = new AtomicLong();
        long end = System.nanoTime() + limit.toNanos();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            long seed = c;
            Thread t = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                ByteBuffer out = ByteBuffer.allocateDirect(size);
                ByteBuffer in = ByteBuffer.allocateDirect(size);
                try (SocketChannel ch = SocketChannel.open(server)) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    for (int m = 0; m < messages && System.nanoTime() < end; m++) {
                        out.clear();
                        byte first = (byte) rnd.nextInt();
                        for (int i = 0; i < size; i++) {
                            out.put(i, (byte) (first + i));
                        }
                        while (out.hasRemaining()) {
                            ch.write(out);
                        }
                        in.clear();
                        while (in.hasRemaining()) {
                            if (ch.read(in) < 0) {
                                throw new IOException("server closed the connection");
                            }
                        }
                        for (int i = 0; i < size; i++) {
                            if (in.get(i) != (byte) (first + i)) {
                                mismatches.incrementAndGet();
                                break;
                            }
                        }
                        trips.incrementAndGet();
                        bytes.addAndGet(size);
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
            }, "echo-load-" + c);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(trips.get(), bytes.get(), errors.get(), mismatches.get(), (System.nanoTime() - start) / 1e9);
    }
}
