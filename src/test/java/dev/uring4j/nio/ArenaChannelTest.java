package dev.uring4j.nio;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uring4j.TestSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Buffers of {@code Arena.ofShared()} / {@code Arena.ofConfined()} memory (JDK 22+) through the
 * JDK's channel interfaces, on the JDK's channels and on uring4j's, side by side:
 * src/test/java25/ArenaChannels.java runs every case on both in a Temurin 25 child JVM.
 *
 * <p>Regression for: uring4j's FileChannel and AsynchronousFileChannel threw
 * IllegalArgumentException for every such buffer, which the JDK's channels take.
 */
class ArenaChannelTest {
    @TempDir
    static Path dir;

    private static Map<String, String> outcomes;

    @BeforeAll
    static void runChild() throws Exception {
        // ArenaChannelIT: on the packaged jar, whose META-INF/versions/22 has the JDK 22+ BufferLifetime
        String classpath = System.getProperty("uring4j.test.classifierJar", TestSupport.classesDir());
        outcomes = TestSupport.runJdk25Cases("ArenaChannels.java", dir, classpath, 90);
    }

    private static String outcome(String name) {
        String o = outcomes.get(name);
        assertTrue(o != null, "case " + name + " has no outcome: " + outcomes);
        return o;
    }

    /** uring4j's outcome is the JDK's, and the JDK's is the expected kind (the case tests what it means to). */
    private static void sameAsJdk(String name, String jdkKind) {
        String jdk = outcome(name + ".jdk");
        assertTrue(jdk.startsWith(jdkKind), name + ": the JDK's outcome should start with " + jdkKind + ": " + jdk);
        assertEquals(jdk, outcome(name + ".uring"), name + ": uring4j's channel differs from the JDK's");
    }

    @Test
    void fileChannelTransfersWithArenaBuffersAsTheJdk() {
        assertAll(List.of("fc.read.shared", "fc.read.confined", "fc.read.sliceOfShared", "fc.read.relative.shared",
                "fc.readv.sharedAndHeap", "fc.write.shared", "fc.writev.confined", "fc.read.mappedShared")
                .stream().map(c -> () -> {
                    sameAsJdk(c, "ok:");
                    assertTrue(outcome(c + ".uring").contains("bytes=true"), c + ": " + outcome(c + ".uring"));
                }));
    }

    @Test
    void fileChannelRefusesWhatTheJdkRefuses() {
        assertAll(
                () -> sameAsJdk("fc.read.confinedFromAnotherThread", "threw:WrongThreadException"),
                () -> sameAsJdk("fc.read.closedArena", "threw:IllegalStateException"));
    }

    /**
     * The JDK holds the arena open during the read (its close throws); uring4j cannot, so
     * the close works and the read, which then has nowhere to put its bytes, fails with
     * IllegalStateException: no byte reaches the freed memory, and the process lives on.
     */
    @Test
    void arenaClosedDuringABlockedReadFailsTheReadNotTheProcess() {
        // The JDK's, when its reader is slow to start (the close comes first), is uring4j's.
        String jdk = outcome("fc.read.fifo.arenaClosedDuringRead.jdk");
        assertTrue(List.of("close-threw:IllegalStateException read:4096", "closed read-threw:IllegalStateException")
                .contains(jdk), "the JDK: " + jdk);
        assertEquals("closed read-threw:IllegalStateException", outcome("fc.read.fifo.arenaClosedDuringRead.uring"));
    }

    @Test
    void asynchronousFileChannelTransfersWithSharedArenaBuffersAsTheJdk() {
        assertAll(List.of("afc.read.shared", "afc.read.shared.handler", "afc.write.shared").stream()
                .map(c -> () -> sameAsJdk(c, "ok:")));
    }

    /**
     * Arena buffers of 3 MiB, longer than the largest heap copy uring4j makes (256 KiB): the
     * same counts, positions and bytes as the JDK's one pread/pwrite, including a read the
     * file's end cuts short inside a later copy, relative transfers and append.
     *
     * <p>Regression for: each call copied the whole buffer into one heap array (a 2 GiB
     * arena buffer would ask the heap for 2 GiB; aHugeArenaBufferCostsNoHugeHeapCopy).
     */
    @Test
    void buffersLongerThanOneCopyTransferAsOnePreadOrPwrite() {
        assertAll(List.of("fc.read.big.shared", "fc.read.big.relative", "fc.read.big.nearTheEnd",
                "fc.write.big.shared", "fc.write.big.relative", "fc.write.big.append", "afc.read.big.shared",
                "afc.read.big.nearTheEnd", "afc.write.big.shared")
                .stream().map(c -> () -> {
                    sameAsJdk(c, "ok:");
                    assertTrue(outcome(c + ".uring").contains("bytes=true"), c + ": " + outcome(c + ".uring"));
                }));
    }

    /**
     * An AsynchronousFileChannel closed while an arena read goes through its parts: the read
     * completes whole or fails with AsynchronousCloseException, as the JDK's (never with
     * ClosedChannelException: it was started before the close). On this host uring4j's page-cache
     * parts complete before the close lands; the mapping of a close between two parts is
     * in ThroughCopies.fail.
     */
    @Test
    void anArenaReadPendingAtCloseFailsWithAsynchronousClose() {
        assertEquals("ok wrong=[]", outcome("afc.read.big.closeRace.jdk"));
        assertEquals("ok wrong=[]", outcome("afc.read.big.closeRace.uring"));
    }

    /** A 64 MiB arena buffer read and written costs the calling thread under 8 MiB of heap. */
    @Test
    void aHugeArenaBufferCostsNoHugeHeapCopy() {
        assertEquals("ok:67108864,67108864 heapUnder8MiB=true", outcome("fc.readWrite.huge.heap.jdk"));
        assertEquals(outcome("fc.readWrite.huge.heap.jdk"), outcome("fc.readWrite.huge.heap.uring"));
    }

    /**
     * Where the JDK's AsynchronousFileChannel never completes the operation (its pool thread
     * meets WrongThreadException or IllegalStateException and drops it), uring4j's call throws.
     */
    @Test
    void asynchronousFileChannelRefusesConfinedAndClosedArenaBuffersAtOnce() {
        assertAll(
                () -> assertEquals("threw:IllegalStateException", outcome("afc.read.confined.uring")),
                () -> assertEquals("threw:IllegalStateException", outcome("afc.read.closedArena.uring")));
    }
}
