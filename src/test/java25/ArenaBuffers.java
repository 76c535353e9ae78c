import dev.uring4j.CompletionHandler;
import dev.uring4j.Linux;
import dev.uring4j.Ring;
import dev.uring4j.RingOptions;
import dev.uring4j.async.AsyncFile;
import dev.uring4j.async.AsyncFileConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * JDK 22+ only (java.lang.foreign is final there): buffers that view Arena memory, given to
 * Ring.read/write/readv, FixedBuffers.register + readFixed and AsyncFile.read/write on both
 * backends. Launched by ArenaBufferTest as a single-file source program:
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -During4j.library.path=... -cp target/classes \
 *     src/test/java25/ArenaBuffers.java DIR [case...]</pre>
 *
 * Prints one line per case, {@code CASE name=outcome | detail}, where outcome is {@code ok}
 * (the operation worked and moved the right bytes), {@code wrong-bytes}, {@code threw:Type}
 * (thrown by the call itself, with nothing left staged), {@code threw-but-staged:Type},
 * {@code accepted:...} (the call took the buffer: a regression for the refused kinds) or
 * {@code future-failed:Type} (AsyncFile returned a future that failed instead of throwing).
 *
 * <p>Cases that must be refused read from an empty file, so that if a regression lets such a
 * buffer through, the kernel writes nothing into memory that may be freed (no corruption of
 * this process: the outcome still prints cleanly).
 */
public final class ArenaBuffers {
    static final int SIZE = 4096;
    static Path dir;
    static Path data;      // SIZE bytes of a known pattern
    static Path empty;     // 0 bytes: reads of it write nothing
    static Path mapped;    // SIZE bytes, mapped by the mapped-file cases
    static Ring ring;
    static int dataFd;
    static int emptyFd;

    interface Case {
        String run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        dir = Path.of(args[0]);
        data = dir.resolve("data");
        empty = dir.resolve("empty");
        mapped = dir.resolve("mapped");
        Files.write(data, pattern());
        Files.write(empty, new byte[0]);
        Files.write(mapped, new byte[SIZE]);

        Map<String, Case> cases = new LinkedHashMap<>();
        ringCases(cases);
        fixedCases(cases);
        for (AsyncFile.Backend b : AsyncFile.Backend.values()) {
            asyncCases(cases, b);
        }
        List<String> wanted = args.length > 1 ? List.of(args).subList(1, args.length) : new ArrayList<>(cases.keySet());

        ring = Ring.open(RingOptions.builder().entries(8).build());
        dataFd = openat(data);
        emptyFd = openat(empty);
        for (String name : wanted) {
            Case c = cases.get(name);
            String outcome;
            if (c == null) {
                outcome = "unknown-case";
            } else {
                try {
                    outcome = c.run();
                } catch (Throwable t) {
                    outcome = (ring.staged() == 0 ? "threw:" : "threw-but-staged:") + t.getClass().getSimpleName()
                            + " | " + oneLine(t.getMessage());
                }
            }
            System.out.println("CASE " + name + "=" + outcome);
            System.out.flush();
        }
        System.out.println("DONE " + wanted.size());
    }

    // ------------------------------------------------------------------ Ring.read / write / readv

    static void ringCases(Map<String, Case> cases) {
        cases.put("ring.read.closedConfined", () -> {
            ByteBuffer b = closed(Arena.ofConfined());
            return refusedRead(b);
        });
        cases.put("ring.read.closedShared", () -> refusedRead(closed(Arena.ofShared())));
        cases.put("ring.read.confined", () -> {
            try (Arena a = Arena.ofConfined()) {
                return refusedRead(a.allocate(SIZE).asByteBuffer());
            }
        });
        cases.put("ring.read.shared", () -> {
            try (Arena a = Arena.ofShared()) {
                return refusedRead(a.allocate(SIZE).asByteBuffer());
            }
        });
        cases.put("ring.write.confined", () -> {
            try (Arena a = Arena.ofConfined()) {
                ByteBuffer b = a.allocate(SIZE).asByteBuffer();
                ring.write(emptyFd, b.limit(0), 0).tag(1); // 0 bytes: harmless if accepted
                return "accepted:" + reap();
            }
        });
        cases.put("ring.readv.sharedAfterDirect", () -> {
            try (Arena a = Arena.ofShared()) {
                ByteBuffer[] bs = {ByteBuffer.allocateDirect(SIZE), a.allocate(SIZE).asByteBuffer()};
                ring.readv(emptyFd, bs, 0).tag(1);
                return "accepted:" + reap();
            }
        });
        cases.put("ring.read.mappedShared", () -> {
            try (Arena a = Arena.ofShared(); FileChannel ch = rw(mapped)) {
                return refusedRead(ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, a).asByteBuffer());
            }
        });
        cases.put("ring.read.mappedClosed", () -> {
            ByteBuffer b;
            try (FileChannel ch = rw(mapped)) {
                Arena a = Arena.ofConfined();
                b = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, a).asByteBuffer();
                a.close(); // unmapped
            }
            return refusedRead(b);
        });
        cases.put("ring.read.sliceOfConfined", () -> {
            try (Arena a = Arena.ofConfined()) {
                return refusedRead(a.allocate(SIZE).asByteBuffer().slice(16, 64));
            }
        });
        cases.put("ring.read.duplicateOfShared", () -> {
            try (Arena a = Arena.ofShared()) {
                return refusedRead(a.allocate(SIZE).asByteBuffer().duplicate());
            }
        });
        cases.put("ring.read.segmentSliceOfShared", () -> {
            try (Arena a = Arena.ofShared()) {
                return refusedRead(a.allocate(SIZE).asSlice(128, 256).asByteBuffer());
            }
        });
        cases.put("ring.read.auto", () -> ringRead(Arena.ofAuto().allocate(SIZE).asByteBuffer()));
        cases.put("ring.read.global", () -> ringRead(Arena.global().allocate(SIZE).asByteBuffer()));
        cases.put("ring.read.sliceOfGlobal", () ->
                ringRead(Arena.global().allocate(2 * SIZE).asByteBuffer().slice(SIZE / 2, SIZE)));
        cases.put("ring.read.duplicateOfAuto", () -> ringRead(Arena.ofAuto().allocate(SIZE).asByteBuffer().duplicate()));
        cases.put("ring.read.mappedAuto", () -> {
            try (FileChannel ch = rw(mapped)) {
                return ringRead(ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, Arena.ofAuto()).asByteBuffer());
            }
        });
        cases.put("ring.read.mappedClassic", () -> {
            try (FileChannel ch = rw(mapped)) {
                return ringRead(ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE));
            }
        });
        cases.put("ring.read.allocateDirect", () -> ringRead(ByteBuffer.allocateDirect(SIZE)));
    }

    /** A read of the empty file into {@code b}: for buffers that must be refused. */
    static String refusedRead(ByteBuffer b) throws Exception {
        ring.read(emptyFd, b, 0).tag(1);
        return "accepted:" + reap();
    }

    /** Reads the data file into {@code b}; ok if the bytes arrived. */
    static String ringRead(ByteBuffer b) throws Exception {
        ring.read(dataFd, b, 0).tag(2);
        int res = reap();
        if (res != SIZE) {
            return "short-read:" + res;
        }
        return matches(b, 0) ? "ok" : "wrong-bytes";
    }

    // ------------------------------------------------------------------ FixedBuffers

    static void fixedCases(Map<String, Case> cases) {
        cases.put("fixed.register.confined", () -> {
            try (Arena a = Arena.ofConfined()) {
                ByteBuffer b = a.allocate(SIZE).asByteBuffer();
                try {
                    ring.fixedBuffers().register(b);
                } catch (RuntimeException e) {
                    return "threw:" + e.getClass().getSimpleName() + " | " + oneLine(e.getMessage())
                            + " | registered=" + ring.fixedBuffers().count() + " | readFixed=" + readFixedOutcome();
                }
                ring.fixedBuffers().unregister();
                return "accepted";
            }
        });
        cases.put("fixed.register.sharedMapped", () -> {
            try (Arena a = Arena.ofShared(); FileChannel ch = rw(mapped)) {
                ByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, a).asByteBuffer();
                try {
                    ring.fixedBuffers().register(ByteBuffer.allocateDirect(SIZE), b);
                } catch (RuntimeException e) {
                    return "threw:" + e.getClass().getSimpleName() + " | " + oneLine(e.getMessage())
                            + " | registered=" + ring.fixedBuffers().count() + " | readFixed=" + readFixedOutcome();
                }
                ring.fixedBuffers().unregister();
                return "accepted";
            }
        });
        cases.put("fixed.register.closed", () -> {
            ByteBuffer b = closed(Arena.ofShared());
            ring.fixedBuffers().register(b);
            ring.fixedBuffers().unregister();
            return "accepted";
        });
        cases.put("fixed.register.global", () -> {
            ByteBuffer b = Arena.global().allocate(SIZE, 4096).asByteBuffer();
            ring.fixedBuffers().register(b);
            try {
                ring.readFixed(dataFd, ring.fixedBuffers().buffer(0).slice(0, SIZE), 0).tag(3);
                int res = reap();
                if (res != SIZE) {
                    return "short-read:" + res;
                }
                return matches(b, 0) ? "ok" : "wrong-bytes";
            } finally {
                ring.fixedBuffers().unregister();
            }
        });
    }

    /** After a refused registration: readFixed of buffer 0 must throw before anything is staged. */
    static String readFixedOutcome() {
        try {
            ring.readFixed(emptyFd, ring.fixedBuffers().buffer(0).slice(0, 16), 0).tag(4);
        } catch (Exception e) {
            return (ring.staged() == 0 ? "threw:" : "threw-but-staged:") + e.getClass().getSimpleName();
        }
        try {
            return "staged:" + reap();
        } catch (Exception e) {
            return "staged-then:" + e.getClass().getSimpleName();
        }
    }

    // ------------------------------------------------------------------ AsyncFile

    static void asyncCases(Map<String, Case> cases, AsyncFile.Backend backend) {
        String p = "async." + backend.name().toLowerCase() + ".";
        cases.put(p + "read.closedConfined", () -> asyncRefused(backend, f -> f.read(closed(Arena.ofConfined()), 0)));
        cases.put(p + "read.closedShared", () -> asyncRefused(backend, f -> f.read(closed(Arena.ofShared()), 0)));
        cases.put(p + "read.confined", () -> {
            try (Arena a = Arena.ofConfined()) {
                return asyncRefused(backend, f -> f.read(a.allocate(SIZE).asByteBuffer(), 0));
            }
        });
        cases.put(p + "read.shared", () -> {
            try (Arena a = Arena.ofShared()) {
                return asyncRefused(backend, f -> f.read(a.allocate(SIZE).asByteBuffer(), 0));
            }
        });
        cases.put(p + "read.sliceOfShared", () -> {
            try (Arena a = Arena.ofShared()) {
                return asyncRefused(backend, f -> f.read(a.allocate(SIZE).asByteBuffer().slice(8, 100), 0));
            }
        });
        cases.put(p + "read.mappedShared", () -> {
            try (Arena a = Arena.ofShared(); FileChannel ch = rw(mapped)) {
                ByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, a).asByteBuffer();
                return asyncRefused(backend, f -> f.read(b, 0));
            }
        });
        cases.put(p + "readv.shared", () -> {
            try (Arena a = Arena.ofShared()) {
                return asyncRefused(backend, f -> f.read(new ByteBuffer[] {ByteBuffer.allocateDirect(16),
                        a.allocate(SIZE).asByteBuffer()}, 0));
            }
        });
        cases.put(p + "write.confined", () -> {
            try (Arena a = Arena.ofConfined()) {
                // 0 bytes remaining: harmless if a regression accepts it
                return asyncRefused(backend, f -> f.write(a.allocate(SIZE).asByteBuffer().limit(0), 0));
            }
        });
        cases.put(p + "readFully.shared", () -> {
            try (Arena a = Arena.ofShared()) {
                return asyncRefused(backend, f -> f.readFully(a.allocate(SIZE).asByteBuffer(), 0));
            }
        });
        cases.put(p + "read.global", () -> asyncRead(backend, Arena.global().allocate(SIZE).asByteBuffer()));
        cases.put(p + "read.auto", () -> asyncRead(backend, Arena.ofAuto().allocate(SIZE).asByteBuffer()));
        cases.put(p + "read.mappedAuto", () -> {
            try (FileChannel ch = rw(mapped)) {
                return asyncRead(backend, ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, Arena.ofAuto()).asByteBuffer());
            }
        });
    }

    interface AsyncOp {
        CompletableFuture<?> start(AsyncFile f) throws Exception;
    }

    /** The operation on the empty file, opened read-write with this backend: must throw, not return a future. */
    static String asyncRefused(AsyncFile.Backend backend, AsyncOp op) throws Exception {
        try (AsyncFile f = AsyncFile.open(empty, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE),
                AsyncFileConfig.builder().backend(backend).build())) {
            if (f.backend() != backend) {
                return "wrong-backend:" + f.backend();
            }
            CompletableFuture<?> future;
            try {
                future = op.start(f);
            } catch (RuntimeException e) {
                return "threw:" + e.getClass().getSimpleName() + " | " + oneLine(e.getMessage());
            }
            try {
                return "accepted:" + future.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                return "future-failed:" + e.getCause().getClass().getSimpleName() + " | " + oneLine(e.getCause().getMessage());
            }
        }
    }

    static String asyncRead(AsyncFile.Backend backend, ByteBuffer b) throws Exception {
        try (AsyncFile f = AsyncFile.open(data, Set.of(StandardOpenOption.READ),
                AsyncFileConfig.builder().backend(backend).build())) {
            if (f.backend() != backend) {
                return "wrong-backend:" + f.backend();
            }
            int n = f.readFully(b, 0).get(10, TimeUnit.SECONDS);
            if (n != SIZE || b.position() != SIZE) {
                return "short-read:" + n + " position " + b.position();
            }
            return matches(b, 0) ? "ok" : "wrong-bytes";
        }
    }

    // ------------------------------------------------------------------ helpers

    static byte[] pattern() {
        byte[] p = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            p[i] = (byte) (i * 31 + 7);
        }
        return p;
    }

    static boolean matches(ByteBuffer b, int from) {
        byte[] p = pattern();
        for (int i = 0; i < SIZE; i++) {
            if (b.get(from + i) != p[i]) {
                return false;
            }
        }
        return true;
    }

    /** A buffer over SIZE bytes of {@code a}, returned after {@code a} is closed. */
    static ByteBuffer closed(Arena a) {
        ByteBuffer b = a.allocate(SIZE).asByteBuffer();
        a.close();
        return b;
    }

    static FileChannel rw(Path p) throws Exception {
        return FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    static int openat(Path p) throws Exception {
        ring.openat(Linux.AT_FDCWD, p.toString(), Linux.O_RDONLY | Linux.O_CLOEXEC, 0).tag(9);
        int fd = reap();
        if (fd < 0) {
            throw new IllegalStateException("openat " + p + ": " + fd);
        }
        return fd;
    }

    /** Submits what is staged and returns the result of the one completion, failing after 10 s. */
    static int reap() throws Exception {
        int[] res = new int[1];
        int[] seen = new int[1];
        CompletionHandler h = (tag, r, flags) -> {
            res[0] = r;
            seen[0]++;
        };
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen[0] == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no completion within 10 s");
            }
            ring.submitAndReap(1, 100, TimeUnit.MILLISECONDS, h);
        }
        return res[0];
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
