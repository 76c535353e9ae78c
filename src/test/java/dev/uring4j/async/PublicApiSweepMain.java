package dev.uring4j.async;

import dev.uring4j.TestSupport;
import dev.uring4j.Ring;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@link PublicApiSweepTest}: every public method of AsyncFile (both backends),
 * AlignedBuffers, EventLoop and the builders of EventLoopOptions and AsyncFileConfig, found by
 * reflection, called with arguments from pools of hostile values (null, negative and huge
 * positions and lengths, heap, direct, read-only, empty and sliced buffers, arrays with null or
 * read-only elements or 1025 buffers), on open, read-only, write-only and closed files, on files
 * whose event loop is shut down, from the calling thread and from inside a completion callback,
 * sampled with a fixed seed. Each call has a deadline of 10 s, each returned future too, and every
 * future must complete exactly once. An outcome is a finding if it is a leaked low-level exception
 * (IndexOutOfBounds, NegativeArraySize, ClassCast, Arithmetic, ArrayStore), an Error, a
 * NullPointerException not naming its argument, a hang, or a future not completed exactly once.
 * Prints {@code FINDING <call>: <what>} lines, then {@code CALLS n}, {@code FINDINGS n}, {@code DONE}.
 * Argument {@code virtual}: calls are made from virtual threads (JDK 21+).
 */
public final class PublicApiSweepMain {
    private PublicApiSweepMain() {}

    /** Fewer in a test-kernels guest (emulated CPUs, ~20x slower). */
    private static final int PER_METHOD = TestSupport.inGuest() ? 6 : 30;
    private static final List<String> findings = new ArrayList<>();
    private static final List<Runnable> laterChecks = new ArrayList<>();
    private static int calls;
    private static ExecutorService caller;
    private static Path dir;
    private static int files;

    interface Maker {
        Object make() throws Exception;
    }

    record Arg(String name, Maker maker) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Call {
        Object call() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        dir = Path.of(args[0]);
        boolean virtual = args.length > 1 && args[1].equals("virtual");
        caller = virtual ? (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)
                : Executors.newSingleThreadExecutor(daemon("sweep-caller"));
        long start = System.nanoTime();
        for (AsyncFile.Backend b : AsyncFile.Backend.values()) {
            sweepAsyncFile(b);
        }
        sweepStatics();
        sweepEventLoop();
        for (Runnable r : laterChecks) {
            r.run();
        }
        for (String f : findings) {
            System.out.println("FINDING " + f);
        }
        System.out.println("CALLS " + calls);
        System.out.println("MILLIS " + (System.nanoTime() - start) / 1_000_000);
        System.out.println("FINDINGS " + findings.size());
        System.out.println("DONE");
        System.exit(0); // pools and loops of hostile calls may be left running
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ------------------------------------------------------------------------------------ outcomes

    /** Why {@code t} is a finding, or null if it is an actionable exception. */
    static String bad(Throwable t) {
        if (t instanceof CompletionException || t instanceof ExecutionException) {
            return t.getCause() == null ? "a " + t.getClass().getSimpleName() + " without a cause" : bad(t.getCause());
        }
        if (t.getMessage() != null && t.getMessage().startsWith("thrown by the")) {
            return null; // the sweep's own op, call or completion threw it: delivered as it was thrown
        }
        if (t instanceof OutOfMemoryError && String.valueOf(t.getMessage()).contains("direct buffer memory")) {
            return null; // AlignedBuffers.allocate(2^30, ..) under -Xmx512m: ByteBuffer.allocateDirect's own answer
        }
        if (t instanceof NullPointerException) {
            String m = t.getMessage();
            return m == null || m.startsWith("Cannot ") || m.contains("because \"") ? "NullPointerException not naming "
                    + "its argument: " + m + " at " + top(t) : null;
        }
        if (t instanceof IndexOutOfBoundsException || t instanceof NegativeArraySizeException || t instanceof ClassCastException
                || t instanceof ArithmeticException || t instanceof ArrayStoreException) {
            return "leaked " + t + " at " + top(t);
        }
        if (t instanceof Error) {
            return "Error " + t + " at " + top(t);
        }
        return null;
    }

    private static String top(Throwable t) {
        StackTraceElement[] s = t.getStackTrace();
        return s.length == 0 ? "?" : s[0].toString();
    }

    /** Runs {@code c} from the caller (thread, or a virtual thread), checks its outcome and any future it returns. */
    static void check(String what, Call c) {
        calls++;
        Future<Object> f = caller.submit(c::call);
        Object r;
        try {
            r = f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            report(what, bad(e.getCause()));
            return;
        } catch (TimeoutException e) {
            f.cancel(true);
            findings.add(what + ": hang (the call did not return in 10 s)");
            return;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        future(what, r);
    }

    /** Checks a returned future: completes within 10 s, exactly once, with an actionable failure if any. */
    static void future(String what, Object r) {
        if (!(r instanceof CompletableFuture)) {
            return;
        }
        CompletableFuture<?> cf = (CompletableFuture<?>) r;
        AtomicInteger completions = new AtomicInteger();
        cf.whenComplete((v, e) -> completions.incrementAndGet());
        try {
            cf.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            report(what + " (its future)", bad(e.getCause()));
        } catch (TimeoutException e) {
            findings.add(what + ": its future did not complete in 10 s");
            return;
        } catch (Exception e) {
            report(what + " (its future)", bad(e));
        }
        laterChecks.add(() -> {
            if (completions.get() != 1) {
                findings.add(what + ": its future's actions ran " + completions.get() + " times");
            }
        });
    }

    private static void report(String what, String why) {
        if (why != null) {
            findings.add(what + ": " + why);
        }
    }

    static Object invoke(Method m, Object target, Object[] args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw new ExecutionException(e.getCause());
        }
    }

    // ------------------------------------------------------------------------------------ pools

    private static List<Arg> longs() {
        List<Arg> a = new ArrayList<>();
        for (long v : new long[] {0, -1, 16, 17, 4096, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MAX_VALUE - 3, Long.MIN_VALUE}) {
            a.add(new Arg(Long.toString(v), () -> v));
        }
        return a;
    }

    private static List<Arg> ints() {
        List<Arg> a = new ArrayList<>();
        for (int v : new int[] {0, -1, 1, 3, 512, 4096, 1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            a.add(new Arg(Integer.toString(v), () -> v));
        }
        return a;
    }

    private static List<Arg> buffers() {
        return List.of(new Arg("null", () -> null),
                new Arg("heap(8)", () -> ByteBuffer.wrap(new byte[8])),
                new Arg("direct(8)", () -> ByteBuffer.allocateDirect(8)),
                new Arg("heap slice(5)", () -> ByteBuffer.wrap(new byte[12]).position(7).slice()),
                new Arg("direct slice(5)", () -> ByteBuffer.allocateDirect(12).position(7).slice()),
                new Arg("read-only(8)", () -> ByteBuffer.wrap(new byte[8]).asReadOnlyBuffer()),
                new Arg("read-only direct(8)", () -> ByteBuffer.allocateDirect(8).asReadOnlyBuffer()),
                new Arg("nothing remaining", () -> ByteBuffer.allocate(4).position(4)),
                new Arg("zero capacity direct", () -> ByteBuffer.allocateDirect(0)),
                new Arg("aligned(4096)", () -> AlignedBuffers.allocate(4096, 4096)),
                new Arg("heap(1 MiB)", () -> ByteBuffer.allocate(1 << 20)));
    }

    private static List<Arg> bufferArrays() {
        return List.of(new Arg("null[]", () -> null),
                new Arg("{}", () -> new ByteBuffer[0]),
                new Arg("{heap, direct}", () -> new ByteBuffer[] {ByteBuffer.allocate(3), ByteBuffer.allocateDirect(5)}),
                new Arg("{heap, null}", () -> new ByteBuffer[] {ByteBuffer.allocate(3), null}),
                new Arg("{null}", () -> new ByteBuffer[] {null}),
                new Arg("{heap, read-only}", () -> new ByteBuffer[] {ByteBuffer.allocate(3), ByteBuffer.allocate(3).asReadOnlyBuffer()}),
                new Arg("{empty, empty}", () -> new ByteBuffer[] {ByteBuffer.allocate(0), ByteBuffer.allocateDirect(0)}),
                new Arg("{same twice}", () -> {
                    ByteBuffer x = ByteBuffer.allocate(4);
                    return new ByteBuffer[] {x, x};
                }),
                new Arg("1024 buffers", () -> many(1024)),
                new Arg("1025 buffers", () -> many(1025)));
    }

    private static ByteBuffer[] many(int n) {
        ByteBuffer[] b = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            b[i] = ByteBuffer.allocate(1);
        }
        return b;
    }

    private static List<Arg> durations() {
        return List.of(new Arg("null", () -> null), new Arg("-1 ms", () -> Duration.ofMillis(-1)),
                new Arg("0", () -> Duration.ZERO), new Arg("1 ns", () -> Duration.ofNanos(1)),
                new Arg("5 ms", () -> Duration.ofMillis(5)), new Arg("10 ms", () -> Duration.ofMillis(10)),
                new Arg("1 s", () -> Duration.ofSeconds(1)), new Arg("MAX", () -> Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)),
                new Arg("MIN", () -> Duration.ofSeconds(Long.MIN_VALUE)));
    }

    static List<Arg> pool(Class<?> type) throws Exception {
        if (type == long.class) {
            return longs();
        }
        if (type == int.class) {
            return ints();
        }
        if (type == boolean.class) {
            return List.of(new Arg("true", () -> true), new Arg("false", () -> false));
        }
        if (type == ByteBuffer.class) {
            return buffers();
        }
        if (type == ByteBuffer[].class) {
            return bufferArrays();
        }
        if (type == Duration.class) {
            return durations();
        }
        if (type == String.class) {
            return List.of(new Arg("null", () -> null), new Arg("\"\"", () -> ""), new Arg("\"x\"", () -> "x"),
                    new Arg("10,000 chars", () -> "n".repeat(10_000)), new Arg("\"a\\0b\"", () -> "a\0b"));
        }
        if (type == AsyncFile.Backend.class) {
            return List.of(new Arg("null", () -> null), new Arg("IOURING", () -> AsyncFile.Backend.IOURING),
                    new Arg("NIO", () -> AsyncFile.Backend.NIO));
        }
        if (type == EventLoop.class) {
            return List.of(new Arg("null", () -> null), new Arg("a loop", PublicApiSweepMain::liveLoop),
                    new Arg("a closed loop", PublicApiSweepMain::closedLoop));
        }
        if (type == List.class) {
            return List.of(new Arg("null", () -> null), new Arg("[]", List::of),
                    new Arg("[null]", () -> Arrays.asList((Object) null)), new Arg("[a loop]", () -> List.of(liveLoop())),
                    new Arg("[a closed loop]", () -> List.of(closedLoop())),
                    new Arg("[a loop, the same loop]", () -> List.of(liveLoop(), liveLoop())));
        }
        if (type == ExecutorService.class || type == java.util.concurrent.Executor.class) {
            return List.of(new Arg("null", () -> null), new Arg("a pool", () -> SHARED_POOL),
                    new Arg("a shut-down pool", () -> {
                        ExecutorService e = Executors.newSingleThreadExecutor(daemon("sweep-shut"));
                        e.shutdown();
                        return e;
                    }));
        }
        if (type == dev.uring4j.RingOptions.class) {
            return List.of(new Arg("null", () -> null), new Arg("defaults", () -> dev.uring4j.RingOptions.builder().build()));
        }
        throw new IllegalStateException("no pool for " + type);
    }

    private static final ExecutorService SHARED_POOL = Executors.newFixedThreadPool(2, daemon("sweep-pool"));
    private static EventLoop live;

    private static EventLoop liveLoop() throws Exception {
        if (live == null) {
            live = EventLoop.open();
        }
        return live;
    }

    private static EventLoop closedLoop() throws Exception {
        EventLoop l = EventLoop.open();
        l.close();
        return l;
    }

    static List<Method> methods(Class<?> type, boolean statics) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers()) != statics
                    || m.getDeclaringClass().isEnum() && m.getDeclaringClass() != type) {
                continue;
            }
            out.add(m);
        }
        out.sort(Comparator.comparing(Method::toGenericString));
        return out;
    }

    static List<List<Arg>> combinations(Method m, Random random) throws Exception {
        List<List<Arg>> pools = new ArrayList<>();
        for (Class<?> p : m.getParameterTypes()) {
            pools.add(pool(p));
        }
        return TestSupport.combinations(pools, PER_METHOD, random, true);
    }

    static Object[] make(List<Arg> combo) throws Exception {
        Object[] a = new Object[combo.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = combo.get(i).maker.make();
        }
        return a;
    }

    // ------------------------------------------------------------------------------------ AsyncFile

    enum State {
        READ_WRITE, READ_ONLY, WRITE_ONLY, CLOSED, LOOP_SHUT_DOWN
    }

    private static AsyncFile open(AsyncFile.Backend b, State s) throws Exception {
        Path p = dir.resolve("f" + files++);
        Files.write(p, new byte[16]);
        Set<OpenOption> o = s == State.READ_ONLY ? Set.of(StandardOpenOption.READ)
                : s == State.WRITE_ONLY ? Set.of(StandardOpenOption.WRITE) : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
        AsyncFileConfig.Builder c = AsyncFileConfig.builder().backend(b);
        EventLoop own = null;
        if (s == State.LOOP_SHUT_DOWN) {
            own = EventLoop.open();
            c.eventLoop(own);
        }
        AsyncFile f = AsyncFile.open(p, o, c.build());
        if (s == State.CLOSED) {
            f.close();
        }
        if (own != null) {
            own.shutdown(Duration.ofSeconds(5));
        }
        return f;
    }

    private static void sweepAsyncFile(AsyncFile.Backend b) throws Exception {
        Random random = new Random(0x5EED + b.ordinal());
        for (State s : State.values()) {
            if (s == State.LOOP_SHUT_DOWN && b == AsyncFile.Backend.NIO) {
                continue;
            }
            AsyncFile f = open(b, s);
            // a second file whose completions run the calls "from inside a callback"
            AsyncFile helper = open(b, State.READ_WRITE);
            for (Method m : methods(AsyncFile.class, false)) {
                if (m.getName().equals("close") && s != State.CLOSED) {
                    continue; // swept last, below
                }
                for (List<Arg> combo : combinations(m, random)) {
                    if (s != State.CLOSED && s != State.LOOP_SHUT_DOWN && !f.isOpen()) {
                        f = open(b, s);
                    }
                    AsyncFile target = f;
                    String what = b + " " + s + " " + m.getName() + combo;
                    check(what, () -> invoke(m, target, make(combo)));
                    if (random.nextInt(4) == 0) {
                        inCallback(helper, what + " from a callback", () -> invoke(m, target, make(combo)));
                    }
                }
            }
            AsyncFile last = f;
            check(b + " " + s + " close()", () -> {
                last.close();
                last.close();
                return null;
            });
            helper.close();
        }
    }

    /** Runs {@code c} inside the completion of a read of {@code helper} (a loop or pool thread, or the caller). */
    private static void inCallback(AsyncFile helper, String what, Call c) {
        calls++;
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        try {
            helper.read(ByteBuffer.allocateDirect(4), 0).whenComplete((n, e) -> {
                try {
                    outcome.complete(c.call());
                } catch (Throwable t) {
                    outcome.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            report(what + " (the helper read)", bad(e));
            return;
        }
        try {
            future(what, outcome.get(10, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            report(what, bad(e.getCause()));
        } catch (TimeoutException e) {
            findings.add(what + ": hang (the call did not return in 10 s)");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------ statics, builders

    private static void sweepStatics() throws Exception {
        Random random = new Random(0x5EED + 7);
        for (Method m : methods(AlignedBuffers.class, true)) {
            for (List<Arg> combo : combinations(m, random)) {
                check("AlignedBuffers." + m.getName() + combo, () -> invoke(m, null, make(combo)));
            }
        }
        for (Class<?> builder : List.<Class<?>>of(EventLoopOptions.Builder.class, AsyncFileConfig.Builder.class)) {
            for (Method m : methods(builder, false)) {
                for (List<Arg> combo : combinations(m, random)) {
                    Object target = builder == EventLoopOptions.Builder.class ? EventLoopOptions.builder() : AsyncFileConfig.builder();
                    check(builder.getName() + "." + m.getName() + combo, () -> {
                        Object r = invoke(m, target, make(combo));
                        Object built = invoke(builder.getMethod("build"), target, new Object[0]);
                        if (built instanceof EventLoopOptions) {
                            try (EventLoop l = EventLoop.open((EventLoopOptions) built)) {
                                future("EventLoop with " + m.getName() + combo + ": a nop", l.submit(Ring::nop));
                            }
                        } else {
                            Path p = dir.resolve("c" + files++);
                            try (AsyncFile f = AsyncFile.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                    StandardOpenOption.READ), (AsyncFileConfig) built)) {
                                future("AsyncFile with " + m.getName() + combo + ": a write", f.write(ByteBuffer.wrap(new byte[3]), 0));
                                future("AsyncFile with " + m.getName() + combo + ": a read", f.read(ByteBuffer.allocate(3), 0));
                            }
                        }
                        return r;
                    });
                }
            }
        }
        // AsyncFile.open with hostile options
        List<Set<OpenOption>> optionSets = List.of(Set.of(), Set.of(StandardOpenOption.APPEND),
                Set.of(StandardOpenOption.TRUNCATE_EXISTING), Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                Set.of(UringOpenOption.DIRECT, StandardOpenOption.READ), Set.of(java.nio.file.LinkOption.NOFOLLOW_LINKS),
                Set.of(StandardOpenOption.DELETE_ON_CLOSE, StandardOpenOption.WRITE), Set.of(new OpenOption() {}));
        for (AsyncFile.Backend b : AsyncFile.Backend.values()) {
            for (Set<OpenOption> o : optionSets) {
                for (String path : new String[] {"existing", "missing", "directory", null}) {
                    Path p = path == null ? null : dir.resolve("o" + files++);
                    if ("existing".equals(path)) {
                        Files.write(p, new byte[8]);
                    } else if ("directory".equals(path)) {
                        Files.createDirectory(p);
                    }
                    check("AsyncFile.open(" + path + ", " + o + ", " + b + ")", () -> {
                        try (AsyncFile f = AsyncFile.open(p, o, AsyncFileConfig.builder().backend(b).build())) {
                            future("a read of AsyncFile.open(" + path + ", " + o + ")", f.read(AlignedBuffers.allocate(4096, 4096), 0));
                        }
                        return null;
                    });
                }
            }
            check("AsyncFile.open(file, null options)", () -> AsyncFile.open(dir.resolve("x"), (OpenOption[]) null));
            check("AsyncFile.open(file, {null})", () -> AsyncFile.open(dir.resolve("x"), new OpenOption[] {null}));
            check("AsyncFile.open(file, set, null config)", () -> AsyncFile.open(dir.resolve("x"), Set.of(), null));
        }
    }

    // ------------------------------------------------------------------------------------ EventLoop

    private static void sweepEventLoop() throws Exception {
        List<Arg> ops = List.of(new Arg("null op", () -> null), new Arg("nop", () -> (EventLoop.RingOp) Ring::nop),
                new Arg("prepares none (returns null)", () -> (EventLoop.RingOp) ring -> null),
                new Arg("throws", () -> (EventLoop.RingOp) ring -> {
                    throw new IllegalStateException("thrown by the op");
                }),
                new Arg("throws an Error", () -> (EventLoop.RingOp) ring -> {
                    throw new StackOverflowError("thrown by the op");
                }),
                new Arg("two nops", () -> (EventLoop.RingOp) ring -> {
                    ring.nop();
                    return ring.nop();
                }));
        List<Arg> completions = List.of(new Arg("null completion", () -> null),
                new Arg("counting", () -> (EventLoop.Completion) (res, flags) -> { }),
                new Arg("throwing", () -> (EventLoop.Completion) (res, flags) -> {
                    throw new IllegalStateException("thrown by the completion");
                }));
        List<Arg> ringCalls = List.of(new Arg("null call", () -> null), new Arg("returns", () -> (EventLoop.RingCall<Object>) r -> 1),
                new Arg("throws", () -> (EventLoop.RingCall<Object>) r -> {
                    throw new java.io.IOException("thrown by the call");
                }),
                new Arg("closes the ring", () -> (EventLoop.RingCall<Object>) r -> {
                    r.close();
                    return null;
                }));
        for (boolean shutDown : new boolean[] {false, true}) {
            EventLoop loop = EventLoop.open();
            if (shutDown) {
                loop.shutdown(Duration.ofSeconds(5));
            }
            String state = shutDown ? "shut-down loop " : "loop ";
            for (Arg op : ops) {
                check(state + "submit(" + op + ")", () -> loop.submit((EventLoop.RingOp) op.maker.make()));
                check(state + "submit(" + op + ", null)", () -> loop.submit((EventLoop.RingOp) op.maker.make(), (String) null));
                for (Arg c : completions) {
                    AtomicInteger count = new AtomicInteger();
                    check(state + "submit(" + op + ", " + c + ")", () -> {
                        EventLoop.Completion user = (EventLoop.Completion) c.maker.make();
                        loop.submit((EventLoop.RingOp) op.maker.make(), user == null ? null : (res, flags) -> {
                            count.incrementAndGet();
                            user.onComplete(res, flags);
                        });
                        return null;
                    });
                    String what = state + "submit(" + op + ", " + c + ")";
                    laterChecks.add(() -> {
                        if (count.get() > 1) {
                            findings.add(what + ": the completion ran " + count.get() + " times");
                        }
                    });
                }
            }
            for (Arg c : ringCalls) {
                check(state + "call(" + c + ")", () -> loop.call((EventLoop.RingCall<Object>) c.maker.make()));
            }
            // from inside a Completion (the loop thread): submit, call, shutdown of the own loop
            if (!shutDown) {
                CompletableFuture<Object> inner = new CompletableFuture<>();
                calls++;
                loop.submit(Ring::nop, (res, flags) -> {
                    try {
                        inner.complete(List.of(loop.submit(Ring::nop), loop.call(r -> 2)));
                    } catch (Throwable t) {
                        inner.completeExceptionally(t);
                    }
                });
                try {
                    for (Object f : (List<?>) inner.get(10, TimeUnit.SECONDS)) {
                        future("loop: submit/call from a completion", f);
                    }
                } catch (ExecutionException e) {
                    report("loop: submit/call from a completion", bad(e.getCause()));
                } catch (TimeoutException e) {
                    findings.add("loop: submit/call from a completion: hang");
                }
            }
            for (Arg d : durations()) {
                check(state + "shutdown(" + d + ") then describe", () -> {
                    loop.shutdown((Duration) d.maker.make());
                    return loop.describe() + loop.stuckReports() + loop.crossings() + loop.isTerminated();
                });
            }
            check(state + "close twice", () -> {
                loop.close();
                loop.close();
                return null;
            });
        }
    }
}
