package dev.uring4j.nio;

import static dev.uring4j.nio.NioTestSupport.bytes;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uring4j.nio.NioTestSupport.Recorder;
import dev.uring4j.nio.NioTestSupport.TrackedPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation, with good and bad arguments, in every channel state (read-write, read-only,
 * write-only, append, each also closed), run on the JDK's channel and on uring4j's; the two
 * transcripts must be equal: the value returned or the exception thrown (class and message), for
 * the asynchronous channel whether it was thrown by the call or delivered through the Future or
 * handler, then the channel's position and openness, the file's bytes and the buffers' states.
 * This pins down what the Javadoc leaves open, such as which of several applicable exceptions wins.
 */
@Tag("kernel")
class ChannelDifferentialTest {
    @TempDir
    Path dir;

    private int runs;

    enum State {
        READ_WRITE(READ, WRITE), READ_ONLY(READ), WRITE_ONLY(WRITE), APPEND_ONLY(WRITE, APPEND);

        final Set<OpenOption> options;

        State(OpenOption... o) {
            options = Set.of(o);
        }
    }

    /** What an operation may use besides the channel; everything it registers is described afterwards. */
    static final class Ctx {
        FileChannel ch;
        AsynchronousFileChannel ach;
        TrackedPool pool;
        final List<ByteBuffer> buffers = new ArrayList<>();
        final List<Object> others = new ArrayList<>();
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();

        ByteBuffer buf(ByteBuffer b) {
            buffers.add(b);
            return b;
        }

        ByteBuffer heap(int n) {
            return buf(ByteBuffer.allocate(n));
        }

        ByteBuffer data(int n) {
            return buf(ByteBuffer.wrap(bytes(n, 9)));
        }
    }

    interface Op {
        Object run(Ctx c) throws Exception;
    }

    // ------------------------------------------------------------------------------------ FileChannel

    private static Map<String, Op> fileOps() {
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("read(heap)", c -> c.ch.read(c.heap(8)));
        ops.put("read(direct)", c -> c.ch.read(c.buf(ByteBuffer.allocateDirect(8))));
        ops.put("read(read-only)", c -> c.ch.read(c.buf(ByteBuffer.allocate(8).asReadOnlyBuffer())));
        ops.put("read(read-only, nothing remaining)", c -> c.ch.read(c.buf(ByteBuffer.allocate(0).asReadOnlyBuffer())));
        ops.put("read(nothing remaining)", c -> c.ch.read(c.heap(0)));
        ops.put("read(null)", c -> c.ch.read((ByteBuffer) null));
        ops.put("read(dst, 2)", c -> c.ch.read(c.heap(8), 2));
        ops.put("read(dst, -1)", c -> c.ch.read(c.heap(8), -1));
        ops.put("read(read-only, -1)", c -> c.ch.read(c.buf(ByteBuffer.allocate(8).asReadOnlyBuffer()), -1));
        ops.put("read(dst, 16)", c -> c.ch.read(c.heap(8), 16));
        ops.put("read(dst, 100)", c -> c.ch.read(c.heap(8), 100));
        ops.put("read(nothing remaining, 100)", c -> c.ch.read(c.heap(0), 100));
        ops.put("read(null, 0)", c -> c.ch.read(null, 0));
        ops.put("read(null, -1)", c -> c.ch.read(null, -1));
        ops.put("read[]", c -> c.ch.read(new ByteBuffer[] {c.heap(3), c.heap(0), c.heap(20)}));
        ops.put("read[](1, 1)", c -> c.ch.read(new ByteBuffer[] {c.heap(3), c.heap(4), c.heap(5)}, 1, 1));
        ops.put("read[](-1, 1)", c -> c.ch.read(new ByteBuffer[] {c.heap(3)}, -1, 1));
        ops.put("read[](0, 2) of 1", c -> c.ch.read(new ByteBuffer[] {c.heap(3)}, 0, 2));
        ops.put("read[] empty", c -> c.ch.read(new ByteBuffer[0]));
        ops.put("read[] read-only second", c -> c.ch.read(new ByteBuffer[] {c.heap(3), c.buf(ByteBuffer.allocate(3).asReadOnlyBuffer())}));
        ops.put("read[] null second", c -> c.ch.read(new ByteBuffer[] {c.heap(3), null}));
        ops.put("read[] null", c -> c.ch.read((ByteBuffer[]) null));
        ops.put("write(heap)", c -> c.ch.write(c.data(8)));
        ops.put("write(direct)", c -> c.ch.write(c.buf(ByteBuffer.allocateDirect(8).put(bytes(8, 3)).flip())));
        ops.put("write(read-only)", c -> c.ch.write(c.buf(ByteBuffer.wrap(bytes(8, 4)).asReadOnlyBuffer())));
        ops.put("write(nothing remaining)", c -> c.ch.write(c.heap(0)));
        ops.put("write(null)", c -> c.ch.write((ByteBuffer) null));
        ops.put("write(src, 2)", c -> c.ch.write(c.data(4), 2));
        ops.put("write(src, -1)", c -> c.ch.write(c.data(4), -1));
        ops.put("write(src, 30)", c -> c.ch.write(c.data(4), 30));
        ops.put("write(nothing remaining, 30)", c -> c.ch.write(c.heap(0), 30));
        ops.put("write[]", c -> c.ch.write(new ByteBuffer[] {c.data(3), c.heap(0), c.data(5)}));
        ops.put("write[](1, 2)", c -> c.ch.write(new ByteBuffer[] {c.data(3), c.data(4), c.data(5)}, 1, 2));
        ops.put("write[](2, 5) of 3", c -> c.ch.write(new ByteBuffer[] {c.data(3), c.data(4), c.data(5)}, 2, 5));
        ops.put("write[] empty", c -> c.ch.write(new ByteBuffer[0]));
        ops.put("write[] null second", c -> c.ch.write(new ByteBuffer[] {c.data(3), null}));
        // a buffer given twice: each place from the same start, as readv/writev (regression: written once)
        ops.put("write[] same heap buffer twice", c -> {
            ByteBuffer x = c.data(3);
            return c.ch.write(new ByteBuffer[] {x, c.data(2), x});
        });
        ops.put("write[] same direct buffer twice", c -> {
            ByteBuffer x = c.buf(ByteBuffer.allocateDirect(3).put(bytes(3, 7)).flip());
            return c.ch.write(new ByteBuffer[] {x, x});
        });
        ops.put("read[] same direct buffer twice", c -> {
            ByteBuffer x = c.buf(ByteBuffer.allocateDirect(4));
            return c.ch.read(new ByteBuffer[] {x, x});
        });
        // at most IOV_MAX (1024) buffers per call, as the JDK's IOUtil (regression: all 2000 written)
        ops.put("write[] 2000 buffers", c -> {
            ByteBuffer[] bs = new ByteBuffer[2000];
            for (int i = 0; i < bs.length; i++) {
                bs[i] = ByteBuffer.wrap(new byte[] {(byte) i});
            }
            return c.ch.write(bs) + " last moved " + (bs[1023].position() + bs[1024].position());
        });
        // interrupted before a call that moves nothing: the channel closes (regression: it stayed open)
        ops.put("interrupted: read[] nothing remaining", c -> interrupted(() -> c.ch.read(new ByteBuffer[] {c.heap(0)})));
        ops.put("interrupted: read[](0, 0)", c -> interrupted(() -> c.ch.read(new ByteBuffer[] {c.heap(4)}, 0, 0)));
        ops.put("interrupted: write[] nothing remaining", c -> interrupted(() -> c.ch.write(new ByteBuffer[] {c.heap(0)})));
        ops.put("interrupted: read(nothing remaining)", c -> interrupted(() -> c.ch.read(c.heap(0))));
        ops.put("interrupted: write[]", c -> interrupted(() -> c.ch.write(new ByteBuffer[] {c.data(3)})));
        ops.put("position()", c -> c.ch.position());
        ops.put("position(10)", c -> c.ch.position(10));
        ops.put("position(100)", c -> c.ch.position(100));
        ops.put("position(-1)", c -> c.ch.position(-1));
        ops.put("size()", c -> c.ch.size());
        ops.put("truncate(8)", c -> c.ch.truncate(8));
        ops.put("truncate(2)", c -> c.ch.truncate(2));
        ops.put("truncate(100)", c -> c.ch.truncate(100));
        ops.put("truncate(-1)", c -> c.ch.truncate(-1));
        ops.put("force(true)", c -> {
            c.ch.force(true);
            return "done";
        });
        ops.put("force(false)", c -> {
            c.ch.force(false);
            return "done";
        });
        ops.put("transferTo(0, 8, stream)", c -> c.ch.transferTo(0, 8, sink(c)));
        ops.put("transferTo(10, 100, stream)", c -> c.ch.transferTo(10, 100, sink(c)));
        ops.put("transferTo(100, 8, stream)", c -> c.ch.transferTo(100, 8, sink(c)));
        ops.put("transferTo(-1, 8, stream)", c -> c.ch.transferTo(-1, 8, sink(c)));
        ops.put("transferTo(0, -1, stream)", c -> c.ch.transferTo(0, -1, sink(c)));
        ops.put("transferTo(0, 8, closed)", c -> {
            WritableByteChannel s = sink(c);
            s.close();
            return c.ch.transferTo(0, 8, s);
        });
        ops.put("transferTo(0, 8, null)", c -> c.ch.transferTo(0, 8, null));
        ops.put("transferFrom(stream, 0, 8)", c -> c.ch.transferFrom(source(c), 0, 8));
        ops.put("transferFrom(stream, 16, 100)", c -> c.ch.transferFrom(source(c), 16, 100));
        ops.put("transferFrom(stream, 100, 8)", c -> c.ch.transferFrom(source(c), 100, 8));
        ops.put("transferFrom(stream, -1, 8)", c -> c.ch.transferFrom(source(c), -1, 8));
        ops.put("transferFrom(stream, 0, -1)", c -> c.ch.transferFrom(source(c), 0, -1));
        ops.put("transferFrom(closed, 0, 8)", c -> {
            ReadableByteChannel s = source(c);
            s.close();
            return c.ch.transferFrom(s, 0, 8);
        });
        ops.put("map(READ_ONLY, 0, 8)", c -> c.ch.map(MapMode.READ_ONLY, 0, 8));
        ops.put("map(READ_ONLY, 8, 100)", c -> c.ch.map(MapMode.READ_ONLY, 8, 100));
        ops.put("map(READ_WRITE, 0, 8)", c -> c.ch.map(MapMode.READ_WRITE, 0, 8));
        ops.put("map(READ_WRITE, 8, 24)", c -> c.ch.map(MapMode.READ_WRITE, 8, 24));
        ops.put("map(PRIVATE, 0, 8)", c -> c.ch.map(MapMode.PRIVATE, 0, 8));
        ops.put("map(READ_ONLY, -1, 8)", c -> c.ch.map(MapMode.READ_ONLY, -1, 8));
        ops.put("map(READ_ONLY, 0, -1)", c -> c.ch.map(MapMode.READ_ONLY, 0, -1));
        ops.put("map(READ_ONLY, 0, 2^31)", c -> c.ch.map(MapMode.READ_ONLY, 0, 1L << 31));
        ops.put("map(READ_ONLY, MAX, 8)", c -> c.ch.map(MapMode.READ_ONLY, Long.MAX_VALUE, 8));
        ops.put("map(READ_WRITE, -1, 8)", c -> c.ch.map(MapMode.READ_WRITE, -1, 8));
        ops.put("map(null, 0, 8)", c -> c.ch.map(null, 0, 8));
        ops.put("lock()", c -> c.ch.lock());
        ops.put("lock(0, 8, true)", c -> c.ch.lock(0, 8, true));
        ops.put("lock(-1, 8, false)", c -> c.ch.lock(-1, 8, false));
        ops.put("lock(-1, 8, true)", c -> c.ch.lock(-1, 8, true));
        ops.put("lock(0, -1, false)", c -> c.ch.lock(0, -1, false));
        ops.put("lock(MAX, 8, false)", c -> c.ch.lock(Long.MAX_VALUE, 8, false));
        ops.put("tryLock()", c -> c.ch.tryLock());
        ops.put("tryLock(0, 8, true)", c -> c.ch.tryLock(0, 8, true));
        ops.put("tryLock(-1, 8, true)", c -> c.ch.tryLock(-1, 8, true));
        ops.put("lock twice", c -> {
            c.others.add(c.ch.lock(0, 8, false));
            return c.ch.tryLock(4, 8, false);
        });
        ops.put("lock, release, release", c -> {
            FileLock l = c.ch.lock(0, 8, false);
            l.release();
            l.release();
            return l;
        });
        ops.put("close, close", c -> {
            c.ch.close();
            c.ch.close();
            return c.ch.isOpen();
        });
        return ops;
    }

    interface Call {
        Object call() throws Exception;
    }

    /** Runs {@code call} with the thread interrupted; clears the status afterwards (the transcript's file read needs that). */
    private static Object interrupted(Call call) throws Exception {
        Thread.currentThread().interrupt();
        try {
            return call.call();
        } finally {
            Thread.interrupted();
        }
    }

    private static WritableByteChannel sink(Ctx c) {
        return Channels.newChannel(c.sink);
    }

    private static ReadableByteChannel source(Ctx c) {
        return Channels.newChannel(new ByteArrayInputStream(bytes(12, 5)));
    }

    private String runFile(Impl impl, State state, boolean closed, Op op) throws Exception {
        Path p = dir.resolve(impl + "-" + runs++);
        Files.write(p, bytes(16, 1));
        Ctx c = new Ctx();
        c.ch = impl.open(p, state.options);
        if (state != State.APPEND_ONLY) {
            c.ch.position(4);
        }
        if (closed) {
            c.ch.close();
        }
        List<String> t = new ArrayList<>();
        try {
            t.add("result " + describe(op.run(c), c));
        } catch (Throwable e) {
            t.add("threw " + thrown(e));
        }
        for (Object o : c.others) {
            t.add("also " + describe(o, c));
        }
        t.add("open " + c.ch.isOpen());
        if (c.ch.isOpen()) {
            t.add("position " + c.ch.position());
        }
        for (ByteBuffer b : c.buffers) {
            t.add("buffer " + describe(b));
        }
        t.add("sink " + Arrays.toString(c.sink.toByteArray()));
        c.ch.close();
        t.add("file " + Arrays.toString(Files.readAllBytes(p)));
        return String.join("\n", t);
    }

    /**
     * With -During4j.conformance.transcripts=FILE, the JDK's transcripts are appended to FILE: the
     * reference, readable.
     */
    private static void record(String name, String transcript) throws java.io.IOException {
        String to = System.getProperty("uring4j.conformance.transcripts");
        if (to != null) {
            Files.writeString(Path.of(to), "== " + name + "\n" + transcript + "\n\n", java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private static void compare(String name, String jdk, String ours) throws java.io.IOException {
        record(name, jdk);
        assertEquals(jdk, ours, name);
    }

    @TestFactory
    Stream<DynamicTest> fileChannel() {
        List<DynamicTest> tests = new ArrayList<>();
        for (boolean closed : new boolean[] {false, true}) {
            for (State s : State.values()) {
                for (Map.Entry<String, Op> op : fileOps().entrySet()) {
                    String name = (closed ? "closed " : "") + s + " " + op.getKey();
                    tests.add(DynamicTest.dynamicTest(name, () -> compare(name, runFile(Impl.JDK, s, closed, op.getValue()),
                            runFile(Impl.URING4J, s, closed, op.getValue()))));
                }
            }
        }
        return tests.stream();
    }

    // ------------------------------------------------------------------------------------ AsynchronousFileChannel

    /** The outcome of an asynchronous operation: through its Future, or through a handler given as {@code h}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Op> asyncOps() {
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("read(heap, 2)", c -> c.ach.read(c.heap(8), 2));
        ops.put("read(direct, 2)", c -> c.ach.read(c.buf(ByteBuffer.allocateDirect(8)), 2));
        ops.put("read(dst, 16)", c -> c.ach.read(c.heap(8), 16));
        ops.put("read(dst, 100)", c -> c.ach.read(c.heap(8), 100));
        ops.put("read(dst, -1)", c -> c.ach.read(c.heap(8), -1));
        ops.put("read(read-only, 0)", c -> c.ach.read(c.buf(ByteBuffer.allocate(8).asReadOnlyBuffer()), 0));
        ops.put("read(read-only, -1)", c -> c.ach.read(c.buf(ByteBuffer.allocate(8).asReadOnlyBuffer()), -1));
        ops.put("read(nothing remaining, 0)", c -> c.ach.read(c.heap(0), 0));
        ops.put("read(nothing remaining, 100)", c -> c.ach.read(c.heap(0), 100));
        ops.put("read(null, 0)", c -> c.ach.read(null, 0));
        ops.put("read handler", c -> handled(c, h -> c.ach.read(c.heap(8), 2, "a", h)));
        ops.put("read handler at end", c -> handled(c, h -> c.ach.read(c.heap(8), 16, "a", h)));
        ops.put("read handler -1", c -> handled(c, h -> c.ach.read(c.heap(8), -1, "a", h)));
        ops.put("read handler nothing remaining", c -> handled(c, h -> c.ach.read(c.heap(0), 0, "a", h)));
        ops.put("read handler null", c -> {
            c.ach.read(c.heap(8), 0, "a", null);
            return "returned";
        });
        ops.put("write(heap, 2)", c -> c.ach.write(c.data(8), 2));
        ops.put("write(direct, 12)", c -> c.ach.write(c.buf(ByteBuffer.allocateDirect(8).put(bytes(8, 3)).flip()), 12));
        ops.put("write(src, 30)", c -> c.ach.write(c.data(4), 30));
        ops.put("write(src, -1)", c -> c.ach.write(c.data(4), -1));
        ops.put("write(nothing remaining, 0)", c -> c.ach.write(c.heap(0), 0));
        ops.put("write(null, 0)", c -> c.ach.write(null, 0));
        ops.put("write handler", c -> handled(c, h -> c.ach.write(c.data(8), 2, "a", h)));
        ops.put("write handler -1", c -> handled(c, h -> c.ach.write(c.data(8), -1, "a", h)));
        ops.put("write handler null", c -> {
            c.ach.write(c.data(8), 0, "a", null);
            return "returned";
        });
        ops.put("size()", c -> c.ach.size());
        ops.put("truncate(8)", c -> c.ach.truncate(8));
        ops.put("truncate(100)", c -> c.ach.truncate(100));
        ops.put("truncate(-1)", c -> c.ach.truncate(-1));
        ops.put("force(true)", c -> {
            c.ach.force(true);
            return "done";
        });
        ops.put("lock()", c -> c.ach.lock());
        ops.put("lock(0, 8, true)", c -> c.ach.lock(0, 8, true));
        ops.put("lock(-1, 8, false)", c -> c.ach.lock(-1, 8, false));
        ops.put("lock(MAX, 8, true)", c -> c.ach.lock(Long.MAX_VALUE, 8, true));
        ops.put("lock handler", c -> handled(c, h -> c.ach.lock(0, 8, false, "a", h)));
        ops.put("lock handler shared", c -> handled(c, h -> c.ach.lock(0, 8, true, "a", h)));
        ops.put("tryLock()", c -> c.ach.tryLock());
        ops.put("tryLock(0, 8, true)", c -> c.ach.tryLock(0, 8, true));
        ops.put("tryLock(0, -1, true)", c -> c.ach.tryLock(0, -1, true));
        ops.put("lock twice", c -> {
            c.others.add(c.ach.tryLock(0, 8, false));
            return c.ach.lock(4, 8, false);
        });
        ops.put("close, close", c -> {
            c.ach.close();
            c.ach.close();
            return c.ach.isOpen();
        });
        return ops;
    }

    @SuppressWarnings("rawtypes")
    interface Initiation {
        void start(Recorder h) throws Exception;
    }

    /** Starts an operation with a handler and waits for it: its outcome, the attachment, the thread. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object handled(Ctx c, Initiation i) throws Exception {
        Recorder h = new Recorder();
        i.start(h);
        Object value;
        try {
            value = "handler completed " + describe(h.value(), c);
        } catch (ExecutionException e) {
            value = "handler failed " + thrown(e.getCause());
        }
        Thread.sleep(5); // a second invocation would show in the count
        return value + ", attachment " + h.attachment + ", calls " + h.calls.get() + ", on the pool " + c.pool.owns(h.thread);
    }

    private String runAsync(Impl impl, State state, boolean closed, Op op) throws Exception {
        Path p = dir.resolve("async-" + impl + "-" + runs++);
        Files.write(p, bytes(16, 1));
        Ctx c = new Ctx();
        List<String> t = new ArrayList<>();
        try (TrackedPool pool = new TrackedPool(2)) {
            c.pool = pool;
            c.ach = impl.openAsync(p, state.options, pool.executor);
            if (closed) {
                c.ach.close();
            }
            try {
                Object r = op.run(c);
                if (r instanceof Future) {
                    try {
                        r = "future completed " + describe(((Future<?>) r).get(10, TimeUnit.SECONDS), c);
                    } catch (ExecutionException e) {
                        r = "future failed " + thrown(e.getCause());
                    } catch (TimeoutException e) {
                        r = "future not done after 10 s";
                    }
                }
                t.add("result " + (r instanceof String ? r : describe(r, c)));
            } catch (Throwable e) {
                t.add("threw " + thrown(e));
            }
            for (Object o : c.others) {
                t.add("also " + describe(o, c));
            }
            t.add("open " + c.ach.isOpen());
            for (ByteBuffer b : c.buffers) {
                t.add("buffer " + describe(b));
            }
            c.ach.close();
        }
        t.add("file " + Arrays.toString(Files.readAllBytes(p)));
        return String.join("\n", t);
    }

    @TestFactory
    Stream<DynamicTest> asynchronousFileChannel() {
        List<DynamicTest> tests = new ArrayList<>();
        for (boolean closed : new boolean[] {false, true}) {
            for (State s : new State[] {State.READ_WRITE, State.READ_ONLY, State.WRITE_ONLY}) {
                for (Map.Entry<String, Op> op : asyncOps().entrySet()) {
                    String name = (closed ? "closed " : "") + s + " " + op.getKey();
                    tests.add(DynamicTest.dynamicTest(name, () -> compare("async " + name, runAsync(Impl.JDK, s, closed, op.getValue()),
                            runAsync(Impl.URING4J, s, closed, op.getValue()))));
                }
            }
        }
        return tests.stream();
    }

    // ------------------------------------------------------------------------------------ descriptions

    /**
     * Class and message. Not the message of a NullPointerException: the JVM's helpful messages name the
     * expression of the code that failed ("because \"target\" is null"), so they differ by implementation.
     */
    static String thrown(Throwable e) {
        return e.getClass().getName() + (e instanceof NullPointerException ? "" : ": " + e.getMessage());
    }

    static String describe(ByteBuffer b) {
        return describe(b, Integer.MAX_VALUE);
    }

    /** A buffer's state and its first {@code maxBytes} bytes ("..." if there are more). */
    static String describe(ByteBuffer b, int maxBytes) {
        ByteBuffer all = b.duplicate().clear();
        byte[] content = new byte[Math.min(all.remaining(), maxBytes)];
        all.get(content);
        return "position " + b.position() + " limit " + b.limit() + " capacity " + b.capacity() + " read-only "
                + b.isReadOnly() + " " + Arrays.toString(content) + (b.capacity() > maxBytes ? "..." : "");
    }

    private static String describe(Object v, Ctx c) throws Exception {
        return describeResult(v, c.ch, c.ach, Integer.MAX_VALUE, true);
    }

    /**
     * A result as both sides must give it: {@code ch}/{@code ach} are "this channel", a lock
     * is described (with its channel and owner if {@code owners}) and released, a mapping by
     * its first {@code maxBytes} bytes.
     */
    static String describeResult(Object v, Object ch, Object ach, int maxBytes, boolean owners) throws Exception {
        if (v == null) {
            return "null";
        }
        if (v == ch || v == ach) {
            return "this channel";
        }
        if (v instanceof MappedByteBuffer) {
            return "mapping " + describe((ByteBuffer) v, maxBytes);
        }
        if (v instanceof FileLock) {
            FileLock l = (FileLock) v;
            String d = "lock position " + l.position() + " size " + l.size() + " shared " + l.isShared() + " valid "
                    + l.isValid() + (owners ? " channel() " + (l.channel() == null ? "null" : l.channel() == ch ? "this" : "other")
                    + " acquiredBy() " + (l.acquiredBy() == ch || l.acquiredBy() == ach ? "this" : "other") : "");
            if (l.acquiredBy().isOpen()) {
                l.release();
            }
            return d;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Boolean || v instanceof String) {
            return v.getClass().getSimpleName() + " " + v;
        }
        return v.getClass().getName();
    }
}
