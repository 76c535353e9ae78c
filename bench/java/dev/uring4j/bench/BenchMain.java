package dev.uring4j.bench;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import dev.uring4j.CompletionHandler;
import dev.uring4j.Linux;
import dev.uring4j.Ring;
import dev.uring4j.RingOptions;
import dev.uring4j.UringException;
import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.AsyncFileConfig;
import dev.uring4j.async.AlignedBuffers;
import dev.uring4j.async.EventLoop;
import dev.uring4j.async.UringOpenOption;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One benchmark run of one Java contender, measured the way the C ceiling measures
 * itself: a warm-up, then a timed window; operations per second, process CPU time per
 * operation, and bytes allocated per operation (all threads). Prints one JSON line.
 *
 * <pre>
 * --contender ring|asyncfile|filechannel|afc  --workload nop|randread|seqwrite
 * --depth N --threads T --loops L --seconds S --warmup S --file PATH --direct --block BYTES
 * </pre>
 */
public final class BenchMain {
    private final String contender;
    private final String workload;
    private final int depth;
    private final int threads;
    private final int loops;
    private final double seconds;
    private final double warmup;
    private final Path file;
    private final boolean direct;
    private final int block;
    private final boolean spinWait;
    private final LongAdder ops = new LongAdder();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private BenchMain(String[] args) {
        String c = "ring", w = "nop", f = null;
        int d = 32, t = 1, l = 1, b = 4096;
        double s = 3, wu = 1;
        boolean dio = false;
        boolean sw = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--contender": c = args[++i]; break;
                case "--workload": w = args[++i]; break;
                case "--depth": d = Integer.parseInt(args[++i]); break;
                case "--threads": t = Integer.parseInt(args[++i]); break;
                case "--loops": l = Integer.parseInt(args[++i]); break;
                case "--seconds": s = Double.parseDouble(args[++i]); break;
                case "--warmup": wu = Double.parseDouble(args[++i]); break;
                case "--file": f = args[++i]; break;
                case "--direct": dio = true; break;
                case "--spin-wait": sw = true; break;
                case "--block": b = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        contender = c;
        workload = w;
        depth = d;
        threads = t;
        loops = l;
        seconds = s;
        warmup = wu;
        file = f == null ? null : Path.of(f);
        direct = dio;
        block = b;
        spinWait = sw;
    }

    public static void main(String[] args) throws Exception {
        new BenchMain(args).run();
    }

    private String label() {
        switch (contender) {
            case "ring": return "uring4j Ring";
            case "asyncfile": return "uring4j AsyncFile " + threads + " caller" + (threads > 1 ? "s" : "") + ", "
                    + (loops > 1 ? loops + " loops" : "1 loop") + (spinWait ? ", spin-wait" : "");
            case "filechannel": return "FileChannel " + threads + " thread" + (threads > 1 ? "s" : "");
            case "afc": return "AsynchronousFileChannel";
            default: return contender;
        }
    }

    private void run() throws Exception {
        List<Thread> workers = new ArrayList<>();
        Runnable body = body(workers);
        // Warm-up: same code, then reset counters and measure a fresh window.
        Thread driver = new Thread(body, "bench-driver");
        driver.start();
        Thread.sleep((long) (warmup * 1000));
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long ops0 = ops.sum();
        long cpu0 = os.getProcessCpuTime();
        long alloc0 = allocated();
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long ops1 = ops.sum();
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        long alloc1 = allocated();
        running.set(false);
        driver.join(30_000);
        for (Thread w : workers) {
            w.join(30_000);
        }
        long n = ops1 - ops0;
        double elapsed = (t1 - t0) / 1e9;
        System.out.printf(Locale.ROOT, "{\"contender\":\"%s\",\"workload\":\"%s\",\"depth\":%d,\"ops\":%d,\"seconds\":%.4f,"
                        + "\"opsPerSec\":%.1f,\"cpuNsPerOp\":%.1f,\"allocBytesPerOp\":%.2f}%n",
                label(), workload, depth, n, elapsed, n / elapsed, (cpu1 - cpu0) / (double) n, (alloc1 - alloc0) / (double) n);
        System.exit(0);
    }

    private static long allocated() {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = mx.getAllThreadIds();
        long sum = 0;
        for (long a : mx.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, a);
        }
        return sum;
    }

    private Runnable body(List<Thread> workers) {
        return () -> {
            try {
                switch (contender) {
                    case "ring": ring(); break;
                    case "asyncfile": asyncFile(workers); break;
                    case "filechannel": fileChannel(workers); break;
                    case "afc": afc(); break;
                    default: throw new IllegalArgumentException("unknown contender " + contender);
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        };
    }

    private long blocks() throws java.io.IOException {
        return java.nio.file.Files.size(file) / block;
    }

    private ByteBuffer buffer() {
        return direct ? AlignedBuffers.allocate(block, 4096) : ByteBuffer.allocateDirect(block);
    }

    // ------------------------------------------------------------------ Ring

    private void ring() throws Exception {
        try (Ring ring = Ring.open(RingOptions.builder().entries(Math.max(256, depth)).build())) {
            if (workload.equals("nop")) {
                CompletionHandler h = (tag, res, flags) -> { };
                while (running.get()) {
                    for (int i = 0; i < depth; i++) {
                        ring.nop().tag(i);
                    }
                    int done = 0;
                    while (done < depth) {
                        done += ring.submitAndReap(depth - done, -1, TimeUnit.NANOSECONDS, h);
                    }
                    ops.add(depth);
                }
                return;
            }
            int flags = Linux.O_CLOEXEC | (direct ? Linux.O_DIRECT : 0)
                    | (workload.equals("seqwrite") ? Linux.O_WRONLY | Linux.O_CREAT : Linux.O_RDONLY);
            int[] res = {0};
            ring.openat(Linux.AT_FDCWD, file.toString(), flags, 0644);
            ring.submitAndReap(1, -1, TimeUnit.NANOSECONDS, (t, r, f) -> res[0] = r);
            int fd = UringException.check("open", res[0]);
            if (workload.equals("seqwrite")) {
                ringSeqWrite(ring, fd);
            } else {
                ringRandRead(ring, fd);
            }
        }
    }

    private void ringRandRead(Ring ring, int fd) throws Exception {
        long blocks = blocks();
        ByteBuffer[] bufs = new ByteBuffer[depth];
        for (int i = 0; i < depth; i++) {
            bufs[i] = buffer();
        }
        XorShift rnd = new XorShift(1);
        boolean[] stop = {false};
        int[] outstanding = {0};
        long[] local = {0};
        CompletionHandler h = (tag, res, flags) -> {
            if (res != block) {
                throw new IllegalStateException("read returned " + res);
            }
            local[0]++;
            outstanding[0]--;
            if (!stop[0]) {
                try {
                    ring.read(fd, bufs[(int) tag].clear().limit(block), rnd.next(blocks) * block).tag(tag);
                    outstanding[0]++;
                } catch (UringException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        for (int i = 0; i < depth; i++) {
            ring.read(fd, bufs[i].clear().limit(block), rnd.next(blocks) * block).tag(i);
            outstanding[0]++;
        }
        while (outstanding[0] > 0) {
            ring.submitAndReap(1, -1, TimeUnit.NANOSECONDS, h);
            if (local[0] >= 1024) {
                ops.add(local[0]);
                local[0] = 0;
                stop[0] = !running.get();
            }
        }
        ops.add(local[0]);
    }

    private void ringSeqWrite(Ring ring, int fd) throws Exception {
        ByteBuffer buf = buffer();
        long pos = 0;
        int[] failed = {0};
        CompletionHandler h = (tag, res, flags) -> {
            if (res < 0) {
                failed[0] = res;
            }
        };
        while (running.get()) {
            for (int i = 0; i < 64; i++) {
                ring.write(fd, buf.clear().limit(block), pos).tag(i);
                pos = (pos + block) % (1L << 30);
            }
            int done = 0;
            while (done < 64) {
                done += ring.submitAndReap(64 - done, -1, TimeUnit.NANOSECONDS, h);
            }
            ring.fdatasync(fd).tag(64);
            while (ring.submitAndReap(1, -1, TimeUnit.NANOSECONDS, h) == 0) {
                Thread.onSpinWait();
            }
            UringException.check("write", failed[0]);
            ops.add(64);
        }
    }

    // ------------------------------------------------------------------ AsyncFile

    private Set<OpenOption> openOptions() {
        Set<OpenOption> o = new HashSet<>();
        if (workload.equals("seqwrite")) {
            o.add(StandardOpenOption.WRITE);
            o.add(StandardOpenOption.CREATE);
        } else {
            o.add(StandardOpenOption.READ);
        }
        if (direct) {
            o.add(UringOpenOption.DIRECT);
        }
        return o;
    }

    /** The same options for the JDK contenders: O_DIRECT is the JDK's ExtendedOpenOption there. */
    private Set<OpenOption> jdkOpenOptions() {
        Set<OpenOption> opts = new HashSet<>(openOptions());
        if (opts.remove(UringOpenOption.DIRECT)) {
            opts.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        }
        return opts;
    }

    private void asyncFile(List<Thread> workers) throws Exception {
        List<EventLoop> group = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            group.add(EventLoop.open());
        }
        AsyncFileConfig config = AsyncFileConfig.builder().backend(AsyncFile.Backend.IOURING).eventLoops(group).build();
        try (AsyncFile f = AsyncFile.open(file, openOptions(), config)) {
            if (workload.equals("seqwrite")) {
                asyncSeqWrite(f);
                return;
            }
            long blocks = blocks();
            int window = Math.max(1, depth / threads);
            for (int t = 0; t < threads; t++) {
                long seed = t + 1;
                Thread w = new Thread(() -> {
                    XorShift rnd = new XorShift(seed);
                    ByteBuffer[] bufs = new ByteBuffer[window];
                    @SuppressWarnings("unchecked")
                    CompletableFuture<Integer>[] inFlight = new CompletableFuture[window];
                    for (int i = 0; i < window; i++) {
                        bufs[i] = buffer();
                        inFlight[i] = f.read(bufs[i], rnd.next(blocks) * block);
                    }
                    long local = 0;
                    for (int i = 0; ; i = (i + 1) % window) {
                        if (spinWait) {
                            for (int k = 0; k < 20_000 && !inFlight[i].isDone(); k++) {
                                Thread.onSpinWait();
                            }
                        }
                        int n = inFlight[i].join();
                        if (n != block) {
                            throw new IllegalStateException("read returned " + n);
                        }
                        if (++local == 256) {
                            ops.add(local);
                            local = 0;
                            if (!running.get()) {
                                break;
                            }
                        }
                        bufs[i].clear();
                        inFlight[i] = f.read(bufs[i], rnd.next(blocks) * block);
                    }
                    for (CompletableFuture<Integer> x : inFlight) {
                        x.join();
                    }
                }, "bench-caller-" + t);
                w.start();
                workers.add(w);
            }
            for (Thread w : new ArrayList<>(workers)) {
                w.join();
            }
        } finally {
            for (EventLoop l : group) {
                l.close();
            }
        }
    }

    private void asyncSeqWrite(AsyncFile f) {
        ByteBuffer buf = buffer();
        long pos = 0;
        List<CompletableFuture<Integer>> batch = new ArrayList<>(64);
        while (running.get()) {
            batch.clear();
            for (int i = 0; i < 64; i++) {
                batch.add(f.write(buf.duplicate().clear(), pos));
                pos = (pos + block) % (1L << 30);
            }
            for (CompletableFuture<Integer> x : batch) {
                x.join();
            }
            f.force(false).join();
            ops.add(64);
        }
    }

    // ------------------------------------------------------------------ JDK contenders

    private void fileChannel(List<Thread> workers) throws Exception {
        Set<OpenOption> opts = jdkOpenOptions();
        try (FileChannel ch = FileChannel.open(file, opts)) {
            if (workload.equals("seqwrite")) {
                ByteBuffer buf = buffer();
                long pos = 0;
                while (running.get()) {
                    for (int i = 0; i < 64; i++) {
                        buf.clear();
                        ch.write(buf, pos);
                        pos = (pos + block) % (1L << 30);
                    }
                    ch.force(false);
                    ops.add(64);
                }
                return;
            }
            long blocks = blocks();
            for (int t = 0; t < threads; t++) {
                long seed = t + 1;
                Thread w = new Thread(() -> {
                    XorShift rnd = new XorShift(seed);
                    ByteBuffer b = buffer();
                    long local = 0;
                    try {
                        while (true) {
                            b.clear();
                            if (ch.read(b, rnd.next(blocks) * block) != block) {
                                throw new IllegalStateException("short read");
                            }
                            if (++local == 256) {
                                ops.add(local);
                                local = 0;
                                if (!running.get()) {
                                    break;
                                }
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, "bench-reader-" + t);
                w.start();
                workers.add(w);
            }
            for (Thread w : new ArrayList<>(workers)) {
                w.join();
            }
        }
    }

    private void afc() throws Exception {
        Set<OpenOption> opts = jdkOpenOptions();
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(file, opts, null)) {
            if (workload.equals("seqwrite")) {
                ByteBuffer buf = buffer();
                long pos = 0;
                List<Future<Integer>> batch = new ArrayList<>();
                while (running.get()) {
                    batch.clear();
                    for (int i = 0; i < 64; i++) {
                        batch.add(ch.write(buf.duplicate().clear(), pos));
                        pos = (pos + block) % (1L << 30);
                    }
                    for (Future<Integer> x : batch) {
                        x.get();
                    }
                    ch.force(false);
                    ops.add(64);
                }
                return;
            }
            long blocks = blocks();
            XorShift rnd = new XorShift(1);
            ByteBuffer[] bufs = new ByteBuffer[depth];
            @SuppressWarnings("unchecked")
            Future<Integer>[] inFlight = new Future[depth];
            for (int i = 0; i < depth; i++) {
                bufs[i] = buffer();
                inFlight[i] = ch.read(bufs[i], rnd.next(blocks) * block);
            }
            long local = 0;
            for (int i = 0; ; i = (i + 1) % depth) {
                if (inFlight[i].get() != block) {
                    throw new IllegalStateException("short read");
                }
                if (++local == 256) {
                    ops.add(local);
                    local = 0;
                    if (!running.get()) {
                        break;
                    }
                }
                bufs[i].clear();
                inFlight[i] = ch.read(bufs[i], rnd.next(blocks) * block);
            }
            for (Future<Integer> x : inFlight) {
                x.get();
            }
        }
    }

    /** The same generator as the C ceiling (xorshift64). */
    static final class XorShift {
        private long x;

        XorShift(long seed) {
            x = 88172645463325252L + seed * 7919;
        }

        long next(long bound) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            return Long.remainderUnsigned(x, bound);
        }
    }
}
