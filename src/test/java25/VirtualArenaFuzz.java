import dev.uring4j.CompletionHandler;
import dev.uring4j.Errno;
import dev.uring4j.Linux;
import dev.uring4j.Ring;
import dev.uring4j.RingOptions;
import dev.uring4j.UringException;
import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.AsyncFileConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * JDK 25 fuzz (virtual threads, java.lang.foreign): many virtual threads use AsyncFile on both
 * backends with direct, Arena.ofAuto(), Arena.global() and auto-arena mapped buffers (must
 * work; reads of a reference file must return its bytes), and with buffers of open confined or
 * shared arenas, of closed arenas, and mappings in such arenas (must be refused synchronously,
 * IllegalArgumentException / IllegalStateException, the memory untouched); they call size,
 * truncate and close (two at once) concurrently; an interrupter interrupts them while they
 * wait in get()/join(); they try Ring.open (refused on a virtual thread) and calls into rings
 * owned by platform threads (refused: wrong thread), while those platform threads fuzz their
 * own rings (reads into arena buffers, throwing handlers, interrupts, close and reopen).
 * Meanwhile bystander FileChannels are opened and closed all the time and checked.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -During4j.library.path=... -cp target/classes \
 *     src/test/java25/VirtualArenaFuzz.java DIR STEPS SEED SECONDS BYSTANDER</pre>
 *
 * BYSTANDER: a file of {@value #BYSTANDER_BYTES} bytes whose content the caller checks after
 * the run (it is only read here). Prints figures, then {@code RESULT ok} (exit 0) or
 * {@code RESULT FAILED n} and the problems (exit 1).
 */
public final class VirtualArenaFuzz {
    static final int SHARED_FILES = 2;
    static final int FILE_SPAN = 128 << 10;
    static final int REF_BYTES = 64 << 10;
    static final int MAX_LEN = 8 << 10;
    static final int BYSTANDER_BYTES = 8192;
    static final int VIRTUAL_WORKERS = 48;
    static final int RING_THREADS = 2;
    static final long WAIT_SECONDS = 10;
    static final byte SENTINEL = (byte) 0x5A;

    static Path dir;
    static Path ref;
    static byte[] refPattern;
    static FileChannel mappedChannel;
    static final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    static final AtomicInteger problemCount = new AtomicInteger();
    static final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
    static final AtomicBoolean stop = new AtomicBoolean();
    /** Rings owned by the platform ring threads, for virtual threads to call into (and be refused). */
    static final AtomicReference<Ring>[] foreignRings = newRefs(RING_THREADS);

    @SuppressWarnings("unchecked")
    static <T> AtomicReference<T>[] newRefs(int n) {
        AtomicReference<T>[] a = new AtomicReference[n];
        for (int i = 0; i < n; i++) {
            a[i] = new AtomicReference<>();
        }
        return a;
    }

    static void count(String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    static void problem(String what, Throwable t) {
        int n = problemCount.incrementAndGet();
        if (n <= 40) {
            StringBuilder b = new StringBuilder(what);
            if (t != null) {
                b.append(": ").append(t);
                if (n <= 5) {
                    for (StackTraceElement e : t.getStackTrace()) {
                        b.append("\n      at ").append(e);
                    }
                }
            }
            problems.add(b.toString());
        }
    }

    /** One AsyncFile in a slot; closeCalled is set before anyone calls close(). */
    static final class Inst {
        final AsyncFile file;
        final AtomicBoolean closeCalled = new AtomicBoolean();

        Inst(AsyncFile file) {
            this.file = file;
        }
    }

    /** A started operation. */
    static final class Op {
        final String kind;
        final Inst inst;
        final CompletableFuture<?> future;
        final AtomicInteger completions = new AtomicInteger();
        volatile boolean cancelRequested;

        Op(String kind, Inst inst, CompletableFuture<?> future) {
            this.kind = kind;
            this.inst = inst;
            this.future = future;
        }
    }

    /** Thrown on purpose by callbacks and ring handlers. */
    static final class FuzzError extends Error {
        FuzzError() {
            super("thrown on purpose", null, false, false);
        }
    }

    /** A thread the interrupter may interrupt while {@code waiting}. */
    static final class Waiter {
        volatile Thread thread;
        boolean waiting; // guarded by this

        void begin() {
            synchronized (this) {
                waiting = true;
            }
        }

        /** Ends the wait; an interrupt meant for it does not leak into what follows. Returns whether one was pending. */
        boolean end() {
            synchronized (this) {
                waiting = false;
                return Thread.interrupted();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        dir = Path.of(args[0]);
        long steps = Long.parseLong(args[1]);
        long seed = Long.parseLong(args[2]);
        long seconds = Long.parseLong(args[3]);
        Path mainBystander = Path.of(args[4]);
        System.out.println("VirtualArenaFuzz: seed " + seed + ", " + steps + " steps, " + seconds + " s at most, "
                + Runtime.version());
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> problem("uncaught on " + t, e));

        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path bystanders = Files.createDirectories(dir.resolve("bystanders"));
        ref = dir.resolve("ref");
        refPattern = pattern(seed, -7, REF_BYTES);
        Files.write(ref, refPattern);
        Path mapped = dir.resolve("mapped");
        Files.write(mapped, new byte[3 * VIRTUAL_WORKERS * MAX_LEN]); // per worker: a region for reference reads, one for others, one for refused mappings
        mappedChannel = FileChannel.open(mapped, StandardOpenOption.READ, StandardOpenOption.WRITE);
        byte[] mainPattern = Files.readAllBytes(mainBystander);
        FileChannel mainChannel = FileChannel.open(mainBystander, StandardOpenOption.READ);

        AsyncFile.Backend[] backends = AsyncFile.Backend.values();
        @SuppressWarnings("unchecked")
        AtomicReference<Inst>[][] slots = new AtomicReference[backends.length][SHARED_FILES];
        Path[][] paths = new Path[backends.length][SHARED_FILES];
        AsyncFile[] refFiles = new AsyncFile[backends.length];
        for (AsyncFile.Backend b : backends) {
            for (int i = 0; i < SHARED_FILES; i++) {
                paths[b.ordinal()][i] = shared.resolve(b.name().toLowerCase() + i);
                slots[b.ordinal()][i] = new AtomicReference<>(new Inst(open(b, paths[b.ordinal()][i], true)));
            }
            refFiles[b.ordinal()] = open(b, ref, false);
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong stepCounter = new AtomicLong();
        List<Waiter> waiters = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < VIRTUAL_WORKERS; w++) {
            Random r = new Random(seed * 31 + w);
            Waiter me = new Waiter();
            int worker = w;
            Thread t = Thread.ofVirtual().name("vfuzz-" + w).unstarted(() -> {
                // this worker's only global-arena buffers: one for reference reads (always waited for, never
                // cancelled, its file never closed), one for everything else (the kernel may still write it
                // after its future failed with AsynchronousCloseException)
                ByteBuffer[] global = {Arena.global().allocate(MAX_LEN, 4096).asByteBuffer(),
                        Arena.global().allocate(MAX_LEN, 4096).asByteBuffer()};
                try {
                    while (!stop.get() && stepCounter.incrementAndGet() <= steps && System.nanoTime() < deadline) {
                        step(r, backends, slots, paths, refFiles, me, global, worker);
                    }
                } catch (Throwable e) {
                    problem("virtual worker " + Thread.currentThread().getName() + " died", e);
                }
            });
            me.thread = t;
            waiters.add(me);
            workers.add(t);
        }
        List<Thread> ringThreads = new ArrayList<>();
        for (int i = 0; i < RING_THREADS; i++) {
            int index = i;
            Random r = new Random(seed * 131 + i);
            Waiter me = new Waiter();
            Thread t = Thread.ofPlatform().name("ring-owner-" + i).unstarted(() -> ringOwner(index, r, me, deadline));
            me.thread = t;
            waiters.add(me);
            ringThreads.add(t);
        }
        Random ir = new Random(seed * 17);
        Thread interrupter = Thread.ofPlatform().name("interrupter").unstarted(() -> {
            while (!stop.get()) {
                Waiter w = waiters.get(ir.nextInt(waiters.size()));
                synchronized (w) {
                    if (w.waiting) {
                        w.thread.interrupt();
                        count("interrupts delivered (" + (w.thread.isVirtual() ? "virtual, in get/join" : "ring owner, in "
                                + "submitAndReap") + ")");
                    }
                }
                sleepMicros(100 + ir.nextInt(1000));
            }
        });
        Thread churner = Thread.ofPlatform().name("bystanders").unstarted(
                () -> churnBystanders(bystanders, seed, mainChannel, mainPattern));

        churner.start();
        interrupter.start();
        ringThreads.forEach(Thread::start);
        workers.forEach(Thread::start);
        long joinBy = deadline + TimeUnit.SECONDS.toNanos(30);
        StringBuilder hung = new StringBuilder();
        for (Thread t : workers) {
            t.join(Duration.ofNanos(Math.max(1_000_000, joinBy - System.nanoTime())));
        }
        stop.set(true);
        for (Thread t : ringThreads) {
            t.join(Duration.ofSeconds(30));
        }
        interrupter.join(Duration.ofSeconds(10));
        churner.join(Duration.ofSeconds(10));
        for (Thread t : concat(workers, ringThreads, List.of(interrupter, churner))) {
            if (t.isAlive()) {
                hung.append("\n").append(t.getName()).append(" still running:");
                for (StackTraceElement e : t.getStackTrace()) {
                    hung.append("\n    at ").append(e);
                }
            }
        }
        if (hung.length() > 0) {
            problem("threads did not finish within 30 s of the deadline:" + hung, null);
        }

        // close everything, then every future must complete, exactly once
        for (AtomicReference<Inst>[] row : slots) {
            for (AtomicReference<Inst> s : row) {
                Inst i = s.get();
                i.closeCalled.set(true);
                i.file.close();
            }
        }
        for (AsyncFile f : refFiles) {
            f.close();
        }
        long doneBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        int never = 0;
        for (Op op : ops) {
            try {
                op.future.get(Math.max(0, doneBy - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (never++ < 10) {
                    problem(op.kind + " never completed (file closed: " + op.inst.closeCalled.get() + ", cancelled: "
                            + op.cancelRequested + ")", null);
                }
            } catch (ExecutionException | CancellationException e) {
                // classified by its callback
            }
        }
        long settleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < settleBy && ops.stream().anyMatch(o -> o.future.isDone() && o.completions.get() == 0)) {
            Thread.sleep(5);
        }
        long completedOnce = 0;
        for (Op op : ops) {
            int n = op.completions.get();
            if (n == 1) {
                completedOnce++;
            } else if (op.future.isDone()) {
                problem(op.kind + " completed " + n + " times", null);
            }
        }
        // liveness: a fresh file works on each backend; the bystander is intact; no fd left on the fuzz's files
        for (AsyncFile.Backend b : backends) {
            try (AsyncFile f = open(b, shared.resolve("fresh-" + b), true)) {
                ByteBuffer w = Arena.ofAuto().allocate(4096).asByteBuffer();
                w.put(0, (byte) 42);
                int n = f.writeFully(w, 0).get(WAIT_SECONDS, TimeUnit.SECONDS);
                ByteBuffer rd = ByteBuffer.allocateDirect(4096);
                int m = f.readFully(rd, 0).get(WAIT_SECONDS, TimeUnit.SECONDS);
                if (n != 4096 || m != 4096 || rd.get(0) != 42) {
                    problem("a fresh " + b + " file after the fuzz: wrote " + n + ", read " + m + ", byte " + rd.get(0), null);
                }
            } catch (Exception e) {
                problem("a fresh " + b + " file after the fuzz failed", e);
            }
        }
        verify("main bystander (through its channel) after the run", mainChannel, mainPattern);
        mainChannel.close();
        List<String> leftOpen = openFdsUnder(shared);
        if (!leftOpen.isEmpty()) {
            problem("fds still open on the fuzz's files after every close: " + leftOpen, null);
        }
        if (counts.getOrDefault("ok", new LongAdder()).sum() == 0) {
            problem("no operation succeeded at all", null);
        }

        StringBuilder b = new StringBuilder("FIGURES steps " + Math.min(stepCounter.get(), steps) + ", futures "
                + ops.size() + ", completed once " + completedOnce + ", never completed " + never
                + ", leaked ring buffers " + Ring.leakedBuffers());
        new TreeMap<>(counts).forEach((k, v) -> b.append("\n  ").append(k).append(": ").append(v.sum()));
        System.out.println(b);
        System.out.println("FUTURES " + ops.size() + " COMPLETED " + completedOnce);
        if (problemCount.get() == 0) {
            System.out.println("RESULT ok");
            System.out.flush();
            System.exit(0);
        }
        System.out.println("RESULT FAILED " + problemCount.get());
        problems.forEach(p -> System.out.println("- " + p));
        System.out.flush();
        System.exit(1);
    }

    @SafeVarargs
    static List<Thread> concat(List<Thread>... lists) {
        List<Thread> all = new ArrayList<>();
        for (List<Thread> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    static AsyncFile open(AsyncFile.Backend b, Path p, boolean write) throws IOException {
        Set<StandardOpenOption> o = write ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE) : Set.of(StandardOpenOption.READ);
        AsyncFile f = AsyncFile.open(p, o, AsyncFileConfig.builder().backend(b).build());
        if (f.backend() != b) {
            problem("asked for backend " + b + ", got " + f.backend(), null);
        }
        return f;
    }

    // ------------------------------------------------------------------ one virtual worker step

    static void step(Random r, AsyncFile.Backend[] backends, AtomicReference<Inst>[][] slots, Path[][] paths,
                     AsyncFile[] refFiles, Waiter me, ByteBuffer[] global, int worker) throws Exception {
        int other = 3 * worker + 1; // mapped region for operations whose bytes are not checked
        ByteBuffer globalBuffer = global[1];
        int bi = r.nextInt(backends.length);
        int si = r.nextInt(SHARED_FILES);
        Inst inst = slots[bi][si].get();
        AsyncFile f = inst.file;
        int roll = r.nextInt(100);
        long position = r.nextInt(FILE_SPAN);
        int len = 1 + r.nextInt(MAX_LEN);
        if (roll < 14) {
            String[] kind = new String[1];
            ByteBuffer b = usable(r, len, globalBuffer, kind, other);
            track("read " + kind[0], inst, f.read(b, position), r, me, null);
        } else if (roll < 26) {
            String[] kind = new String[1];
            ByteBuffer b = usable(r, len, globalBuffer, kind, other);
            fill(b, (byte) (0xA0 | r.nextInt(16)));
            boolean fully = r.nextBoolean();
            track((fully ? "writeFully " : "write ") + kind[0], inst,
                    fully ? f.writeFully(b, position) : f.write(b, position), r, me, null);
        } else if (roll < 32) {
            String[] kind = new String[1];
            ByteBuffer b = usable(r, len, globalBuffer, kind, other);
            track("readFully " + kind[0], inst, f.readFully(b, position), r, me, null);
        } else if (roll < 46) {
            // the reference file: never written, never truncated; what arrives must be its bytes
            AsyncFile rf = refFiles[bi];
            String[] kind = new String[1];
            int n = 1 + r.nextInt(Math.min(MAX_LEN, REF_BYTES - 1));
            int at = r.nextInt(REF_BYTES - n + 1);
            ByteBuffer b = usable(r, n, global[0], kind, 3 * worker);
            int start = b.position();
            boolean fully = r.nextBoolean();
            CompletableFuture<Integer> fut = fully ? rf.readFully(b, at) : rf.read(b, at);
            track((fully ? "ref readFully " : "ref read ") + kind[0], REF_INST[bi], fut, r, me, () -> {
                if (fut.isDone() && !fut.isCompletedExceptionally() && !fut.isCancelled()) {
                    int got = fut.join();
                    for (int i = 0; i < got; i++) {
                        if (b.get(start + i) != refPattern[at + i]) {
                            problem(backends[bi] + " read of the reference file into a " + kind[0] + " buffer: wrong "
                                    + "byte at " + (at + i), null);
                            return;
                        }
                    }
                    count("reference bytes verified");
                }
            });
        } else if (roll < 58) {
            refused(r, f, inst, refFiles[bi], len, position, 3 * worker + 2);
        } else if (roll < 64) {
            boolean selfInterrupt = r.nextInt(4) == 0;
            sync("size", inst, selfInterrupt, () -> {
                if (f.size() < 0) {
                    problem("size() < 0", null);
                }
            });
        } else if (roll < 71) {
            boolean selfInterrupt = r.nextInt(4) == 0;
            long to = r.nextInt(FILE_SPAN);
            sync("truncate", inst, selfInterrupt, () -> f.truncate(to));
        } else if (roll < 75) {
            closeAndReopen(backends[bi], slots[bi][si], inst, paths[bi][si], r.nextBoolean());
        } else if (roll < 80) {
            track("force", inst, f.force(r.nextBoolean()), r, me, null);
        } else if (roll < 84) {
            try (Ring ring = Ring.open(RingOptions.builder().entries(4).build())) {
                problem("Ring.open on a virtual thread was accepted: " + ring, null);
            } catch (IllegalStateException e) {
                count("Ring.open on a virtual thread refused");
                if (!e.getMessage().contains("virtual thread")) {
                    problem("Ring.open on a virtual thread refused without naming why", e);
                }
            }
        } else if (roll < 88) {
            Ring ring = foreignRings[r.nextInt(RING_THREADS)].get();
            if (ring != null) {
                try {
                    if (r.nextBoolean()) {
                        ring.nop().tag(1);
                    } else {
                        ring.reap((tag, res, flags) -> problem("a virtual thread reaped a completion of another "
                                + "thread's ring", null));
                    }
                    problem("a virtual thread used a ring owned by a platform thread", null);
                } catch (IllegalStateException e) {
                    count("foreign ring call from a virtual thread refused");
                }
            }
        } else if (roll < 92) {
            ByteBuffer a = usable(r, len, globalBuffer, new String[1], other);
            ByteBuffer c = ByteBuffer.allocateDirect(1 + r.nextInt(4096));
            track("readv", inst, f.read(new ByteBuffer[] {a, c}, position), r, me, null);
        } else {
            // an operation on a file certainly closed
            Inst closed = new Inst(open(backends[bi], paths[bi][si], true));
            closed.closeCalled.set(true);
            closed.file.close();
            track("read after close", closed, closed.file.read(ByteBuffer.allocateDirect(64), 0), r, me, null);
        }
    }

    static final Inst[] REF_INST = {new Inst(null), new Inst(null)};

    /** A buffer the library must accept: direct, Arena.ofAuto(), this worker's Arena.global() one, or an auto-arena mapping. */
    static ByteBuffer usable(Random r, int len, ByteBuffer globalBuffer, String[] kind, int region) throws IOException {
        switch (r.nextInt(5)) {
            case 0:
                kind[0] = "direct";
                return ByteBuffer.allocateDirect(len);
            case 1: case 2:
                kind[0] = "auto-arena";
                return Arena.ofAuto().allocate(len).asByteBuffer();
            case 3:
                kind[0] = "global-arena";
                // a new buffer object over the same memory: an earlier operation may still own the previous one
                return globalBuffer.slice(0, Math.min(len, globalBuffer.capacity()));
            default:
                kind[0] = "auto-mapped";
                return mappedChannel.map(FileChannel.MapMode.READ_WRITE, (long) region * MAX_LEN, len, Arena.ofAuto())
                        .asByteBuffer();
        }
    }

    /**
     * A buffer whose memory can be freed behind the library's back (an open confined or shared
     * arena, or a mapping in one: IllegalArgumentException) or already is (a closed arena:
     * IllegalStateException), given to read/readFully/readv of the reference file or
     * write/writeFully of a shared file: the call must throw, and the memory stay untouched.
     */
    static void refused(Random r, AsyncFile shared, Inst inst, AsyncFile refFile, int len, long position, int region)
            throws Exception {
        int kind = r.nextInt(6);
        boolean closed = kind >= 4;
        Arena arena = kind % 2 == 0 ? Arena.ofConfined() : Arena.ofShared();
        String name = (closed ? "closed " : "") + (kind % 2 == 0 ? "confined" : "shared");
        ByteBuffer b;
        if (r.nextInt(3) == 0) {
            name += " mapped";
            b = mappedChannel.map(FileChannel.MapMode.READ_WRITE, (long) region * MAX_LEN, len, arena).asByteBuffer();
        } else {
            b = arena.allocate(len).asByteBuffer();
        }
        if (!closed) {
            fill(b, SENTINEL);
        } else {
            arena.close();
        }
        int op = r.nextInt(5);
        String what = new String[] {"read", "readFully", "readv", "write", "writeFully"}[op] + " " + name;
        CompletableFuture<?> accepted = null;
        try {
            switch (op) {
                case 0: accepted = refFile.read(b, 0); break;
                case 1: accepted = refFile.readFully(b, 0); break;
                case 2: accepted = refFile.read(new ByteBuffer[] {ByteBuffer.allocateDirect(16), b}, 0); break;
                case 3: accepted = shared.write(b, position); break;
                default: accepted = shared.writeFully(b, position); break;
            }
            problem(what + " buffer was accepted (returned a future)", null);
        } catch (IllegalArgumentException e) {
            count("refused " + (closed ? "closed" : "closeable") + " arena buffer (IllegalArgumentException)");
            if (closed) {
                problem(what + ": refused with IllegalArgumentException, expected IllegalStateException", e);
            }
        } catch (IllegalStateException e) {
            count("refused " + (closed ? "closed" : "closeable") + " arena buffer (IllegalStateException)");
            if (!closed) {
                problem(what + ": refused with IllegalStateException, expected IllegalArgumentException", e);
            }
        }
        if (accepted != null) {
            try { // never let the kernel write memory freed below
                accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | CancellationException | TimeoutException e) {
                // reported above
            }
        }
        if (!closed) {
            for (int i = 0; i < b.capacity(); i++) {
                if (b.get(i) != SENTINEL) {
                    problem(what + ": the refused buffer was written at byte " + i, null);
                    break;
                }
            }
            arena.close();
        }
    }

    /** Records the operation, maybe cancels it or adds a throwing callback, and waits in get() or join() (or not). */
    static void track(String kind, Inst inst, CompletableFuture<?> future, Random r, Waiter me, Runnable afterDone) {
        Op op = new Op(kind, inst, future);
        ops.add(op);
        count("started " + kind);
        future.whenComplete((v, e) -> classify(op, e));
        int extra = r.nextInt(100);
        if (extra < 8) {
            count("callbacks that throw an Error");
            future.whenComplete((v, e) -> {
                throw new FuzzError();
            });
        } else if (extra < 14 && afterDone == null) {
            op.cancelRequested = true;
            future.cancel(r.nextBoolean());
        }
        int wait = r.nextInt(afterDone == null ? 3 : 2);
        if (wait < 2) {
            me.begin();
            try {
                if (wait == 0) {
                    future.get(WAIT_SECONDS, TimeUnit.SECONDS);
                } else {
                    future.copy().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join(); // join() does not end at an interrupt
                }
            } catch (InterruptedException e) {
                count("get() interrupted");
            } catch (TimeoutException e) {
                problem(kind + ": get() found no completion within " + WAIT_SECONDS + " s", e);
            } catch (CompletionException e) {
                if (e.getCause() instanceof TimeoutException) {
                    problem(kind + ": join() found no completion within " + WAIT_SECONDS + " s", e);
                }
            } catch (ExecutionException | CancellationException e) {
                // classified by the callback
            } finally {
                if (me.end() && wait == 1) {
                    count("join() interrupted (kept waiting, status kept)");
                }
            }
        }
        if (afterDone != null) {
            // buffers are reused or checked: wait until the operation is really done (an interrupt ended the wait early)
            try {
                future.handle((v, e) -> null).get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                problem(kind + ": no completion within " + WAIT_SECONDS + " s", e);
            }
            afterDone.run();
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static void classify(Op op, Throwable e) {
        int n = op.completions.incrementAndGet();
        if (n != 1) {
            problem(op.kind + " completed " + n + " times", e);
            return;
        }
        Throwable c = e == null ? null : unwrap(e);
        if (c == null) {
            count("ok");
        } else if (c instanceof CancellationException) {
            count("failed CancellationException");
            if (!op.cancelRequested) {
                problem(op.kind + " was cancelled although nobody cancelled it", c);
            }
        } else if (c instanceof ClosedChannelException) { // AsynchronousCloseException is one
            count("failed " + c.getClass().getSimpleName());
            if (!op.inst.closeCalled.get()) {
                problem(op.kind + " failed with " + c.getClass().getSimpleName() + " on a file nobody closed", c);
            }
        } else if (c instanceof EOFException && op.kind.contains("Fully")) {
            count("failed EOFException");
        } else {
            count("failed unexpectedly " + c.getClass().getSimpleName());
            problem(op.kind + " failed with an exception the contract does not name (file closed: "
                    + op.inst.closeCalled.get() + ")", c);
        }
    }

    interface IoAction {
        void run() throws IOException;
    }

    static void sync(String kind, Inst inst, boolean selfInterrupt, IoAction action) {
        count("started " + kind + (selfInterrupt ? " (interrupted caller)" : ""));
        if (selfInterrupt) {
            Thread.currentThread().interrupt();
        }
        try {
            action.run();
            count("ok");
        } catch (InterruptedIOException e) {
            count("failed InterruptedIOException");
            if (!selfInterrupt) {
                problem(kind + " threw InterruptedIOException without an interrupt", e);
            }
        } catch (ClosedChannelException e) {
            count("failed " + e.getClass().getSimpleName());
            if (!inst.closeCalled.get()) {
                problem(kind + " threw " + e.getClass().getSimpleName() + " on a file nobody closed", e);
            }
        } catch (IOException | RuntimeException e) {
            count("failed unexpectedly " + e.getClass().getSimpleName());
            problem(kind + " threw an exception the contract does not name", e);
        } finally {
            Thread.interrupted();
        }
        if (selfInterrupt && !inst.closeCalled.get() && !inst.file.isOpen()) {
            problem(kind + " with the caller interrupted left the file closed", null);
        }
    }

    static void closeAndReopen(AsyncFile.Backend backend, AtomicReference<Inst> slot, Inst inst, Path path, boolean race)
            throws Exception {
        inst.closeCalled.set(true);
        count(race ? "closes (two virtual threads at once)" : "closes");
        Thread other = null;
        if (race) {
            other = Thread.ofVirtual().start(() -> {
                try {
                    inst.file.close();
                } catch (IOException e) {
                    problem("the racing close threw", e);
                }
            });
        }
        try {
            inst.file.close();
        } catch (IOException e) {
            problem("close threw", e);
        }
        if (other != null && !other.join(Duration.ofSeconds(WAIT_SECONDS))) {
            problem("the racing close did not return within " + WAIT_SECONDS + " s", null);
        }
        if (inst.file.isOpen()) {
            problem("isOpen() after close", null);
        }
        Inst next = new Inst(open(backend, path, true));
        if (!slot.compareAndSet(inst, next)) {
            next.closeCalled.set(true);
            next.file.close();
        }
    }

    // ------------------------------------------------------------------ platform ring owners

    /**
     * A platform thread fuzzing its own rings: reads of the reference file into direct,
     * auto-arena and global-arena buffers (bytes checked), closeable or closed arena buffers
     * (refused, nothing staged), handlers that throw, interrupts while it waits (EINTR, the
     * status kept), close (the first throwable rethrown, everything delivered once) and reopen.
     */
    static void ringOwner(int index, Random r, Waiter me, long deadline) {
        ByteBuffer global = Arena.global().allocate(64 * MAX_LEN, 4096).asByteBuffer();
        try {
            while (!stop.get() && System.nanoTime() < deadline) {
                Ring ring = Ring.open(RingOptions.builder().entries(1 + r.nextInt(32)).build());
                count("rings opened by platform threads");
                foreignRings[index].set(ring);
                int fd = openFd(ring, ref);
                Map<Long, Object[]> outstanding = new HashMap<>(); // tag -> {buffer, offset, length, start}
                long[] nextTag = {1};
                List<Throwable> thrown = new ArrayList<>();
                boolean throwing = r.nextBoolean();
                CompletionHandler h = (tag, res, flags) -> {
                    Object[] o = outstanding.remove(tag);
                    if (o == null) {
                        problem("ring completion for tag " + tag + " not outstanding (twice or unknown)", null);
                    } else if (res >= 0 && o[0] != null) {
                        ByteBuffer b = (ByteBuffer) o[0];
                        int at = (Integer) o[1];
                        int start = (Integer) o[3];
                        for (int i = 0; i < res; i++) {
                            if (b.get(start + i) != refPattern[at + i]) {
                                problem("ring read of the reference file: wrong byte at " + (at + i) + " in a " + o[4]
                                        + " buffer", null);
                                break;
                            }
                        }
                        count("ring reads verified");
                    } else if (res < 0 && res != -Errno.ECANCELED) {
                        problem("ring read failed: " + res, null);
                    }
                    if (throwing && r.nextInt(6) == 0) {
                        FuzzError e = new FuzzError();
                        thrown.add(e);
                        throw e;
                    }
                };
                int life = 50 + r.nextInt(400);
                int globalNext = 0;
                for (int i = 0; i < life && !stop.get() && System.nanoTime() < deadline; i++) {
                    int roll = r.nextInt(10);
                    if (roll < 5) {
                        int n = 1 + r.nextInt(MAX_LEN);
                        int at = r.nextInt(REF_BYTES - n + 1);
                        ByteBuffer b;
                        String kind;
                        int k = r.nextInt(3);
                        if (k == 0) {
                            b = ByteBuffer.allocateDirect(n);
                            kind = "direct";
                        } else if (k == 1) {
                            b = Arena.ofAuto().allocate(n).asByteBuffer();
                            kind = "auto-arena";
                        } else {
                            // a slice of the thread's global buffer no other outstanding read uses
                            int slice = globalNext++ % 64;
                            boolean busy = false;
                            for (Object[] o : outstanding.values()) {
                                busy |= o[5] != null && (Integer) o[5] == slice;
                            }
                            if (busy) {
                                continue;
                            }
                            b = global.slice(slice * MAX_LEN, n);
                            kind = "global-arena";
                        }
                        long tag = nextTag[0]++;
                        try {
                            ring.read(fd, b, at).tag(tag);
                            outstanding.put(tag, new Object[] {b, at, n, b.position(), kind,
                                    kind.equals("global-arena") ? (globalNext - 1) % 64 : null});
                            count("ring reads accepted");
                        } catch (UringException e) {
                            count("ring reads refused (" + e.errnoName() + ")");
                        }
                    } else if (roll < 6) {
                        Arena a = r.nextBoolean() ? Arena.ofConfined() : Arena.ofShared();
                        ByteBuffer b = a.allocate(4096).asByteBuffer();
                        boolean closed = r.nextBoolean();
                        if (closed) {
                            a.close();
                        }
                        int staged = ring.staged();
                        try {
                            ring.read(fd, b, 0).tag(-5);
                            problem("Ring.read accepted a " + (closed ? "closed" : "closeable") + " arena buffer", null);
                            outstanding.put(-5L, new Object[] {null});
                        } catch (IllegalArgumentException | IllegalStateException e) {
                            count("ring refused " + (closed ? "closed" : "closeable") + " arena buffer ("
                                    + e.getClass().getSimpleName() + ")");
                            if (ring.staged() != staged) {
                                problem("a refused Ring.read left a record staged", e);
                            }
                        }
                        if (!closed) {
                            drainAll(ring, h, outstanding, thrown, me); // before its memory goes
                            a.close();
                        }
                    } else if (roll < 9) {
                        int before = thrown.size();
                        me.begin();
                        try {
                            ring.submitAndReap(Math.min(1 + r.nextInt(3), outstanding.size()), 1 + r.nextInt(20),
                                    TimeUnit.MILLISECONDS, h);
                            count("ring waits");
                        } catch (UringException e) {
                            if (e.errno() == 4) {
                                count("ring waits interrupted (EINTR)");
                                if (!Thread.currentThread().isInterrupted()) {
                                    problem("EINTR but the interrupt status was cleared", e);
                                }
                            } else {
                                problem("ring wait failed", e);
                            }
                        } catch (FuzzError e) {
                            if (thrown.size() != before + 1 || thrown.get(before) != e) {
                                problem("submitAndReap threw a FuzzError other than the handler's one", e);
                            }
                            count("ring handler Errors rethrown by submitAndReap");
                        } finally {
                            me.end();
                        }
                    } else {
                        ring.submit();
                    }
                }
                foreignRings[index].set(null);
                int before = thrown.size();
                Throwable got = null;
                int leakedBefore = Ring.leakedBuffers();
                try {
                    ring.close(r.nextInt(4) == 0 ? Duration.ZERO : Duration.ofSeconds(5), h);
                } catch (Throwable t) {
                    got = t;
                }
                if (Ring.leakedBuffers() != leakedBefore) {
                    count("ring closes that leaked buffers (Duration.ZERO)");
                    global = Arena.global().allocate(64 * MAX_LEN, 4096).asByteBuffer(); // the kernel may still write the old one
                }
                if (thrown.size() > before && got != thrown.get(before)) {
                    problem("close did not rethrow the handler's first throwable (got " + got + ")", got);
                } else if (thrown.size() == before && got != null) {
                    problem("close threw although the handler did not", got);
                }
                if (thrown.size() > before) {
                    count("ring closes that rethrew a handler Error");
                }
                if (!outstanding.isEmpty()) {
                    problem(outstanding.size() + " accepted ring operations never completed at close", null);
                }
                count("rings closed by platform threads");
                closeFd(fd);
            }
        } catch (Throwable t) {
            problem("ring owner " + index + " died", t);
        }
    }

    /** Delivers every outstanding completion of {@code ring} (handler throws caught). */
    static void drainAll(Ring ring, CompletionHandler h, Map<Long, Object[]> outstanding, List<Throwable> thrown,
                         Waiter me) throws UringException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!outstanding.isEmpty() && System.nanoTime() < until) {
            try {
                ring.submitAndReap(1, 10, TimeUnit.MILLISECONDS, h);
            } catch (FuzzError e) {
                count("ring handler Errors rethrown by submitAndReap");
            }
        }
        if (!outstanding.isEmpty()) {
            problem("ring operations outstanding after " + WAIT_SECONDS + " s", null);
        }
    }

    static int openFd(Ring ring, Path p) throws Exception {
        int[] res = {Integer.MIN_VALUE};
        ring.openat(Linux.AT_FDCWD, p.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0).tag(-1);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (res[0] == Integer.MIN_VALUE && System.nanoTime() < until) {
            try {
                ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, (tag, r, flags) -> res[0] = r);
            } catch (UringException e) {
                if (e.errno() != 4) {
                    throw e;
                }
                Thread.interrupted();
            }
        }
        if (res[0] < 0) {
            throw new IOException("openat " + p + ": " + res[0]);
        }
        return res[0];
    }

    static void closeFd(int fd) throws Exception {
        // a fresh ring: the fuzzed one is closed
        try (Ring ring = Ring.open(RingOptions.builder().entries(2).build())) {
            int[] res = {Integer.MIN_VALUE};
            ring.closeFd(fd).tag(1);
            ring.submitAndReap(1, 5, TimeUnit.SECONDS, (tag, r, flags) -> res[0] = r);
            if (res[0] != 0) {
                problem("closing the ring owner's fd " + fd + ": " + res[0], null);
            }
        }
    }

    // ------------------------------------------------------------------ bystanders

    static void churnBystanders(Path dir, long seed, FileChannel mainChannel, byte[] mainPattern) {
        ArrayDeque<Object[]> open = new ArrayDeque<>();
        int id = 0;
        try {
            while (!stop.get()) {
                Path p = dir.resolve("b" + id);
                byte[] pattern = pattern(seed, id, BYSTANDER_BYTES);
                FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                ByteBuffer src = ByteBuffer.wrap(pattern);
                while (src.hasRemaining()) {
                    ch.write(src, src.position());
                }
                open.add(new Object[] {ch, pattern, p});
                count("bystanders opened");
                id++;
                if (open.size() > 4) {
                    checkAndClose(open.poll());
                }
                if (id % 16 == 0) {
                    verify("main bystander (through its channel) during the run", mainChannel, mainPattern);
                }
                sleepMicros(200);
            }
            while (!open.isEmpty()) {
                checkAndClose(open.poll());
            }
        } catch (IOException | RuntimeException e) {
            problem("bystander check", e);
        }
    }

    static void checkAndClose(Object[] b) throws IOException {
        FileChannel ch = (FileChannel) b[0];
        byte[] pattern = (byte[]) b[1];
        Path p = (Path) b[2];
        verify("bystander " + p.getFileName() + " (through its channel)", ch, pattern);
        ch.close();
        if (!Arrays.equals(pattern, Files.readAllBytes(p))) {
            problem("bystander " + p.getFileName() + " damaged on disk", null);
        }
        Files.delete(p);
        count("bystanders checked");
    }

    static void verify(String what, FileChannel ch, byte[] pattern) {
        try {
            long size = ch.size();
            if (size != pattern.length) {
                problem(what + ": size " + size + ", expected " + pattern.length, null);
            }
            ByteBuffer in = ByteBuffer.allocate(pattern.length);
            while (in.hasRemaining() && ch.read(in, in.position()) >= 0) {
                // reading
            }
            if (!Arrays.equals(pattern, Arrays.copyOf(in.array(), in.position()))) {
                problem(what + ": content damaged", null);
            }
        } catch (IOException e) {
            problem(what + ": its channel failed (fd lost?)", e);
        }
    }

    // ------------------------------------------------------------------ helpers

    static byte[] pattern(long seed, int id, int n) {
        byte[] b = new byte[n];
        new Random(seed * 1_000_003L + id).nextBytes(b);
        return b;
    }

    static void fill(ByteBuffer b, byte v) {
        for (int i = b.position(); i < b.limit(); i++) {
            b.put(i, v);
        }
    }

    static List<String> openFdsUnder(Path under) throws IOException {
        List<String> found = new ArrayList<>();
        String prefix = under.toRealPath().toString();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        found.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return found;
    }

    static void sleepMicros(long us) {
        try {
            TimeUnit.MICROSECONDS.sleep(us);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
