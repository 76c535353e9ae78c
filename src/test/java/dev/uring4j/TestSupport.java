package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Shared helpers: rings that must be available, completion collection, child JVMs.
 * {@link #requireAvailable()} is public for the tests of the other packages.
 */
public final class TestSupport {
    /**
     * The JDK 22+ that runs the JDK-25 cases in child JVMs: the build's -Djdk25.home (the
     * Temurin 25 of the CI machines by default; scripts/install-jdk25 can provide another).
     */
    public static final Path JDK25 = Path.of(System.getProperty("uring4j.test.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    /** {@link #JDK25}'s java launcher. */
    public static final Path JAVA25 = JDK25.resolve("bin/java");

    private TestSupport() {}

    /** io_uring must work on the machines this suite runs on; a missing native library is a failure. */
    public static void requireAvailable() {
        UringUnavailableException cause = Uring.unavailabilityCause();
        if (cause != null) {
            fail("io_uring is unavailable, so this test cannot run: " + cause.getMessage(), cause);
        }
    }

    static Ring open() throws UringException {
        return open(RingOptions.defaults());
    }

    static Ring open(RingOptions options) throws UringException {
        requireAvailable();
        return Ring.open(options);
    }

    /** One completion as delivered. */
    static final class Done {
        final long tag;
        final int res;
        final int flags;

        Done(long tag, int res, int flags) {
            this.tag = tag;
            this.res = res;
            this.flags = flags;
        }

        @Override
        public String toString() {
            return "tag " + tag + " res " + res;
        }
    }

    /** Records completions in arrival order and checks each tag completes once. */
    static final class Collector implements CompletionHandler {
        final List<Done> all = new ArrayList<>();
        final Map<Long, Integer> byTag = new HashMap<>();

        @Override
        public void onCompletion(long tag, int res, int flags) {
            all.add(new Done(tag, res, flags));
            Integer previous = byTag.put(tag, res);
            if (previous != null) {
                throw new AssertionError("tag " + tag + " completed twice (" + previous + ", then " + res + ")");
            }
        }

        int res(long tag) {
            Integer r = byTag.get(tag);
            if (r == null) {
                throw new AssertionError("tag " + tag + " has not completed; completions: " + all);
            }
            return r;
        }

        /** Submits and reaps until {@code n} completions in total arrived, or fails after 10 s. */
        Collector await(Ring ring, int n) throws UringException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (all.size() < n) {
                if (System.nanoTime() > deadline) {
                    fail("only " + all.size() + " of " + n + " completions within 10 s: " + all);
                }
                ring.submitAndReap(n - all.size(), 100, TimeUnit.MILLISECONDS, this);
            }
            return this;
        }
    }

    /** Opens a file through the ring; returns the fd. */
    static int openat(Ring ring, Path path, int flags, int mode) throws UringException {
        Collector c = new Collector();
        ring.openat(Linux.AT_FDCWD, path.toString(), flags | Linux.O_CLOEXEC, mode).tag(-77);
        c.await(ring, 1);
        return UringException.check("openat " + path, c.res(-77));
    }

    static void closeFd(Ring ring, int fd) throws UringException {
        Collector c = new Collector();
        ring.closeFd(fd).tag(-78);
        assertEquals(0, c.await(ring, 1).res(-78));
    }

    static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "mkfifo failed: " + out);
    }

    /** Where the test classes were loaded from. */
    public static java.nio.file.Path testClassesDir() {
        try {
            return java.nio.file.Path.of(TestSupport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The main classes: -During4j.test.classesDir, else target/classes beside target/test-classes. */
    public static String classesDir() {
        String p = System.getProperty("uring4j.test.classesDir");
        return p != null ? p : testClassesDir().resolveSibling("classes").toString();
    }

    /** Class path for child JVMs: the test classes and the main classes. */
    static String childClasspath() {
        return testClassesDir() + java.io.File.pathSeparator + classesDir();
    }

    /** The seccomp helper built with the natives: the property, else its place in target/. */
    static String seccompHelper() {
        String p = System.getProperty("uring4j.test.seccompExec");
        return p != null ? p : testClassesDir().resolveSibling("native-build").resolve("linux-x86_64").resolve("tools")
                .resolve("uring4j-seccomp-exec").toString();
    }

    /** Result of a child JVM. */
    public static final class ChildResult {
        public final int exitCode;
        public final String output;

        ChildResult(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    /**
     * The simple name of uring4j's FileChannel class a child on this JVM gets from the packaged
     * multi-release jar: on JDK 22+ META-INF/versions/22's subclass, which adds
     * {@code map(MapMode, long, long, Arena)}; from a class directory it is always UringFileChannel.
     */
    public static String jarFileChannelClass() {
        return Runtime.version().feature() >= 22 ? "ArenaMappingFileChannel" : "UringFileChannel";
    }

    /**
     * Runs {@code src/test/java25/<program>} (a single-file source program of JDK 22+ cases)
     * on {@link #JDK25} with {@code dir} as its argument and uring4j from {@code classpath}
     * (the class directory, or a packaged multi-release jar), and returns its outcomes: lines
     * {@code CASE name=outcome}, the last line {@code DONE n} with n the cases run. Skips
     * (an assumption naming JDK 22+ java.lang.foreign) where Temurin 25 is not installed.
     */
    public static Map<String, String> runJdk25Cases(String program, Path dir, String classpath, int timeoutSeconds)
            throws Exception {
        Path launcher = JDK25.resolve("bin").resolve("java");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(launcher), "Temurin 25 (JDK 22+ "
                + "java.lang.foreign) is not installed at " + JDK25 + ": the Arena-backed buffer cases need it");
        requireAvailable();
        Path source = java25Source(program);
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(childJvmFlags());
        cmd.addAll(List.of("-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                "-cp", classpath, source.toString(), dir.toString()));
        Path log = dir.resolve(program + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail("the JDK 25 child did not finish within " + timeoutSeconds + " s: " + cmd + "\n" + readLog(log));
        }
        String output = readLog(log);
        assertEquals(0, p.exitValue(), "JDK 25 child failed: " + cmd + "\n" + output);
        Map<String, String> outcomes = new java.util.LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("CASE ")) {
                int eq = line.indexOf('=');
                outcomes.put(line.substring(5, eq), line.substring(eq + 1));
            }
        }
        if (!output.contains("DONE " + outcomes.size())) {
            fail("the child did not run every case:\n" + output);
        }
        return outcomes;
    }

    /** src/test/java25/{@code program} of this checkout: target/test-classes -> the project directory. */
    private static Path java25Source(String program) {
        Path fromClasses = testClassesDir().getParent().getParent().resolve(Path.of("src", "test", "java25", program));
        Path fromUserDir = Path.of(System.getProperty("user.dir"), "src", "test", "java25", program);
        if (java.nio.file.Files.isRegularFile(fromClasses)) {
            return fromClasses;
        }
        if (java.nio.file.Files.isRegularFile(fromUserDir)) {
            return fromUserDir;
        }
        throw new IllegalStateException("JDK 25 test program not found at " + fromClasses + " or " + fromUserDir);
    }

    private static String readLog(Path log) throws IOException {
        return java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }

    /**
     * Flags for child JVMs of this test JVM's own JDK. Inside a test-kernels guest (emulated CPUs,
     * about 20x slower) a child starts with C1 only and the serial collector, as the guest's own
     * JVM does: a child JVM start takes ~20 s there otherwise, and a test starting two of them
     * came within a second of the guests' per-test timeout (45 s then).
     */
    public static List<String> childJvmFlags() {
        return inGuest()
                ? List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-During4j.test.guest=true")
                : List.of();
    }

    /**
     * The argument combinations a sweep calls a method with: every combination of {@code pools}
     * if there are at most {@code max}, else {@code max} drawn with {@code random} (with
     * {@code distinct}, repeats are skipped, drawing at most {@code 3 * max} times).
     */
    public static <A> List<List<A>> combinations(List<List<A>> pools, int max, java.util.Random random,
            boolean distinct) {
        long total = 1;
        for (List<A> pool : pools) {
            total *= pool.size();
        }
        List<List<A>> out = new ArrayList<>();
        if (total <= max) {
            for (long i = 0; i < total; i++) {
                List<A> combo = new ArrayList<>();
                long k = i;
                for (List<A> pool : pools) {
                    combo.add(pool.get((int) (k % pool.size())));
                    k /= pool.size();
                }
                out.add(combo);
            }
            return out;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < (distinct ? max * 3 : max) && out.size() < max; i++) {
            List<A> combo = new ArrayList<>();
            for (List<A> pool : pools) {
                combo.add(pool.get(random.nextInt(pool.size())));
            }
            if (!distinct || seen.add(combo.toString())) {
                out.add(combo);
            }
        }
        return out;
    }

    /**
     * Whether this JVM runs inside a test-kernels guest (set by test-kernels/run, passed on to
     * child JVMs by {@link #childJvmFlags()}): the sweeps sample fewer combinations there and
     * give a call longer before calling it a hang.
     */
    public static boolean inGuest() {
        return Boolean.getBoolean("uring4j.test.guest");
    }

    /** Runs {@code java [jvmArgs] -cp classpath mainClass args}, failing after 60 s. */
    public static ChildResult runJava(List<String> jvmArgs, String classpath, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(childJvmFlags());
        cmd.addAll(jvmArgs);
        if (classpath != null) {
            cmd.add("-cp");
            cmd.add(classpath);
        }
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs a command with stderr merged into stdout, failing after 60 s. */
    static ChildResult run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, null);
    }

    /** As {@link #run(List)}, in working directory {@code dir} (null: this process's). */
    static ChildResult run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("child process did not finish: " + cmd);
        }
        return new ChildResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
