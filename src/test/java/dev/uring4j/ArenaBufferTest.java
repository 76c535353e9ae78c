package dev.uring4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.uring4j.async.AsyncFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Buffers over {@code java.lang.foreign.Arena} memory (JDK 22+), which the library (built for
 * 17) cannot name: src/test/java25/ArenaBuffers.java runs every case once in a Temurin 25
 * child JVM and prints one outcome per case; the tests below assert them.
 *
 * <p>Regression for: a buffer of a closed arena, or of an arena closed while the kernel held a
 * read into it, was accepted by Ring.read, FixedBuffers.register and AsyncFile.read, and the
 * kernel wrote into memory that belonged to someone else.
 */
class ArenaBufferTest {
    /** What the refusal of a closeable arena's buffer must name as the way out. */
    private static final String[] CLOSEABLE_ADVICE = {"Arena that can be closed", "ByteBuffer.allocateDirect",
            "Arena.ofAuto()"};

    @TempDir
    static Path dir;

    private static final Map<String, String> OUTCOMES = new LinkedHashMap<>();
    private static String output;

    @BeforeAll
    static void runChild() throws Exception {
        OUTCOMES.putAll(TestSupport.runJdk25Cases("ArenaBuffers.java", dir, TestSupport.classesDir(), 45));
        output = String.join("\n", OUTCOMES.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static String outcome(String name) {
        String o = OUTCOMES.get(name);
        if (o == null) {
            fail("case " + name + " has no outcome in the child's output:\n" + output);
        }
        return o;
    }

    /** The call itself threw {@code type} (not a future, nothing staged), with each of {@code texts} in the message. */
    private static void assertThrew(String name, Class<?> type, String... texts) {
        String o = outcome(name);
        assertTrue(o.startsWith("threw:" + type.getSimpleName() + " | "), name + ": expected the call to throw "
                + type.getSimpleName() + " with nothing staged, got: " + o);
        for (String text : texts) {
            assertTrue(o.contains(text), name + ": the message should say '" + text + "': " + o);
        }
    }

    /** Runs {@code check} on every case and reports all that fail, not only the first. */
    private static void each(List<String> cases, java.util.function.Consumer<String> check) {
        assertAll(cases.stream().map(c -> () -> check.accept(c)));
    }

    private static void assertWorked(String name) {
        assertEquals("ok", outcome(name), name + ": the operation should work and move the file's bytes");
    }

    @Test
    void ringRefusesBuffersOfAClosedArenaAsTheJdkDoes() {
        each(List.of("ring.read.closedConfined", "ring.read.closedShared", "ring.read.mappedClosed"),
                c -> assertThrew(c, IllegalStateException.class, "Already closed"));
    }

    @Test
    void ringRefusesBuffersOfArenasThatCanBeClosedNamingWhatToUse() {
        each(List.of("ring.read.confined", "ring.read.shared", "ring.write.confined",
                "ring.readv.sharedAfterDirect", "ring.read.mappedShared"),
                c -> assertThrew(c, IllegalArgumentException.class, CLOSEABLE_ADVICE));
        assertThrew("ring.read.confined", IllegalArgumentException.class, "read: ");
        assertThrew("ring.write.confined", IllegalArgumentException.class, "write: ");
        assertThrew("ring.readv.sharedAfterDirect", IllegalArgumentException.class, "readv buffer 1: ");
    }

    @Test
    void slicesAndDuplicatesOfCloseableArenaBuffersAreRefusedToo() {
        each(List.of("ring.read.sliceOfConfined", "ring.read.duplicateOfShared",
                "ring.read.segmentSliceOfShared"),
                c -> assertThrew(c, IllegalArgumentException.class, CLOSEABLE_ADVICE));
    }

    @Test
    void buffersOnlyTheGcCanFreeAreAcceptedAndReadTheRightBytes() {
        each(List.of("ring.read.auto", "ring.read.global", "ring.read.sliceOfGlobal",
                "ring.read.duplicateOfAuto", "ring.read.mappedAuto", "ring.read.mappedClassic",
                "ring.read.allocateDirect"),
                ArenaBufferTest::assertWorked);
    }

    @Test
    void registrationRefusesCloseableArenaBuffersAndReadFixedNeverReachesTheKernel() {
        for (String c : List.of("fixed.register.confined", "fixed.register.sharedMapped")) {
            assertThrew(c, IllegalArgumentException.class, CLOSEABLE_ADVICE);
            String o = outcome(c);
            assertTrue(o.contains(" | registered=0 | "), c + ": nothing may stay registered after the refusal: " + o);
            assertTrue(o.contains(" | readFixed=threw:"), c + ": readFixed of the refused buffer must throw before "
                    + "anything is staged for the kernel: " + o);
        }
        assertThrew("fixed.register.sharedMapped", IllegalArgumentException.class, "buffers[1]");
        assertThrew("fixed.register.closed", IllegalStateException.class, "Already closed");
    }

    @Test
    void registeredGlobalArenaBufferWorksWithReadFixed() {
        assertWorked("fixed.register.global");
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void asyncFileRefusesClosedArenaBuffersSynchronously(AsyncFile.Backend b) {
        String p = prefix(b);
        each(List.of("read.closedConfined", "read.closedShared"),
                c -> assertThrew(p + c, IllegalStateException.class, "Already closed"));
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void asyncFileRefusesCloseableArenaBuffersSynchronously(AsyncFile.Backend b) {
        String p = prefix(b);
        each(List.of("read.confined", "read.shared", "read.sliceOfShared", "read.mappedShared",
                "readv.shared", "write.confined", "readFully.shared"),
                c -> assertThrew(p + c, IllegalArgumentException.class, CLOSEABLE_ADVICE));
    }

    @ParameterizedTest
    @EnumSource(AsyncFile.Backend.class)
    void asyncFileReadsIntoAutoAndGlobalArenaBuffers(AsyncFile.Backend b) {
        String p = prefix(b);
        each(List.of("read.global", "read.auto", "read.mappedAuto"),
                c -> assertWorked(p + c));
    }

    private static String prefix(AsyncFile.Backend b) {
        return "async." + b.name().toLowerCase(Locale.ROOT) + ".";
    }
}
