package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.fail;

import dev.uring4j.TestSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Helpers shared by the java.nio conformance cases. */
final class NioTestSupport {
    private NioTestSupport() {}

    static final long GIB = 1L << 30;

    /** Deterministic content: byte i of a stream with this seed. */
    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + 1);
        }
        return b;
    }

    /** The remaining bytes of {@code b} (flipped by the caller or not), without moving it. */
    static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Bytes [0, position) of {@code b}: what a read put there. */
    static byte[] filled(ByteBuffer b) {
        byte[] out = new byte[b.position()];
        b.duplicate().flip().get(out);
        return out;
    }

    static byte[] range(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Every implementation with every buffer kind. */
    static Stream<Arguments> implsAndBufs() {
        List<Arguments> out = new ArrayList<>();
        for (Impl i : Impl.values()) {
            for (Buf b : Buf.values()) {
                out.add(Arguments.of(i, b));
            }
        }
        return out.stream();
    }

    /** Every ordered pair of implementations (source, target). */
    static Stream<Arguments> implPairs() {
        List<Arguments> out = new ArrayList<>();
        for (Impl a : Impl.values()) {
            for (Impl b : Impl.values()) {
                out.add(Arguments.of(a, b));
            }
        }
        return out.stream();
    }

    static void mkfifo(Path p) throws IOException, InterruptedException {
        Process pr = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, pr.waitFor(), "mkfifo failed: " + out);
    }

    /** The cause of the failure of {@code f}, failing if it succeeds or does not complete in 10 s. */
    static Throwable failure(Future<?> f) {
        ExecutionException e = assertThrowsExactly(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    /** The value of {@code f}, failing if it does not complete in 10 s. */
    static <V> V await(Future<V> f) throws InterruptedException, ExecutionException {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete in 10 s", e);
        }
    }

    /** Waits for {@code t} for at most 10 s; fails (and interrupts it) if it is still running. */
    static void join(Thread t) throws InterruptedException {
        join(t, 10);
    }

    /** Waits for {@code t} for at most {@code seconds}; fails (and interrupts it) if it is still running. */
    static void join(Thread t, int seconds) throws InterruptedException {
        t.join(seconds * 1000L);
        if (t.isAlive()) {
            t.interrupt();
            fail("thread still blocked after " + seconds + " s: " + Arrays.toString(t.getStackTrace()));
        }
    }

    /**
     * Waits (at most 10 s) until {@code t} looks blocked: parked or waiting (an implementation waiting
     * for a completion), or in a native method (the JDK's channels block in read(2) or fcntl(2)
     * and show RUNNABLE there), then a little longer to let it enter the system call.
     */
    static void awaitBlocked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end && t.isAlive()) {
            Thread.State s = t.getState();
            StackTraceElement[] stack = t.getStackTrace();
            boolean waiting = s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
            boolean inNative = stack.length > 0 && stack[0].isNativeMethod();
            if (waiting || inNative) {
                Thread.sleep(30);
                return;
            }
            Thread.sleep(2);
        }
    }

    /** A CompletionHandler recording what it was given, on which thread, and how many times. */
    static final class Recorder<V, A> implements CompletionHandler<V, A> {
        final CompletableFuture<V> result = new CompletableFuture<>();
        final AtomicInteger calls = new AtomicInteger();
        volatile Object attachment;
        volatile Thread thread;

        @Override
        public void completed(V v, A a) {
            attachment = a;
            thread = Thread.currentThread();
            calls.incrementAndGet();
            result.complete(v);
        }

        @Override
        public void failed(Throwable t, A a) {
            attachment = a;
            thread = Thread.currentThread();
            calls.incrementAndGet();
            result.completeExceptionally(t);
        }

        V value() throws InterruptedException, ExecutionException {
            return await(result);
        }

        Throwable failure() {
            return NioTestSupport.failure(result);
        }
    }

    /** A fixed pool that knows its threads, to check where completion handlers run. */
    static final class TrackedPool implements AutoCloseable {
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final ExecutorService executor;

        TrackedPool(int n) {
            AtomicInteger id = new AtomicInteger();
            executor = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "conformance-pool-" + id.incrementAndGet());
                t.setDaemon(true);
                threads.add(t);
                return t;
            });
        }

        boolean owns(Thread t) {
            return threads.contains(t);
        }

        @Override
        public void close() throws InterruptedException {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Another process holding POSIX locks ({@link LockHolderMain}): the only way to make a lock
     * request of this JVM wait, since overlapping requests within one JVM throw
     * OverlappingFileLockException instead.
     */
    static final class OtherProcess implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;

        OtherProcess() throws IOException {
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
                    TestSupport.testClassesDir().toString(), LockHolderMain.class.getName());
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            expect("ready");
        }

        /** The other process locks all of {@code p} exclusively (returns once it holds the lock). */
        void lock(Path p) throws IOException {
            command("lock " + p, "locked");
        }

        void unlock() throws IOException {
            command("unlock", "unlocked");
        }

        private void command(String c, String reply) throws IOException {
            in.write(c + "\n");
            in.flush();
            expect(reply);
        }

        private void expect(String reply) throws IOException {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                assertEquals(reply, line.get(20, TimeUnit.SECONDS), "lock holder process");
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                process.destroyForcibly();
                throw new AssertionError("lock holder process did not answer " + reply, e);
            }
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
