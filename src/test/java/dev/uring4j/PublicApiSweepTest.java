package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.uring4j.diag.KernelVersion;
import dev.uring4j.diag.KnownIssue;
import dev.uring4j.diag.MemlockReport;
import dev.uring4j.diag.ThreadCensus;
import dev.uring4j.diag.UringSupport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls every public method and constructor of {@code dev.uring4j} and {@code dev.uring4j.diag}
 * with arguments drawn from per-type pools of hostile and sane values, in a child JVM (a crash
 * fails the test instead of ending it), and fails listing every (method, arguments, outcome)
 * that is not an actionable exception or a correct result: a leaked low-level exception, an
 * error, a hang (10 s per call), a lost or doubled completion, a stray completion, or a ring
 * that no longer completes a NOP afterwards.
 */
@Tag("kernel")
class PublicApiSweepTest {
    @TempDir
    Path dir;

    /** Seconds one call (with its submit, reap and cancel) may take before it counts as a hang. */
    static final int CALL_DEADLINE_S = TestSupport.inGuest() ? 60 : 10;

    @Test
    void everyPublicMethodAndConstructorEndsInAnActionableOutcome() throws Exception {
        TestSupport.requireAvailable();
        Path report = dir.resolve("sweep-report.txt");
        Path progress = dir.resolve("sweep-progress.txt");
        Path work = Files.createDirectories(dir.resolve("work"));
        long t0 = System.nanoTime();
        // As TestSupport.runJava, but in the work directory: relative paths the sweep passes stay inside it.
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(TestSupport.childJvmFlags());
        cmd.addAll(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-Xss1m", "-cp", TestSupport.childClasspath(),
                Sweep.class.getName(), work.toString(), report.toString(), progress.toString()));
        TestSupport.ChildResult r = TestSupport.run(cmd, work);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String reportText = Files.exists(report) ? Files.readString(report, StandardCharsets.UTF_8) : "(no report)";
        if (r.exitCode != 0) {
            String last = "(no progress file)";
            if (Files.exists(progress)) {
                List<String> lines = Files.readAllLines(progress, StandardCharsets.UTF_8);
                last = lines.isEmpty() ? "(empty)" : lines.get(lines.size() - 1);
            }
            fail("the sweep's child JVM ended with exit code " + r.exitCode + " (a crash or a hang) during: " + last
                    + "\nreport:\n" + reportText + "\noutput (tail):\n" + tail(r.output, 6000));
        }
        assertTrue(reportText.contains("SUMMARY "), "the sweep wrote no summary:\n" + reportText + "\n" + tail(r.output, 4000));
        List<String> bad = reportText.lines().filter(l -> l.startsWith("BAD ")).toList();
        String summary = reportText.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst().orElseThrow();
        System.out.println("PublicApiSweepTest: " + summary + ", child JVM " + ms + " ms");
        reportText.lines().filter(l -> l.startsWith("NOTE ")).forEach(l -> System.out.println("PublicApiSweepTest: " + l));
        assertEquals(List.of(), bad, bad.size() + " unacceptable outcomes (" + summary + "):\n" + String.join("\n", bad));
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }

    /** Thrown by the sweep's hostile CompletionHandler; acceptable as the outcome of a call given it. */
    static final class HandlerBoom extends RuntimeException {
        HandlerBoom() {
            super("the sweep's throwing handler");
        }
    }

    /** A named value, made fresh for every call (buffers and rings change state). */
    record Val(String name, Supplier<Object> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The child JVM: owns the rings (its main thread is the sweeping thread) and writes the report. */
    public static final class Sweep {
        private static final long SEED = 0x5eed_2024L;
        /** Random combinations per method beyond the one-value-at-a-time ones. */
        private static final int RANDOM_COMBOS = TestSupport.inGuest() ? 4 : 30;
        /** A method whose argument pools multiply to at most this many is called with every combination. */
        private static final int FULL_PRODUCT = TestSupport.inGuest() ? 20 : 150;

        private final Path work;
        private final PrintWriter report;
        private final PrintWriter progress;
        private final SplittableRandom random = new SplittableRandom(SEED);
        private final Map<Class<?>, List<Val>> pools = new HashMap<>();
        /** Names of sweep-owned fds that close-like operations may receive (fresh per call). */
        private final Set<Integer> ownedFds = new HashSet<>();

        private Ring primary;
        private Ring other;
        private Ring closed;
        private Ring foreign;
        private Sqe foreignSqe;
        private Ring deadOwner;
        private java.nio.MappedByteBuffer mappedRw;
        private java.nio.MappedByteBuffer mappedRo;
        private Thread foreignOwner;
        private final CountDownLatch foreignRelease = new CountDownLatch(1);
        private ProvidedBuffers primaryBuffers;
        private ProvidedBuffers otherBuffers;
        private ProvidedBuffers closedBuffers;
        private ByteBuffer fixedBuffer;
        private int fileFd;
        private int sockFd;
        private Path filePath;

        private final Map<Long, Integer> finals = new HashMap<>();
        private final Map<Long, String> tagOwner = new HashMap<>();
        private final Map<Long, Long> pendingIds = new LinkedHashMap<>();
        private long nextTag = 1_000_000;
        private final Map<Long, Boolean> fdResult = new HashMap<>();
        private final Map<Long, Integer> closesFd = new HashMap<>();

        private volatile String current = "(setup)";
        private volatile long currentStart = System.nanoTime();
        private volatile boolean inCall;

        private int calls;
        private int skipped;
        private int returned;
        private int operations;
        private final Map<String, Integer> thrownKinds = new java.util.TreeMap<>();
        private final Map<String, Integer> unmadeNames = new java.util.TreeMap<>();
        private int methods;
        private int classes;
        private final List<String> bad = new ArrayList<>();

        Sweep(Path work, Path report, Path progress) throws IOException {
            this.work = work;
            this.report = new PrintWriter(Files.newBufferedWriter(report, StandardCharsets.UTF_8));
            this.progress = new PrintWriter(Files.newBufferedWriter(progress, StandardCharsets.UTF_8));
        }

        public static void main(String[] args) throws Exception {
            Sweep s = new Sweep(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
            int rc = s.run();
            System.exit(rc);
        }

        int run() throws Exception {
            long t0 = System.nanoTime();
            startWatchdog();
            setUp();
            List<Class<?>> types = publicClasses();
            classes = types.size();
            for (Class<?> c : types) {
                for (Executable e : executables(c)) {
                    methods++;
                    sweep(e);
                }
            }
            current = "(teardown)";
            tearDown();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            for (String b : bad) {
                report.println("BAD " + b);
            }
            unmadeNames.forEach((k, n) -> report.println("NOTE pool value not made " + n + "x: " + k));
            report.println("NOTE outcomes: returned " + returned + " (operations prepared " + operations + "), thrown "
                    + thrownKinds);
            report.println("SUMMARY classes=" + classes + " methods=" + methods + " calls=" + calls + " unmade=" + skipped + " bad=" + bad.size()
                    + " ms=" + ms);
            report.close();
            progress.close();
            return 0;
        }

        // ------------------------------------------------------------ what is swept

        /** Every public top-level and nested class of the two packages, from the class directory. */
        static List<Class<?>> publicClasses() throws Exception {
            Path root = Path.of(Ring.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(root)) {
                throw new IllegalStateException("the sweep reads the classes from a directory, not " + root);
            }
            List<Class<?>> out = new ArrayList<>();
            for (String pkg : List.of("dev.uring4j", "dev.uring4j.diag")) {
                Path d = root.resolve(pkg.replace('.', '/'));
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : files.sorted().toList()) {
                        String n = f.getFileName().toString();
                        if (!n.endsWith(".class") || n.equals("package-info.class") || n.equals("module-info.class")) {
                            continue;
                        }
                        Class<?> c = Class.forName(pkg + "." + n.substring(0, n.length() - 6), false,
                                Sweep.class.getClassLoader());
                        if (isPublic(c)) {
                            out.add(c);
                        }
                    }
                }
            }
            return out;
        }

        private static boolean isPublic(Class<?> c) {
            for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
                if (!Modifier.isPublic(k.getModifiers())) {
                    return false;
                }
            }
            return !c.isAnonymousClass() && !c.isSynthetic();
        }

        /** Methods left out, each with why. */
        static final Map<String, String> EXCLUDED = Map.of(
                "dev.uring4j.diag.Main.main", "the CLI entry point: System.exit for 'doctor', a 64 MiB file and a 1 s "
                        + "benchmark otherwise");

        static List<Executable> executables(Class<?> c) {
            List<Executable> out = new ArrayList<>();
            if (!c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    if (Modifier.isPublic(k.getModifiers()) && !k.isSynthetic()) {
                        out.add(k);
                    }
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()
                        && !EXCLUDED.containsKey(c.getName() + "." + m.getName())
                        && !(c.isInterface() && Modifier.isAbstract(m.getModifiers()))) {
                    out.add(m);
                }
            }
            out.sort(Comparator.comparing(Sweep::signature));
            return out;
        }

        static String signature(Executable e) {
            StringBuilder b = new StringBuilder(e.getDeclaringClass().getName().replace("dev.uring4j.", ""));
            b.append(e instanceof Constructor ? ".<init>" : "." + e.getName()).append('(');
            Class<?>[] ps = e.getParameterTypes();
            for (int i = 0; i < ps.length; i++) {
                b.append(i == 0 ? "" : ", ").append(ps[i].getSimpleName());
            }
            return b.append(')').toString();
        }

        // ------------------------------------------------------------ fixtures and pools

        void setUp() throws Exception {
            filePath = work.resolve("sweep-file");
            Files.write(filePath, new byte[8192]);
            primary = Ring.open(RingOptions.defaults());
            other = Ring.open(RingOptions.builder().entries(8).build());
            closed = Ring.open(RingOptions.builder().entries(4).build());
            closedBuffers = provideIfSupported(closed, 3, 2, 64);
            closed.close();
            fileFd = TestSupport.openat(primary, filePath, Linux.O_RDWR, 0);
            sockFd = Sockets.open(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
            emptyTable(other.fixedFiles(), 4);
            otherBuffers = provideIfSupported(other, 5, 2, 64);
            restorePrimary();
            AtomicReference<Ring> made = new AtomicReference<>();
            CountDownLatch ready = new CountDownLatch(1);
            foreignOwner = new Thread(() -> {
                try (Ring r = Ring.open(RingOptions.builder().entries(8).build())) {
                    emptyTable(r.fixedFiles(), 2);
                    foreignSqe = r.nop(); // staged on its own thread: the sweeper may not touch it
                    made.set(r);
                    ready.countDown();
                    foreignRelease.await();
                } catch (Exception e) {
                    e.printStackTrace();
                    ready.countDown();
                }
            }, "sweep-foreign-owner");
            foreignOwner.start();
            ready.await();
            foreign = made.get();
            if (foreign == null) {
                throw new IllegalStateException("the foreign ring did not open");
            }
            Thread dies = new Thread(() -> {
                try {
                    deadOwner = Ring.open(RingOptions.builder().entries(4).build());
                } catch (UringException e) {
                    e.printStackTrace();
                }
            }, "sweep-owner-that-ends");
            dies.start();
            dies.join();
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(filePath, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                mappedRw = ch.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 4096);
                mappedRo = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 4096, 4096);
            }
            buildPools();
        }

        /** The primary ring as every call should find it: open, 8 sparse fixed files, a fixed buffer, a buffer group. */
        void restorePrimary() throws Exception {
            if (primary.isClosed()) {
                primary = Ring.open(RingOptions.defaults());
                primaryBuffers = null;
            }
            if (!primary.fixedFiles().isRegistered()) {
                emptyTable(primary.fixedFiles(), 8);
            }
            if (primary.fixedBuffers().count() == 0) {
                fixedBuffer = ByteBuffer.allocateDirect(8192);
                primary.fixedBuffers().register(fixedBuffer);
            }
            if (pbufSupported && (primaryBuffers == null || isClosed(primaryBuffers))) {
                primaryBuffers = provideIfSupported(primary, 77, 4, 256);
            }
        }

        /**
         * A table of {@code n} empty slots: registerSparse (5.19+), or where the kernel refuses it
         * (5.10: EINVAL) the same table registered as -1 entries, which kernels take since 5.5.
         */
        static void emptyTable(FixedFiles files, int n) throws UringException {
            try {
                files.registerSparse(n);
            } catch (UringException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                int[] empty = new int[n];
                java.util.Arrays.fill(empty, -1);
                files.register(empty);
            }
        }

        /** Whether the kernel has provided-buffer rings (5.19+); without them the group fixtures are null. */
        private boolean pbufSupported = true;

        private ProvidedBuffers provideIfSupported(Ring ring, int group, int count, int size) throws UringException {
            if (!pbufSupported) {
                return null;
            }
            try {
                return ring.provideBuffers(group, count, size);
            } catch (UringException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                pbufSupported = false; // the kernel's answer before 5.19 (IORING_REGISTER_PBUF_RING unknown)
                report.println("NOTE provided-buffer rings (5.19+) not supported here, the group fixtures are null: "
                        + e.getMessage());
                return null;
            }
        }

        private static boolean isClosed(ProvidedBuffers pb) {
            try {
                pb.recycle(0);
                return false;
            } catch (IllegalStateException e) {
                return String.valueOf(e.getMessage()).contains("closed");
            } catch (RuntimeException e) {
                return false;
            }
        }

        private void pool(Class<?> type, Object... namesAndMakers) {
            List<Val> vals = new ArrayList<>();
            for (int i = 0; i < namesAndMakers.length; i += 2) {
                @SuppressWarnings("unchecked")
                Supplier<Object> s = (Supplier<Object>) namesAndMakers[i + 1];
                vals.add(new Val((String) namesAndMakers[i], s));
            }
            pools.put(type, vals);
        }

        private static Supplier<Object> v(Object o) {
            return () -> o;
        }

        void buildPools() throws Exception {
            pool(int.class, "fileFd", (Supplier<Object>) () -> fileFd, "0", v(0), "-1", v(-1), "1", v(1),
                    "Integer.MIN_VALUE", v(Integer.MIN_VALUE), "Integer.MAX_VALUE", v(Integer.MAX_VALUE), "4096", v(4096),
                    "badFd(1000000)", v(1_000_000), "AT_FDCWD", v(Linux.AT_FDCWD),
                    "65536", v(65536), "sockFd", (Supplier<Object>) () -> sockFd);
            pool(long.class, "0L", v(0L), "-1L", v(-1L), "1L", v(1L), "Long.MIN_VALUE", v(Long.MIN_VALUE),
                    "Long.MAX_VALUE", v(Long.MAX_VALUE), "4096L", v(4096L), "Integer.MAX_VALUE(L)", v((long) Integer.MAX_VALUE),
                    "Integer.MIN_VALUE(L)", v((long) Integer.MIN_VALUE), "1L << 40", v(1L << 40));
            pool(boolean.class, "false", v(false), "true", v(true));
            pool(ByteBuffer.class,
                    "direct(4096)", (Supplier<Object>) () -> ByteBuffer.allocateDirect(4096),
                    "null", v(null),
                    "heap(64)", (Supplier<Object>) () -> ByteBuffer.allocate(64),
                    "readOnlyDirect(64)", (Supplier<Object>) () -> ByteBuffer.allocateDirect(64).asReadOnlyBuffer(),
                    "direct(0)", (Supplier<Object>) () -> ByteBuffer.allocateDirect(0),
                    "direct(64,pos=limit)", (Supplier<Object>) () -> ByteBuffer.allocateDirect(64).position(64),
                    "directSlice(100..356)", (Supplier<Object>) () -> ByteBuffer.allocateDirect(512).position(100)
                            .limit(356).slice(),
                    "direct(4MiB,pos=4MiB-1)", (Supplier<Object>) () -> ByteBuffer.allocateDirect(4 << 20)
                            .position((4 << 20) - 1),
                    "fixedBufferSlice(0..4096)", (Supplier<Object>) () -> fixedBuffer.duplicate().position(0).limit(4096)
                            .slice(),
                    "mapped(READ_WRITE)", (Supplier<Object>) () -> mappedRw.duplicate(),
                    "mapped(READ_ONLY)", (Supplier<Object>) () -> mappedRo.duplicate());
            pool(ByteBuffer[].class,
                    "{direct(256)}", (Supplier<Object>) () -> new ByteBuffer[] {ByteBuffer.allocateDirect(256)},
                    "null", v(null),
                    "{}", (Supplier<Object>) () -> new ByteBuffer[0],
                    "{null}", (Supplier<Object>) () -> new ByteBuffer[] {null},
                    "{direct, null}", (Supplier<Object>) () -> new ByteBuffer[] {ByteBuffer.allocateDirect(16), null},
                    "{heap(64)}", (Supplier<Object>) () -> new ByteBuffer[] {ByteBuffer.allocate(64)},
                    "{readOnlyDirect(64)}", (Supplier<Object>) () -> new ByteBuffer[] {
                            ByteBuffer.allocateDirect(64).asReadOnlyBuffer()},
                    "{direct(0)}", (Supplier<Object>) () -> new ByteBuffer[] {ByteBuffer.allocateDirect(0)},
                    "{direct(4 MiB)}", (Supplier<Object>) () -> new ByteBuffer[] {ByteBuffer.allocateDirect(4 << 20)},
                    "{fixedBufferSlice, direct(64)}", (Supplier<Object>) () -> new ByteBuffer[] {
                            fixedBuffer.duplicate().position(0).limit(64).slice(), ByteBuffer.allocateDirect(64)},
                    "direct(16)[2000] (one buffer 2000 times)", (Supplier<Object>) () -> {
                        ByteBuffer[] a = new ByteBuffer[2000];
                        Arrays.fill(a, ByteBuffer.allocateDirect(16));
                        return a;
                    },
                    "{direct(16)} x 1000000 (huge length)", (Supplier<Object>) () -> {
                        ByteBuffer[] a = new ByteBuffer[1_000_000];
                        Arrays.fill(a, ByteBuffer.allocateDirect(16));
                        return a;
                    });
            pool(int[].class, "{fileFd}", (Supplier<Object>) () -> new int[] {fileFd}, "null", v(null),
                    "{}", (Supplier<Object>) () -> new int[0], "{-1}", (Supplier<Object>) () -> new int[] {-1},
                    "{-2}", (Supplier<Object>) () -> new int[] {-2},
                    "{badFd(1000000)}", (Supplier<Object>) () -> new int[] {1_000_000},
                    "{-1} x 1000000 (huge length)", (Supplier<Object>) () -> {
                        int[] a = new int[1_000_000];
                        Arrays.fill(a, -1);
                        return a;
                    });
            pool(String.class, "tempPath", (Supplier<Object>) () -> work.resolve("p-" + calls).toString(),
                    "null", v(null), "\"\"", v(""), "\"a\\0b\"", v("a\0b"), "existingFile",
                    (Supplier<Object>) () -> filePath.toString(), "\"6.1.118-1-amd64\"", v("6.1.118-1-amd64"),
                    "\"relative\"", v("relative"), "4096 x 'a'", v("a".repeat(4096)));
            pool(String[].class, "{}", (Supplier<Object>) () -> new String[0], "null", v(null));
            pool(Object.class, "\"x\"", v("x"), "null", v(null), "new Object()", (Supplier<Object>) Object::new);
            pool(Duration.class, "1 ms", v(Duration.ofMillis(1)), "null", v(null), "-1 s", v(Duration.ofSeconds(-1)),
                    "0", v(Duration.ZERO), "Long.MAX_VALUE s", v(Duration.ofSeconds(Long.MAX_VALUE)),
                    "Long.MIN_VALUE s", v(Duration.ofSeconds(Long.MIN_VALUE)));
            pool(TimeUnit.class, "MILLISECONDS", v(TimeUnit.MILLISECONDS), "null", v(null),
                    "NANOSECONDS", v(TimeUnit.NANOSECONDS), "DAYS", v(TimeUnit.DAYS));
            pool(InetSocketAddress.class, "127.0.0.1:1", v(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)),
                    "null", v(null), "unresolved(nohost.invalid:80)", v(InetSocketAddress.createUnresolved("nohost.invalid", 80)),
                    "[::1]:1", v(new InetSocketAddress(InetAddress.getByName("::1"), 1)),
                    "0.0.0.0:0", v(new InetSocketAddress(0)));
            pool(Set.class, "{}", (Supplier<Object>) () -> EnumSet.noneOf(SetupFlag.class), "null", v(null),
                    "allOf(SetupFlag)", (Supplier<Object>) () -> EnumSet.allOf(SetupFlag.class),
                    "{SINGLE_ISSUER, DEFER_TASKRUN}", (Supplier<Object>) () -> EnumSet.of(SetupFlag.SINGLE_ISSUER,
                            SetupFlag.DEFER_TASKRUN),
                    "{null}", (Supplier<Object>) () -> {
                        Set<SetupFlag> s = new HashSet<>();
                        s.add(null);
                        return s;
                    });
            pool(List.class, "[]", (Supplier<Object>) List::of, "null", v(null), "[\"attempt\"]", v(List.of("attempt")),
                    "[null]", (Supplier<Object>) () -> Arrays.asList((String) null));
            pool(Throwable.class, "null", v(null), "RuntimeException", (Supplier<Object>) () -> new RuntimeException("c"));
            pool(Ring.class, "primary", (Supplier<Object>) () -> primary, "null", v(null), "closedRing", v(closed),
                    "foreignRing", (Supplier<Object>) () -> foreign, "ringWhoseOwnerEnded", (Supplier<Object>) () -> deadOwner);
            pool(FixedFiles.class, "primary.fixedFiles", (Supplier<Object>) () -> primary.fixedFiles(),
                    "closed.fixedFiles", v(closed.fixedFiles()), "foreign.fixedFiles", (Supplier<Object>) () -> foreign.fixedFiles());
            pool(FixedBuffers.class, "primary.fixedBuffers", (Supplier<Object>) () -> primary.fixedBuffers(),
                    "closed.fixedBuffers", v(closed.fixedBuffers()), "foreign.fixedBuffers",
                    (Supplier<Object>) () -> foreign.fixedBuffers(), "other.fixedBuffers(none)", (Supplier<Object>) () ->
                            other.fixedBuffers());
            pool(FixedFile.class, "primary.slot(0)", (Supplier<Object>) () -> primary.fixedFiles().slot(0), "null", v(null),
                    "primary.slot(7)", (Supplier<Object>) () -> primary.fixedFiles().slot(7),
                    "other.slot(0)", (Supplier<Object>) () -> other.fixedFiles().slot(0));
            pool(ProvidedBuffers.class, "primary.group77", (Supplier<Object>) () -> primaryBuffers, "null", v(null),
                    "closedRing.group3", v(closedBuffers), "other.group5", (Supplier<Object>) () -> otherBuffers);
            pool(SocketMessage.class, "SocketMessage(2,64)+buffer", (Supplier<Object>) () -> new SocketMessage(2, 64)
                    .buffers(ByteBuffer.allocateDirect(64)), "null", v(null),
                    "SocketMessage(1,0)", (Supplier<Object>) () -> new SocketMessage(1, 0),
                    "SocketMessage(1,0)+destination 127.0.0.1:1", (Supplier<Object>) () -> new SocketMessage(1, 0)
                            .buffers(ByteBuffer.allocateDirect(8))
                            .destination(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)),
                    "SocketMessage in use (recvmsg pending on primary)", (Supplier<Object>) () -> call(() -> {
                        SocketMessage m = new SocketMessage(1, 0).buffers(ByteBuffer.allocateDirect(16));
                        Sqe s = primary.recvmsg(sockFd, m, 0);
                        long tag = nextTag++;
                        s.tag(tag);
                        pendingIds.put(tag, s.id());
                        tagOwner.put(tag, "the pool's pending recvmsg");
                        primary.submit();
                        return m;
                    }));
            pool(StatxBuffer.class, "new StatxBuffer()", (Supplier<Object>) StatxBuffer::new, "null", v(null));
            pool(Sqe.class, "primary.nop() (staged)", (Supplier<Object>) () -> call(() -> primary.nop()),
                    "stale Sqe (submitted)", (Supplier<Object>) () -> call(() -> {
                        Sqe s = primary.nop();
                        primary.submit();
                        return s;
                    }), "foreignRing's staged Sqe", (Supplier<Object>) () -> foreignSqe);
            pool(RingOptions.class, "defaults()", v(RingOptions.defaults()), "null", v(null),
                    "entries(4).cqEntries(8)", v(RingOptions.builder().entries(4).cqEntries(8).build()),
                    "strict, all flags but DEFER_TASKRUN", (Supplier<Object>) () -> call(() -> RingOptions.builder()
                            .flags(EnumSet.complementOf(EnumSet.of(SetupFlag.DEFER_TASKRUN))).strict(true).build()),
                    "attachWorkQueue(closedRing)", (Supplier<Object>) () -> call(() -> RingOptions.builder()
                            .attachWorkQueue(closed).build()),
                    "attachWorkQueue(foreignRing)", (Supplier<Object>) () -> call(() -> RingOptions.builder()
                            .entries(4).attachWorkQueue(foreign).build()),
                    "memory(allocated()).entries(4)", v(RingOptions.builder().memory(RingMemory.allocated()).entries(4).build()),
                    "sqPoll(1 ms, cpu -1).entries(4)", (Supplier<Object>) () -> call(() -> RingOptions.builder()
                            .entries(4).sqPoll(Duration.ofMillis(1), -1).build()));
            pool(RingOptions.Builder.class, "builder()", (Supplier<Object>) RingOptions::builder);
            pool(RingMemory.class, "kernel()", v(RingMemory.kernel()), "null", v(null), "allocated()", v(RingMemory.allocated()),
                    "hugePage()", v(RingMemory.hugePage()), "caller(direct 64 KiB)", (Supplier<Object>) () ->
                            RingMemory.caller(ByteBuffer.allocateDirect(64 << 10)));
            pool(SetupReport.class, "primary.setupReport()", (Supplier<Object>) () -> primary.setupReport(), "null", v(null));
            pool(CompletionHandler.class, "counting", (Supplier<Object>) () -> (CompletionHandler) this::onCompletion,
                    "null", v(null), "throwing", v((CompletionHandler) (tag, res, flags) -> {
                        onCompletion(tag, res, flags);
                        throw new HandlerBoom();
                    }));
            pool(KernelVersion.class, "6.18.0", v(KernelVersion.of(6, 18, 0)), "null", v(null), "5.10.0",
                    v(KernelVersion.of(5, 10, 0)), "0.0.0", v(KernelVersion.of(0, 0, 0)),
                    "6.1.117", v(KernelVersion.of(6, 1, 117)));
            pool(KnownIssue.class, "KnownIssue(all fields)", v(new KnownIssue("id", "t", true, "v", "a", "s")), "null", v(null));
            pool(MemlockReport.class, "current()", v(MemlockReport.current()), "null", v(null));
            pool(UringSupport.class, "get()", v(UringSupport.get()));
            pool(UringSupport.FlagSupport.class, "FlagSupport", v(new UringSupport.FlagSupport("SQPOLL", true, null)));
            pool(ThreadCensus.class, "ThreadCensus(0,0,1)", v(new ThreadCensus(0, 0, 1)));
            pool(UringException.class, "UringException(op,22,d)", v(new UringException("op", 22, "d")), "null", v(null));
            pool(UringUnavailableException.class, "UringUnavailableException(SETUP_REFUSED)", v(new UringUnavailableException(
                    UnavailabilityReason.SETUP_REFUSED, 1, "x", List.of(), null)), "null", v(null));
            pool(UringMemlockException.class, "UringMemlockException(need 1 GiB)", v(new UringMemlockException("op",
                    MemlockReport.current(), 1L << 30, "1 GiB")), "null", v(null));
        }

        private List<Val> poolFor(Class<?> type) {
            List<Val> p = pools.get(type);
            if (p == null && type.isEnum()) {
                p = new ArrayList<>();
                Object[] constants = type.getEnumConstants();
                int step = Math.max(1, constants.length / 8); // Opcode has 61: every 7th, and the last
                for (int i = 0; i < constants.length; i += step) {
                    p.add(new Val(String.valueOf(constants[i]), v(constants[i])));
                }
                if (constants.length > 1 && (constants.length - 1) % step != 0) {
                    Object last = constants[constants.length - 1];
                    p.add(new Val(String.valueOf(last), v(last)));
                }
                p.add(new Val("null", v(null)));
                pools.put(type, p);
            }
            return p;
        }

        /** The int pool for a parameter given to a close-like operation: only fds the sweep owns. */
        private List<Val> closePool() {
            return List.of(new Val("ownedFreshFd", () -> freshFd()), new Val("-1", v(-1)),
                    new Val("Integer.MIN_VALUE", v(Integer.MIN_VALUE)), new Val("Integer.MAX_VALUE", v(Integer.MAX_VALUE)),
                    new Val("AT_FDCWD", v(Linux.AT_FDCWD)));
        }

        private int freshFd() {
            try {
                int fd = Sockets.open(Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
                ownedFds.add(fd);
                return fd;
            } catch (UringException e) {
                throw new IllegalStateException(e);
            }
        }

        private static boolean closeLike(Executable e) {
            String n = e.getName();
            return (n.equals("close") || n.equals("closeFd")) && e.getParameterCount() == 1
                    && e.getParameterTypes()[0] == int.class;
        }

        // ------------------------------------------------------------ the sweep of one method

        void sweep(Executable e) throws Exception {
            List<List<Val>> slots = new ArrayList<>();
            boolean instance = e instanceof Method && !Modifier.isStatic(e.getModifiers());
            if (instance) {
                List<Val> receivers = poolFor(e.getDeclaringClass());
                if (receivers == null) {
                    bad.add(signature(e) + " : no receiver pool for " + e.getDeclaringClass().getName() + " (add one)");
                    return;
                }
                slots.add(receivers.stream().filter(x -> !x.name().equals("null")).toList());
            }
            for (Class<?> p : e.getParameterTypes()) {
                List<Val> pool = p == int.class && closeLike(e) ? closePool() : poolFor(p);
                if (pool == null) {
                    bad.add(signature(e) + " : no argument pool for " + p.getName() + " (add one)");
                    return;
                }
                slots.add(pool);
            }
            for (int[] combo : combinations(slots)) {
                Val[] chosen = new Val[slots.size()];
                for (int i = 0; i < chosen.length; i++) {
                    chosen[i] = slots.get(i).get(combo[i]);
                }
                callOnce(e, instance, chosen);
            }
        }

        /** Every combination if few; else each value of each slot once (the others random), plus random ones. */
        List<int[]> combinations(List<List<Val>> slots) {
            List<int[]> out = new ArrayList<>();
            long product = 1;
            for (List<Val> s : slots) {
                product *= s.size();
            }
            if (product <= FULL_PRODUCT) {
                int[] idx = new int[slots.size()];
                for (long n = 0; n < product; n++) {
                    out.add(idx.clone());
                    for (int i = idx.length - 1; i >= 0; i--) {
                        if (++idx[i] < slots.get(i).size()) {
                            break;
                        }
                        idx[i] = 0;
                    }
                }
                return out;
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < slots.size(); i++) {
                for (int k = 0; k < slots.get(i).size(); k++) {
                    int[] c = randomCombo(slots);
                    c[i] = k;
                    if (seen.add(Arrays.toString(c))) {
                        out.add(c);
                    }
                }
            }
            for (int n = 0; n < RANDOM_COMBOS; n++) {
                int[] c = randomCombo(slots);
                if (seen.add(Arrays.toString(c))) {
                    out.add(c);
                }
            }
            return out;
        }

        /** Each slot: its first (sane) value half the time, else any value. */
        private int[] randomCombo(List<List<Val>> slots) {
            int[] c = new int[slots.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = random.nextBoolean() ? 0 : random.nextInt(slots.get(i).size());
            }
            return c;
        }

        void callOnce(Executable e, boolean instance, Val[] chosen) throws Exception {
            calls++;
            String desc = describe(e, instance, chosen);
            current = desc;
            progress.println(calls + " " + desc);
            progress.flush();
            currentStart = System.nanoTime();
            inCall = true;
            Object[] made = new Object[chosen.length];
            boolean anyNull = false;
            Throwable thrown = null;
            Object result = null;
            try {
                for (int i = 0; i < chosen.length; i++) {
                    try {
                        made[i] = chosen[i].make().get();
                    } catch (RuntimeException unmade) {
                        skipped++; // the pool could not make this value (its own refusal): no call
                        unmadeNames.merge(chosen[i].name() + ": " + unmade.getMessage(), 1, Integer::sum);
                        return;
                    }
                    anyNull |= made[i] == null || chosen[i].name().contains("null");
                }
                Object receiver = instance ? made[0] : null;
                if (instance && receiver == null) {
                    // a fixture this kernel cannot make (provided-buffer groups before 5.19): no call
                    skipped++;
                    unmadeNames.merge(chosen[0].name() + ": not available on this kernel", 1, Integer::sum);
                    return;
                }
                Object[] args = instance ? Arrays.copyOfRange(made, 1, made.length) : made;
                try {
                    if (e instanceof Method m) {
                        result = m.invoke(receiver, args);
                    } else {
                        result = ((Constructor<?>) e).newInstance(args);
                    }
                } catch (InvocationTargetException ite) {
                    thrown = ite.getCause();
                }
                if (thrown == null) {
                    returned++;
                    operations += result instanceof Sqe ? 1 : 0;
                } else {
                    thrownKinds.merge(thrown.getClass().getSimpleName(), 1, Integer::sum);
                }
                String verdict = judge(e, thrown, anyNull, chosen);
                if (verdict != null) {
                    bad.add(desc + " -> " + verdict);
                }
                String state = settle(e, desc, result, made, thrown);
                if (state != null) {
                    bad.add(desc + " -> " + (thrown == null ? "returned" : thrown.getClass().getSimpleName()) + ", then "
                            + state);
                }
            } catch (Throwable t) {
                bad.add(desc + " -> the sweep itself failed: " + stack(t));
                restorePrimary();
            } finally {
                inCall = false;
            }
        }

        static String describe(Executable e, boolean instance, Val[] chosen) {
            StringBuilder b = new StringBuilder(signature(e)).append(" with ");
            for (int i = 0; i < chosen.length; i++) {
                b.append(i == 0 ? "" : ", ").append(instance && i == 0 ? "this=" : "").append(chosen[i].name());
            }
            return b.toString();
        }

        /** Null if the outcome is acceptable, else what was wrong. */
        String judge(Executable e, Throwable t, boolean anyNull, Val[] chosen) {
            if (t == null) {
                return null;
            }
            String msg = t.getMessage();
            String what = t.getClass().getName() + ": " + msg + " at " + top(t);
            if (t instanceof HandlerBoom) {
                return Arrays.stream(chosen).anyMatch(c -> c.name().equals("throwing")) ? null : what;
            }
            if (t instanceof Error) {
                return what;
            }
            if (t instanceof NullPointerException) {
                if (!anyNull) {
                    return "NullPointerException without a null argument: " + what;
                }
                if (msg == null || msg.contains("because \"") || msg.startsWith("Cannot ")) {
                    return "NullPointerException not naming the argument: " + what;
                }
                return null;
            }
            if (t instanceof IndexOutOfBoundsException) {
                boolean ours = t.getStackTrace().length > 0 && t.getStackTrace()[0].getClassName().startsWith("dev.uring4j")
                        && t.getClass() == IndexOutOfBoundsException.class;
                return ours && msg != null && !msg.matches("Index -?\\d+ out of bounds for length \\d+") ? null
                        : "leaked index exception: " + what;
            }
            if (t instanceof java.io.UncheckedIOException && t.getCause() instanceof UringException) {
                return null; // UringException.require's documented outcome
            }
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException
                    || t instanceof UnsupportedOperationException || t instanceof RejectedExecutionException
                    || t instanceof IOException) {
                if (msg == null || msg.isBlank()) {
                    return "no message: " + what;
                }
                StackTraceElement[] st = t.getStackTrace();
                if (st.length > 0 && st[0].getClassName().startsWith("java.nio.")) {
                    return "leaked from java.nio internals: " + what;
                }
                return null;
            }
            return what;
        }

        static String top(Throwable t) {
            StackTraceElement[] st = t.getStackTrace();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < Math.min(4, st.length); i++) {
                b.append(i == 0 ? "" : " < ").append(st[i]);
            }
            return b.toString();
        }

        static String stack(Throwable t) {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            String s = w.toString();
            return s.length() > 1500 ? s.substring(0, 1500) : s;
        }

        // ------------------------------------------------------------ after each call

        private void onCompletion(long tag, int res, int flags) {
            if (!Cqe.more(flags)) {
                finals.merge(tag, 1, Integer::sum);
                Integer closedFd = closesFd.get(tag);
                if (closedFd != null && res == 0) {
                    ownedFds.remove(closedFd); // closed by the ring: not ours to close again
                }
                if (res >= 0 && Boolean.TRUE.equals(fdResult.get(tag))) {
                    try {
                        Sockets.close(res); // an fd an openat/socket/accept of the sweep made: ours
                    } catch (UringException ignored) {
                        // reported by nothing: the fd was ours and is gone either way
                    }
                }
            }
        }

        private static Object call(ThrowingSupplier s) {
            try {
                return s.get();
            } catch (Exception e) {
                throw new IllegalStateException("pool value could not be made: " + e, e);
            }
        }

        interface ThrowingSupplier {
            Object get() throws Exception;
        }

        /**
         * Closes what the call made, submits and reaps what it prepared (cancelling what would
         * wait for ever), and checks that every operation completed exactly once, nothing is
         * stray, and the rings still complete a NOP. Null if all is well, else what is wrong.
         */
        String settle(Executable e, String desc, Object result, Object[] made, Throwable thrown) throws Exception {
            List<String> problems = new ArrayList<>();
            if (closeLike(e) && thrown == null && made.length > 0 && made[made.length - 1] instanceof Integer fd
                    && e.getDeclaringClass() == Sockets.class) {
                ownedFds.remove(fd); // closed by the call: the number may already be someone else's
            }
            if (result instanceof Sqe sqe) {
                long tag = nextTag++;
                try {
                    sqe.tag(tag);
                    tagOwner.put(tag, desc);
                    pendingIds.put(tag, sqe.id());
                    String n = e.getName();
                    fdResult.put(tag, n.equals("openat") || n.equals("socket") || n.equals("accept")
                            || n.equals("acceptMultishot"));
                    if (n.equals("closeFd") && made[made.length - 1] instanceof Integer fd) {
                        closesFd.put(tag, fd);
                    }
                } catch (IllegalStateException stale) {
                    // a stale Sqe (the pool's): its operation was tagged 0 and is drained below
                }
            } else if (result instanceof Ring r && r != primary && r != other && r != closed && r != foreign) {
                r.close();
            } else if (result instanceof ProvidedBuffers pb && pb != primaryBuffers && pb != otherBuffers
                    && pb != closedBuffers) {
                pb.close();
            } else if (result instanceof Integer fd && e.getDeclaringClass() == Sockets.class && e.getName().equals("open")) {
                Sockets.close(fd);
            }
            for (Ring r : new Ring[] {primary, other}) {
                if (r.isClosed()) {
                    continue; // a swept close(): restored below
                }
                String p = drain(r);
                if (p != null) {
                    problems.add(p);
                }
            }
            for (Map.Entry<Long, Long> t : pendingIds.entrySet()) {
                int n = finals.getOrDefault(t.getKey(), 0);
                if (n != 1) {
                    problems.add("operation " + t.getKey() + " completed " + n + " times (exactly once expected)");
                }
            }
            for (Map.Entry<Long, Integer> f : finals.entrySet()) {
                if (f.getKey() != 0 && e.getDeclaringClass() != CompletionHandler.class && !pendingIds.containsKey(f.getKey()) && f.getValue() > 0
                        && !tagOwner.containsKey(f.getKey())) {
                    problems.add("a completion with tag " + f.getKey() + " nobody prepared");
                }
            }
            pendingIds.clear();
            finals.clear();
            tagOwner.clear();
            fdResult.clear();
            closesFd.clear();
            for (int fd : ownedFds) {
                try {
                    Sockets.close(fd);
                } catch (UringException alreadyClosed) {
                    // the swept call closed it
                }
            }
            ownedFds.clear();
            if (primary.isClosed() && !(e.getName().equals("close") && e.getDeclaringClass() == Ring.class)) {
                problems.add("the primary ring was closed by a call that is no close");
            }
            if (!other.isClosed() && other.fixedFiles().isRegistered() == false) {
                emptyTable(other.fixedFiles(), 4);
            }
            restorePrimary();
            return problems.isEmpty() ? null : String.join("; ", problems);
        }

        /** Submits and reaps until nothing is in flight, cancelling what is still pending after 20 ms. */
        String drain(Ring r) throws Exception {
            CompletionHandler h = this::onCompletion;
            long t0 = System.nanoTime();
            boolean cancelled = false;
            while (r.inFlight() > 0) {
                long elapsed = System.nanoTime() - t0;
                if (elapsed > TimeUnit.SECONDS.toNanos(5)) {
                    return r + ": " + r.inFlight() + " operations still in flight 5 s after they were cancelled";
                }
                if (!cancelled && elapsed > TimeUnit.MILLISECONDS.toNanos(20)) {
                    cancelled = true;
                    for (long id : pendingIds.values()) {
                        try {
                            r.tagOf(id); // in flight on this ring?
                            r.cancel(id).tag(0);
                        } catch (IllegalArgumentException done) {
                            // completed, or another ring's
                        }
                    }
                    if (r.inFlight() > r.staged() && r.staged() == 0 && pendingIds.isEmpty()) {
                        return r + ": " + r.inFlight() + " operations in flight that no call returned an Sqe for";
                    }
                }
                try {
                    r.submitAndReap(1, 2, TimeUnit.MILLISECONDS, h);
                } catch (UringException ex) {
                    // EINVAL: the native validator refused a record (e.g. an opcode this kernel lacks,
                    // SOCKET or SEND_ZC on 5.10); the batch completes with made-up results, reaped next
                    if (ex.errno() != Errno.ETIME && ex.errno() != Errno.EINTR && ex.errno() != Errno.EINVAL) {
                        return r + ": submitAndReap failed while draining: " + ex;
                    }
                }
            }
            r.reap(h);
            if (r.strayCompletions() != 0) {
                return r + ": " + r.strayCompletions() + " stray completions";
            }
            long probe = nextTag++;
            r.nop().tag(probe);
            long d = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (finals.getOrDefault(probe, 0) == 0 && System.nanoTime() < d) {
                r.submitAndReap(1, 10, TimeUnit.MILLISECONDS, h);
            }
            if (finals.remove(probe) == null) {
                return r + ": a NOP did not complete within 5 s afterwards";
            }
            return null;
        }

        // ------------------------------------------------------------ hangs and the end

        private void startWatchdog() {
            Thread sweeper = Thread.currentThread();
            Thread w = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (inCall && System.nanoTime() - currentStart > TimeUnit.SECONDS.toNanos(CALL_DEADLINE_S)) {
                        StringBuilder b = new StringBuilder();
                        for (StackTraceElement el : sweeper.getStackTrace()) {
                            b.append("\n    at ").append(el);
                        }
                        synchronized (this) {
                            for (String x : bad) {
                                report.println("BAD " + x);
                            }
                            report.println("BAD HANG: " + current + " did not return within " + CALL_DEADLINE_S + " s:" + b);
                            report.flush();
                        }
                        Runtime.getRuntime().halt(3);
                    }
                }
            }, "sweep-watchdog");
            w.setDaemon(true);
            w.start();
        }

        void tearDown() throws Exception {
            foreignRelease.countDown();
            foreignOwner.join(10_000);
            try {
                Sockets.close(fileFd); // close(2): the child has no JUnit for TestSupport.closeFd
            } catch (Throwable t) {
                bad.add("teardown: closing the sweep's file failed: " + t);
            }
            Sockets.close(sockFd);
            primary.close();
            other.close();
            deadOwner.close(); // its owner ended: any thread may close it
        }
    }
}
