import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.SharedLoops;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run by dev.uring4j.async.VirtualEngineTest on Temurin 25 with ONE carrier thread
 * (-Djdk.virtualThreadScheduler.parallelism=1, maxPoolSize=1): a virtual thread waiting for
 * an io_uring read must unmount (if it spun, or sat in io_uring_enter, the only carrier
 * would be gone and the writer below could never run), and a thousand virtual threads
 * reading a cached file through read().join() must all get their bytes.
 * Args: workDir. Prints "RESULT ok" and figures.
 */
public final class VirtualEngineMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path fifo = dir.resolve("fifo");
        Path data = dir.resolve("data");
        int blocks = 256;
        ByteBuffer content = ByteBuffer.allocate(blocks * 4096);
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < 4096 / 8; i++) {
                content.putLong((long) b << 32 | i);
            }
        }
        Files.write(data, content.array());

        // 1. A virtual thread parks while its read waits in a ring; the one carrier runs the writer.
        try (AsyncFile f = AsyncFile.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            long t0 = System.nanoTime();
            Thread reader = Thread.ofVirtual().start(() -> {
                int n = f.read(b, 0).join();
                if (n != 3) {
                    throw new IllegalStateException("read " + n);
                }
            });
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(100);
                    try (OutputStream out = Files.newOutputStream(fifo)) {
                        out.write(new byte[] {1, 2, 3});
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            if (!reader.join(Duration.ofSeconds(20)) || !writer.join(Duration.ofSeconds(1))) {
                System.out.println("RESULT hang: the waiting virtual thread held the only carrier");
                System.exit(2);
            }
            System.out.println("parked read done in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }

        // 2. A thousand virtual threads, 64 cached reads each, checked word by word.
        AtomicLong bad = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        long t0 = System.nanoTime();
        try (AsyncFile f = AsyncFile.open(data, StandardOpenOption.READ)) {
            List<Thread> ts = new ArrayList<>();
            for (int v = 0; v < 1000; v++) {
                int seed = v;
                ts.add(Thread.ofVirtual().start(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(4096);
                    for (int k = 0; k < 64; k++) {
                        int block = (seed * 31 + k * 7) % blocks;
                        b.clear();
                        int n = f.read(b, block * 4096L).join();
                        b.flip();
                        if (n != 4096 || b.getLong(0) != ((long) block << 32) || b.getLong(4088) != ((long) block << 32 | 511)) {
                            bad.incrementAndGet();
                        }
                        reads.incrementAndGet();
                    }
                }));
            }
            for (Thread t : ts) {
                if (!t.join(Duration.ofSeconds(60))) {
                    System.out.println("RESULT hang: virtual readers did not finish");
                    System.exit(2);
                }
            }
        }
        System.out.println("virtual reads " + reads.get() + " bad " + bad.get() + " in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        SharedLoops.shutdown(Duration.ofSeconds(5));
        System.out.println(bad.get() == 0 && reads.get() == 64_000 ? "RESULT ok" : "RESULT wrong bytes");
    }
}
