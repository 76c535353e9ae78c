package dev.uring4j.nio;

import static dev.uring4j.nio.NioTestSupport.bytes;
import static dev.uring4j.nio.NioTestSupport.mkfifo;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversarial probes of uring4j's drop-in FileChannel against the JDK's own, side by side.
 */
@Tag("kernel")
class FileChannelHostileUseTest {
    private static final Set<OpenOption> RW = Set.of(READ, WRITE, CREATE);

    @TempDir
    Path dir;

    private int files;

    interface Op {
        Object run() throws Exception;
    }

    /** The outcome of an operation as text: its value, or its exception's class and message. */
    static String outcome(Op op) {
        try {
            Object r = op.run();
            if (r instanceof FileLock) {
                FileLock l = (FileLock) r;
                return "lock " + l.position() + " " + l.size() + " " + l.isShared() + " " + l.isValid();
            }
            if (r instanceof FileChannel) {
                return "the channel";
            }
            if (r instanceof ByteBuffer) {
                return "buffer " + ((ByteBuffer) r).position() + "/" + ((ByteBuffer) r).limit();
            }
            return String.valueOf(r);
        } catch (Throwable t) {
            return t.getClass().getName() + ": " + t.getMessage();
        }
    }

    private Path file(int n) throws IOException {
        Path p = dir.resolve("f" + files++);
        Files.write(p, bytes(n, n)); // the same content for both implementations
        return p;
    }

    private static int openDescriptors() {
        String[] names = new java.io.File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }

    // ---------------------------------------------------------------- FIFOs: the twin is a second open(2)

    /** Gathering write of more buffers than IOV_MAX (1024) to a FIFO: the JDK writes the first 1024. */
    @Test
    void gatheringWriteOfMoreThanIovMaxBuffersToAFifo() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path p = dir.resolve("fifo-g-" + impl);
            mkfifo(p);
            try (FileChannel ch = impl.open(p, READ, WRITE)) {
                ByteBuffer[] bs = new ByteBuffer[1500];
                for (int i = 0; i < bs.length; i++) {
                    bs[i] = ByteBuffer.wrap(new byte[] {(byte) i});
                }
                seen.add(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> outcome(() -> ch.write(bs))));
            }
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    /** Scattering read with length 0 on a FIFO: the JDK gives 0 at once. */
    @Test
    void scatteringReadOfNoBuffersOnAFifo() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path p = dir.resolve("fifo-s-" + impl);
            mkfifo(p);
            try (FileChannel ch = impl.open(p, READ, WRITE)) {
                ByteBuffer[] bs = {ByteBuffer.allocate(4)};
                seen.add(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> outcome(() -> ch.read(bs, 0, 0))
                        + " | " + outcome(() -> ch.write(bs, 1, 0)) + " | " + outcome(() -> ch.read(new ByteBuffer[0]))));
            }
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    /** truncate, force and size of a FIFO channel: same outcomes as the JDK's. */
    @Test
    void truncateForceSizeOnAFifo() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path p = dir.resolve("fifo-t-" + impl);
            mkfifo(p);
            try (FileChannel ch = impl.open(p, READ, WRITE)) {
                seen.add(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> outcome(() -> ch.truncate(0)) + " | "
                        + outcome(() -> ch.truncate(5)) + " | " + outcome(() -> {
                            ch.force(true);
                            return "forced";
                        }) + " | " + outcome(ch::size) + " | " + outcome(() -> ch.position(3))
                        + " | " + ch.isOpen()));
            }
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    /**
     * A FIFO whose peer came and left: the operations uring4j hands to the JDK twin (lock,
     * tryLock, map, transferTo) answer as the JDK's do instead of blocking in the twin's
     * open(2) until a new peer comes, and the channel still sees end of file / a broken pipe
     * afterwards (the twin is not left as a peer of its own).
     */
    @Test
    void twinOperationsOnAFifoWhosePeerLeft() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            for (boolean readSide : new boolean[] {true, false}) {
                Path p = dir.resolve("fifo-peer-" + impl + "-" + readSide);
                mkfifo(p);
                Thread peer = new Thread(() -> {
                    try (FileChannel other = FileChannel.open(p, readSide ? WRITE : READ)) {
                        if (readSide) {
                            other.write(ByteBuffer.wrap(new byte[] {1, 2}));
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                peer.start();
                seen.add(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                    try (FileChannel ch = impl.open(p, readSide ? READ : WRITE);
                         FileChannel sink = FileChannel.open(dir.resolve("sink-" + impl + "-" + readSide),
                                 WRITE, CREATE)) {
                        peer.join();
                        ByteBuffer b = ByteBuffer.allocate(8);
                        return (readSide ? "read " + outcome(() -> ch.read(b)) : "writer") + " | "
                                + outcome(() -> ch.tryLock(0, 10, readSide)) + " | "
                                + outcome(() -> ch.lock(100, 10, readSide)) + " | "
                                + outcome(() -> ch.map(MapMode.READ_ONLY, 0, 10)) + " | "
                                + outcome(() -> ch.transferTo(0, 10, sink)) + " | "
                                + (readSide ? outcome(() -> ch.read(b)) : outcome(() -> ch.write(ByteBuffer.allocate(3))));
                    }
                }));
            }
        }
        assertEquals(seen.subList(0, 2), seen.subList(2, 4), "JDK vs uring4j");
    }

    /**
     * transferFrom that cannot move anything (a source that cannot read, a target that cannot
     * write) into uring4j's channel, from a JDK and a uring4j source: the running JDK's answer
     * for two JDK channels (JDK 17 and 25 check in different orders; a position past the end
     * gives 0 on 17). A JDK target with a uring4j source is the JDK's code: on JDK 25 it does
     * not see that a channel of another class cannot read, and answers NonWritable first.
     */
    @Test
    void transferFromThatCannotMoveAnythingAnswersAsTheJdk() throws Exception {
        Path p = file(100);
        List<String> jdk = new ArrayList<>();
        List<String> mixed = new ArrayList<>();
        for (Impl dstImpl : List.of(Impl.JDK, Impl.URING4J)) {
            for (Impl srcImpl : dstImpl == Impl.JDK ? List.of(Impl.JDK) : List.of(Impl.JDK, Impl.URING4J)) {
                for (Set<OpenOption> dstMode : List.<Set<OpenOption>>of(Set.of(READ), Set.of(READ, WRITE))) {
                    for (long position : new long[] {0, 1000, -1}) {
                        try (FileChannel dst = dstImpl.open(p, dstMode); FileChannel src = srcImpl.open(p, Set.of(WRITE))) {
                            String o = dstMode.size() + " " + position + ": "
                                    + outcome(() -> dst.transferFrom(src, position, 10));
                            (dstImpl == Impl.JDK && srcImpl == Impl.JDK ? jdk : mixed).add(o);
                        }
                    }
                }
            }
        }
        for (int i = 0; i < mixed.size(); i++) {
            assertEquals(jdk.get(i % jdk.size()), mixed.get(i), (i < jdk.size() ? "JDK" : "uring4j") + " source");
        }
    }

    // ---------------------------------------------------------------- extreme positions

    // ---------------------------------------------------------------- argument-check order

    // ---------------------------------------------------------------- directories

    @Test
    void directoryChannelsBehaveAsTheJdks() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path d = Files.createDirectory(dir.resolve("d")); // the same name for both: messages name it
            StringBuilder sb = new StringBuilder();
            sb.append(outcome(() -> impl.open(d, WRITE).getClass().getSimpleName())).append(" | ");
            try (FileChannel ch = impl.open(d, READ)) {
                sb.append(outcome(() -> ch.read(ByteBuffer.allocate(4)))).append(" | ");
                sb.append(outcome(() -> ch.read(ByteBuffer.allocateDirect(4), 0))).append(" | ");
                sb.append(outcome(() -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(4)}))).append(" | ");
                sb.append(outcome(() -> {
                    ch.force(false);
                    return "forced";
                })).append(" | ");
                sb.append(outcome(() -> ch.map(MapMode.READ_ONLY, 0, 1).capacity())).append(" | ");
                sb.append(outcome(() -> ch.tryLock(0, Long.MAX_VALUE, true))).append(" | ");
                sb.append(outcome(() -> ch.transferTo(0, 10, java.nio.channels.Channels
                        .newChannel(new java.io.ByteArrayOutputStream())))).append(" | ");
                sb.append(outcome(ch::position)).append(" | ").append(ch.isOpen());
            }
            Files.delete(d);
            seen.add(sb.toString());
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    // ---------------------------------------------------------------- buffers of other kinds

    @Test
    void writeFromReadOnlyDirectAndMappedBuffers() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path src = file(64);
            Path p = file(0);
            StringBuilder sb = new StringBuilder();
            try (FileChannel s = FileChannel.open(src, READ); FileChannel ch = impl.open(p, RW)) {
                MappedByteBuffer m = s.map(MapMode.READ_ONLY, 0, 64);
                ByteBuffer rod = ByteBuffer.allocateDirect(8).put(bytes(8, 5)).flip().asReadOnlyBuffer();
                sb.append(outcome(() -> ch.write(m))).append(" | ");
                sb.append(outcome(() -> ch.write(rod))).append(" | ");
                sb.append(outcome(() -> ch.write(new ByteBuffer[] {m.position(10), rod.position(0)}))).append(" | ");
                // read into a mapping of the same file: READ_WRITE, direct
                MappedByteBuffer own = ch.map(MapMode.READ_WRITE, 0, 16);
                sb.append(outcome(() -> ch.read(own.position(8), 0))).append(" | ");
                sb.append(outcome(() -> ch.read(m.position(0), 0))).append(" | ");
                sb.append(outcome(ch::size)).append(" | ").append(outcome(ch::position));
            }
            seen.add(sb.append(" | ").append(java.util.Arrays.toString(Files.readAllBytes(p))).toString());
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    // ---------------------------------------------------------------- JDK 22+: map with an Arena

    // ---------------------------------------------------------------- descriptors

    @Test
    void noDescriptorLeaks() throws Exception {
        Path p = file(4096);
        Path missing = dir.resolve("missing");
        // warm up (engine rings, shared loops, caches)
        for (int i = 0; i < 5; i++) {
            try (FileChannel ch = Impl.URING4J.open(p, RW)) {
                ch.read(ByteBuffer.allocate(10), 0);
                ch.tryLock().release();
                ch.map(MapMode.READ_ONLY, 0, 10);
                ch.transferTo(0, 10, java.nio.channels.Channels.newChannel(new java.io.ByteArrayOutputStream()));
                ch.force(true);
            }
        }
        int before = openDescriptors();
        for (int i = 0; i < 200; i++) {
            try (FileChannel ch = Impl.URING4J.open(p, RW)) {
                ch.read(ByteBuffer.allocate(10), 0);
                if (i % 2 == 0) {
                    ch.tryLock().release();
                }
                if (i % 3 == 0) {
                    ch.map(MapMode.READ_ONLY, 0, 10);
                }
                if (i % 5 == 0) {
                    ch.force(false);
                }
            }
            try {
                Impl.URING4J.open(missing, READ).close();
                fail("opened a missing file");
            } catch (NoSuchFileException expected) {
            }
            try {
                Impl.URING4J.open(p, Set.of(WRITE, java.nio.file.StandardOpenOption.CREATE_NEW)).close();
                fail("CREATE_NEW of an existing file");
            } catch (java.nio.file.FileAlreadyExistsException expected) {
            }
            // interrupted before an operation: the channel closes
            FileChannel ch = Impl.URING4J.open(p, RW);
            Thread.currentThread().interrupt();
            try {
                ch.read(ByteBuffer.allocate(10), 0);
                fail("no ClosedByInterruptException");
            } catch (ClosedByInterruptException expected) {
                assertTrue(Thread.interrupted());
            }
            assertFalse(ch.isOpen());
            // interrupted in a twin call
            FileChannel ch2 = Impl.URING4J.open(p, RW);
            ch2.tryLock().release();
            Thread.currentThread().interrupt();
            try {
                ch2.transferTo(0, 10, java.nio.channels.Channels.newChannel(new java.io.ByteArrayOutputStream()));
                fail("no ClosedByInterruptException");
            } catch (ClosedByInterruptException expected) {
                assertTrue(Thread.interrupted());
            }
            assertFalse(ch2.isOpen());
        }
        Thread.sleep(200);
        int after = openDescriptors();
        assertTrue(after - before <= 3, "descriptors before " + before + ", after " + after);
    }

    // ---------------------------------------------------------------- concurrency

    /** Many threads sharing one channel: positional writes of distinct blocks, then positional reads. */
    @Test
    void manyThreadsPositionalIntegrity() throws Exception {
        Path p = file(0);
        int threads = 8;
        int blocks = 64;
        int blockSize = 4096 + 13;
        try (FileChannel ch = Impl.URING4J.open(p, RW)) {
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    Thread th = new Thread(() -> {
                        try {
                            for (int b = id; b < blocks; b += threads) {
                                byte[] data = bytes(blockSize, b);
                                ByteBuffer src = (b % 3 == 0) ? ByteBuffer.allocateDirect(blockSize).put(data).flip()
                                        : (b % 3 == 1) ? ByteBuffer.wrap(data)
                                        : ByteBuffer.allocate(blockSize + 5).position(5).slice().put(data).flip();
                                while (src.hasRemaining()) {
                                    ch.write(src, (long) b * blockSize + src.position());
                                }
                            }
                            for (int round = 0; round < 4; round++) {
                                for (int b = 0; b < blocks; b++) {
                                    int bb = (b + id * 7) % blocks;
                                    ByteBuffer dst = (bb + round) % 2 == 0 ? ByteBuffer.allocate(blockSize)
                                            : ByteBuffer.allocateDirect(blockSize);
                                    long at = (long) bb * blockSize;
                                    while (dst.hasRemaining()) {
                                        int n = ch.read(dst, at + dst.position());
                                        if (n < 0) {
                                            break; // not yet written by its thread
                                        }
                                    }
                                    dst.flip();
                                    byte[] got = new byte[dst.remaining()];
                                    dst.get(got);
                                    byte[] want = bytes(blockSize, bb);
                                    // a block is either all zero (a hole, not yet written) or complete... or being
                                    // written; check only blocks this thread wrote (complete by now)
                                    if (bb % threads == id) {
                                        assertArrayEquals(want, got, "block " + bb);
                                    }
                                }
                            }
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    });
                    ts.add(th);
                    th.start();
                }
                for (Thread th : ts) {
                    th.join();
                }
            });
            assertTrue(errors.isEmpty(), () -> errors.toString());
            assertEquals((long) blocks * blockSize, ch.size());
        }
        byte[] all = Files.readAllBytes(p);
        for (int b = 0; b < blocks; b++) {
            assertArrayEquals(bytes(blockSize, b), java.util.Arrays.copyOfRange(all, b * blockSize, (b + 1) * blockSize));
        }
    }

    /**
     * Close from another thread while many threads run positional reads/writes and relative ones: only
     * ClosedChannelException or AsynchronousCloseException, no other exception, no hang.
     */
    @Test
    void closeUnderManyOperations() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path p = file(1 << 16);
            FileChannel ch = Impl.URING4J.open(p, RW);
            ConcurrentLinkedQueue<Throwable> bad = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(4);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int id = t;
                    Thread th = new Thread(() -> {
                        started.countDown();
                        ByteBuffer heap = ByteBuffer.allocate(1 << 15);
                        ByteBuffer direct = ByteBuffer.allocateDirect(1 << 15);
                        try {
                            while (true) {
                                heap.clear();
                                direct.clear();
                                switch (id) {
                                    case 0: ch.read(heap, 100); break;
                                    case 1: ch.write(direct, 1000); break;
                                    case 2: ch.read(new ByteBuffer[] {heap, direct}); ch.position(0); break;
                                    default: ch.write(heap); ch.size(); ch.position(0); break;
                                }
                            }
                        } catch (ClosedChannelException e) {
                            if (e instanceof ClosedByInterruptException) {
                                bad.add(e);
                            }
                        } catch (Throwable e) {
                            bad.add(e);
                        }
                    });
                    ts.add(th);
                    th.start();
                }
                started.await();
                Thread.sleep(5 + (long) (Math.random() * 10));
                ch.close();
                for (Thread th : ts) {
                    th.join();
                }
            });
            assertTrue(bad.isEmpty(), () -> "round: " + bad);
        }
    }

    /** An interrupt of one of several threads in positional reads: it gets ClosedByInterruptException with its status. */
    @Test
    void interruptOneOfManyReaders() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path p = file(1 << 16);
            FileChannel ch = Impl.URING4J.open(p, READ);
            ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
            AtomicReference<String> victim = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(3);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    int id = t;
                    Thread th = new Thread(() -> {
                        started.countDown();
                        ByteBuffer b = id == 0 ? ByteBuffer.allocate(1 << 15) : ByteBuffer.allocateDirect(1 << 15);
                        try {
                            while (true) {
                                b.clear();
                                ch.read(b, id * 100);
                            }
                        } catch (ClosedByInterruptException e) {
                            if (id != 0) {
                                bad.add(id + " got " + e);
                            }
                            victim.set("CBIE interrupted=" + Thread.currentThread().isInterrupted());
                        } catch (AsynchronousCloseException e) {
                            if (id == 0) {
                                victim.set("ACE interrupted=" + Thread.currentThread().isInterrupted());
                            }
                        } catch (ClosedChannelException e) {
                            if (id == 0) {
                                victim.set("CCE interrupted=" + Thread.currentThread().isInterrupted());
                            }
                        } catch (Throwable e) {
                            bad.add(id + " got " + e);
                        }
                    });
                    ts.add(th);
                    th.start();
                }
                started.await();
                Thread.sleep(5);
                ts.get(0).interrupt();
                for (Thread th : ts) {
                    th.join();
                }
            });
            assertTrue(bad.isEmpty(), () -> bad.toString());
            assertEquals("CBIE interrupted=true", victim.get());
            assertFalse(ch.isOpen());
        }
    }

    // ---------------------------------------------------------------- append mode

    @Test
    void appendModeWithTwinAndGathering() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path p = file(10);
            StringBuilder sb = new StringBuilder();
            try (FileChannel ch = impl.open(p, java.nio.file.StandardOpenOption.APPEND)) {
                sb.append(outcome(ch::position)).append(" | ");
                sb.append(outcome(() -> ch.position(3).position())).append(" | ");
                sb.append(outcome(() -> ch.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1, 2}),
                        ByteBuffer.allocateDirect(3)}))).append(" | ");
                sb.append(outcome(ch::position)).append(" | ");
                sb.append(outcome(() -> ch.transferFrom(java.nio.channels.Channels.newChannel(
                        new java.io.ByteArrayInputStream(new byte[] {7, 7, 7})), 0, 3))).append(" | ");
                sb.append(outcome(ch::position)).append(" | ");
                sb.append(outcome(() -> ch.write(ByteBuffer.wrap(new byte[] {9}), 0))).append(" | ");
                sb.append(outcome(ch::position)).append(" | ");
                sb.append(outcome(() -> ch.truncate(4))).append(" | ");
                sb.append(outcome(ch::position)).append(" | ");
                sb.append(outcome(() -> ch.tryLock(0, 4, false))).append(" | ");
                sb.append(outcome(() -> ch.map(MapMode.READ_WRITE, 0, 4))).append(" | ");
                sb.append(outcome(ch::size));
            }
            seen.add(sb.append(" | ").append(java.util.Arrays.toString(Files.readAllBytes(p))).toString());
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    // ---------------------------------------------------------------- locks

    @Test
    void lockOnOneChannelSeenByAnotherUringChannelAndAfterClose() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path p = file(10);
            StringBuilder sb = new StringBuilder();
            FileChannel a = impl.open(p, RW);
            FileChannel b = impl.open(p, RW);
            FileLock la = a.lock(0, 5, false);
            sb.append(outcome(() -> b.tryLock(3, 5, false))).append(" | ");
            sb.append(outcome(() -> b.tryLock(5, 5, false))).append(" | ");
            sb.append(outcome(() -> a.tryLock(5, 5, false))).append(" | ");
            sb.append(la.channel() == a).append(" ").append(la.acquiredBy() == a).append(" | ");
            a.close();
            sb.append(la.isValid()).append(" | ");
            sb.append(outcome(() -> { la.release(); return "released"; })).append(" | ");
            sb.append(outcome(() -> b.tryLock(0, 5, false))).append(" | ");
            sb.append(outcome(() -> { la.close(); return "closed"; }));
            b.close();
            seen.add(sb.toString());
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    // ---------------------------------------------------------------- DELETE_ON_CLOSE + twin

    @Test
    void deleteOnCloseWithTwinOperations() throws Exception {
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            Path p = file(32);
            StringBuilder sb = new StringBuilder();
            try (FileChannel ch = impl.open(p, Set.of(READ, WRITE, java.nio.file.StandardOpenOption.DELETE_ON_CLOSE))) {
                sb.append(Files.exists(p)).append(" | ");
                sb.append(outcome(() -> ch.map(MapMode.READ_ONLY, 0, 32).get(3))).append(" | ");
                sb.append(outcome(() -> ch.tryLock())).append(" | ");
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                sb.append(outcome(() -> ch.transferTo(0, 100, java.nio.channels.Channels.newChannel(out)))).append(" ")
                        .append(out.size()).append(" | ");
                // a new file at the same name: the channel must not touch it
                Files.write(p, new byte[] {1, 2, 3});
                sb.append(outcome(() -> ch.transferFrom(java.nio.channels.Channels.newChannel(
                        new java.io.ByteArrayInputStream(new byte[] {5, 5})), 0, 2))).append(" | ");
                sb.append(outcome(ch::size));
            }
            sb.append(" | ").append(Files.exists(p) ? java.util.Arrays.toString(Files.readAllBytes(p)) : "gone");
            Files.deleteIfExists(p);
            seen.add(sb.toString());
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    // ---------------------------------------------------------------- JDK 21+: virtual threads

    private static Thread virtualThread(Runnable r) throws Exception {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Method unstarted = Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class);
        return (Thread) unstarted.invoke(builder, r);
    }

    @Test
    void manyVirtualThreadsShareOneChannel() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        int blockSize = 8192;
        int blocks = 256;
        Path p = dir.resolve("vt");
        byte[] all = bytes(blockSize * blocks, 11);
        Files.write(p, all);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (FileChannel ch = Impl.URING4J.open(p, READ)) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                List<Thread> ts = new ArrayList<>();
                for (int v = 0; v < 200; v++) {
                    int id = v;
                    Thread t = virtualThread(() -> {
                        try {
                            for (int i = 0; i < 20; i++) {
                                int b = (id * 31 + i) % blocks;
                                ByteBuffer dst = i % 2 == 0 ? ByteBuffer.allocate(blockSize)
                                        : ByteBuffer.allocateDirect(blockSize);
                                while (dst.hasRemaining()) {
                                    if (ch.read(dst, (long) b * blockSize + dst.position()) < 0) {
                                        throw new AssertionError("EOF");
                                    }
                                }
                                byte[] got = new byte[blockSize];
                                dst.flip().get(got);
                                assertArrayEquals(java.util.Arrays.copyOfRange(all, b * blockSize, (b + 1) * blockSize),
                                        got, "block " + b);
                            }
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    });
                    ts.add(t);
                    t.start();
                }
                for (Thread t : ts) {
                    t.join();
                }
            });
        }
        assertTrue(errors.isEmpty(), () -> errors.peek() + " and " + (errors.size() - 1) + " more");
    }

    /*

    // ---------------------------------------------------------------- JDK 22+: buffers of an Arena

    /**
     * A shared arena closed by another thread while reads into its memory run: no crash (uring4j moves such
     * buffers' bytes through a copy, so the kernel never holds the arena's memory); every failure is the
     * JDK's IllegalStateException (the arena is closed).
     */
    @Test
    void sharedArenaClosedDuringReads() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 22, "JDK 22+ API");
        Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
        Class<?> segClass = Class.forName("java.lang.foreign.MemorySegment");
        Path p = file(1 << 16);
        for (Impl impl : Impl.values()) {
            AutoCloseable arena = (AutoCloseable) arenaClass.getMethod("ofShared").invoke(null);
            Object seg = arenaClass.getMethod("allocate", long.class).invoke(arena, 1L << 16);
            ByteBuffer b = (ByteBuffer) segClass.getMethod("asByteBuffer").invoke(seg);
            ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
            try (FileChannel ch = impl.open(p, READ)) {
                Thread reader = new Thread(() -> {
                    for (int i = 0; i < 2000; i++) {
                        try {
                            b.clear();
                            ch.read(b, 0);
                        } catch (Throwable e) {
                            seen.add(e.getClass().getName());
                        }
                    }
                });
                reader.start();
                Thread.sleep(2);
                for (int i = 0; i < 100; i++) {
                    try {
                        arena.close();
                        break;
                    } catch (IllegalStateException busy) {
                        Thread.onSpinWait(); // the JDK's read holds the session
                    }
                }
                reader.join(5000);
                assertFalse(reader.isAlive());
            }
            for (String s : seen) {
                assertEquals(IllegalStateException.class.getName(), s, impl.toString());
            }
        }
    }

    // ---------------------------------------------------------------- positions at the file system's limits

    /**
     * Positions past the file system's maximum file size (ext4: 16 TiB with 4 KiB blocks; tmpfs: 2^63-1):
     * the JDK's position(p) is an lseek(2), which refuses them with EINVAL; reads and writes there answer
     * as pread/pwrite do. Regression for: uring4j's position(p) took any position.
     */
    @Test
    void positionsPastTheFileSystemsMaximum() throws Exception {
        Path p = file(100);
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            StringBuilder sb = new StringBuilder();
            try (FileChannel ch = impl.open(p, READ, WRITE)) {
                for (long at : new long[] {1L << 40, 1L << 44, (1L << 44) + 1, 1L << 50, Long.MAX_VALUE - 1}) {
                    sb.append(outcome(() -> ch.position(at).position())).append(" | ");
                    sb.append(outcome(ch::position)).append(" | ");
                    sb.append(outcome(() -> ch.read(ByteBuffer.allocate(8), at))).append(" | ");
                    sb.append(outcome(() -> ch.write(ByteBuffer.allocate(0), at))).append(" | ");
                }
                sb.append(outcome(ch::size));
            }
            seen.add(sb.toString());
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    // ---------------------------------------------------------------- character devices

    /**
     * Character devices keep their position in the kernel: /dev/zero's and /dev/urandom's stay 0 whatever
     * is read or set, /dev/null's follows lseek. Regression for: uring4j's channel counted its own
     * position there (/dev/zero's grew by every read).
     */
    @Test
    void characterDevicePositionsAreTheKernels() throws Exception {
        for (String dev : List.of("/dev/zero", "/dev/urandom", "/dev/null")) {
            Path p = Path.of(dev);
            Assumptions.assumeTrue(Files.isReadable(p) && Files.isWritable(p), dev + " is not there to read and write");
            List<String> seen = new ArrayList<>();
            for (Impl impl : Impl.values()) {
                StringBuilder sb = new StringBuilder();
                try (FileChannel ch = impl.open(p, READ, WRITE)) {
                    ByteBuffer b = ByteBuffer.allocate(1000);
                    sb.append(outcome(() -> ch.read(b.clear()))).append(" | ");
                    sb.append(outcome(() -> ch.read(ByteBuffer.allocateDirect(300)))).append(" | ");
                    sb.append(outcome(() -> ch.read(new ByteBuffer[] {ByteBuffer.allocate(10), ByteBuffer.allocate(20)})))
                            .append(" | ");
                    sb.append(outcome(ch::position)).append(" | ");
                    sb.append(outcome(() -> ch.position(12345).position())).append(" | ");
                    sb.append(outcome(() -> ch.read(b.clear(), 77))).append(" | ");
                    sb.append(outcome(() -> ch.write(ByteBuffer.wrap(new byte[50])))).append(" | ");
                    sb.append(outcome(() -> ch.write(ByteBuffer.wrap(new byte[60]), 5))).append(" | ");
                    sb.append(outcome(ch::position)).append(" | ");
                    sb.append(outcome(ch::size));
                }
                seen.add(sb.toString());
            }
            assertEquals(seen.get(0), seen.get(1), dev + ": JDK vs uring4j");
        }
    }

    /**
     * A pseudo-terminal master (/dev/ptmx) is a stream: positional I/O and position are "Illegal seek", as
     * pread(2) and lseek(2) answer the JDK. Regression for: io_uring, given an offset on a stream, ignores
     * it, and uring4j's channel took positional writes there.
     */
    @Test
    void streamDevicesRefusePositionsAsTheJdk() throws Exception {
        Path ptmx = Path.of("/dev/ptmx");
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            FileChannel ch;
            try {
                ch = impl.open(ptmx, READ, WRITE);
            } catch (IOException e) {
                Assumptions.assumeTrue(false, "/dev/ptmx cannot be opened here (no devpts?): " + e);
                return;
            }
            try (FileChannel c = ch) {
                // io_uring reads a stream whatever the offset: a regression waits for input for ever
                seen.add(assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
                    StringBuilder sb = new StringBuilder();
                    sb.append(outcome(() -> c.read(ByteBuffer.allocate(8), 0))).append(" | ");
                    sb.append(outcome(() -> c.write(ByteBuffer.wrap(new byte[8]), 0))).append(" | ");
                    sb.append(outcome(c::position)).append(" | ");
                    sb.append(outcome(() -> c.position(3))).append(" | ");
                    sb.append(outcome(c::size)).append(" | ");
                    try (java.nio.channels.AsynchronousFileChannel a = impl.openAsync(ptmx, null, READ, WRITE)) {
                        sb.append(outcome(() -> {
                            try {
                                return a.read(ByteBuffer.allocate(8), 0).get();
                            } catch (java.util.concurrent.ExecutionException e) {
                                throw (Exception) e.getCause();
                            }
                        }));
                    }
                    return sb.toString();
                }, impl + ": positional read of /dev/ptmx did not return"));
            }
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    /**
     * Opening checks as the JDK's: the path, then the attributes (a null array, a null value or
     * permission, an attribute other than permissions), then the options; O_NOFOLLOW only without
     * CREATE_NEW among the options (WRITE or not), and ELOOP then as a plain IOException naming
     * NOFOLLOW_LINKS (regression: options were checked first, a null attribute array was taken for
     * none, a read-only [CREATE_NEW, NOFOLLOW_LINKS] open of a link failed, ELOOP came as the
     * FileSystemException of the path).
     */
    @Test
    void openChecksInTheJdksOrder() throws Exception {
        Files.write(dir.resolve("f"), bytes(16, 1));
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("f"));
        java.nio.file.attribute.FileAttribute<?> acl = new java.nio.file.attribute.FileAttribute<Object>() {
            public String name() {
                return "acl:acl";
            }

            public Object value() {
                return List.of();
            }
        };
        java.nio.file.attribute.FileAttribute<?> nullPermissions = new java.nio.file.attribute.FileAttribute<Object>() {
            public String name() {
                return "posix:permissions";
            }

            public Object value() {
                return null;
            }
        };
        OpenOption custom = new OpenOption() {};
        Path f = dir.resolve("f");
        Path link = dir.resolve("link");
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            List<String> o = new ArrayList<>();
            o.add(opened(() -> impl.open(f, Set.of(READ), (java.nio.file.attribute.FileAttribute<?>[]) null)));
            o.add(opened(() -> impl.open(f, null, acl)));
            o.add(opened(() -> impl.open(f, Set.of(READ, java.nio.file.StandardOpenOption.APPEND), acl)));
            o.add(opened(() -> impl.open(f, Set.of(custom), nullPermissions)));
            o.add(opened(() -> impl.open(null, Set.of(custom))));
            o.add(opened(() -> impl.open(link, Set.of(READ, java.nio.file.LinkOption.NOFOLLOW_LINKS))));
            o.add(opened(() -> impl.open(link, Set.of(WRITE, java.nio.file.StandardOpenOption.DELETE_ON_CLOSE))));
            o.add(opened(() -> impl.open(link, Set.of(READ, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS))));
            seen.add(String.join("\n", o));
        }
        assertEquals(String.join("\n", "java.lang.NullPointerException", "java.lang.UnsupportedOperationException: "
                + "'acl:acl' not supported as initial attribute", "java.lang.UnsupportedOperationException: 'acl:acl' "
                + "not supported as initial attribute", "java.lang.NullPointerException", "java.lang.NullPointerException",
                "java.io.IOException: Too many levels of symbolic links (NOFOLLOW_LINKS specified)",
                "java.io.IOException: Too many levels of symbolic links (NOFOLLOW_LINKS specified)", "opened, size 16"),
                seen.get(0), "the JDK");
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
        assertTrue(Files.exists(f), "the DELETE_ON_CLOSE open of the link deleted nothing");
    }

    /** An open's outcome: the size, or the exception's class and message (not an NPE's: the JVM words those). */
    private static String opened(Op open) {
        try (java.nio.channels.Channel ch = (java.nio.channels.Channel) open.run()) {
            return "opened, size " + (ch instanceof FileChannel ? ((FileChannel) ch).size()
                    : ((java.nio.channels.AsynchronousFileChannel) ch).size());
        } catch (Throwable t) {
            return ChannelDifferentialTest.thrown(t);
        }
    }

    /**
     * A path of another provider (a zip file's entry) opens through that provider, as
     * FileChannel.open does (regression: uring4j opened the host file named by the entry's
     * string, here a file of this test's directory; the asynchronous open too, where zipfs has
     * none and the JDK gives UnsupportedOperationException).
     */
    @Test
    void aPathOfAnotherProviderOpensThroughItsProvider() throws Exception {
        Path host = dir.resolve("host");
        Files.writeString(host, "the host's file");
        Path zip = dir.resolve("z.zip");
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
            Path entry = fs.getPath(host.toString());
            Files.createDirectories(entry.getParent());
            Files.writeString(entry, "the zip's entry");
        }
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip)) {
            Path entry = fs.getPath(host.toString());
            for (Impl impl : Impl.values()) {
                try (FileChannel ch = impl.open(entry, Set.of(READ))) {
                    ByteBuffer b = ByteBuffer.allocate(64);
                    ch.read(b);
                    assertEquals("the zip's entry", new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.UTF_8),
                            impl.toString());
                }
                assertEquals("java.lang.UnsupportedOperationException: null", opened(() -> impl.openAsync(entry, null, READ)),
                        impl.toString());
            }
        }
        assertEquals("the host's file", Files.readString(host));
    }

    /**
     * The empty path is the working directory to the JDK's open(2), as to every system call of its
     * provider (regression: uring4j opened "" and failed with NoSuchFileException). Read-only and
     * failing opens only: the working directory is not this test's.
     */
    @Test
    void theEmptyPathOpensTheWorkingDirectory() throws Exception {
        Path empty = Path.of("");
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            seen.add(String.join("\n", opened(() -> impl.open(empty, Set.of(READ))), opened(() -> impl.open(empty, Set.of(WRITE))),
                    opened(() -> impl.open(empty, Set.of(READ, java.nio.file.LinkOption.NOFOLLOW_LINKS))),
                    opened(() -> impl.openAsync(empty, null, READ))));
        }
        long size = Files.size(Path.of("."));
        assertEquals(String.join("\n", "opened, size " + size, "java.nio.file.FileSystemException: : Is a directory",
                "opened, size " + size, "opened, size " + size), seen.get(0), "the JDK");
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
    }

    /**
     * With the interrupt status already set, the JDK's argument checks that come before its begin()
     * still win (IllegalArgumentException, NonWritableChannelException, a closed or null source;
     * the channel stays open), while a null or read-only buffer, which its IOUtil finds inside
     * begin/end, gives ClosedByInterruptException and closes the channel. transferTo to a read-only
     * JDK FileChannel with a negative count is NonWritableChannelException, the target's check
     * first. (Regression: uring4j closed the channel first in transferTo/From, lock; checked the
     * buffer first in read/write; threw IllegalArgumentException for the negative count.)
     */
    @Test
    void interruptedCallsAndBadArgumentsAsTheJdk() throws Exception {
        Path other = dir.resolve("other");
        Files.write(other, bytes(8, 2));
        List<String> seen = new ArrayList<>();
        for (Impl impl : Impl.values()) {
            List<String> o = new ArrayList<>();
            String[] names = {"read(read-only)", "read(null)", "write(null)", "read[](read-only)", "write[](null)",
                "transferFrom(stream, -1, 8)", "transferFrom(null, 0, 8)", "transferTo(-1, 8, stream)", "lock(-1, 8, false)",
                "lock(0, -1, false)", "transferTo(0, -1, JDK read-only)", "transferTo(0, 8, JDK read-only)"};
            for (int k = 0; k < names.length; k++) {
                Path p = dir.resolve(impl + "-" + k);
                Files.write(p, bytes(16, 1));
                int which = k;
                try (FileChannel ch = impl.open(p, READ, WRITE); FileChannel ro = FileChannel.open(other, READ)) {
                    boolean interrupt = which < 10;
                    String r = ChannelDifferentialTest.thrown(caught(() -> {
                        if (interrupt) {
                            Thread.currentThread().interrupt();
                        }
                        try {
                            switch (which) {
                                case 0: return ch.read(ByteBuffer.allocate(4).asReadOnlyBuffer());
                                case 1: return ch.read((ByteBuffer) null);
                                case 2: return ch.write((ByteBuffer) null);
                                case 3: return ch.read(new ByteBuffer[] {ByteBuffer.allocate(2), ByteBuffer.allocate(2).asReadOnlyBuffer()});
                                case 4: return ch.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[2]), null});
                                case 5: return ch.transferFrom(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(new byte[4])), -1, 8);
                                case 6: return ch.transferFrom(null, 0, 8);
                                case 7: return ch.transferTo(-1, 8, java.nio.channels.Channels.newChannel(new java.io.ByteArrayOutputStream()));
                                case 8: return ch.lock(-1, 8, false);
                                case 9: return ch.lock(0, -1, false);
                                case 10: return ch.transferTo(0, -1, ro);
                                default: return ch.transferTo(0, 8, ro);
                            }
                        } finally {
                            Thread.interrupted();
                        }
                    }));
                    o.add(names[k] + " -> " + r + ", open " + ch.isOpen());
                }
            }
            seen.add(String.join("\n", o));
        }
        assertEquals(seen.get(0), seen.get(1), "JDK vs uring4j");
        assertTrue(seen.get(0).contains("read(read-only) -> java.nio.channels.ClosedByInterruptException: null, open false"), seen.get(0));
        assertTrue(seen.get(0).contains("lock(-1, 8, false) -> java.lang.IllegalArgumentException"), seen.get(0));
        assertTrue(seen.get(0).contains("transferTo(0, -1, JDK read-only) -> java.nio.channels.NonWritableChannelException"), seen.get(0));
    }

    private static Throwable caught(Op op) {
        try {
            op.run();
            return new AssertionError("returned");
        } catch (Throwable t) {
            return t;
        }
    }
}
