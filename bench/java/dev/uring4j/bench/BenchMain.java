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
import dev.uring4j.nio.UringChannels;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
 * --contender ring|asyncfile|asyncfile-blocking|filechannel|afc  --workload nop|randread|seqwrite
 * --depth N --threads T --loops L --seconds S --warmup S --file PATH --direct --block BYTES
 * --virtual --default-config --cores-label
 * </pre>
 *
 * <ul>
 * <li>{@code asyncfile}: T caller threads, each keeping depth/T futures in flight, on L event
 *     loops of their own; with {@code --default-config}, on the default configuration
 *     ({@code AsyncFile.open(path, options...)}: the shared engine) instead.
 * <li>{@code asyncfile-blocking}: T threads, each with exactly one read in flight
 *     ({@code file.read(buf.clear(), pos).join()} in a loop) on a file opened with the default
 *     configuration, as a user would write it; the depth is T.
 * <li>{@code filechannel}: T threads, each doing positional reads on one shared channel.
 * <li>{@code --virtual} (asyncfile-blocking, filechannel): the T threads are virtual threads
 *     (JDK 21 or later; created reflectively, this class is compiled for 17).
 * <li>{@code --cores-label}: the label ends with the processor count the JVM sees (run under
 *     taskset to compare core counts).
 * </ul>
 *
 * <p>Allocation is measured with ThreadMXBean's total over all threads, terminated ones
 * included, where the JVM has it (JDK 21+); on older JDKs as the sum over live threads. A
 * virtual thread's allocation is counted on its carrier threads (checked on JDK 25, where
 * asking for a virtual thread's own figure gives -1); where no figure is available the JSON
 * has {@code "allocBytesPerOp":null}.
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
    private final boolean unaligned;
    /** FileChannel / AsynchronousFileChannel from dev.uring4j.nio.UringChannels instead of the JDK's open. */
    private final boolean uringChannels;
    /** The class of the channel the JDK contenders opened (uring4j's when its provider or UringChannels made it). */
    private volatile String channelClass;
    private final int block;
    private final boolean spinWait;
    private final boolean virtual;
    private final boolean defaultConfig;
    private final boolean coresLabel;
    /** The backend of the file a default-config contender opened (null until then, or if not one). */
    private volatile AsyncFile.Backend openedBackend;
    private final LongAdder ops = new LongAdder();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private BenchMain(String[] args) {
        String c = "ring", w = "nop", f = null;
        int d = 32, t = 1, l = 1, b = 4096;
        double s = 3, wu = 1;
        boolean dio = false;
        boolean ua = false;
        boolean uc = false;
        boolean sw = false, virt = false, dc = false, cl = false, depthGiven = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--contender": c = args[++i]; break;
                case "--workload": w = args[++i]; break;
                case "--depth": d = Integer.parseInt(args[++i]); depthGiven = true; break;
                case "--threads": t = Integer.parseInt(args[++i]); break;
                case "--loops": l = Integer.parseInt(args[++i]); break;
                case "--seconds": s = Double.parseDouble(args[++i]); break;
                case "--warmup": wu = Double.parseDouble(args[++i]); break;
                case "--file": f = args[++i]; break;
                case "--direct": dio = true; break;
                case "--unaligned": ua = true; break;
                case "--uring-channels": uc = true; break;
                case "--spin-wait": sw = true; break;
                case "--block": b = Integer.parseInt(args[++i]); break;
                case "--virtual": virt = true; break;
                case "--default-config": dc = true; break;
                case "--cores-label": cl = true; break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        contender = c;
        workload = w;
        // One blocking read in flight per thread: the depth is the thread count.
        depth = c.equals("asyncfile-blocking") && !depthGiven ? t : d;
        threads = t;
        loops = l;
        seconds = s;
        warmup = wu;
        file = f == null ? null : Path.of(f);
        direct = dio;
        unaligned = ua;
        uringChannels = uc;
        block = b;
        spinWait = sw;
        virtual = virt;
        defaultConfig = dc;
        coresLabel = cl;
        if (virt && !c.equals("asyncfile-blocking") && !c.equals("filechannel")) {
            throw new IllegalArgumentException("--virtual applies to asyncfile-blocking and filechannel, not " + c);
        }
        if (dc && !c.equals("asyncfile")) {
            throw new IllegalArgumentException("--default-config applies to asyncfile (asyncfile-blocking always uses it)");
        }
        if (c.equals("asyncfile-blocking") && !w.equals("randread")) {
            throw new IllegalArgumentException("asyncfile-blocking runs the randread workload only");
        }
        if (c.equals("asyncfile-blocking") && depthGiven && d != t) {
            throw new IllegalArgumentException("asyncfile-blocking has one read in flight per thread: --depth must equal --threads");
        }
        if (virt) {
            VirtualThreads.check();
        }
    }

    public static void main(String[] args) throws Exception {
        BenchMain b;
        try {
            b = new BenchMain(args);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            System.err.println("BenchMain: " + e.getMessage());
            System.exit(2);
            return;
        }
        b.run();
    }

    private String label() {
        String kind = (virtual ? " virtual" : " platform") + " thread" + (threads > 1 ? "s" : "");
        String l;
        switch (contender) {
            case "ring": l = "uring4j Ring"; break;
            case "asyncfile": l = "uring4j AsyncFile " + threads + " caller" + (threads > 1 ? "s" : "") + ", "
                    + (defaultConfig ? "default config" : loops > 1 ? loops + " loops" : "1 loop") + (spinWait ? ", spin-wait" : "");
                    break;
            case "asyncfile-blocking": l = "uring4j AsyncFile blocking, " + threads + kind; break;
            case "filechannel": l = "FileChannel " + threads + kind; break;
            case "afc": l = "AsynchronousFileChannel"; break;
            default: l = contender;
        }
        String cc = channelClass;
        if (cc != null && cc.startsWith("dev.uring4j.")) {
            l = l.replace("FileChannel", "FileChannel (uring4j)");
        }
        if (unaligned && !direct) {
            l += ", allocateDirect buffers";
        }
        AsyncFile.Backend b = openedBackend;
        if (b != null && b != AsyncFile.Backend.IOURING) {
            l += " (" + b + " backend)";
        }
        if (coresLabel) {
            int n = Runtime.getRuntime().availableProcessors();
            l += ", " + n + " core" + (n > 1 ? "s" : "");
        }
        return l;
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
        String alloc = alloc0 < 0 || alloc1 < 0 ? "null" : String.format(Locale.ROOT, "%.2f", (alloc1 - alloc0) / (double) n);
        System.out.printf(Locale.ROOT, "{\"contender\":\"%s\",\"workload\":\"%s\",\"depth\":%d,\"ops\":%d,\"seconds\":%.4f,"
                        + "\"opsPerSec\":%.1f,\"cpuNsPerOp\":%.1f,\"allocBytesPerOp\":%s,\"jdk\":\"%s\",\"cpus\":%d}%n",
                label(), workload, depth, n, elapsed, n / elapsed, (cpu1 - cpu0) / (double) n, alloc,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.exit(0);
    }

    /** ThreadMXBean.getTotalThreadAllocatedBytes (JDK 21+), or null on older JDKs. */
    private static final MethodHandle TOTAL_ALLOCATED = totalAllocated();

    private static MethodHandle totalAllocated() {
        try {
            return MethodHandles.publicLookup().findVirtual(ThreadMXBean.class, "getTotalThreadAllocatedBytes",
                    MethodType.methodType(long.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * Bytes allocated so far by all threads, or -1 if the JVM cannot tell. The total, where
     * the JVM has it, also counts threads that terminated (carrier threads a virtual-thread
     * scheduler retires, say); the sum over live threads is the fallback on JDK 17.
     */
    private static long allocated() {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) {
            return -1;
        }
        if (TOTAL_ALLOCATED != null) {
            try {
                long total = (long) TOTAL_ALLOCATED.invoke(mx);
                if (total >= 0) {
                    return total;
                }
            } catch (Throwable e) {
                // fall back to the sum
            }
        }
        long[] ids = mx.getAllThreadIds();
        long sum = 0;
        for (long a : mx.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, a);
        }
        return sum;
    }

    /**
     * A worker thread: a platform thread, or with --virtual a virtual thread. A worker that
     * fails ends the run (exit 1) rather than leaving the others to report a partial figure.
     */
    private Thread worker(Runnable r, String name) {
        Runnable guarded = () -> {
            try {
                r.run();
            } catch (Throwable e) {
                System.err.println("BenchMain: " + name + " failed:");
                e.printStackTrace();
                System.exit(1);
            }
        };
        Thread t = virtual ? VirtualThreads.unstarted(guarded) : new Thread(guarded);
        t.setName(name);
        return t;
    }

    /** Thread.ofVirtual().unstarted(r), reached reflectively: this class is compiled for Java 17. */
    static final class VirtualThreads {
        private static MethodHandle ofVirtual;
        private static MethodHandle unstarted;

        static synchronized void check() {
            if (unstarted != null) {
                return;
            }
            int feature = Runtime.version().feature();
            if (feature < 21) {
                throw new UnsupportedOperationException("--virtual needs virtual threads, JDK 21 or later; this JVM is "
                        + Runtime.version() + " (" + System.getProperty("java.home") + ")");
            }
            try {
                Class<?> builder = Class.forName("java.lang.Thread$Builder");
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                ofVirtual = l.findStatic(Thread.class, "ofVirtual", MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")));
                unstarted = l.findVirtual(builder, "unstarted", MethodType.methodType(Thread.class, Runnable.class));
            } catch (ReflectiveOperationException e) {
                throw new UnsupportedOperationException("--virtual: no Thread.ofVirtual() on " + Runtime.version(), e);
            }
        }

        static Thread unstarted(Runnable r) {
            check();
            try {
                Object b = ofVirtual.invoke();
                return (Thread) unstarted.invoke(b, r);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Runnable body(List<Thread> workers) {
        return () -> {
            try {
                switch (contender) {
                    case "ring": ring(); break;
                    case "asyncfile": asyncFile(workers); break;
                    case "asyncfile-blocking": asyncFileBlocking(workers); break;
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

    /**
     * Page-aligned, as the C ceiling's buffers (aligned_alloc) and O_DIRECT need, so that every
     * contender copies into the same kind of memory: allocateDirect aligns to 16 bytes only,
     * and the kernel's 4 KiB copy into such a buffer costs about 7 % more on this machine's
     * CPU (AsyncFile 1 caller 0.86 vs 0.93 x C, Ring 0.91 vs 0.97 x C, same run).
     * {@code --unaligned} uses allocateDirect.
     */
    private ByteBuffer buffer() {
        return direct || !unaligned ? AlignedBuffers.allocate(block, 4096) : ByteBuffer.allocateDirect(block);
    }

    // ------------------------------------------------------------------ Ring

    private void ring() throws Exception {
        try (Ring ring = Ring.open(RingOptions.builder().entries(Math.max(256, depth)).build())) {
            if (workload.equals("nop")) {
                CompletionHandler h = (tag, res, flags) -> { };
                while (running.get()) {
                    nopBatch(ring, h);
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

    /** One batch of NOPs, submitted and reaped (a method of its own, as a server's loop body is). */
    private void nopBatch(Ring ring, CompletionHandler h) throws UringException {
        for (int i = 0; i < depth; i++) {
            ring.nop().tag(i);
        }
        int done = 0;
        while (done < depth) {
            done += ring.submitAndReap(depth - done, -1, TimeUnit.NANOSECONDS, h);
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
        for (int i = 0; i < (defaultConfig ? 0 : loops); i++) {
            group.add(EventLoop.open());
        }
        try (AsyncFile f = defaultConfig ? AsyncFile.open(file, openOptions().toArray(new OpenOption[0]))
                : AsyncFile.open(file, openOptions(), AsyncFileConfig.builder().backend(AsyncFile.Backend.IOURING).eventLoops(group).build())) {
            if (defaultConfig) {
                openedBackend = f.backend();
            }
            if (workload.equals("seqwrite")) {
                asyncSeqWrite(f);
                return;
            }
            long blocks = blocks();
            int window = Math.max(1, depth / threads);
            for (int t = 0; t < threads; t++) {
                long seed = t + 1;
                Thread w = worker(() -> {
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

    /**
     * T threads, each with exactly one read in flight: read, join, check, repeat, on a file
     * opened with the default configuration. Operations are counted one by one (a LongAdder)
     * and the stop flag is read after every read: with hundreds of threads and reads that
     * miss the page cache, per-thread batches would blur the window's edges and the stop.
     */
    private void asyncFileBlocking(List<Thread> workers) throws Exception {
        try (AsyncFile f = AsyncFile.open(file, openOptions().toArray(new OpenOption[0]))) {
            openedBackend = f.backend();
            long blocks = blocks();
            for (int t = 0; t < threads; t++) {
                long seed = t + 1;
                Thread w = worker(() -> {
                    XorShift rnd = new XorShift(seed);
                    ByteBuffer buf = buffer();
                    while (running.get()) {
                        int n = f.read(buf.clear(), rnd.next(blocks) * block).join();
                        if (n != block) {
                            throw new IllegalStateException("read returned " + n);
                        }
                        ops.increment();
                    }
                }, "bench-blocking-" + t);
                workers.add(w);
            }
            startAndJoin(workers);
        }
    }

    /** Starts the workers, then waits for them all (they stop when running turns false). */
    private static void startAndJoin(List<Thread> workers) throws InterruptedException {
        for (Thread w : new ArrayList<>(workers)) {
            w.start();
        }
        for (Thread w : new ArrayList<>(workers)) {
            w.join();
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
        try (FileChannel ch = uringChannels ? UringChannels.newFileChannel(file, opts) : FileChannel.open(file, opts)) {
            channelClass = ch.getClass().getName();
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
            // Counted one by one, the stop flag read after every read: as asyncfile-blocking.
            for (int t = 0; t < threads; t++) {
                long seed = t + 1;
                Thread w = worker(() -> {
                    XorShift rnd = new XorShift(seed);
                    ByteBuffer b = buffer();
                    try {
                        while (running.get()) {
                            b.clear();
                            if (ch.read(b, rnd.next(blocks) * block) != block) {
                                throw new IllegalStateException("short read");
                            }
                            ops.increment();
                        }
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, "bench-reader-" + t);
                workers.add(w);
            }
            startAndJoin(workers);
        }
    }

    private void afc() throws Exception {
        Set<OpenOption> opts = jdkOpenOptions();
        try (AsynchronousFileChannel ch = uringChannels ? UringChannels.newAsynchronousFileChannel(file, opts, null)
                : AsynchronousFileChannel.open(file, opts, null)) {
            channelClass = ch.getClass().getName();
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
