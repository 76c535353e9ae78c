import dev.uring4j.nio.UringChannels;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * JDK 22+ only: buffers that view Arena memory, given to the JDK's channel interfaces, once
 * on the JDK's own channels and once on uring4j's (UringChannels). Launched by
 * nio.ArenaChannelTest as a single-file source program:
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -During4j.library.path=... -cp target/classes \
 *     src/test/java25/ArenaChannels.java DIR</pre>
 *
 * Prints {@code CASE name.impl=outcome} per case and implementation (impl: jdk, uring).
 * An outcome is {@code ok:...} with what the call returned and where the buffer and the
 * channel stand, {@code wrong-bytes}, or {@code threw:Type}. Cases whose JDK run never ends
 * (the JDK's AsynchronousFileChannel loses the exception its pool thread meets) print
 * {@code threw:TimedOut} there after 3 s.
 *
 * <p>Regression for: uring4j's FileChannel and AsynchronousFileChannel refused every buffer
 * of an Arena.ofShared() or Arena.ofConfined() (IllegalArgumentException), which the JDK's
 * channels take.
 */
public final class ArenaChannels {
    static final int SIZE = 4096;
    static Path dir;
    static Path data;
    /** Longer than the largest copy uring4j makes of an Arena's buffer (256 KiB): several copies per call. */
    static final int BIG = 3 * 1024 * 1024 + 100;
    static Path bigData;

    interface Case {
        String run(Impl impl) throws Exception;
    }

    enum Impl {
        JDK, URING;

        FileChannel open(Path p, StandardOpenOption... o) throws Exception {
            return this == JDK ? FileChannel.open(p, o) : UringChannels.newFileChannel(p, Set.of(o));
        }

        AsynchronousFileChannel openAsync(Path p, StandardOpenOption... o) throws Exception {
            return this == JDK ? AsynchronousFileChannel.open(p, o)
                    : UringChannels.newAsynchronousFileChannel(p, Set.of(o), null);
        }
    }

    public static void main(String[] args) throws Exception {
        dir = Path.of(args[0]);
        data = dir.resolve("data");
        Files.write(data, pattern());
        bigData = dir.resolve("big");
        Files.write(bigData, pattern(0, 4 * 1024 * 1024));
        Map<String, Case> cases = new LinkedHashMap<>();
        fileChannelCases(cases);
        bigFileChannelCases(cases);
        asyncCases(cases);
        bigAsyncCases(cases);
        asyncCloseRaceCase(cases);
        int n = 0;
        for (Map.Entry<String, Case> e : cases.entrySet()) {
            for (Impl impl : Impl.values()) {
                String outcome;
                try {
                    outcome = e.getValue().run(impl);
                } catch (Throwable t) {
                    outcome = "threw:" + t.getClass().getSimpleName();
                }
                System.out.println("CASE " + e.getKey() + "." + impl.name().toLowerCase() + "=" + outcome);
                System.out.flush();
                n++;
            }
        }
        System.out.println("DONE " + n);
        System.exit(0); // the JDK's asynchronous channel threads of the timed-out cases
    }

    // ------------------------------------------------------------------ FileChannel

    static void fileChannelCases(Map<String, Case> cases) {
        cases.put("fc.read.shared", impl -> {
            try (Arena a = Arena.ofShared()) {
                return read(impl, a.allocate(SIZE).asByteBuffer(), 0);
            }
        });
        cases.put("fc.read.confined", impl -> {
            try (Arena a = Arena.ofConfined()) {
                return read(impl, a.allocate(SIZE).asByteBuffer(), 100);
            }
        });
        cases.put("fc.read.sliceOfShared", impl -> {
            try (Arena a = Arena.ofShared()) {
                return read(impl, a.allocate(2 * SIZE).asByteBuffer().slice(10, 1000).position(7), 5);
            }
        });
        cases.put("fc.read.confinedFromAnotherThread", impl -> {
            try (Arena a = Arena.ofConfined()) {
                ByteBuffer b = a.allocate(SIZE).asByteBuffer();
                AtomicReference<String> r = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        r.set(read(impl, b, 0));
                    } catch (Throwable x) {
                        r.set("threw:" + x.getClass().getSimpleName());
                    }
                });
                t.start();
                t.join();
                return r.get() + " untouched=" + isZero(b);
            }
        });
        cases.put("fc.read.closedArena", impl -> {
            Arena a = Arena.ofShared();
            ByteBuffer b = a.allocate(SIZE).asByteBuffer();
            a.close();
            return read(impl, b, 0);
        });
        cases.put("fc.read.relative.shared", impl -> {
            try (Arena a = Arena.ofShared(); FileChannel ch = impl.open(data, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(1000).asByteBuffer();
                ch.position(50);
                int n = ch.read(b);
                return "ok:" + n + " pos=" + b.position() + " channel=" + ch.position() + " bytes="
                        + matches(b.duplicate().position(0), 50, n);
            }
        });
        cases.put("fc.readv.sharedAndHeap", impl -> {
            try (Arena a = Arena.ofShared(); FileChannel ch = impl.open(data, StandardOpenOption.READ)) {
                ByteBuffer[] bs = {a.allocate(1000).asByteBuffer(), ByteBuffer.allocate(500), a.allocate(SIZE).asByteBuffer()};
                long n = ch.read(bs);
                return "ok:" + n + " pos=" + bs[0].position() + "," + bs[1].position() + "," + bs[2].position()
                        + " channel=" + ch.position() + " bytes=" + (matches(bs[0].duplicate().position(0), 0, 1000)
                        && matches(bs[1].duplicate().position(0), 1000, 500)
                        && matches(bs[2].duplicate().position(0), 1500, SIZE - 1500));
            }
        });
        cases.put("fc.write.shared", impl -> {
            Path p = dir.resolve("w-" + impl);
            try (Arena a = Arena.ofShared(); FileChannel ch = impl.open(p, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer b = a.allocate(SIZE).asByteBuffer().put(pattern()).position(96).limit(3000);
                int n = ch.write(b, 10);
                return "ok:" + n + " pos=" + b.position() + " size=" + ch.size() + " bytes=" + fileMatches(p, 10, 96, n);
            }
        });
        cases.put("fc.writev.confined", impl -> {
            Path p = dir.resolve("wv-" + impl);
            try (Arena a = Arena.ofConfined(); FileChannel ch = impl.open(p, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer x = a.allocate(SIZE).asByteBuffer().put(pattern()).flip().limit(700);
                ByteBuffer y = ByteBuffer.wrap(pattern()).position(700);
                long n = ch.write(new ByteBuffer[] {x, y});
                return "ok:" + n + " pos=" + x.position() + "," + y.position() + " channel=" + ch.position()
                        + " bytes=" + fileMatches(p, 0, 0, (int) n);
            }
        });
        cases.put("fc.read.mappedShared", impl -> {
            Path m = dir.resolve("m-" + impl);
            Files.write(m, new byte[SIZE]);
            try (Arena a = Arena.ofShared(); FileChannel mc = FileChannel.open(m, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = mc.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, a).asByteBuffer();
                String r = read(impl, b, 0);
                return r + " file=" + fileMatches(m, 0, 0, SIZE);
            }
        });
        cases.put("fc.read.fifo.arenaClosedDuringRead", ArenaChannels::arenaClosedDuringFifoRead);
    }

    /** Reads SIZE bytes (or to the end) at {@code at} into {@code b}; reports the count, the buffer and the bytes. */
    static String read(Impl impl, ByteBuffer b, long at) throws Exception {
        int from = b.position();
        try (FileChannel ch = impl.open(data, StandardOpenOption.READ)) {
            int n = ch.read(b, at);
            return "ok:" + n + " pos=" + b.position() + " bytes=" + matches(b.duplicate().position(from), (int) at, n);
        }
    }

    /**
     * A read of a FIFO blocks in the read; meanwhile another thread closes the buffer's
     * arena. The JDK holds the arena: close throws. uring4j cannot: close works, no byte
     * reaches the freed memory, and the read fails with IllegalStateException once data comes.
     */
    static String arenaClosedDuringFifoRead(Impl impl) throws Exception {
        Path fifo = dir.resolve("fifo-" + impl);
        Files.deleteIfExists(fifo);
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mk.waitFor() != 0) {
            return "no-mkfifo";
        }
        Arena a = Arena.ofShared();
        ByteBuffer b = a.allocate(SIZE).asByteBuffer();
        CompletableFuture<String> reader = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (FileChannel ch = impl.open(fifo, StandardOpenOption.READ)) {
                reader.complete("read:" + ch.read(b));
            } catch (Throwable x) {
                reader.complete("read-threw:" + x.getClass().getSimpleName());
            }
        });
        t.start();
        try (FileChannel w = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
            Thread.sleep(300); // the reader is in its read
            String close;
            try {
                a.close();
                close = "closed";
            } catch (IllegalStateException e) {
                close = "close-threw:IllegalStateException";
            }
            w.write(ByteBuffer.wrap(pattern()));
            t.join(5000);
            String r = reader.getNow("read-still-blocked");
            if (!close.equals("closed")) {
                a.close();
            }
            return close + " " + r;
        }
    }

    // ------------------------------------------------------------------ buffers longer than one copy

    static void bigFileChannelCases(Map<String, Case> cases) {
        cases.put("fc.readWrite.huge.heap", ArenaChannels::hugeTransferHeap);
        cases.put("fc.read.big.shared", impl -> {
            try (Arena a = Arena.ofShared(); FileChannel ch = impl.open(bigData, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer().position(3);
                int n = ch.read(b, 5);
                return "ok:" + n + " pos=" + b.position() + " channel=" + ch.position()
                        + " bytes=" + matches(b.duplicate().position(3), 5, n);
            }
        });
        cases.put("fc.read.big.relative", impl -> {
            try (Arena a = Arena.ofShared(); FileChannel ch = impl.open(bigData, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer();
                ch.position(7);
                int n = ch.read(b);
                return "ok:" + n + " pos=" + b.position() + " channel=" + ch.position()
                        + " bytes=" + matches(b.duplicate().position(0), 7, n);
            }
        });
        cases.put("fc.read.big.nearTheEnd", impl -> {
            try (Arena a = Arena.ofConfined(); FileChannel ch = impl.open(bigData, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer();
                long at = ch.size() - 300_000; // the file ends inside the second copy
                int n = ch.read(b, at);
                return "ok:" + n + " pos=" + b.position() + " bytes=" + matches(b.duplicate().position(0), (int) at, n)
                        + " atEnd=" + ch.read(b.clear(), ch.size());
            }
        });
        cases.put("fc.write.big.shared", impl -> {
            Path p = dir.resolve("bw-" + impl);
            try (Arena a = Arena.ofShared(); FileChannel ch = impl.open(p, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer().put(pattern(0, BIG)).position(11).limit(BIG - 1);
                int n = ch.write(b, 13);
                return "ok:" + n + " pos=" + b.position() + " size=" + ch.size() + " bytes=" + fileMatches(p, 13, 11, n);
            }
        });
        cases.put("fc.write.big.relative", impl -> {
            Path p = dir.resolve("bwr-" + impl);
            try (Arena a = Arena.ofConfined(); FileChannel ch = impl.open(p, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer().put(pattern(0, BIG)).flip();
                ch.position(1000);
                int n = ch.write(b);
                return "ok:" + n + " pos=" + b.position() + " channel=" + ch.position() + " size=" + ch.size()
                        + " bytes=" + fileMatches(p, 1000, 0, n);
            }
        });
        cases.put("fc.write.big.append", impl -> {
            Path p = dir.resolve("bwa-" + impl);
            Files.write(p, pattern(0, 500));
            try (Arena a = Arena.ofShared(); FileChannel ch = impl.open(p, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer().put(pattern(500, BIG)).flip();
                int n = ch.write(b);
                return "ok:" + n + " pos=" + b.position() + " channel=" + ch.position() + " size=" + ch.size()
                        + " bytes=" + fileMatches(p, 0, 0, 500 + n);
            }
        });
    }

    // ------------------------------------------------------------------ AsynchronousFileChannel

    static void asyncCases(Map<String, Case> cases) {
        cases.put("afc.read.shared", impl -> {
            try (Arena a = Arena.ofShared(); AsynchronousFileChannel ch = impl.openAsync(data, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(SIZE).asByteBuffer().position(16);
                int n = get(ch.read(b, 30));
                return "ok:" + n + " pos=" + b.position() + " bytes=" + matches(b.duplicate().position(16), 30, n);
            }
        });
        cases.put("afc.read.shared.handler", impl -> {
            try (Arena a = Arena.ofShared(); AsynchronousFileChannel ch = impl.openAsync(data, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(SIZE).asByteBuffer();
                CompletableFuture<Integer> f = new CompletableFuture<>();
                ch.read(b, 0, null, new java.nio.channels.CompletionHandler<Integer, Object>() {
                    public void completed(Integer r, Object att) {
                        f.complete(r);
                    }

                    public void failed(Throwable e, Object att) {
                        f.completeExceptionally(e);
                    }
                });
                int n = get(f);
                return "ok:" + n + " pos=" + b.position() + " bytes=" + matches(b.duplicate().position(0), 0, n);
            }
        });
        cases.put("afc.write.shared", impl -> {
            Path p = dir.resolve("aw-" + impl);
            try (Arena a = Arena.ofShared(); AsynchronousFileChannel ch = impl.openAsync(p, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer b = a.allocate(SIZE).asByteBuffer().put(pattern()).position(4);
                int n = get(ch.write(b, 0));
                return "ok:" + n + " pos=" + b.position() + " bytes=" + fileMatches(p, 0, 4, n);
            }
        });
        cases.put("afc.read.confined", impl -> {
            try (Arena a = Arena.ofConfined(); AsynchronousFileChannel ch = impl.openAsync(data, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(SIZE).asByteBuffer();
                return "returned:" + get(ch.read(b, 0));
            }
        });
        cases.put("afc.read.closedArena", impl -> {
            Arena a = Arena.ofShared();
            ByteBuffer b = a.allocate(SIZE).asByteBuffer();
            a.close();
            try (AsynchronousFileChannel ch = impl.openAsync(data, StandardOpenOption.READ)) {
                return "returned:" + get(ch.read(b, 0));
            }
        });
    }

    /**
     * A 64 MiB arena buffer read and written whole: the calling thread's heap allocation stays
     * under 8 MiB (uring4j copies through bounded stand-ins; the JDK copies nothing).
     */
    static String hugeTransferHeap(Impl impl) throws Exception {
        int huge = 64 << 20;
        Path p = dir.resolve("huge-" + impl);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(huge); // sparse: zeros
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Arena a = Arena.ofShared(); FileChannel ch = impl.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = a.allocate(huge).asByteBuffer();
            long before = threads.getCurrentThreadAllocatedBytes();
            int r = ch.read(b, 0);
            int w = ch.write(b.flip(), 0);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            return "ok:" + r + "," + w + " heapUnder8MiB=" + (allocated < (8 << 20));
        } finally {
            Files.delete(p);
        }
    }

    static void bigAsyncCases(Map<String, Case> cases) {
        cases.put("afc.read.big.shared", impl -> {
            try (Arena a = Arena.ofShared(); AsynchronousFileChannel ch = impl.openAsync(bigData, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer().position(9);
                int n = get(ch.read(b, 21));
                return "ok:" + n + " pos=" + b.position() + " bytes=" + matches(b.duplicate().position(9), 21, n);
            }
        });
        cases.put("afc.read.big.nearTheEnd", impl -> {
            try (Arena a = Arena.ofShared(); AsynchronousFileChannel ch = impl.openAsync(bigData, StandardOpenOption.READ)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer();
                long at = ch.size() - 600_000;
                int n = get(ch.read(b, at));
                return "ok:" + n + " pos=" + b.position() + " bytes=" + matches(b.duplicate().position(0), (int) at, n)
                        + " atEnd=" + get(ch.read(b.clear(), ch.size()));
            }
        });
        cases.put("afc.write.big.shared", impl -> {
            Path p = dir.resolve("baw-" + impl);
            try (Arena a = Arena.ofShared(); AsynchronousFileChannel ch = impl.openAsync(p, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer().put(pattern(0, BIG)).position(2);
                int n = get(ch.write(b, 17));
                return "ok:" + n + " pos=" + b.position() + " size=" + ch.size() + " bytes=" + fileMatches(p, 17, 2, n);
            }
        });
    }

    /**
     * A 3 MiB arena read (parts, for uring4j) started, then the channel closed 0 to 1.5 ms
     * later, 60 times: each read either completes with the whole count or fails with
     * AsynchronousCloseException (it was pending at the close), never ClosedChannelException.
     */
    static void asyncCloseRaceCase(Map<String, Case> cases) {
        cases.put("afc.read.big.closeRace", impl -> {
            java.util.TreeSet<String> wrong = new java.util.TreeSet<>();
            try (Arena a = Arena.ofShared()) {
                ByteBuffer b = a.allocate(BIG).asByteBuffer();
                for (int i = 0; i < 60; i++) {
                    AsynchronousFileChannel ch = impl.openAsync(bigData, StandardOpenOption.READ);
                    java.util.concurrent.Future<Integer> f = ch.read(b.clear(), 0);
                    long until = System.nanoTime() + i * 25_000L; // closes land before, between and after parts
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    ch.close();
                    try {
                        int n = get(f);
                        if (n != BIG) {
                            wrong.add("count " + n);
                        }
                    } catch (java.nio.channels.AsynchronousCloseException expected) {
                        // pending at the close
                    } catch (Exception e) {
                        wrong.add(e.getClass().getSimpleName());
                    }
                }
            }
            return "ok wrong=" + wrong;
        });
    }

    /** The future's value; {@code timed-out} (as a thrown marker) after 3 s. */
    static int get(java.util.concurrent.Future<Integer> f) throws Exception {
        try {
            return f.get(3, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimedOut();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    static final class TimedOut extends Exception {
        TimedOut() {
            super("timed out", null, false, false);
        }
    }

    // ------------------------------------------------------------------ bytes

    static byte[] pattern() {
        return pattern(0, SIZE);
    }

    /** The pattern's bytes [from, from + n): byte i is (i * 31 + 7), the data files' content. */
    static byte[] pattern(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((from + i) * 31 + 7);
        }
        return b;
    }

    /** Whether {@code n} bytes of {@code b} from its position are the pattern's from {@code at}. */
    static boolean matches(ByteBuffer b, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (b.get(b.position() + i) != (byte) ((at + i) * 31 + 7)) {
                return false;
            }
        }
        return n >= 0;
    }

    /** Whether bytes [at, at + n) of the file are the pattern's from {@code from}. */
    static boolean fileMatches(Path p, int at, int from, int n) throws Exception {
        byte[] f = Files.readAllBytes(p);
        return f.length >= at + n && Arrays.equals(f, at, at + n, pattern(from, n), 0, n);
    }

    static boolean isZero(ByteBuffer b) {
        for (int i = 0; i < b.capacity(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
