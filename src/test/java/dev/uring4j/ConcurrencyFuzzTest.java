package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.AsyncFileConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded concurrency fuzz of the public AsyncFile API on both backends: worker threads read,
 * write (plain, fully, vectored), size, truncate, force, cancel and close-and-reopen shared
 * files, closing the same file from two threads at once; some completion callbacks throw
 * Errors; an interrupter interrupts workers blocked in get() and join(); workers interrupt
 * themselves before size() and truncate(). Meanwhile FileChannels on unrelated files
 * ("bystanders", opened and closed all the time so that their fds take the numbers the
 * AsyncFiles release) are checked for integrity.
 *
 * <p>Asserted: no bystander is damaged (each read through its own channel works and returns
 * its own bytes, its size never changes); every future completes, exactly once, within a
 * bounded time; every failure is one the AsyncFile contract names (ClosedChannelException
 * or AsynchronousCloseException only for a file whose close was called, CancellationException
 * only for a cancelled future, EOFException for a readFully/fully racing a truncate,
 * InterruptedIOException or InterruptedException only for an interrupted caller); an
 * interrupt never closes a file; no thread dies of an uncaught throwable; the workers finish
 * in bounded time; no fd of the fuzz's files is left open afterwards; a fresh file works.
 *
 * <p>Default run: a few thousand operations per backend in at most ~7 s each. Long runs:
 * {@code -During4j.fuzz.steps=200000 -During4j.fuzz.seconds=600}; {@code -During4j.fuzz.seed=N}
 * replays a seed (the seed is printed; thread interleavings still differ between runs);
 * {@code -During4j.fuzz.selfInterrupt=false} leaves out the self-interrupts (to see past that finding).
 */
@Tag("kernel")
class ConcurrencyFuzzTest {
    private static final int STEPS = Integer.getInteger("uring4j.fuzz.steps", 10_000);
    private static final long SECONDS = Long.getLong("uring4j.fuzz.seconds", 7);
    private static final long SEED = Long.getLong("uring4j.fuzz.seed", 0x5eed_2026L);
    /** Whether workers also interrupt themselves before size() and truncate() (false isolates other findings). */
    private static final boolean SELF_INTERRUPT = !"false".equals(System.getProperty("uring4j.fuzz.selfInterrupt"));
    private static final int WORKERS = 4;
    private static final int SHARED_FILES = 2;
    private static final int FILE_SPAN = 256 << 10;
    private static final int BYSTANDER_BYTES = 8192;
    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path dir;

    /** One AsyncFile instance in a slot; {@code closeCalled} is set before anyone calls close(). */
    static final class Inst {
        final AsyncFile file;
        final AtomicBoolean closeCalled = new AtomicBoolean();

        Inst(AsyncFile file) {
            this.file = file;
        }
    }

    /** One started operation and what became of it. */
    static final class Op {
        final String kind;
        final Inst inst;
        final CompletableFuture<?> future;
        final AtomicInteger completions = new AtomicInteger();
        volatile boolean cancelRequested;
        /** The dependent of a callback that threw a FuzzError, or null. */
        volatile CompletableFuture<?> throwingCallback;

        Op(String kind, Inst inst, CompletableFuture<?> future) {
            this.kind = kind;
            this.inst = inst;
            this.future = future;
        }
    }

    /** Thrown by completion callbacks on purpose. */
    static final class FuzzError extends Error {
        FuzzError() {
            super("thrown on purpose by a completion callback", null, false, false);
        }
    }

    /** A worker and whether it may be interrupted now (only while it waits in get/join). */
    static final class Worker {
        final Thread thread;
        boolean waiting; // guarded by this

        Worker(Thread thread) {
            this.thread = thread;
        }
    }

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Problems problems = new Problems();
    private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

    /** Problems: counted by kind (paths and numbers left out), the first few kept with stack traces. */
    static final class Problems {
        final ConcurrentLinkedQueue<String> all = new ConcurrentLinkedQueue<>();
        final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
        final AtomicInteger n = new AtomicInteger();

        void add(String what, Throwable t) {
            int i = n.incrementAndGet();
            String kind = (what + (t == null ? "" : ": " + t.getClass().getName() + ": " + t.getMessage()))
                    .replaceAll("/\\S+", "<path>").replaceAll("\\b\\d+\\b", "N");
            byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
            if (i <= 12) {
                all.add(what + (t == null ? "" : ": " + t + (i <= 3 ? "\n" + stack(t) : "")));
            }
        }

        String summary() {
            StringBuilder b = new StringBuilder();
            byKind.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().sum(), x.getValue().sum()))
                    .forEach(e -> b.append("\n  ").append(e.getValue().sum()).append(" x ").append(e.getKey()));
            return b.toString();
        }
    }

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    private static String stack(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        String s = w.toString();
        return s.length() > 3000 ? s.substring(0, 3000) + "..." : s;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.getNow(null);
            return null;
        } catch (CancellationException e) {
            return e;
        } catch (CompletionException e) {
            return unwrap(e);
        }
    }

    private static AsyncFile open(AsyncFile.Backend b, Path p) throws IOException {
        return AsyncFile.open(p, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE),
                AsyncFileConfig.builder().backend(b).build());
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void concurrentUseNeverDamagesUnrelatedFilesAndEveryFutureCompletes(AsyncFile.Backend backend) throws Exception {
        if (backend == AsyncFile.Backend.IOURING) {
            TestSupport.requireAvailable();
        }
        long seed = SEED ^ backend.ordinal();
        System.out.println("ConcurrencyFuzzTest " + backend + ": seed " + seed + ", " + STEPS + " steps, " + SECONDS
                + " s at most (-During4j.fuzz.seed/steps/seconds)");
        Path files = Files.createDirectories(dir.resolve("shared"));
        Path bystanders = Files.createDirectories(dir.resolve("bystanders"));

        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> problems.add("uncaught on thread " + t.getName(), e));
        try {
            // the long-lived bystander, opened before any AsyncFile
            Path mainBystander = bystanders.resolve("main");
            byte[] mainPattern = pattern(seed, -1, BYSTANDER_BYTES);
            Files.write(mainBystander, mainPattern);
            try (FileChannel mainChannel = FileChannel.open(mainBystander, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                run(backend, seed, files, bystanders, mainChannel, mainPattern);
            }
            assertArrayEqualsNamed("main bystander after the run (by path)", mainPattern, Files.readAllBytes(mainBystander));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /**
     * The deterministic core of one fuzz finding: as with AsynchronousFileChannel, an
     * interrupted caller of size() or truncate() may get InterruptedIOException, but the file
     * stays open for everyone (FileChannel, by contrast, closes itself on an interrupt).
     */
    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void anInterruptedCallerOfSizeOrTruncateDoesNotCloseTheFile(AsyncFile.Backend backend) throws Exception {
        if (backend == AsyncFile.Backend.IOURING) {
            TestSupport.requireAvailable();
        }
        try (AsyncFile f = open(backend, dir.resolve("interrupted"))) {
            assertEquals(8192, f.writeFully(ByteBuffer.allocateDirect(8192), 0).get(WAIT_SECONDS, TimeUnit.SECONDS));
            List<String> outcomes = new ArrayList<>();
            for (String call : List.of("size", "truncate")) {
                Thread.currentThread().interrupt();
                try {
                    if (call.equals("size")) {
                        assertEquals(8192, f.size());
                    } else {
                        f.truncate(4096);
                    }
                    outcomes.add(call + ": returned");
                } catch (InterruptedIOException e) {
                    outcomes.add(call + ": InterruptedIOException");
                } catch (ClosedChannelException e) {
                    outcomes.add(call + ": " + e.getClass().getSimpleName());
                } finally {
                    Thread.interrupted();
                }
                assertTrue(f.isOpen(), call + " with the caller interrupted: " + outcomes);
                ByteBuffer b = ByteBuffer.allocate(16);
                try {
                    assertEquals(16, f.read(b, 0).get(WAIT_SECONDS, TimeUnit.SECONDS), call + ": " + outcomes);
                } catch (ExecutionException e) {
                    fail(backend + ": after " + call + " with the caller interrupted (" + outcomes + "), a read on the "
                            + "still-open file failed with " + e.getCause(), e.getCause());
                }
            }
        }
    }

    private void run(AsyncFile.Backend backend, long seed, Path files, Path bystanders, FileChannel mainChannel,
                     byte[] mainPattern) throws Exception {
        @SuppressWarnings("unchecked")
        AtomicReference<Inst>[] slots = new AtomicReference[SHARED_FILES];
        Path[] paths = new Path[SHARED_FILES];
        for (int i = 0; i < SHARED_FILES; i++) {
            paths[i] = files.resolve("f" + i);
            slots[i] = new AtomicReference<>(new Inst(open(backend, paths[i])));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong steps = new AtomicLong();
        List<Worker> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Random random = new Random(seed * 31 + w);
            Worker[] self = new Worker[1];
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get() && steps.incrementAndGet() <= STEPS && System.nanoTime() < deadline) {
                        step(backend, random, slots, paths, self[0]);
                    }
                } catch (Throwable e) {
                    problems.add("worker " + Thread.currentThread().getName() + " died", e);
                }
            }, "fuzz-worker-" + w);
            self[0] = new Worker(t);
            workers.add(self[0]);
        }
        Random irandom = new Random(seed * 17);
        Thread interrupter = new Thread(() -> {
            while (!stop.get()) {
                Worker w = workers.get(irandom.nextInt(workers.size()));
                synchronized (w) {
                    if (w.waiting) {
                        w.thread.interrupt();
                        count("interrupts delivered (in get/join)");
                    }
                }
                sleepMicros(200 + irandom.nextInt(2000));
            }
        }, "fuzz-interrupter");
        Thread churner = new Thread(() -> churnBystanders(bystanders, seed, stop, mainChannel, mainPattern),
                "fuzz-bystanders");

        churner.start();
        interrupter.start();
        workers.forEach(w -> w.thread.start());
        long joinBy = deadline + TimeUnit.SECONDS.toNanos(30);
        for (Worker w : workers) {
            w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinBy - System.nanoTime())));
        }
        stop.set(true);
        interrupter.join(10_000);
        churner.join(10_000);
        StringBuilder hung = new StringBuilder();
        for (Worker w : workers) {
            if (w.thread.isAlive()) {
                hung.append("\n").append(w.thread.getName()).append(" still running:");
                for (StackTraceElement e : w.thread.getStackTrace()) {
                    hung.append("\n    at ").append(e);
                }
            }
        }

        // close what is open, then every future must be done
        for (AtomicReference<Inst> s : slots) {
            Inst i = s.get();
            i.closeCalled.set(true);
            try {
                i.file.close();
            } catch (IOException e) {
                problems.add("final close of " + i.file.path(), e);
            }
        }
        long doneBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<String> neverCompleted = new ArrayList<>();
        for (Op op : ops) {
            try {
                op.future.get(Math.max(0, doneBy - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                neverCompleted.add(op.kind + " on " + op.inst.file.path() + " (file closed: " + op.inst.closeCalled.get()
                        + ", cancel requested: " + op.cancelRequested + ")");
            } catch (ExecutionException | CancellationException e) {
                // classified by its callback
            }
        }
        // the counting callbacks run right after completion, on the completing thread
        long settleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < settleBy && ops.stream().anyMatch(o -> o.future.isDone() && o.completions.get() == 0)) {
            Thread.sleep(5);
        }
        List<String> notOnce = new ArrayList<>();
        for (Op op : ops) {
            if (op.future.isDone() && op.completions.get() != 1) {
                notOnce.add(op.kind + " completed " + op.completions.get() + " times");
            }
            CompletableFuture<?> cb = op.throwingCallback;
            if (cb != null && op.future.isDone()) {
                // whenComplete's dependent fails with the callback's Error, or with the operation's own failure
                Throwable own = op.future.isCompletedExceptionally() ? failureOf(op.future) : null;
                try {
                    cb.get(1, TimeUnit.SECONDS);
                    notOnce.add(op.kind + ": the dependent of a throwing callback completed normally");
                } catch (ExecutionException | CancellationException e) {
                    Throwable got = unwrap(e);
                    boolean expected = own == null ? got instanceof FuzzError : got == own || got.getClass() == own.getClass();
                    if (!expected) {
                        notOnce.add(op.kind + ": the dependent of a throwing callback failed with " + got
                                + " (the operation: " + (own == null ? "succeeded" : own) + ")");
                    }
                } catch (TimeoutException e) {
                    notOnce.add(op.kind + ": the dependent of a throwing callback never completed");
                }
            }
        }

        // liveness after Errors in callbacks and interrupts: a fresh file works on the same backend
        Path fresh = files.resolve("fresh");
        try (AsyncFile f = open(backend, fresh)) {
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            b.put(0, (byte) 42);
            assertEquals(4096, f.writeFully(b, 0).get(WAIT_SECONDS, TimeUnit.SECONDS), "a fresh file after the fuzz");
            ByteBuffer r = ByteBuffer.allocate(4096);
            assertEquals(4096, f.readFully(r, 0).get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(42, r.get(0));
        }
        verifyBystander("main bystander (through its channel) after the run", mainChannel, mainPattern);

        List<String> leaked = openFdsUnder(dir.resolve("shared"));
        printFigures(backend, steps.get());

        StringBuilder report = new StringBuilder();
        if (hung.length() > 0) {
            report.append("\nworkers did not finish within ").append(SECONDS + 30).append(" s:").append(hung);
        }
        if (!neverCompleted.isEmpty()) {
            report.append("\n").append(neverCompleted.size()).append(" futures never completed within ")
                    .append(WAIT_SECONDS).append(" s after close, e.g. ")
                    .append(neverCompleted.subList(0, Math.min(10, neverCompleted.size())));
        }
        if (!notOnce.isEmpty()) {
            report.append("\n").append(notOnce.size()).append(" completion anomalies, e.g. ")
                    .append(notOnce.subList(0, Math.min(10, notOnce.size())));
        }
        if (!leaked.isEmpty()) {
            report.append("\nfds still open on the fuzz's files after every close: ").append(leaked);
        }
        if (problems.n.get() > 0) {
            report.append("\n").append(problems.n.get()).append(" problems (seed ").append(seed).append("), by kind:")
                    .append(problems.summary()).append("\nthe first:");
            for (String p : problems.all) {
                report.append("\n- ").append(p);
            }
        }
        if (report.length() > 0) {
            fail(backend + " fuzz:" + report);
        }
        assertTrue(counts.getOrDefault("ok", new LongAdder()).sum() > 0, "no operation succeeded at all: " + counts);
    }

    // ------------------------------------------------------------------ one worker step

    private void step(AsyncFile.Backend backend, Random r, AtomicReference<Inst>[] slots, Path[] paths, Worker self)
            throws Exception {
        int s = r.nextInt(slots.length);
        Inst inst = slots[s].get();
        AsyncFile f = inst.file;
        int roll = r.nextInt(100);
        long position = r.nextInt(FILE_SPAN);
        int len = 1 + r.nextInt(16 << 10);
        if (roll < 24) {
            track("read", inst, f.read(buffer(r, len), position), r, self);
        } else if (roll < 44) {
            track("write", inst, f.write(filled(r, len), position), r, self);
        } else if (roll < 52) {
            track("readFully", inst, f.readFully(buffer(r, len), position), r, self);
        } else if (roll < 60) {
            track("writeFully", inst, f.writeFully(filled(r, len), position), r, self);
        } else if (roll < 64) {
            track("readv", inst, f.read(new ByteBuffer[] {buffer(r, len), buffer(r, 1 + r.nextInt(4096))}, position), r,
                    self);
        } else if (roll < 68) {
            track("writev", inst, f.write(new ByteBuffer[] {filled(r, len), filled(r, 1 + r.nextInt(4096))}, position),
                    r, self);
        } else if (roll < 71) {
            track("force", inst, f.force(r.nextBoolean()), r, self);
        } else if (roll < 80) {
            boolean selfInterrupt = r.nextInt(4) == 0 && SELF_INTERRUPT;
            sync("size", inst, selfInterrupt, () -> {
                long size = f.size();
                if (size < 0) {
                    problems.add("size() returned " + size, null);
                }
            });
        } else if (roll < 88) {
            boolean selfInterrupt = r.nextInt(4) == 0 && SELF_INTERRUPT;
            long to = r.nextInt(FILE_SPAN);
            sync("truncate", inst, selfInterrupt, () -> f.truncate(to));
        } else if (roll < 92) {
            closeAndReopen(backend, slots[s], inst, paths[s], r.nextBoolean());
        } else {
            // an operation on a file that is certainly closed, racing nothing
            Inst closed = new Inst(open(backend, paths[s]));
            closed.closeCalled.set(true);
            closed.file.close();
            count("closes");
            track("read after close", closed, closed.file.read(ByteBuffer.allocateDirect(64), 0), r, self);
        }
    }

    private static ByteBuffer buffer(Random r, int len) {
        return r.nextBoolean() ? ByteBuffer.allocateDirect(len) : ByteBuffer.allocate(len);
    }

    private static ByteBuffer filled(Random r, int len) {
        ByteBuffer b = buffer(r, len);
        for (int i = 0; i < len; i++) {
            b.put(i, (byte) (0xA0 | (i & 0x0f)));
        }
        return b;
    }

    /** Records the operation, maybe cancels it, adds a throwing callback, and waits in one of three ways. */
    private void track(String kind, Inst inst, CompletableFuture<?> future, Random r, Worker self) {
        Op op = new Op(kind, inst, future);
        ops.add(op);
        count("started " + kind);
        future.whenComplete((v, e) -> classify(op, e));
        int extra = r.nextInt(100);
        if (extra < 10) {
            count("callbacks that throw an Error");
            op.throwingCallback = future.whenComplete((v, e) -> {
                throw new FuzzError();
            });
        }
        if (extra >= 10 && extra < 18) {
            op.cancelRequested = true;
            future.cancel(r.nextBoolean());
        }
        int wait = r.nextInt(3);
        if (wait == 2) {
            return; // not waited for now: checked at the end
        }
        synchronized (self) {
            self.waiting = true;
        }
        try {
            if (wait == 0) {
                future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } else {
                // join() cannot be interrupted; a copy with a timeout keeps the wait bounded
                future.copy().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
            }
        } catch (InterruptedException e) {
            count("get() interrupted");
        } catch (TimeoutException e) {
            problems.add(kind + ": get() found no completion within " + WAIT_SECONDS + " s", e);
        } catch (CompletionException e) {
            if (e.getCause() instanceof TimeoutException) {
                problems.add(kind + ": join() found no completion within " + WAIT_SECONDS + " s", e);
            }
        } catch (ExecutionException | CancellationException e) {
            // classified by the callback
        } finally {
            synchronized (self) {
                self.waiting = false;
                Thread.interrupted(); // an interrupt meant for the wait does not leak into the next step
            }
        }
    }

    /** Each completion: counted once, and its failure must be one the contract names for this situation. */
    private void classify(Op op, Throwable e) {
        int n = op.completions.incrementAndGet();
        if (n != 1) {
            problems.add(op.kind + " completed " + n + " times", e);
            return;
        }
        Throwable c = e == null ? null : unwrap(e);
        if (c == null) {
            count("ok");
        } else if (c instanceof CancellationException) {
            count("failed CancellationException");
            if (!op.cancelRequested) {
                problems.add(op.kind + " was cancelled although nobody cancelled it", c);
            }
        } else if (c instanceof AsynchronousCloseException || c instanceof ClosedChannelException) {
            // AsynchronousCloseException is a ClosedChannelException
            count("failed " + c.getClass().getSimpleName());
            if (!op.inst.closeCalled.get()) {
                problems.add(op.kind + " failed with " + c.getClass().getSimpleName() + " on a file nobody closed "
                        + "(something else closed it, e.g. an interrupt)", c);
            }
        } else if (c instanceof EOFException && op.kind.endsWith("Fully")) {
            count("failed EOFException");
        } else {
            count("failed unexpectedly " + c.getClass().getSimpleName());
            problems.add(op.kind + " failed with an exception the AsyncFile contract does not name here (file closed: "
                    + op.inst.closeCalled.get() + ")", c);
        }
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    /** size() or truncate() on the caller's thread, maybe with the caller's interrupt status set. */
    private void sync(String kind, Inst inst, boolean selfInterrupt, IoAction action) {
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
                problems.add(kind + " threw InterruptedIOException without an interrupt", e);
            }
        } catch (ClosedChannelException e) {
            // ClosedByInterruptException is one too: the interrupt closed the file
            count("failed " + e.getClass().getSimpleName());
            if (!inst.closeCalled.get()) {
                problems.add(kind + (selfInterrupt ? " with the caller interrupted" : "") + " threw "
                        + e.getClass().getSimpleName() + " on a file nobody closed", e);
            }
        } catch (IOException | RuntimeException e) {
            count("failed unexpectedly " + e.getClass().getSimpleName());
            problems.add(kind + " threw an exception the contract does not name (file closed: " + inst.closeCalled.get()
                    + ")", e);
        } finally {
            Thread.interrupted();
        }
        if (selfInterrupt && !inst.closeCalled.get() && !inst.file.isOpen()) {
            problems.add(kind + " with the caller interrupted left the file closed", null);
        }
    }

    /** Closes the slot's file (from two threads at once if {@code race}) and puts a new instance in the slot. */
    private void closeAndReopen(AsyncFile.Backend backend, AtomicReference<Inst> slot, Inst inst, Path path, boolean race)
            throws Exception {
        inst.closeCalled.set(true);
        count(race ? "closes (two threads at once)" : "closes");
        CompletableFuture<Void> other = null;
        if (race) {
            other = CompletableFuture.runAsync(() -> {
                try {
                    inst.file.close();
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            });
        }
        try {
            inst.file.close();
        } catch (IOException e) {
            problems.add("close threw", e);
        }
        if (other != null) {
            try {
                other.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                problems.add("the racing close threw", unwrap(e));
            } catch (TimeoutException e) {
                problems.add("the racing close did not return within " + WAIT_SECONDS + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (inst.file.isOpen()) {
            problems.add("isOpen() after close", null);
        }
        Inst next = new Inst(open(backend, path));
        if (!slot.compareAndSet(inst, next)) {
            next.closeCalled.set(true);
            next.file.close();
        }
        count("reopens");
    }

    // ------------------------------------------------------------------ bystanders

    /**
     * Opens, checks and closes FileChannels on unrelated files all the time (a few open at
     * once), so that their fds take the numbers AsyncFiles have just released; each is
     * checked through its channel while open, and by path after close.
     */
    private void churnBystanders(Path dir, long seed, AtomicBoolean stop, FileChannel mainChannel, byte[] mainPattern) {
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
                    Object[] old = open.poll();
                    checkAndClose(old);
                }
                if (id % 16 == 0) {
                    verifyBystander("main bystander (through its channel) during the run", mainChannel, mainPattern);
                }
                sleepMicros(100);
            }
            while (!open.isEmpty()) {
                checkAndClose(open.poll());
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            problems.add("bystander check", e);
        }
    }

    private void checkAndClose(Object[] b) throws IOException {
        FileChannel ch = (FileChannel) b[0];
        byte[] pattern = (byte[]) b[1];
        Path p = (Path) b[2];
        verifyBystander("bystander " + p.getFileName() + " (through its channel)", ch, pattern);
        ch.close();
        byte[] onDisk = Files.readAllBytes(p);
        if (!Arrays.equals(pattern, onDisk)) {
            problems.add("bystander " + p.getFileName() + " damaged on disk: " + diff(pattern, onDisk), null);
        }
        Files.delete(p);
        count("bystanders checked");
    }

    private void verifyBystander(String what, FileChannel ch, byte[] pattern) {
        try {
            long size = ch.size();
            if (size != pattern.length) {
                problems.add(what + ": size " + size + ", expected " + pattern.length + " (truncated or grown)", null);
            }
            ByteBuffer in = ByteBuffer.allocate(pattern.length);
            while (in.hasRemaining()) {
                if (ch.read(in, in.position()) < 0) {
                    break;
                }
            }
            if (!Arrays.equals(pattern, Arrays.copyOf(in.array(), in.position()))) {
                problems.add(what + ": content damaged: " + diff(pattern, Arrays.copyOf(in.array(), in.position())), null);
            }
        } catch (IOException e) {
            problems.add(what + ": its channel failed (fd lost?)", e);
        }
    }

    private static byte[] pattern(long seed, int id, int n) {
        byte[] b = new byte[n];
        new Random(seed * 1_000_003L + id).nextBytes(b);
        return b;
    }

    private static String diff(byte[] want, byte[] got) {
        if (want.length != got.length) {
            return got.length + " bytes instead of " + want.length;
        }
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                return "first difference at byte " + i;
            }
        }
        return "equal";
    }

    private static void assertArrayEqualsNamed(String what, byte[] want, byte[] got) {
        assertTrue(Arrays.equals(want, got), what + ": " + diff(want, got));
    }

    /** The fds of this process that name files under {@code under}. */
    private static List<String> openFdsUnder(Path under) throws IOException {
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

    private void printFigures(AsyncFile.Backend backend, long steps) {
        StringBuilder b = new StringBuilder("ConcurrencyFuzzTest " + backend + " figures: " + Math.min(steps, STEPS)
                + " steps, " + ops.size() + " futures");
        new TreeMap<>(counts).forEach((k, v) -> b.append("\n  ").append(k).append(": ").append(v.sum()));
        b.append("\n  problems: ").append(problems.n.get());
        System.out.println(b);
    }

    private static void sleepMicros(long us) {
        try {
            TimeUnit.MICROSECONDS.sleep(us);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
