package dev.uring4j.nio;

import dev.uring4j.TestSupport;
import static dev.uring4j.nio.NioTestSupport.bytes;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.nio.NioTestSupport.Recorder;
import dev.uring4j.nio.NioTestSupport.TrackedPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public method of FileChannel and AsynchronousFileChannel, found by reflection, called on
 * the JDK's channel and on uring4j's with the same arguments drawn from pools of hostile values
 * (positions 0, -1, 2^31, 2^63-1, size, size+1; null, heap, direct, read-only, empty buffers;
 * arrays with null or read-only elements and offsets/lengths out of range; closed and read-only
 * transfer targets), in every channel state (read-write, read-only, write-only, append, each also
 * closed). The outcomes (value or exception class and message, through the Future or handler for
 * the asynchronous channel; then the position, size, buffer states and file bytes) must be equal.
 * Combinations are sampled with a fixed seed; each call has a deadline of 10 s, reported with the
 * method and arguments. Differences documented in docs/nio-conformance.md are not in the pools.
 */
@Tag("kernel")
class PublicApiDifferentialSweepTest {
    private static final long SEED = 0x5EEDL;
    /** Combinations per (method, state) at most; the full product where smaller. */
    private static final int PER_METHOD = TestSupport.inGuest() ? 6 : 40;
    private static final int SIZE = 16;

    @TempDir
    Path dir;

    private int runs;
    private final ExecutorService caller = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sweep-caller");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        caller.shutdownNow();
    }

    enum State {
        READ_WRITE(READ, WRITE), READ_ONLY(READ), WRITE_ONLY(WRITE), APPEND_ONLY(WRITE, APPEND);

        final Set<OpenOption> options;

        State(OpenOption... o) {
            options = Set.of(o);
        }
    }

    /** One argument value: built afresh for each side (so buffers and channels are never shared). */
    interface Maker {
        Object make(Ctx c) throws Exception;
    }

    record Arg(String name, Maker maker) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What a call may use besides the channel; everything registered is described afterwards. */
    static final class Ctx {
        final Impl impl;
        final Path dir;
        FileChannel ch;
        AsynchronousFileChannel ach;
        TrackedPool pool;
        final List<ByteBuffer> buffers = new ArrayList<>();
        final List<Channel> others = new ArrayList<>();
        final List<Recorder<Object, Object>> handlers = new ArrayList<>();
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        final List<Path> otherFiles = new ArrayList<>();

        Ctx(Impl impl, Path dir) {
            this.impl = impl;
            this.dir = dir;
        }

        ByteBuffer buf(ByteBuffer b) {
            buffers.add(b);
            return b;
        }

        /** A channel on a second file (8 bytes), of this side's implementation. */
        FileChannel other(String name, OpenOption... options) throws Exception {
            return other(impl, name, options);
        }

        /** A channel of the JDK on a second file, on both sides (a FileChannelImpl target or source). */
        FileChannel otherJdk(String name, OpenOption... options) throws Exception {
            return other(Impl.JDK, name, options);
        }

        private FileChannel other(Impl impl, String name, OpenOption... options) throws Exception {
            Path p = dir.resolve(this.impl + "-other-" + name + "-" + otherFiles.size() + "-" + System.nanoTime());
            Files.write(p, bytes(8, 6));
            otherFiles.add(p);
            FileChannel f = impl.open(p, options);
            others.add(f);
            return f;
        }
    }

    private static List<Arg> longs() {
        List<Arg> a = new ArrayList<>();
        for (long v : new long[] {0, -1, SIZE, SIZE + 1, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, 3}) {
            a.add(new Arg(Long.toString(v), c -> v));
        }
        return a;
    }

    private static List<Arg> ints() {
        List<Arg> a = new ArrayList<>();
        for (int v : new int[] {0, -1, 1, 2, 3, 4, Integer.MAX_VALUE}) {
            a.add(new Arg(Integer.toString(v), c -> v));
        }
        return a;
    }

    private static List<Arg> buffers() {
        return List.of(
                new Arg("null", c -> null),
                new Arg("heap(8)", c -> c.buf(ByteBuffer.wrap(bytes(8, 9)))),
                new Arg("direct(8)", c -> c.buf(ByteBuffer.allocateDirect(8).put(bytes(8, 3)).flip())),
                new Arg("heap slice(5)", c -> c.buf(ByteBuffer.wrap(bytes(12, 2)).position(7).slice())),
                new Arg("read-only(8)", c -> c.buf(ByteBuffer.wrap(bytes(8, 4)).asReadOnlyBuffer())),
                new Arg("read-only direct(8)", c -> c.buf(ByteBuffer.allocateDirect(8).put(bytes(8, 5)).flip().asReadOnlyBuffer())),
                new Arg("nothing remaining", c -> c.buf(ByteBuffer.allocate(4).position(4))),
                new Arg("read-only, nothing remaining", c -> c.buf(ByteBuffer.allocate(0).asReadOnlyBuffer())));
    }

    private static List<Arg> bufferArrays() {
        return List.of(
                new Arg("null[]", c -> null),
                new Arg("{}", c -> new ByteBuffer[0]),
                new Arg("{heap3, direct4, heap5}", c -> new ByteBuffer[] {c.buf(ByteBuffer.wrap(bytes(3, 1))),
                        c.buf(ByteBuffer.allocateDirect(4).put(bytes(4, 2)).flip()), c.buf(ByteBuffer.wrap(bytes(5, 3)))}),
                new Arg("{heap3, null, heap5}", c -> new ByteBuffer[] {c.buf(ByteBuffer.wrap(bytes(3, 1))), null,
                        c.buf(ByteBuffer.wrap(bytes(5, 3)))}),
                new Arg("{heap3, read-only4, heap5}", c -> new ByteBuffer[] {c.buf(ByteBuffer.wrap(bytes(3, 1))),
                        c.buf(ByteBuffer.wrap(bytes(4, 2)).asReadOnlyBuffer()), c.buf(ByteBuffer.wrap(bytes(5, 3)))}),
                new Arg("{empty, empty}", c -> new ByteBuffer[] {c.buf(ByteBuffer.allocate(0)), c.buf(ByteBuffer.allocateDirect(0))}),
                new Arg("{null}", c -> new ByteBuffer[] {null}));
    }

    private static List<Arg> writables() {
        return List.of(
                new Arg("null target", c -> null),
                new Arg("stream", c -> Channels.newChannel(c.sink)),
                new Arg("closed stream", c -> {
                    WritableByteChannel w = Channels.newChannel(c.sink);
                    w.close();
                    return w;
                }),
                new Arg("read-only file", c -> c.other("ro", READ)),
                new Arg("writable file", c -> c.other("rw", READ, WRITE)),
                new Arg("append file", c -> c.other("ap", WRITE, APPEND)),
                new Arg("closed file", c -> {
                    FileChannel f = c.other("cl", READ, WRITE);
                    f.close();
                    return f;
                }),
                new Arg("the JDK's read-only file", c -> c.otherJdk("jro", READ)));
    }

    private static List<Arg> readables() {
        return List.of(
                new Arg("null source", c -> null),
                new Arg("stream", c -> Channels.newChannel(new ByteArrayInputStream(bytes(12, 5)))),
                new Arg("closed stream", c -> {
                    ReadableByteChannel r = Channels.newChannel(new ByteArrayInputStream(bytes(12, 5)));
                    r.close();
                    return r;
                }),
                new Arg("write-only file", c -> c.other("wo", WRITE)),
                new Arg("readable file", c -> c.other("r", READ)),
                new Arg("closed file", c -> {
                    FileChannel f = c.other("cl", READ);
                    f.close();
                    return f;
                }),
                new Arg("the JDK's write-only file", c -> c.otherJdk("jwo", WRITE)));
    }

    private static List<Arg> pool(Class<?> type, Class<?> owner) {
        if (type == long.class) {
            return longs();
        }
        if (type == int.class) {
            return ints();
        }
        if (type == boolean.class) {
            return List.of(new Arg("true", c -> true), new Arg("false", c -> false));
        }
        if (type == ByteBuffer.class) {
            return buffers();
        }
        if (type == ByteBuffer[].class) {
            return bufferArrays();
        }
        if (type == WritableByteChannel.class) {
            return writables();
        }
        if (type == ReadableByteChannel.class) {
            return readables();
        }
        if (type == MapMode.class) {
            return List.of(new Arg("null mode", c -> null), new Arg("READ_ONLY", c -> MapMode.READ_ONLY),
                    new Arg("READ_WRITE", c -> MapMode.READ_WRITE), new Arg("PRIVATE", c -> MapMode.PRIVATE));
        }
        if (type == Object.class) {
            return List.of(new Arg("\"a\"", c -> "a"));
        }
        if (type == CompletionHandler.class) {
            return List.of(new Arg("null handler", c -> null), new Arg("handler", c -> {
                Recorder<Object, Object> r = new Recorder<>();
                c.handlers.add(r);
                return r;
            }));
        }
        throw new AssertionError("no pool for " + type + " of " + owner);
    }

    /** The public instance methods a caller can use, in a stable order. */
    static List<Method> methods(Class<?> type) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            // JDK 22+: map(MapMode, long, long, Arena); Arena-backed mappings are ArenaChannelTest's
            if (Arrays.stream(m.getParameterTypes()).anyMatch(p -> p.getName().equals("java.lang.foreign.Arena"))) {
                continue;
            }
            out.add(m);
        }
        out.sort(Comparator.comparing(Method::toGenericString));
        return out;
    }

    /** Every combination of the pools, or a sample of {@link #PER_METHOD} of them (fixed seed). */
    static List<List<Arg>> combinations(Method m, Random random) {
        List<List<Arg>> pools = new ArrayList<>();
        for (Class<?> p : m.getParameterTypes()) {
            pools.add(pool(p, m.getDeclaringClass()));
        }
        return TestSupport.combinations(pools, PER_METHOD, random, false);
    }

    /**
     * The documented differences (docs/nio-conformance.md, "Known differences") the pools would meet:
     * on JDK 21+ an interrupted transferFrom of nothing (count 0) from a uring4j FileChannel, which the
     * JDK's code takes for an arbitrary channel, where it closes on the interrupt for its own.
     */
    private boolean knownDifference(Method m, List<Arg> combo) {
        return interrupted && Runtime.version().feature() >= 21 && m.getName().equals("transferFrom")
                && combo.get(0).name().equals("readable file") && combo.get(2).name().equals("0");
    }

    /** Runs {@code call} on the caller thread with a deadline of 10 s: a hang fails naming what hung. */
    private Object withDeadline(String what, Call call, Ctx c) throws Throwable {
        Future<Object> f = caller.submit(() -> call.run(c));
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("hang: " + what + " did not return in 10 s");
        }
    }

    private static Object invoke(Method m, Object target, Object[] args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw new AssertionError("an Error escaped " + m.getName() + ": " + e.getCause(), e.getCause());
        }
    }

    private Object[] make(List<Arg> combo, Ctx c) throws Exception {
        Object[] args = new Object[combo.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = combo.get(i).maker.make(c);
        }
        return args;
    }

    // ------------------------------------------------------------------------------------ FileChannel

    /** Whether the FileChannel sweep calls with the caller's interrupt status set (its second pass). */
    private boolean interrupted;

    private String runFile(Impl impl, State state, boolean closed, Method m, List<Arg> combo) throws Throwable {
        Path p = dir.resolve(impl + "-" + runs++);
        Files.write(p, bytes(SIZE, 1));
        Ctx c = new Ctx(impl, dir);
        c.ch = impl.open(p, state.options);
        if (state != State.APPEND_ONLY) {
            c.ch.position(4);
        }
        if (closed) {
            c.ch.close();
        }
        List<String> t = new ArrayList<>();
        String what = impl + " " + (closed ? "closed " : "") + state + " " + m.getName() + combo;
        try {
            Object[] args = make(combo, c);
            Object r = withDeadline(what, x -> {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                try {
                    return invoke(m, x.ch, args);
                } finally {
                    Thread.interrupted();
                }
            }, c);
            t.add("result " + describe(r, c));
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable e) {
            t.add("threw " + ChannelDifferentialTest.thrown(e));
        }
        t.add("open " + c.ch.isOpen());
        if (c.ch.isOpen()) {
            t.add("position " + c.ch.position() + " size " + c.ch.size());
        }
        for (ByteBuffer b : c.buffers) {
            t.add("buffer " + buffer(b));
        }
        t.add("sink " + Arrays.toString(c.sink.toByteArray()));
        c.ch.close();
        for (Channel o : c.others) {
            o.close();
        }
        t.add("file " + file(p));
        for (Path o : c.otherFiles) {
            t.add("other file " + file(o));
        }
        return String.join("\n", t);
    }

    @Test
    void fileChannel() throws Throwable {
        sweep(FileChannel.class, State.values(), this::runFile);
    }

    /** As {@link #fileChannel()} with the caller's interrupt status set before each call. */
    @Test
    void fileChannelInterrupted() throws Throwable {
        interrupted = true;
        sweep(FileChannel.class, State.values(), this::runFile);
    }

    interface Call {
        Object run(Ctx c) throws Exception;
    }

    interface Runner {
        String run(Impl impl, State state, boolean closed, Method m, List<Arg> combo) throws Throwable;
    }

    private void sweep(Class<?> type, State[] states, Runner runner) throws Throwable {
        Random random = new Random(SEED);
        List<String> differences = new ArrayList<>();
        int calls = 0;
        List<Method> methods = methods(type);
        long start = System.nanoTime();
        for (Method m : methods) {
            for (boolean closed : new boolean[] {false, true}) {
                for (State s : states) {
                    for (List<Arg> combo : combinations(m, random)) {
                        String name = (closed ? "closed " : "") + s + " " + m.getName() + combo;
                        if (knownDifference(m, combo)) {
                            continue;
                        }
                        String jdk = runner.run(Impl.JDK, s, closed, m, combo);
                        String ours = runner.run(Impl.URING4J, s, closed, m, combo);
                        calls += 2;
                        if (!jdk.equals(ours)) {
                            differences.add(name + "\n  JDK:     " + jdk.replace("\n", "\n           ")
                                    + "\n  uring4j: " + ours.replace("\n", "\n           "));
                        }
                    }
                }
            }
        }
        String dump = System.getenv("URING4J_SWEEP_DUMP");
        if (dump != null) {
            Files.writeString(Path.of(dump + "." + type.getSimpleName() + (interrupted ? ".interrupted" : "")),
                    String.join("\n", differences));
        }
        System.out.printf("%s sweep: %d methods, %d calls, %d ms, %d differences%n", type.getSimpleName(), methods.size(),
                calls, (System.nanoTime() - start) / 1_000_000, differences.size());
        assertTrue(differences.isEmpty(), differences.size() + " differences from the JDK:\n"
                + String.join("\n", differences.subList(0, Math.min(differences.size(), 40))));
    }

    // ------------------------------------------------------------------------------------ AsynchronousFileChannel

    private String runAsync(Impl impl, State state, boolean closed, Method m, List<Arg> combo) throws Throwable {
        Path p = dir.resolve("async-" + impl + "-" + runs++);
        Files.write(p, bytes(SIZE, 1));
        Ctx c = new Ctx(impl, dir);
        List<String> t = new ArrayList<>();
        String what = impl + " " + (closed ? "closed " : "") + state + " " + m.getName() + combo;
        boolean returned = false; // a call that threw never calls its handler: no wait for it
        try (TrackedPool pool = new TrackedPool(1)) {
            c.pool = pool;
            c.ach = impl.openAsync(p, state.options, pool.executor);
            if (closed) {
                c.ach.close();
            }
            try {
                Object[] args = make(combo, c);
                Object r = withDeadline(what, x -> invoke(m, x.ach, args), c);
                if (r instanceof Future) {
                    try {
                        r = "future completed " + describe(((Future<?>) r).get(10, TimeUnit.SECONDS), c);
                    } catch (ExecutionException e) {
                        r = "future failed " + ChannelDifferentialTest.thrown(e.getCause());
                    } catch (TimeoutException e) {
                        throw new AssertionError("hang: the future of " + what + " not done after 10 s");
                    }
                }
                t.add("result " + (r instanceof String ? r : describe(r, c)));
                returned = true;
            } catch (AssertionError e) {
                throw e;
            } catch (Throwable e) {
                t.add("threw " + ChannelDifferentialTest.thrown(e));
            }
            for (Recorder<Object, Object> h : returned ? c.handlers : List.<Recorder<Object, Object>>of()) {
                try {
                    h.result.get(10, TimeUnit.SECONDS);
                    t.add("handler completed " + describe(h.result.join(), c));
                } catch (ExecutionException e) {
                    t.add("handler failed " + ChannelDifferentialTest.thrown(e.getCause()));
                } catch (TimeoutException e) {
                    throw new AssertionError("hang: the handler of " + what + " not called within 10 s");
                }
            }
            t.add("open " + c.ach.isOpen());
            if (c.ach.isOpen()) {
                t.add("size " + c.ach.size());
            }
            for (ByteBuffer b : c.buffers) {
                t.add("buffer " + buffer(b));
            }
            c.ach.close();
            Thread.sleep(0, 100_000);
            for (Recorder<Object, Object> h : c.handlers) {
                t.add("handler calls " + h.calls.get());
            }
        }
        t.add("file " + file(p));
        return String.join("\n", t);
    }

    @Test
    void asynchronousFileChannel() throws Throwable {
        sweep(AsynchronousFileChannel.class, new State[] {State.READ_WRITE, State.READ_ONLY, State.WRITE_ONLY}, this::runAsync);
    }

    // ------------------------------------------------------------------------------------ opening

    /** A path of the fixture {@code base}: created afresh for each call on each side. */
    interface PathMaker {
        Path make(Path base) throws Exception;
    }

    record Named<T>(String name, T value) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final class CustomOption implements OpenOption {
        @Override
        public String toString() {
            return "CUSTOM";
        }
    }

    private static final OpenOption CUSTOM = new CustomOption();

    private static List<Named<PathMaker>> openPaths(java.nio.file.FileSystem zip) {
        return List.of(
                // a zip entry named as the host's file: must open the entry, never base/f
                new Named<>("zip entry", b -> {
                    Path e = zip.getPath(b.resolve("f").toString());
                    Files.createDirectories(e.getParent());
                    Files.write(e, bytes(5, 8));
                    return e;
                }),
                new Named<>("file", b -> b.resolve("f")),
                new Named<>("missing", b -> b.resolve("missing")),
                new Named<>("directory", b -> b.resolve("d")),
                new Named<>("link to file", b -> b.resolve("link")),
                new Named<>("dangling link", b -> b.resolve("dangling")),
                new Named<>("in a missing directory", b -> b.resolve("nodir").resolve("x")),
                new Named<>("under a file", b -> b.resolve("f").resolve("x")),
                new Named<>("null path", b -> null));
    }

    private static List<Named<Set<OpenOption>>> openOptions(Random random) {
        OpenOption[] pool = {READ, WRITE, APPEND, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
            java.nio.file.StandardOpenOption.DELETE_ON_CLOSE, java.nio.file.StandardOpenOption.SPARSE,
            java.nio.file.StandardOpenOption.SYNC, java.nio.file.StandardOpenOption.DSYNC,
            java.nio.file.LinkOption.NOFOLLOW_LINKS, CUSTOM, null};
        List<Named<Set<OpenOption>>> out = new ArrayList<>();
        out.add(new Named<>("null options", null));
        out.add(new Named<>("{}", Set.of()));
        for (int i = 0; i < 60; i++) {
            Set<OpenOption> set = new java.util.LinkedHashSet<>();
            int n = 1 + random.nextInt(4);
            for (int k = 0; k < n; k++) {
                OpenOption o = pool[random.nextInt(pool.length)];
                if (o == null && random.nextInt(4) != 0) {
                    o = READ; // a null element in one set of ~4 that would have one
                }
                set.add(o);
            }
            out.add(new Named<>(set.toString(), set));
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Named<java.nio.file.attribute.FileAttribute<?>[]>> openAttributes() {
        java.nio.file.attribute.FileAttribute<?> rw = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        java.nio.file.attribute.FileAttribute<?> other = new java.nio.file.attribute.FileAttribute<Object>() {
            public String name() {
                return "acl:acl";
            }

            public Object value() {
                return List.of();
            }
        };
        java.nio.file.attribute.FileAttribute<?> nullValue = new java.nio.file.attribute.FileAttribute<Object>() {
            public String name() {
                return "posix:permissions";
            }

            public Object value() {
                return null;
            }
        };
        java.nio.file.attribute.FileAttribute<?> nullElement = new java.nio.file.attribute.FileAttribute<Object>() {
            public String name() {
                return "posix:permissions";
            }

            public Object value() {
                return new java.util.HashSet<>(Arrays.asList(java.nio.file.attribute.PosixFilePermission.OWNER_READ, null));
            }
        };
        return List.of(new Named<>("no attrs", new java.nio.file.attribute.FileAttribute<?>[0]),
                new Named<>("null attrs", null),
                new Named<>("{null}", new java.nio.file.attribute.FileAttribute<?>[] {null}),
                new Named<>("{rw-------}", new java.nio.file.attribute.FileAttribute<?>[] {rw}),
                new Named<>("{acl:acl}", new java.nio.file.attribute.FileAttribute<?>[] {other}),
                new Named<>("{permissions null}", new java.nio.file.attribute.FileAttribute<?>[] {nullValue}),
                new Named<>("{permissions with null}", new java.nio.file.attribute.FileAttribute<?>[] {nullElement}));
    }

    /** The files every open runs against: f (16 bytes), d/ (with a child), link -> f, dangling -> missing. */
    private static Path fixture(Path base) throws Exception {
        Files.createDirectories(base);
        Files.write(base.resolve("f"), bytes(SIZE, 1));
        Files.createDirectory(base.resolve("d"));
        Files.write(base.resolve("d").resolve("child"), bytes(2, 2));
        Files.createSymbolicLink(base.resolve("link"), base.resolve("f"));
        Files.createSymbolicLink(base.resolve("dangling"), base.resolve("missing"));
        return base;
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(q);
            }
        }
    }

    /** What is in the fixture after a call: names, kinds, sizes, permissions. */
    private static String listing(Path base) throws Exception {
        List<String> out = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String kind = Files.isSymbolicLink(p) ? "link" : Files.isDirectory(p) ? "dir" : "file " + Files.size(p);
                String perms = Files.isSymbolicLink(p) ? ""
                        : " " + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                out.add(base.relativize(p) + " " + kind + perms);
            }
        }
        return String.join(", ", out);
    }

    private static String scrubbed(Throwable e, Path base) {
        // zipfs names its temporary copies at random (its DELETE_ON_CLOSE close fails naming one)
        return ChannelDifferentialTest.thrown(e).replace(base.toString(), "<base>").replaceAll("zipfstmp-?\\d+", "zipfstmp<n>");
    }

    private String open(Impl impl, boolean async, Named<PathMaker> path, Named<Set<OpenOption>> options,
            Named<java.nio.file.attribute.FileAttribute<?>[]> attrs) throws Throwable {
        Path base = fixture(dir.resolve("open-" + impl + "-" + runs++));
        List<String> t = new ArrayList<>();
        String what = impl + (async ? " async " : " ") + "open(" + path + ", " + options + ", " + attrs + ")";
        Ctx c = new Ctx(impl, dir);
        try {
            Path p = path.value().make(base);
            Object r = withDeadline(what, x -> async ? impl.openAsync(p, options.value(), null, attrs.value())
                    : impl.open(p, options.value(), attrs.value()), c);
            if (r instanceof FileChannel) {
                FileChannel f = (FileChannel) r;
                t.add("opened position " + f.position() + " size " + f.size() + (f.getClass().getName().startsWith("jdk.nio.zipfs") ? " (the zip provider's)" : ""));
                f.close();
            } else {
                AsynchronousFileChannel f = (AsynchronousFileChannel) r;
                t.add("opened size " + f.size() + (f.getClass().getName().startsWith("jdk.nio.zipfs") ? " (the zip provider's)" : ""));
                f.close();
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable e) {
            t.add("threw " + scrubbed(e, base));
        }
        t.add(listing(base));
        return String.join("\n", t);
    }

    @Test
    void opening() throws Throwable {
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(dir.resolve("entries.zip"),
                java.util.Map.of("create", "true"))) {
            opening(zip);
        }
    }

    private void opening(java.nio.file.FileSystem zip) throws Throwable {
        Random random = new Random(SEED);
        List<String> differences = new ArrayList<>();
        int calls = 0;
        long start = System.nanoTime();
        List<Named<Set<OpenOption>>> optionSets = openOptions(random);
        List<Named<java.nio.file.attribute.FileAttribute<?>[]>> attrSets = openAttributes();
        for (boolean async : new boolean[] {false, true}) {
            for (Named<PathMaker> path : openPaths(zip)) {
                for (Named<Set<OpenOption>> options : optionSets) {
                    if (TestSupport.inGuest() && random.nextInt(6) != 0) {
                        continue; // a sixth of the option sets in a test-kernels guest (emulated CPUs)
                    }
                    // every attribute kind with a few option sets, the plain ones with all
                    List<Named<java.nio.file.attribute.FileAttribute<?>[]>> attrs = random.nextInt(4) == 0 ? attrSets
                            : List.of(attrSets.get(0));
                    for (Named<java.nio.file.attribute.FileAttribute<?>[]> a : attrs) {
                        String jdk = open(Impl.JDK, async, path, options, a);
                        String ours = open(Impl.URING4J, async, path, options, a);
                        calls += 2;
                        if (!jdk.equals(ours)) {
                            differences.add((async ? "async " : "") + "open(" + path + ", " + options + ", " + a + ")"
                                    + "\n  JDK:     " + jdk.replace("\n", "\n           ")
                                    + "\n  uring4j: " + ours.replace("\n", "\n           "));
                        }
                    }
                }
            }
        }
        String dump = System.getenv("URING4J_SWEEP_DUMP");
        if (dump != null) {
            Files.writeString(Path.of(dump), String.join("\n", differences));
        }
        System.out.printf("open sweep: %d calls, %d ms, %d differences%n", calls, (System.nanoTime() - start) / 1_000_000,
                differences.size());
        assertTrue(differences.isEmpty(), differences.size() + " differences from the JDK:\n"
                + String.join("\n", differences.subList(0, Math.min(differences.size(), 40))));
    }

    // ------------------------------------------------------------------------------------ provider and paths

    /** An argument of a provider or Path method, made in the side's fixture {@code base}. */
    interface InBase {
        Object make(Path base) throws Exception;
    }

    record BaseArg(String name, InBase maker) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static BaseArg path(String name) {
        return new BaseArg(name, b -> name.isEmpty() ? b : b.resolve(name));
    }

    @SuppressWarnings("unchecked")
    private static List<BaseArg> providerPool(Class<?> type, java.nio.file.FileSystem zip) {
        if (type == Path.class) {
            return List.of(new BaseArg("null", b -> null), path("f"), path("missing"), path("d"), path("link"),
                    path("dangling"), path("d/child"), path(""), new BaseArg("zip path", b -> zip.getPath("/f")),
                    // the same file through the other side's provider: uring4j's given to the JDK's, the JDK's to uring4j's
                    new BaseArg("the other provider's f", b -> b instanceof UringPath ? ((UringPath) b).wrapped().resolve("f")
                            : new UringFileSystemProvider().getPath(b.resolve("f").toUri())));
        }
        if (type == RelativePath.class) { // for Path methods only: a provider method would act on the working directory
            return List.of(new BaseArg("relative", b -> b.getFileSystem().getPath("rel")),
                    new BaseArg("empty path", b -> b.getFileSystem().getPath("")));
        }
        if (type == String.class) {
            List<BaseArg> out = new ArrayList<>();
            out.add(new BaseArg("null", b -> null));
            for (String v : new String[] {"", "size", "posix:permissions", "basic:*", "unix:*", "bogus:x", "basic:size,bogus",
                "f", "../x", "/abs", "lastModifiedTime"}) {
                out.add(new BaseArg("\"" + v + "\"", b -> v));
            }
            return out;
        }
        if (type == int.class) {
            List<BaseArg> out = new ArrayList<>();
            for (int v : new int[] {-1, 0, 1, 2, 100}) {
                out.add(new BaseArg(Integer.toString(v), b -> v));
            }
            return out;
        }
        if (type == boolean.class) {
            return List.of(new BaseArg("true", b -> true), new BaseArg("false", b -> false));
        }
        if (type == java.nio.file.CopyOption[].class) {
            return List.of(new BaseArg("{}", b -> new java.nio.file.CopyOption[0]), new BaseArg("null[]", b -> null),
                    new BaseArg("{null}", b -> new java.nio.file.CopyOption[] {null}),
                    new BaseArg("{REPLACE_EXISTING}", b -> new java.nio.file.CopyOption[] {java.nio.file.StandardCopyOption.REPLACE_EXISTING}),
                    new BaseArg("{ATOMIC_MOVE}", b -> new java.nio.file.CopyOption[] {java.nio.file.StandardCopyOption.ATOMIC_MOVE}),
                    new BaseArg("{COPY_ATTRIBUTES, NOFOLLOW_LINKS}", b -> new java.nio.file.CopyOption[] {
                        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS}));
        }
        if (type == java.nio.file.LinkOption[].class) {
            return List.of(new BaseArg("{}", b -> new java.nio.file.LinkOption[0]), new BaseArg("null[]", b -> null),
                    new BaseArg("{null}", b -> new java.nio.file.LinkOption[] {null}),
                    new BaseArg("{NOFOLLOW_LINKS}", b -> new java.nio.file.LinkOption[] {java.nio.file.LinkOption.NOFOLLOW_LINKS}));
        }
        if (type == java.nio.file.AccessMode[].class) {
            return List.of(new BaseArg("{}", b -> new java.nio.file.AccessMode[0]), new BaseArg("null[]", b -> null),
                    new BaseArg("{null}", b -> new java.nio.file.AccessMode[] {null}),
                    new BaseArg("{READ}", b -> new java.nio.file.AccessMode[] {java.nio.file.AccessMode.READ}),
                    new BaseArg("{WRITE, EXECUTE}", b -> new java.nio.file.AccessMode[] {java.nio.file.AccessMode.WRITE,
                        java.nio.file.AccessMode.EXECUTE}));
        }
        if (type == Class.class) {
            return List.of(new BaseArg("null", b -> null),
                    new BaseArg("BasicFileAttributes", b -> java.nio.file.attribute.BasicFileAttributes.class),
                    new BaseArg("PosixFileAttributes", b -> java.nio.file.attribute.PosixFileAttributes.class),
                    new BaseArg("DosFileAttributes", b -> java.nio.file.attribute.DosFileAttributes.class),
                    new BaseArg("BasicFileAttributeView", b -> java.nio.file.attribute.BasicFileAttributeView.class),
                    new BaseArg("AclFileAttributeView", b -> java.nio.file.attribute.AclFileAttributeView.class),
                    new BaseArg("UserDefinedFileAttributeView", b -> java.nio.file.attribute.UserDefinedFileAttributeView.class));
        }
        if (type == Object.class) {
            return List.of(new BaseArg("null", b -> null), new BaseArg("5L", b -> 5L), new BaseArg("\"x\"", b -> "x"),
                    new BaseArg("epoch", b -> java.nio.file.attribute.FileTime.fromMillis(0)),
                    new BaseArg("{OWNER_READ}", b -> Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ)));
        }
        if (type == java.nio.file.attribute.FileAttribute[].class) {
            return List.of(new BaseArg("{}", b -> new java.nio.file.attribute.FileAttribute<?>[0]), new BaseArg("null[]", b -> null),
                    new BaseArg("{null}", b -> new java.nio.file.attribute.FileAttribute<?>[] {null}),
                    new BaseArg("{rw-------}", b -> new java.nio.file.attribute.FileAttribute<?>[] {
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))}));
        }
        if (type == Set.class) {
            return List.of(new BaseArg("null", b -> null), new BaseArg("{READ}", b -> Set.of(READ)),
                    new BaseArg("{WRITE, CREATE}", b -> Set.of(WRITE, java.nio.file.StandardOpenOption.CREATE)));
        }
        if (type == java.nio.file.DirectoryStream.Filter.class) {
            return List.of(new BaseArg("null", b -> null),
                    new BaseArg("all", b -> (java.nio.file.DirectoryStream.Filter<Path>) e -> true),
                    new BaseArg("throwing", b -> (java.nio.file.DirectoryStream.Filter<Path>) e -> {
                        throw new java.io.IOException("thrown by the filter");
                    }));
        }
        if (type == ExecutorService.class) {
            return List.of(new BaseArg("null", b -> null));
        }
        if (type == java.net.URI.class) {
            return List.of(new BaseArg("null", b -> null), new BaseArg("file:///", b -> java.net.URI.create("file:///")),
                    new BaseArg("base uri", Path::toUri), new BaseArg("http://x/", b -> java.net.URI.create("http://x/")),
                    new BaseArg("file:rel", b -> java.net.URI.create("file:rel")),
                    new BaseArg("file:///?q", b -> java.net.URI.create("file:///tmp?q")));
        }
        if (type == Path[].class) { // JDK 22+ Path.resolve(Path, Path...)
            return List.of(new BaseArg("{}", b -> new Path[0]), new BaseArg("null[]", b -> null),
                    new BaseArg("{null}", b -> new Path[] {null}),
                    new BaseArg("{rel}", b -> new Path[] {b.getFileSystem().getPath("rel")}),
                    new BaseArg("{/abs, rel}", b -> new Path[] {b.getFileSystem().getPath("/abs"), b.getFileSystem().getPath("rel")}),
                    new BaseArg("{zip path}", b -> new Path[] {zip.getPath("/f")}),
                    new BaseArg("{rel, null}", b -> new Path[] {b.getFileSystem().getPath("rel"), null}),
                    new BaseArg("{null, zip path}", b -> new Path[] {null, zip.getPath("/f")}),
                    new BaseArg("{zip path, null}", b -> new Path[] {zip.getPath("/f"), null}));
        }
        if (type == Object[].class || type.isArray()) {
            return List.of(new BaseArg("null[]", b -> null));
        }
        throw new AssertionError("no pool for " + type);
    }

    /** The pool of Path arguments of Path methods: also relative and empty paths. */
    private interface RelativePath {}

    /** The provider's public methods that have the JDK default provider as their twin. */
    private static boolean swept(Method m) {
        return !m.getName().equals("newFileSystem") && !m.getName().equals("getScheme")
                && !m.getName().equals("installedProviders");
    }

    private String describeOut(Object v, Transcript t) throws Exception {
        if (v instanceof Path) {
            return "path " + t.path((Path) v);
        }
        if (v instanceof java.nio.channels.Channel) {
            ((java.nio.channels.Channel) v).close();
            return "a channel";
        }
        if (v instanceof java.nio.file.DirectoryStream) {
            try (java.nio.file.DirectoryStream<?> d = (java.nio.file.DirectoryStream<?>) v) {
                List<String> names = new ArrayList<>();
                for (Object p : d) {
                    names.add(t.path((Path) p));
                }
                java.util.Collections.sort(names);
                return "entries " + names;
            }
        }
        if (v instanceof java.util.Map) {
            return "keys " + new java.util.TreeSet<>(((java.util.Map<?, ?>) v).keySet());
        }
        if (v instanceof java.nio.file.attribute.BasicFileAttributes) {
            java.nio.file.attribute.BasicFileAttributes a = (java.nio.file.attribute.BasicFileAttributes) v;
            return "attributes size " + a.size() + " dir " + a.isDirectory() + " link " + a.isSymbolicLink();
        }
        if (v instanceof java.nio.file.attribute.FileAttributeView) {
            return "view " + ((java.nio.file.attribute.FileAttributeView) v).name();
        }
        if (v instanceof java.nio.file.FileStore || v instanceof java.nio.file.FileSystem) {
            return "a " + (v instanceof java.nio.file.FileStore ? "file store" : "file system");
        }
        if (v instanceof java.util.Iterator) {
            return "an iterator";
        }
        return v == null ? "null" : v.getClass().getSimpleName() + " " + t.scrub(v);
    }

    /** Runs the sweep of {@code methods} on {@code receiver(base)} for both sides; returns the differences. */
    private List<String> sweepIn(String label, List<Method> methods, java.nio.file.FileSystem zip, InBase receiver,
            int[] calls) throws Throwable {
        Random random = new Random(SEED);
        List<String> differences = new ArrayList<>();
        UringFileSystemProvider uring = new UringFileSystemProvider();
        for (Method m : methods) {
            List<List<BaseArg>> pools = new ArrayList<>();
            long total = 1;
            for (Class<?> p : m.getParameterTypes()) {
                List<BaseArg> pool = new ArrayList<>(providerPool(p, zip));
                if (p == Path.class && m.getDeclaringClass() == Path.class) {
                    pool.addAll(providerPool(RelativePath.class, zip));
                }
                pools.add(pool);
                total *= pools.get(pools.size() - 1).size();
            }
            int n = (int) Math.min(total, PER_METHOD);
            for (int i = 0; i < n; i++) {
                List<BaseArg> combo = new ArrayList<>();
                long k = i;
                for (List<BaseArg> pool : pools) {
                    combo.add(total <= PER_METHOD ? pool.get((int) (k % pool.size())) : pool.get(random.nextInt(pool.size())));
                    k /= pool.size();
                }
                String name = label + " " + m.getName() + combo;
                String[] out = new String[2];
                // both sides in the same directory, one after the other: paths above the base are equal too
                Path at = dir.resolve("p").resolve("b" + runs++);
                for (int side = 0; side < 2; side++) {
                    if (side == 1) {
                        deleteTree(at);
                    }
                    Path jdkBase = fixture(at);
                    Path base = side == 0 ? jdkBase : uring.getPath(jdkBase.toUri());
                    Transcript t = new Transcript(base);
                    Object target = receiver.make(base);
                    Ctx c = new Ctx(Impl.JDK, dir);
                    try {
                        Object[] args = new Object[combo.size()];
                        for (int a = 0; a < args.length; a++) {
                            args[a] = combo.get(a).maker.make(base);
                        }
                        Object r = withDeadline(name, x -> invoke(m, target, args), c);
                        t.add("result", describeOut(r, t));
                    } catch (AssertionError e) {
                        throw e;
                    } catch (Throwable e) {
                        // the class only for these: the JDK's have no message (ProviderMismatch) or the JVM's (casts),
                        // uring4j's name the provider of the foreign path
                        boolean classOnly = e instanceof NullPointerException || e instanceof java.nio.file.ProviderMismatchException
                                || e instanceof ClassCastException;
                        t.lines.add("threw " + (classOnly ? e.getClass().getName()
                                : t.describe((Exception) e).replaceAll("zipfstmp-?\\d+", "zipfstmp<n>")));
                    }
                    t.add("after", listing(jdkBase));
                    out[side] = String.join("\n", t.lines);
                    calls[0]++;
                }
                if (!out[0].equals(out[1])) {
                    differences.add(name + "\n  JDK:     " + out[0].replace("\n", "\n           ") + "\n  uring4j: "
                            + out[1].replace("\n", "\n           "));
                }
            }
        }
        return differences;
    }

    @Test
    void providerAndPaths() throws Throwable {
        long start = System.nanoTime();
        int[] calls = {0};
        List<String> differences = new ArrayList<>();
        List<Method> providerMethods = new ArrayList<>();
        for (Method m : methods(java.nio.file.spi.FileSystemProvider.class)) {
            if (swept(m)) {
                providerMethods.add(m);
            }
        }
        List<Method> pathMethods = new ArrayList<>();
        for (Method m : methods(Path.class)) {
            if (!m.getName().equals("register") && !m.getName().equals("forEach") && !m.getName().equals("spliterator")
                    && !m.getName().equals("hashCode") && !m.getName().equals("toFile")) {
                pathMethods.add(m);
            }
        }
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(dir.resolve("paths.zip"),
                java.util.Map.of("create", "true"))) {
            differences.addAll(sweepIn("provider", providerMethods, zip, b -> b.getFileSystem().provider(), calls));
            for (String receiver : new String[] {"f", "d/child", ""}) {
                differences.addAll(sweepIn("path " + receiver, pathMethods, zip, b -> receiver.isEmpty() ? b
                        : b.resolve(receiver), calls));
            }
        }
        String dump = System.getenv("URING4J_SWEEP_DUMP");
        if (dump != null) {
            Files.writeString(Path.of(dump), String.join("\n", differences));
        }
        System.out.printf("provider and Path sweep: %d provider methods, %d Path methods, %d calls, %d ms, %d differences%n",
                providerMethods.size(), pathMethods.size(), calls[0], (System.nanoTime() - start) / 1_000_000, differences.size());
        assertTrue(differences.isEmpty(), differences.size() + " differences from the JDK:\n"
                + String.join("\n", differences.subList(0, Math.min(differences.size(), 40))));
    }

    // ------------------------------------------------------------------------------------ descriptions

    /** A file's size and its first 64 bytes (positions past 2^31 make files too large to read whole). */
    private static String file(Path p) throws java.io.IOException {
        try (FileChannel f = FileChannel.open(p)) {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(64, f.size()));
            f.read(head, 0);
            return "size " + f.size() + " " + Arrays.toString(Arrays.copyOf(head.array(), head.position()));
        }
    }

    /** As ChannelDifferentialTest's description, of at most the first 64 bytes of a large buffer (a mapping of 2^31 - 1). */
    private static String buffer(ByteBuffer b) {
        return ChannelDifferentialTest.describe(b, 64);
    }

    private static String describe(Object v, Ctx c) throws Exception {
        return ChannelDifferentialTest.describeResult(v, c.ch, c.ach, 64, false);
    }
}
