package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API fuzzer on JDK 25: src/test/java25/VirtualArenaFuzz.java, run by the Temurin 25
 * source launcher, drives AsyncFile (both backends) from 48 virtual threads with direct,
 * Arena.ofAuto/global and auto-arena mapped buffers (must work, reference bytes checked) and
 * buffers of open confined/shared arenas, closed arenas and such mappings (must be refused
 * synchronously, memory untouched), concurrent size/truncate/close, interrupts of virtual
 * threads in get()/join(), Ring.open on virtual threads (refused) and calls into rings of
 * platform threads (refused), while platform threads fuzz their own rings.
 *
 * <p>Asserted here: the child exits 0 within its time, printing {@code RESULT ok} (it checks
 * every invariant it can see itself and prints each violation); no hs_err file; every future it
 * started completed exactly once; the operations of each kind really ran (refusals, interrupts,
 * verified reads); the bystander file the child only reads has its bytes afterwards.
 *
 * <p>{@code -During4j.fuzz.vsteps=N -During4j.fuzz.vseconds=S -During4j.fuzz.seed=X} for
 * longer runs (the child then gets S + 60 s).
 *
 * <p>Not tagged {@code kernel}: the kernel matrix runs guests under TCG, where the Temurin 25
 * child (a source launch that compiles the program first) does not finish within the
 * guests' per-test limit; what it exercises per kernel is covered there by the AsyncFile,
 * EventLoop and Ring tests. It runs on the host in every build.
 */
class VirtualThreadFuzzTest {
    static final Path JDK25 = TestSupport.JDK25;
    private static final long STEPS = Long.getLong("uring4j.fuzz.vsteps", 6_000);
    private static final long SECONDS = Long.getLong("uring4j.fuzz.vseconds", 8);
    private static final long SEED = Long.getLong("uring4j.fuzz.seed", 0x7a11_2025L);

    @TempDir
    Path dir;

    @Test
    void virtualThreadsAndArenaBuffersNeverCrashDamageOrLoseAFuture() throws Exception {
        Path java = JDK25.resolve("bin").resolve("java");
        assumeTrue(Files.isExecutable(java), "Temurin 25 (JDK 21+ virtual threads, JDK 22+ java.lang.foreign) is not "
                + "installed at " + JDK25);
        TestSupport.requireAvailable();
        Path work = Files.createDirectories(dir.resolve("work"));
        Path bystander = dir.resolve("bystander");
        byte[] pattern = new byte[8192];
        new Random(SEED).nextBytes(pattern);
        Files.write(bystander, pattern);

        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"),
                "-During4j.library.path=" + System.getProperty("uring4j.library.path"),
                "-cp", TestSupport.classesDir(), programSource().toString(),
                work.toString(), String.valueOf(STEPS), String.valueOf(SEED), String.valueOf(SECONDS),
                bystander.toString()));
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long limit = SECONDS + 60;
        if (!p.waitFor(limit, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail("the JDK 25 fuzz did not finish within " + limit + " s (a hang): " + cmd + "\n" + read(log));
        }
        String out = read(log);
        System.out.println(out.lines().filter(l -> !l.startsWith("WARNING")).reduce("", (a, b) -> a + b + "\n"));
        List<Path> crashes;
        try (Stream<Path> s = Files.list(dir)) {
            crashes = s.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList();
        }
        assertEquals(List.of(), crashes, "the JVM crashed:\n" + out);
        assertEquals(0, p.exitValue(), "the JDK 25 fuzz failed (seed " + SEED + "):\n" + out);
        assertTrue(out.contains("\nRESULT ok"), "no RESULT ok:\n" + out);

        Matcher m = Pattern.compile("FUTURES (\\d+) COMPLETED (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        long futures = Long.parseLong(m.group(1));
        assertEquals(futures, Long.parseLong(m.group(2)), "every future completed exactly once");
        assertTrue(futures > STEPS / 4, "futures started: " + futures);
        for (String kind : List.of("refused closeable arena buffer (IllegalArgumentException)",
                "refused closed arena buffer (IllegalStateException)", "Ring.open on a virtual thread refused",
                "foreign ring call from a virtual thread refused", "reference bytes verified", "ring reads verified",
                "ring refused closeable arena buffer (IllegalArgumentException)", "started ref read global-arena",
                "started ref readFully auto-mapped", "closes (two virtual threads at once)",
                "interrupts delivered (virtual, in get/join)", "started truncate", "bystanders checked", "ok")) {
            assertTrue(figure(out, kind) > 0, "the fuzz never did: " + kind + "\n" + out);
        }
        assertArrayEquals(pattern, Files.readAllBytes(bystander), "the bystander file the child only read changed");
    }

    private static long figure(String out, String kind) {
        Matcher m = Pattern.compile("\n  " + Pattern.quote(kind) + ": (\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** src/test/java25/VirtualArenaFuzz.java of this checkout. */
    private static Path programSource() {
        Path fromClasses = TestSupport.testClassesDir().getParent().getParent()
                .resolve(Path.of("src", "test", "java25", "VirtualArenaFuzz.java"));
        Path fromUserDir = Path.of(System.getProperty("user.dir"), "src", "test", "java25", "VirtualArenaFuzz.java");
        if (Files.isRegularFile(fromClasses)) {
            return fromClasses;
        }
        if (Files.isRegularFile(fromUserDir)) {
            return fromUserDir;
        }
        throw new IllegalStateException("JDK 25 fuzz program not found at " + fromClasses + " or " + fromUserDir);
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }
}
