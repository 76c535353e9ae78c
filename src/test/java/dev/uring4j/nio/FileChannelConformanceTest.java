package dev.uring4j.nio;

import static dev.uring4j.nio.NioTestSupport.GIB;
import static dev.uring4j.nio.NioTestSupport.bytes;
import static dev.uring4j.nio.NioTestSupport.concat;
import static dev.uring4j.nio.NioTestSupport.filled;
import static dev.uring4j.nio.NioTestSupport.range;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.DSYNC;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SPARSE;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FileChannel as the JDK documents it (Javadoc of FileChannel, SeekableByteChannel, the
 * Readable/Writable/Scattering/Gathering channels, FileLock), every case run on the JDK's channel
 * and on uring4j's with the same expectations. The expected values were those of the JDK's
 * channel on Linux; comments mark where the JDK's behaviour is Linux-specific or surprising.
 * Blocking, close and interrupt cases are in {@link FileChannelBlockingTest}; argument checks in
 * every channel state, compared between the two implementations, in {@link ChannelDifferentialTest}.
 */
@Tag("kernel")
class FileChannelConformanceTest {
    private static final Set<OpenOption> RW = Set.of(READ, WRITE, CREATE);
    /**
     * JDK 21 changed transferFrom at a position past the file's size (JDK-8303260): before, "no bytes are
     * transferred"; since, "the file will be grown to accommodate the new bytes". uring4j's transferFrom is the
     * JDK's own channel's, so both implementations follow the JDK that runs the test.
     */
    private static final boolean TRANSFER_FROM_GROWS = Runtime.version().feature() >= 21;

    @TempDir
    Path dir;

    private int files;

    private Path file(byte[] content) throws IOException {
        Path p = dir.resolve("f" + files++);
        Files.write(p, content);
        return p;
    }

    private Path file(int n) throws IOException {
        return file(bytes(n, files));
    }

    // ------------------------------------------------------------------------------------ open

    @ParameterizedTest
    @EnumSource(Impl.class)
    void openOptions(Impl impl) throws IOException {
        Path p = file(10);
        // FileChannel.open: with neither READ nor WRITE (nor APPEND) the file is opened for reading.
        try (FileChannel ch = impl.open(p)) {
            assertTrue(ch.isOpen());
            assertEquals(0, ch.position());
            assertEquals(10, ch.size());
            assertEquals(10, ch.read(ByteBuffer.allocate(20)));
            assertThrowsExactly(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
        }
        // "This option may not be used in conjunction with the READ or TRUNCATE_EXISTING options."
        assertThrowsExactly(IllegalArgumentException.class, () -> impl.open(p, READ, APPEND).close());
        assertThrowsExactly(IllegalArgumentException.class, () -> impl.open(p, APPEND, TRUNCATE_EXISTING).close());
        assertThrowsExactly(FileAlreadyExistsException.class, () -> impl.open(p, WRITE, CREATE_NEW).close());
        Path missing = dir.resolve("missing");
        assertThrowsExactly(NoSuchFileException.class, () -> impl.open(missing, READ).close());
        assertThrowsExactly(NoSuchFileException.class, () -> impl.open(missing, WRITE).close());
        assertFalse(Files.exists(missing));
        // CREATE alone is ignored without WRITE (FileChannel.open: "ignored if ... opened only for reading").
        assertThrowsExactly(NoSuchFileException.class, () -> impl.open(missing, READ, CREATE).close());
        // TRUNCATE_EXISTING: truncated to 0 when opened for writing.
        try (FileChannel ch = impl.open(p, WRITE, TRUNCATE_EXISTING)) {
            assertEquals(0, ch.size());
        }
        // TRUNCATE_EXISTING is ignored if the file is opened only for reading.
        Files.write(p, bytes(10, 1));
        try (FileChannel ch = impl.open(p, READ, TRUNCATE_EXISTING)) {
            assertEquals(10, ch.size());
        }
        // Hints and synchronisation options are accepted.
        try (FileChannel ch = impl.open(dir.resolve("opts"), Set.of(WRITE, CREATE_NEW, SPARSE, SYNC, DSYNC))) {
            assertEquals(3, ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        }
        // DELETE_ON_CLOSE: "a best effort attempt to delete the file when closed". The JDK on Linux unlinks
        // the file right after opening it (the name is gone while the channel is open, which works as usual).
        Path temp = dir.resolve("temp");
        FileChannel ch = impl.open(temp, READ, WRITE, CREATE_NEW, DELETE_ON_CLOSE);
        assertFalse(Files.exists(temp));
        assertEquals(3, ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertEquals(3, ch.size());
        assertEquals(2, ch.read(ByteBuffer.allocate(2), 1));
        ch.close();
        assertFalse(Files.exists(temp));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void openWithAttributes(Impl impl) throws IOException {
        Path p = dir.resolve("attrs");
        FileAttribute<Set<PosixFilePermission>> perms = PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"));
        try (FileChannel ch = impl.open(p, Set.of(WRITE, CREATE_NEW), perms)) {
            assertTrue(ch.isOpen());
        }
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(p));
        // An attribute the provider cannot set atomically at creation: UnsupportedOperationException.
        FileAttribute<String> odd = new FileAttribute<>() {
            @Override
            public String name() {
                return "unknown:attribute";
            }

            @Override
            public String value() {
                return "x";
            }
        };
        Path q = dir.resolve("odd");
        assertThrowsExactly(UnsupportedOperationException.class, () -> impl.open(q, Set.of(WRITE, CREATE_NEW), odd).close());
        assertFalse(Files.exists(q));
    }

    // ------------------------------------------------------------------------------------ read and write

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void relativeWriteThenReadMoveThePosition(Impl impl, Buf buf) throws IOException {
        Path p = dir.resolve("rw");
        byte[] data = bytes(100, 3);
        try (FileChannel ch = impl.open(p, RW)) {
            ByteBuffer src = buf.of(data);
            assertEquals(100, ch.write(src));
            assertEquals(100, src.position());
            assertEquals(100, src.limit());
            assertEquals(100, ch.position());
            assertEquals(100, ch.size());
            assertSame(ch, ch.position(0));
            ByteBuffer a = buf.allocate(64);
            assertEquals(64, ch.read(a));
            assertEquals(64, a.position());
            assertEquals(64, ch.position());
            ByteBuffer b = buf.allocate(64);
            assertEquals(36, ch.read(b));
            assertEquals(36, b.position());
            assertEquals(64, b.limit());
            assertArrayEquals(data, concat(filled(a), filled(b)));
            assertEquals(100, ch.position());
            // At end of file: -1, and neither the buffer nor the position moves.
            ByteBuffer c = buf.allocate(8);
            assertEquals(-1, ch.read(c));
            assertEquals(0, c.position());
            assertEquals(100, ch.position());
        }
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void readFillsOnlyBetweenPositionAndLimit(Impl impl, Buf buf) throws IOException {
        byte[] data = bytes(50, 1);
        try (FileChannel ch = impl.open(file(data), READ)) {
            ByteBuffer dst = buf.allocate(32);
            dst.put(new byte[] {9, 9, 9, 9, 9}).limit(15);
            assertEquals(10, ch.read(dst));
            assertEquals(15, dst.position());
            assertEquals(15, dst.limit());
            ByteBuffer all = dst.duplicate().clear();
            byte[] got = new byte[32];
            all.get(got);
            assertArrayEquals(new byte[] {9, 9, 9, 9, 9}, range(got, 0, 5));
            assertArrayEquals(range(data, 0, 10), range(got, 5, 15));
            assertArrayEquals(new byte[17], range(got, 15, 32));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void positionalReadAndWriteLeaveThePosition(Impl impl, Buf buf) throws IOException {
        byte[] data = bytes(40, 2);
        Path p = file(data);
        try (FileChannel ch = impl.open(p, READ, WRITE)) {
            ch.position(7);
            byte[] patch = bytes(5, 9);
            assertEquals(5, ch.write(buf.of(patch), 20));
            assertEquals(7, ch.position());
            ByteBuffer dst = buf.allocate(10);
            assertEquals(10, ch.read(dst, 18));
            assertEquals(7, ch.position());
            assertArrayEquals(concat(range(data, 18, 20), patch, range(data, 25, 28)), filled(dst));
            // A positional read ending at end of file is short; at or past end of file it gives -1.
            ByteBuffer tail = buf.allocate(10);
            assertEquals(4, ch.read(tail, 36));
            assertEquals(-1, ch.read(buf.allocate(10), 40));
            assertEquals(-1, ch.read(buf.allocate(10), 1000));
            assertEquals(7, ch.position());
            // A positional write past the end grows the file. Javadoc: the bytes between the old end and
            // the new ones are unspecified; Linux leaves a hole that reads as zeros, and both must agree.
            assertEquals(3, ch.write(buf.of(new byte[] {1, 2, 3}), 60));
            assertEquals(63, ch.size());
            assertEquals(7, ch.position());
        }
        byte[] file = Files.readAllBytes(p);
        assertArrayEquals(new byte[20], range(file, 40, 60));
        assertArrayEquals(new byte[] {1, 2, 3}, range(file, 60, 63));
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void zeroBytesRemaining(Impl impl, Buf buf) throws IOException {
        Path p = file(10);
        try (FileChannel ch = impl.open(p, READ, WRITE)) {
            ByteBuffer full = buf.allocate(4).position(4);
            assertEquals(0, ch.read(full));
            assertEquals(0, ch.read(full, 3));
            assertEquals(0, ch.position());
            // At end of file a read with nothing remaining gives 0, not -1 (no read is attempted: the
            // JDK returns before the system call), relative or positional.
            ch.position(10);
            assertEquals(0, ch.read(full));
            assertEquals(0, ch.read(full, 10));
            assertEquals(0, ch.read(full, 50));
            assertEquals(0, ch.write(full));
            assertEquals(0, ch.write(full, 20));
            assertEquals(10, ch.size());
            assertEquals(10, ch.position());
            assertEquals(4, full.position());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void largeTransfersComplete(Impl impl, Buf buf) throws IOException {
        // More than one temporary direct buffer's worth for heap buffers; a file read returns all of it.
        byte[] data = bytes((1 << 20) + 13, 5);
        Path p = dir.resolve("large");
        try (FileChannel ch = impl.open(p, RW)) {
            assertEquals(data.length, ch.write(buf.of(data)));
            ByteBuffer dst = buf.allocate(data.length);
            assertEquals(data.length, ch.read(dst, 0));
            assertArrayEquals(data, filled(dst));
        }
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void readIntoReadOnlyBufferIsIllegalArgument(Impl impl) throws IOException {
        try (FileChannel ch = impl.open(file(10), READ, WRITE)) {
            ByteBuffer ro = ByteBuffer.allocate(8).asReadOnlyBuffer();
            // ReadableByteChannel cannot fill a read-only buffer: IllegalArgumentException (IOUtil's
            // "Read-only buffer"), even with nothing remaining, and nothing is read.
            assertEquals("Read-only buffer", assertThrowsExactly(IllegalArgumentException.class, () -> ch.read(ro)).getMessage());
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.read(ro, 0));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocateDirect(8).asReadOnlyBuffer()));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.read(ro.position(8)));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.read(new ByteBuffer[] {ro}));
            assertEquals(0, ch.position());
            // Writing from a read-only buffer is fine.
            assertEquals(8, ch.write(ByteBuffer.wrap(bytes(8, 4)).asReadOnlyBuffer()));
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void negativePositionIsIllegalArgument(Impl impl) throws IOException {
        try (FileChannel ch = impl.open(file(10), READ, WRITE)) {
            ch.position(3);
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.position(-1));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocate(1), -1));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.write(ByteBuffer.allocate(1), -1));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocate(1), Long.MIN_VALUE));
            assertEquals(3, ch.position());
            assertEquals(10, ch.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void readOnlyChannelRefusesWrites(Impl impl) throws IOException {
        Path p = file(10);
        try (FileChannel ch = impl.open(p, READ); FileChannel other = impl.open(file(5), READ)) {
            ByteBuffer src = ByteBuffer.wrap(bytes(4, 1));
            List<Executable> writes = List.of(() -> ch.write(src), () -> ch.write(src, 0),
                    () -> ch.write(new ByteBuffer[] {src}), () -> ch.write(new ByteBuffer[] {src}, 0, 1),
                    () -> ch.truncate(5), () -> ch.transferFrom(other, 0, 5), () -> ch.lock(),
                    () -> ch.tryLock(), () -> ch.lock(0, 5, false), () -> ch.map(MapMode.READ_WRITE, 0, 5),
                    // MapMode.PRIVATE needs a channel open for reading and writing too (copy-on-write).
                    () -> ch.map(MapMode.PRIVATE, 0, 5));
            for (Executable w : writes) {
                assertThrowsExactly(NonWritableChannelException.class, w);
            }
            assertEquals(0, src.position());
            assertEquals(0, ch.position());
            assertEquals(0, other.position());
            assertEquals(10, ch.size());
            assertTrue(ch.isOpen());
            // Force is no write: allowed on a read-only channel.
            ch.force(true);
            ch.force(false);
        }
        assertEquals(10, Files.size(p));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void writeOnlyChannelRefusesReads(Impl impl) throws IOException {
        Path p = file(10);
        try (FileChannel ch = impl.open(p, WRITE); FileChannel target = impl.open(file(0), WRITE)) {
            ByteBuffer dst = ByteBuffer.allocate(4);
            List<Executable> reads = List.of(() -> ch.read(dst), () -> ch.read(dst, 0),
                    () -> ch.read(new ByteBuffer[] {dst}), () -> ch.read(new ByteBuffer[] {dst}, 0, 1),
                    () -> ch.transferTo(0, 5, target), () -> ch.lock(0, 5, true), () -> ch.tryLock(0, 5, true),
                    // Every mapping reads: even READ_WRITE on a write-only channel is NonReadable.
                    () -> ch.map(MapMode.READ_ONLY, 0, 5), () -> ch.map(MapMode.READ_WRITE, 0, 5),
                    () -> ch.map(MapMode.PRIVATE, 0, 5));
            for (Executable r : reads) {
                assertThrowsExactly(NonReadableChannelException.class, r);
            }
            assertEquals(0, dst.position());
            assertEquals(0, ch.position());
            assertEquals(0, target.size());
            assertTrue(ch.isOpen());
        }
    }

    // ------------------------------------------------------------------------------------ scatter and gather

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void gatheringWrite(Impl impl, Buf buf) throws IOException {
        Path p = dir.resolve("gather");
        byte[] a = bytes(3, 1);
        byte[] b = bytes(8, 2);
        byte[] c = bytes(4, 3);
        try (FileChannel ch = impl.open(p, RW)) {
            ch.position(2);
            ByteBuffer partly = buf.of(b).position(2); // only b[2..8) remains
            ByteBuffer empty = buf.allocate(0);
            ByteBuffer consumed = buf.of(bytes(5, 4)).position(5);
            ByteBuffer[] srcs = {buf.of(a), empty, partly, consumed, buf.of(c)};
            assertEquals(3 + 6 + 4, ch.write(srcs));
            for (ByteBuffer s : srcs) {
                assertEquals(s.limit(), s.position());
            }
            assertEquals(15, ch.position());
            // Subrange: only srcs2[1..3) are written.
            ByteBuffer[] srcs2 = {buf.of(bytes(2, 5)), buf.of(bytes(3, 6)), buf.of(bytes(4, 7)), buf.of(bytes(2, 8))};
            assertEquals(7, ch.write(srcs2, 1, 2));
            assertEquals(0, srcs2[0].position());
            assertEquals(3, srcs2[1].position());
            assertEquals(4, srcs2[2].position());
            assertEquals(0, srcs2[3].position());
            assertEquals(22, ch.position());
            // Nothing to write: an empty array, a zero-length subrange, only empty buffers.
            assertEquals(0, ch.write(new ByteBuffer[0]));
            assertEquals(0, ch.write(srcs2, 4, 0));
            assertEquals(0, ch.write(new ByteBuffer[] {empty, consumed}));
            assertEquals(22, ch.position());
        }
        assertArrayEquals(concat(new byte[2], a, range(b, 2, 8), c, bytes(3, 6), bytes(4, 7)), Files.readAllBytes(p));
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void scatteringRead(Impl impl, Buf buf) throws IOException {
        byte[] data = bytes(20, 6);
        try (FileChannel ch = impl.open(file(data), READ)) {
            ByteBuffer first = buf.allocate(4);
            ByteBuffer none = buf.allocate(0);
            ByteBuffer partly = buf.allocate(8).position(3); // 5 remaining
            ByteBuffer big = buf.allocate(100);
            ByteBuffer[] dsts = {first, none, partly, big};
            assertEquals(20, ch.read(dsts));
            assertEquals(4, first.position());
            assertEquals(0, none.position());
            assertEquals(8, partly.position());
            assertEquals(11, big.position());
            assertArrayEquals(range(data, 0, 4), filled(first));
            assertArrayEquals(concat(new byte[3], range(data, 4, 9)), filled(partly));
            assertArrayEquals(range(data, 9, 20), filled(big));
            assertEquals(20, ch.position());
            // At end of file with space remaining: -1; with no space remaining: 0.
            assertEquals(-1, ch.read(new ByteBuffer[] {buf.allocate(4)}));
            assertEquals(0, ch.read(new ByteBuffer[] {first, none}));
            assertEquals(0, ch.read(new ByteBuffer[0]));
            // Subrange: only dsts2[1..3) are filled, in order.
            ch.position(2);
            ByteBuffer[] dsts2 = {buf.allocate(4), buf.allocate(3), buf.allocate(2), buf.allocate(4)};
            assertEquals(5, ch.read(dsts2, 1, 2));
            assertEquals(0, dsts2[0].position());
            assertArrayEquals(range(data, 2, 5), filled(dsts2[1]));
            assertArrayEquals(range(data, 5, 7), filled(dsts2[2]));
            assertEquals(0, dsts2[3].position());
            assertEquals(7, ch.position());
            assertEquals(0, ch.read(dsts2, 4, 0));
            // Short at end of file: the buffers are filled in order until the data ends.
            ch.position(17);
            ByteBuffer[] dsts3 = {buf.allocate(2), buf.allocate(2), buf.allocate(2)};
            assertEquals(3, ch.read(dsts3));
            assertEquals(2, dsts3[0].position());
            assertEquals(1, dsts3[1].position());
            assertEquals(0, dsts3[2].position());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void scatterGatherBoundsAreIndexOutOfBounds(Impl impl) throws IOException {
        try (FileChannel ch = impl.open(file(10), READ, WRITE)) {
            ByteBuffer[] three = {ByteBuffer.allocate(1), ByteBuffer.allocate(1), ByteBuffer.allocate(1)};
            int[][] bad = {{-1, 1}, {0, 4}, {2, 2}, {4, 0}, {0, -1}, {1, Integer.MAX_VALUE}, {Integer.MAX_VALUE, 1}};
            for (int[] b : bad) {
                assertThrowsExactly(IndexOutOfBoundsException.class, () -> ch.read(three, b[0], b[1]), "read " + b[0] + "," + b[1]);
                assertThrowsExactly(IndexOutOfBoundsException.class, () -> ch.write(three, b[0], b[1]), "write " + b[0] + "," + b[1]);
            }
            // offset == length is a valid, empty range.
            assertEquals(0, ch.read(three, 3, 0));
            assertEquals(0, ch.write(three, 3, 0));
            for (ByteBuffer b : three) {
                assertEquals(0, b.position());
            }
            assertEquals(0, ch.position());
            assertEquals(10, ch.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void scatterWithAReadOnlyOrNullBufferTouchesNothing(Impl impl) throws IOException {
        try (FileChannel ch = impl.open(file(10), READ, WRITE)) {
            ByteBuffer a = ByteBuffer.allocate(4);
            ByteBuffer[] withReadOnly = {a, ByteBuffer.allocate(4).asReadOnlyBuffer()};
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.read(withReadOnly));
            assertEquals(0, a.position());
            // A read-only buffer outside the subrange is not looked at.
            assertEquals(4, ch.read(withReadOnly, 0, 1));
            ch.position(0);
            ByteBuffer b = ByteBuffer.allocate(4);
            // "Unless otherwise noted, passing a null argument ... will cause a NullPointerException".
            assertThrowsExactly(NullPointerException.class, () -> ch.read(new ByteBuffer[] {b, null}));
            assertThrowsExactly(NullPointerException.class, () -> ch.write(new ByteBuffer[] {b, null}));
            assertThrowsExactly(NullPointerException.class, () -> ch.read((ByteBuffer[]) null));
            assertThrowsExactly(NullPointerException.class, () -> ch.read((ByteBuffer) null));
            assertThrowsExactly(NullPointerException.class, () -> ch.write((ByteBuffer) null, 0));
            assertEquals(0, b.position());
            assertEquals(0, ch.position());
            assertEquals(10, ch.size());
        }
    }

    // ------------------------------------------------------------------------------------ position, size, truncate, force

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void positionBeyondSize(Impl impl, Buf buf) throws IOException {
        Path p = file(10);
        try (FileChannel ch = impl.open(p, READ, WRITE)) {
            // SeekableByteChannel.position(long): beyond the size is legal and does not change the size;
            // a read there is at end of file, a write grows the file.
            assertSame(ch, ch.position(1000));
            assertEquals(1000, ch.position());
            assertEquals(10, ch.size());
            assertEquals(-1, ch.read(buf.allocate(4)));
            assertEquals(-1, ch.read(new ByteBuffer[] {buf.allocate(4)}));
            assertEquals(1000, ch.position());
            assertEquals(10, ch.size());
            assertEquals(3, ch.write(buf.of(new byte[] {7, 8, 9})));
            assertEquals(1003, ch.position());
            assertEquals(1003, ch.size());
        }
        byte[] file = Files.readAllBytes(p);
        assertArrayEquals(new byte[990], range(file, 10, 1000), "the hole reads as zeros on Linux");
        assertArrayEquals(new byte[] {7, 8, 9}, range(file, 1000, 1003));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void truncate(Impl impl) throws IOException {
        byte[] data = bytes(100, 8);
        Path p = file(data);
        try (FileChannel ch = impl.open(p, READ, WRITE)) {
            // Smaller: the file shrinks; a position beyond the new size is set to it.
            ch.position(80);
            assertSame(ch, ch.truncate(50));
            assertEquals(50, ch.size());
            assertEquals(50, ch.position());
            // A position within the new size stays.
            ch.position(10);
            ch.truncate(40);
            assertEquals(40, ch.size());
            assertEquals(10, ch.position());
            // Larger than the size: the file is not modified...
            ch.truncate(70);
            assertEquals(40, ch.size());
            assertEquals(10, ch.position());
            // ...but "in either case, if this channel's file position is greater than the given size then
            // it is set to that size": a position beyond both the size and the argument comes down to the
            // argument even though the file did not change.
            ch.position(300);
            ch.truncate(200);
            assertEquals(40, ch.size());
            assertEquals(200, ch.position());
            ch.truncate(40);
            assertEquals(40, ch.position());
            ch.truncate(0);
            assertEquals(0, ch.size());
            assertEquals(0, ch.position());
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.truncate(-1));
        }
        assertEquals(0, Files.size(p));
        try (FileChannel ro = impl.open(file(data), READ)) {
            assertThrowsExactly(NonWritableChannelException.class, () -> ro.truncate(10));
            assertEquals(100, ro.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void sizeAndForce(Impl impl) throws IOException {
        Path p = dir.resolve("size");
        try (FileChannel ch = impl.open(p, RW)) {
            assertEquals(0, ch.size());
            ch.write(ByteBuffer.wrap(bytes(33, 1)));
            assertEquals(33, ch.size());
            ch.force(false);
            ch.force(true);
            // The size follows changes made through other channels and paths: it is the file's.
            Files.write(p, bytes(50, 2));
            assertEquals(50, ch.size());
            assertEquals(33, ch.position());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void appendMode(Impl impl, Buf buf) throws IOException {
        byte[] data = bytes(10, 1);
        Path p = file(data);
        try (FileChannel ch = impl.open(p, WRITE, APPEND)) {
            // FileChannel.open, APPEND: "each invocation of the channel's write method first advances the
            // channel's position to the end of the file and then writes the requested data".
            assertEquals(10, ch.position());
            assertEquals(3, ch.write(buf.of(bytes(3, 2))));
            assertEquals(13, ch.position());
            assertEquals(13, ch.size());
            // SeekableByteChannel.position(long) in append mode is "not recommended": the JDK accepts it,
            // yet position() reports the size (it is the end of file in append mode), and the next write
            // still goes to the end.
            ch.position(2);
            assertEquals(13, ch.position());
            assertEquals(2, ch.write(new ByteBuffer[] {buf.of(bytes(1, 3)), buf.of(bytes(1, 4))}));
            assertEquals(15, ch.position());
            // The file grown by another writer: writes still go to its end.
            try (OutputStream other = Files.newOutputStream(p, APPEND)) {
                other.write(new byte[] {42});
            }
            assertEquals(16, ch.position());
            assertEquals(1, ch.write(buf.of(new byte[] {43})));
            assertEquals(17, ch.position());
            // A positional write in append mode (Javadoc of write(ByteBuffer, long) is silent). On Linux
            // the JDK uses pwrite(2), which with O_APPEND ignores the offset and appends ("BUGS" in
            // pwrite(2)): the bytes land at the end, the position stays the size. uring4j must do the same.
            assertEquals(2, ch.write(buf.of(new byte[] {50, 51}), 0));
            assertEquals(19, ch.position());
            assertEquals(19, ch.size());
            // An append-only channel is not readable (READ + APPEND is refused at open).
            assertThrowsExactly(NonReadableChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
            // Truncation is allowed in append mode.
            ch.truncate(5);
            assertEquals(5, ch.size());
            assertEquals(5, ch.position());
            ch.write(buf.of(new byte[] {60}));
            assertEquals(6, ch.size());
        }
        assertArrayEquals(concat(range(data, 0, 5), new byte[] {60}), Files.readAllBytes(p));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void appendModeBytesOfPositionalWriteGoToTheEnd(Impl impl) throws IOException {
        byte[] data = bytes(10, 1);
        Path p = file(data);
        try (FileChannel ch = impl.open(p, WRITE, APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {50, 51}), 0);
            ch.write(ByteBuffer.wrap(new byte[] {52}), 100);
            // transferFrom writes at its position argument the same way: appended in append mode (up to JDK 20
            // the "position > size: nothing transferred" rule applies first; JDK 21+ transfers and appends).
            assertEquals(1, ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(new byte[] {53})), 0, 1));
            assertEquals(TRANSFER_FROM_GROWS ? 1 : 0,
                    ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(new byte[] {54})), 100, 1));
            assertEquals(TRANSFER_FROM_GROWS ? 15 : 14, ch.position());
        }
        assertArrayEquals(concat(data, TRANSFER_FROM_GROWS ? new byte[] {50, 51, 52, 53, 54} : new byte[] {50, 51, 52, 53}),
                Files.readAllBytes(p));
    }

    // ------------------------------------------------------------------------------------ transferTo, transferFrom

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implPairs")
    void transferToAFileChannel(Impl from, Impl to) throws IOException {
        byte[] data = bytes(100, 4);
        Path out = dir.resolve("out");
        try (FileChannel src = from.open(file(data), READ); FileChannel dst = to.open(out, RW)) {
            src.position(7);
            dst.position(3);
            assertEquals(50, src.transferTo(10, 50, dst));
            // "This method does not modify this channel's position"; the target's advances.
            assertEquals(7, src.position());
            assertEquals(53, dst.position());
            // Fewer than count bytes exist from position: what there is.
            assertEquals(10, src.transferTo(90, 1000, dst));
            assertEquals(63, dst.position());
            // "If the given position is greater than the file's current size then no bytes are transferred."
            assertEquals(0, src.transferTo(100, 10, dst));
            assertEquals(0, src.transferTo(5000, 10, dst));
            assertEquals(0, src.transferTo(0, 0, dst));
            assertEquals(63, dst.position());
            assertEquals(7, src.position());
        }
        assertArrayEquals(concat(new byte[3], range(data, 10, 60), range(data, 90, 100)), Files.readAllBytes(out));
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implPairs")
    void transferFromAFileChannel(Impl from, Impl to) throws IOException {
        byte[] data = bytes(100, 5);
        byte[] old = bytes(10, 6);
        Path out = file(old);
        try (FileChannel src = from.open(file(data), READ); FileChannel dst = to.open(out, READ, WRITE)) {
            src.position(3);
            dst.position(2);
            assertEquals(20, dst.transferFrom(src, 5, 20));
            // "If the source channel has a position then bytes are read starting at that position and then
            // the position is incremented by the number of bytes read." The target's position stays.
            assertEquals(23, src.position());
            assertEquals(2, dst.position());
            assertEquals(25, dst.size());
            // More than the source has: what it has.
            src.position(90);
            assertEquals(10, dst.transferFrom(src, 25, 1000));
            assertEquals(100, src.position());
            assertEquals(35, dst.size());
            // At end of the source: 0.
            assertEquals(0, dst.transferFrom(src, 0, 10));
            src.position(0);
            if (TRANSFER_FROM_GROWS) {
                // JDK 21+: "If the given position is greater than or equal to the file's current size then the
                // file will be grown to accommodate the new bytes" (the byte in between is unspecified).
                assertEquals(10, dst.transferFrom(src, 36, 10));
                assertEquals(10, src.position());
                assertEquals(46, dst.size());
                ByteBuffer grown = ByteBuffer.allocate(10);
                assertEquals(10, dst.read(grown, 36));
                assertArrayEquals(range(data, 0, 10), grown.array());
                dst.truncate(35);
                src.position(0);
            } else {
                // Up to JDK 20: "If the given position is greater than the file's current size then no bytes are
                // transferred": the source is not read either.
                assertEquals(0, dst.transferFrom(src, 36, 10));
                assertEquals(0, src.position());
            }
            assertEquals(35, dst.size());
            // At exactly the size: appends.
            assertEquals(4, dst.transferFrom(src, 35, 4));
            assertEquals(39, dst.size());
        }
        assertArrayEquals(concat(range(old, 0, 5), range(data, 3, 23), range(data, 90, 100), range(data, 0, 4)),
                Files.readAllBytes(out));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void transferToPipeAndStreamChannels(Impl impl) throws IOException {
        byte[] data = bytes(5000, 7);
        try (FileChannel ch = impl.open(file(data), READ)) {
            // An arbitrary WritableByteChannel (not a file, not selectable).
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            WritableByteChannel wrapped = Channels.newChannel(sink);
            assertEquals(4000, ch.transferTo(1000, 4000, wrapped));
            assertArrayEquals(range(data, 1000, 5000), sink.toByteArray());
            assertEquals(0, ch.position());
            // A pipe (a selectable channel, blocking); less than its capacity so no reader is needed.
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel w = pipe.sink(); Pipe.SourceChannel r = pipe.source()) {
                assertEquals(3000, ch.transferTo(2000, 10_000, w));
                ByteBuffer got = ByteBuffer.allocate(3000);
                while (got.hasRemaining()) {
                    r.read(got);
                }
                assertArrayEquals(range(data, 2000, 5000), got.array());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void transferFromPipeAndStreamChannels(Impl impl) throws IOException {
        byte[] data = bytes(5000, 8);
        Path out = dir.resolve("from");
        try (FileChannel ch = impl.open(out, RW)) {
            ReadableByteChannel wrapped = Channels.newChannel(new ByteArrayInputStream(data));
            assertEquals(5000, ch.transferFrom(wrapped, 0, 1_000_000));
            assertEquals(0, ch.position());
            assertEquals(5000, ch.size());
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel r = pipe.source()) {
                try (Pipe.SinkChannel w = pipe.sink()) {
                    ByteBuffer b = ByteBuffer.wrap(range(data, 0, 1000));
                    while (b.hasRemaining()) {
                        w.write(b);
                    }
                }
                // The writer closed: the source ends after 1000 bytes, fewer than the count.
                assertEquals(1000, ch.transferFrom(r, 5000, 4000));
                assertEquals(6000, ch.size());
            }
        }
        assertArrayEquals(concat(data, range(data, 0, 1000)), Files.readAllBytes(out));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void transferArguments(Impl impl) throws IOException {
        try (FileChannel ch = impl.open(file(10), READ, WRITE); FileChannel other = impl.open(file(10), READ, WRITE);
                FileChannel readOnly = impl.open(file(10), READ)) {
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.transferTo(-1, 5, other));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.transferTo(0, -1, other));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.transferFrom(other, -1, 5));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.transferFrom(other, 0, -1));
            assertThrowsExactly(NonWritableChannelException.class, () -> ch.transferTo(0, 5, readOnly));
            FileChannel closed = impl.open(file(10), READ, WRITE);
            closed.close();
            assertThrowsExactly(ClosedChannelException.class, () -> ch.transferTo(0, 5, closed));
            assertThrowsExactly(ClosedChannelException.class, () -> ch.transferFrom(closed, 0, 5));
            assertEquals(0, other.position());
            assertEquals(10, other.size());
            assertEquals(10, ch.size());
        }
    }

    // ------------------------------------------------------------------------------------ map

    @ParameterizedTest
    @EnumSource(Impl.class)
    void mapModes(Impl impl) throws IOException {
        byte[] data = bytes(100, 9);
        Path p = file(data);
        try (FileChannel ch = impl.open(p, READ, WRITE)) {
            MappedByteBuffer ro = ch.map(MapMode.READ_ONLY, 10, 20);
            assertTrue(ro.isReadOnly());
            assertEquals(20, ro.capacity());
            assertEquals(0, ro.position());
            byte[] got = new byte[20];
            ro.duplicate().get(got);
            assertArrayEquals(range(data, 10, 30), got);

            // READ_WRITE: "Changes made to the resulting buffer will eventually be propagated to the file";
            // on Linux the page cache is shared, so a read through the channel sees them at once.
            MappedByteBuffer rw = ch.map(MapMode.READ_WRITE, 0, 100);
            assertFalse(rw.isReadOnly());
            rw.put(5, (byte) 77);
            rw.force();
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, 5);
            assertEquals(77, one.get(0));
            // Writes through the channel are visible through a shared mapping.
            ch.write(ByteBuffer.wrap(new byte[] {88}), 15);
            assertEquals(88, ro.get(5));

            // PRIVATE: copy on write, "not visible to other programs that have mapped the same file".
            MappedByteBuffer priv = ch.map(MapMode.PRIVATE, 0, 100);
            assertFalse(priv.isReadOnly());
            priv.put(6, (byte) 99);
            ByteBuffer two = ByteBuffer.allocate(1);
            ch.read(two, 6);
            assertEquals(data[6], two.get(0));
            assertEquals(99, priv.get(6));
            assertEquals(0, ch.position());

            // READ_WRITE past the end grows the file to the end of the region (the JDK extends the file
            // for a writable channel; Javadoc: behaviour for a region not within the file is unspecified).
            MappedByteBuffer grown = ch.map(MapMode.READ_WRITE, 90, 30);
            assertEquals(120, ch.size());
            assertEquals(0, grown.get(29));

            // A mapping outlives its channel: "Closing the channel ... has no effect upon the validity of the mapping."
            ch.close();
            assertEquals(77, rw.get(5));
            assertEquals(88, ro.get(5));
        }
        byte[] file = Files.readAllBytes(p);
        assertEquals(77, file[5]);
        assertEquals(data[6], file[6]);
        assertEquals(120, file.length);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void mapArguments(Impl impl) throws IOException {
        try (FileChannel ch = impl.open(file(100), READ, WRITE); FileChannel ro = impl.open(file(100), READ)) {
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.map(MapMode.READ_ONLY, -1, 10));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.map(MapMode.READ_ONLY, 0, -1));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.map(MapMode.READ_ONLY, 0, Integer.MAX_VALUE + 1L));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.map(MapMode.READ_ONLY, Long.MAX_VALUE, 10));
            assertThrowsExactly(NullPointerException.class, () -> ch.map(null, 0, 10));
            assertThrowsExactly(NonWritableChannelException.class, () -> ro.map(MapMode.READ_WRITE, 0, 10));
            assertThrowsExactly(NonWritableChannelException.class, () -> ro.map(MapMode.PRIVATE, 0, 10));
            // A zero-size mapping is valid and empty.
            assertEquals(0, ch.map(MapMode.READ_ONLY, 50, 0).capacity());
            // READ_ONLY past the end of a file on a read-only channel: the JDK cannot extend the file and
            // throws IOException (unspecified by the Javadoc; the message says why).
            IOException e = assertThrowsExactly(IOException.class, () -> ro.map(MapMode.READ_ONLY, 50, 100));
            assertNotNull(e.getMessage());
            assertEquals(100, ro.size());
            assertEquals(100, ch.size());
        }
    }

    // ------------------------------------------------------------------------------------ locks

    @ParameterizedTest
    @EnumSource(Impl.class)
    void exclusiveLock(Impl impl) throws IOException {
        try (FileChannel ch = impl.open(file(10), READ, WRITE)) {
            FileLock lock = ch.lock();
            assertTrue(lock.isValid());
            assertFalse(lock.isShared());
            assertEquals(0, lock.position());
            // lock(): "a lock on the entire file ... lock(0L, Long.MAX_VALUE, false)".
            assertEquals(Long.MAX_VALUE, lock.size());
            // FileLock.channel() and acquiredBy() are the channel this lock was acquired with.
            assertSame(ch, lock.channel());
            assertSame(ch, lock.acquiredBy());
            assertTrue(lock.overlaps(5, 1));
            lock.release();
            assertFalse(lock.isValid());
            // "If this lock object is invalid then invoking this method has no effect."
            lock.release();
            try (FileLock again = ch.tryLock()) {
                assertNotNull(again);
                assertTrue(again.isValid());
            }
            assertTrue(ch.isOpen());
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void sharedLockOnReadOnlyAndWrongModes(Impl impl) throws IOException {
        Path p = file(10);
        try (FileChannel ro = impl.open(p, READ); FileChannel wo = impl.open(file(10), WRITE)) {
            FileLock shared = ro.lock(0, Long.MAX_VALUE, true);
            assertTrue(shared.isShared());
            assertSame(ro, shared.channel());
            // Overlapping within this JVM: refused even though both are shared (locks are held on
            // behalf of the JVM; the FileLock class doc: not for controlling access among its threads).
            assertThrowsExactly(OverlappingFileLockException.class, () -> ro.tryLock(5, 1, true));
            shared.release();
            FileLock part = ro.tryLock(2, 3, true);
            assertNotNull(part);
            assertEquals(2, part.position());
            assertEquals(3, part.size());
            part.release();
            assertThrowsExactly(NonWritableChannelException.class, () -> ro.lock());
            assertThrowsExactly(NonWritableChannelException.class, () -> ro.tryLock());
            assertThrowsExactly(NonWritableChannelException.class, () -> ro.lock(0, 5, false));
            assertThrowsExactly(NonReadableChannelException.class, () -> wo.lock(0, 5, true));
            assertThrowsExactly(NonReadableChannelException.class, () -> wo.tryLock(0, 5, true));
            try (FileLock exclusive = wo.lock()) {
                assertFalse(exclusive.isShared());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void lockArguments(Impl impl) throws IOException {
        try (FileChannel ch = impl.open(file(10), READ, WRITE)) {
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.lock(-1, 5, false));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.lock(0, -1, false));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.tryLock(-1, 5, true));
            assertThrowsExactly(IllegalArgumentException.class, () -> ch.tryLock(Long.MAX_VALUE, 10, false));
            // A region beyond the end of the file can be locked.
            try (FileLock far = ch.lock(1000, 10, false)) {
                assertTrue(far.isValid());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implPairs")
    void overlappingLocksInOneJvm(Impl first, Impl second) throws IOException {
        Path p = file(100);
        try (FileChannel a = first.open(p, READ, WRITE); FileChannel b = second.open(p, READ, WRITE)) {
            FileLock la = a.lock(10, 20, false);
            // The same channel, and another channel on the same file, possibly of the other implementation:
            // "OverlappingFileLockException - If a lock that overlaps the requested region is already held by
            // this Java virtual machine". So uring4j's locks must share the JDK's per-file lock table.
            assertThrowsExactly(OverlappingFileLockException.class, () -> a.lock(0, 11, false));
            assertThrowsExactly(OverlappingFileLockException.class, () -> a.tryLock(29, 5, false));
            assertThrowsExactly(OverlappingFileLockException.class, () -> b.lock(15, 1, true));
            assertThrowsExactly(OverlappingFileLockException.class, () -> b.tryLock());
            // Adjacent regions do not overlap.
            FileLock lb = b.lock(30, 10, false);
            FileLock lc = b.tryLock(0, 10, false);
            assertNotNull(lc);
            assertSame(b, lb.channel());
            la.release();
            FileLock again = b.tryLock(10, 20, false);
            assertNotNull(again);
            assertSame(b, again.channel());
            again.release();
            lb.release();
            lc.release();
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closingTheChannelReleasesItsLocks(Impl impl) throws IOException {
        Path p = file(10);
        FileChannel ch = impl.open(p, READ, WRITE);
        FileLock a = ch.lock(0, 5, false);
        FileLock b = ch.lock(5, 5, true);
        ch.close();
        assertFalse(a.isValid());
        assertFalse(b.isValid());
        // FileLock.release: "ClosedChannelException - If the channel that was used to acquire this lock is
        // no longer open", even though the lock is already invalid.
        assertThrowsExactly(ClosedChannelException.class, a::release);
        assertThrowsExactly(ClosedChannelException.class, b::close);
        // The region is free again for a new channel.
        try (FileChannel other = impl.open(p, READ, WRITE); FileLock l = other.tryLock()) {
            assertNotNull(l);
        }
    }

    // ------------------------------------------------------------------------------------ threads

    @ParameterizedTest
    @EnumSource(Impl.class)
    void concurrentRelativeAndPositionalOperations(Impl impl) throws Exception {
        // FileChannel: "File channels are safe for use by multiple concurrent threads" and "only one operation
        // that involves the channel's position or can change its file's size may be in progress at any given
        // time": concurrent relative writes each take their own range, none overlaps another.
        int threads = 4;
        int perThread = 250;
        int record = 16;
        Path p = dir.resolve("threads");
        try (FileChannel ch = impl.open(p, RW)) {
            List<Thread> writers = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int id = t;
                writers.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            ByteBuffer b = (i % 2 == 0 ? Buf.HEAP : Buf.DIRECT).allocate(record);
                            b.putInt(id).putInt(i).putInt(~id).putInt(~i).flip();
                            assertEquals(record, ch.write(b));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            writers.forEach(Thread::start);
            // 1,000 contended writes, not a blocking case: in a test-kernels guest beside a busy
            // host they took more than the 10 s the blocking cases get (4 s for the JDK's there).
            for (Thread t : writers) {
                NioTestSupport.join(t, 60);
            }
            assertEquals(List.of(), errors);
            assertEquals((long) threads * perThread * record, ch.size());
            assertEquals(ch.size(), ch.position());
            // Every record intact, each (thread, index) exactly once, each thread's in its order.
            int[] next = new int[threads];
            ByteBuffer all = ByteBuffer.allocate((int) ch.size());
            while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
                // positional reads until full
            }
            all.flip();
            while (all.hasRemaining()) {
                int id = all.getInt();
                int i = all.getInt();
                assertEquals(~id, all.getInt());
                assertEquals(~i, all.getInt());
                assertEquals(next[id]++, i, "thread " + id + "'s records in order");
            }
            // Positional reads from several threads at once, while the position is moved by another.
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                readers.add(new Thread(() -> {
                    try {
                        for (int k = 0; k < 200; k++) {
                            int r = (k * 31 + id * 7) % (threads * perThread);
                            ByteBuffer b = ByteBuffer.allocateDirect(record);
                            assertEquals(record, ch.read(b, (long) r * record));
                            b.flip();
                            assertEquals(~b.getInt(0), b.getInt(8));
                            if (id == 0) {
                                ch.position(r);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            readers.forEach(Thread::start);
            for (Thread t : readers) {
                NioTestSupport.join(t);
            }
            assertEquals(List.of(), errors);
        }
    }

    // ------------------------------------------------------------------------------------ closed channel

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closedChannelThrowsClosedChannelExceptionEverywhere(Impl impl) throws IOException {
        Path p = file(10);
        FileChannel ch = impl.open(p, READ, WRITE);
        FileChannel other = impl.open(file(10), READ, WRITE);
        assertTrue(ch.isOpen());
        ch.close();
        assertFalse(ch.isOpen());
        ch.close(); // "If the channel has already been closed then this method returns immediately."
        ByteBuffer b = ByteBuffer.allocate(4);
        Map<String, Executable> ops = new LinkedHashMap<>();
        ops.put("size", ch::size);
        ops.put("position", ch::position);
        ops.put("position(long)", () -> ch.position(1));
        ops.put("read", () -> ch.read(b));
        ops.put("read(position)", () -> ch.read(b, 0));
        ops.put("read[]", () -> ch.read(new ByteBuffer[] {b}));
        ops.put("read[](offset,length)", () -> ch.read(new ByteBuffer[] {b}, 0, 1));
        ops.put("write", () -> ch.write(b));
        ops.put("write(position)", () -> ch.write(b, 0));
        ops.put("write[]", () -> ch.write(new ByteBuffer[] {b}));
        ops.put("write[](offset,length)", () -> ch.write(new ByteBuffer[] {b}, 0, 1));
        ops.put("truncate", () -> ch.truncate(1));
        ops.put("force(true)", () -> ch.force(true));
        ops.put("force(false)", () -> ch.force(false));
        ops.put("lock", () -> ch.lock());
        ops.put("lock(shared)", () -> ch.lock(0, 1, true));
        ops.put("tryLock", () -> ch.tryLock());
        ops.put("tryLock(shared)", () -> ch.tryLock(0, 1, true));
        ops.put("map(READ_ONLY)", () -> ch.map(MapMode.READ_ONLY, 0, 1));
        ops.put("map(READ_WRITE)", () -> ch.map(MapMode.READ_WRITE, 0, 1));
        ops.put("transferTo", () -> ch.transferTo(0, 1, other));
        ops.put("transferFrom", () -> ch.transferFrom(other, 0, 1));
        // With nothing to do the channel is still checked first.
        ops.put("read(nothing remaining)", () -> ch.read(ByteBuffer.allocate(0)));
        ops.put("write(nothing remaining)", () -> ch.write(ByteBuffer.allocate(0)));
        ops.put("read(empty array)", () -> ch.read(new ByteBuffer[0]));
        ops.put("transferTo(count 0)", () -> ch.transferTo(0, 0, other));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Executable> op : ops.entrySet()) {
            try {
                op.getValue().execute();
                wrong.add(op.getKey() + ": returned");
            } catch (Throwable t) {
                if (t.getClass() != ClosedChannelException.class) {
                    wrong.add(op.getKey() + ": " + t);
                }
            }
        }
        assertEquals(List.of(), wrong, "every operation of a closed channel throws ClosedChannelException");
        assertEquals(0, b.position());
        assertEquals(0, other.position());
        assertEquals(10, other.size());
        other.close();
        assertEquals(10, Files.size(p));
    }

    // ------------------------------------------------------------------------------------ large positions

    @ParameterizedTest
    @MethodSource("dev.uring4j.nio.NioTestSupport#implsAndBufs")
    void positionsBeyond2To31And2To32(Impl impl, Buf buf) throws IOException {
        Path p = dir.resolve("sparse");
        long[] at = {(1L << 31) - 2, (1L << 32) - 3, 5 * GIB + 3};
        try (FileChannel ch = impl.open(p, Set.of(READ, WRITE, CREATE_NEW, SPARSE))) {
            for (int i = 0; i < at.length; i++) {
                // Straddling 2^31 and 2^32: an implementation truncating positions to int or uint would fail.
                assertEquals(6, ch.write(buf.of(bytes(6, i)), at[i]));
            }
            assertEquals(5 * GIB + 9, ch.size());
            assertEquals(0, ch.position());
            for (int i = 0; i < at.length; i++) {
                ByteBuffer dst = buf.allocate(6);
                assertEquals(6, ch.read(dst, at[i]));
                assertArrayEquals(bytes(6, i), filled(dst), "at " + at[i]);
            }
            // Relative operations at a long position.
            ch.position(5 * GIB);
            ByteBuffer dst = buf.allocate(20);
            assertEquals(9, ch.read(dst));
            assertEquals(5 * GIB + 9, ch.position());
            assertArrayEquals(concat(new byte[3], bytes(6, 2)), filled(dst));
            assertEquals(-1, ch.read(buf.allocate(1)));
            ch.position(6 * GIB);
            assertEquals(2, ch.write(buf.of(new byte[] {1, 2})));
            assertEquals(6 * GIB + 2, ch.size());
            assertEquals(6 * GIB + 2, ch.position());
            // A hole far from any data reads as zeros.
            ByteBuffer hole = buf.allocate(8);
            assertEquals(8, ch.read(hole, 3 * GIB));
            assertArrayEquals(new byte[8], filled(hole));
            // transferTo and map at such positions.
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            assertEquals(6, ch.transferTo(at[1], 6, Channels.newChannel(sink)));
            assertArrayEquals(bytes(6, 1), sink.toByteArray());
            MappedByteBuffer m = ch.map(MapMode.READ_ONLY, at[2], 6);
            byte[] mapped = new byte[6];
            m.get(mapped);
            assertArrayEquals(bytes(6, 2), mapped);
            ByteArrayInputStream more = new ByteArrayInputStream(new byte[] {4, 5, 6});
            assertEquals(3, ch.transferFrom(Channels.newChannel(more), 6 * GIB + 2, 10));
            assertEquals(6 * GIB + 5, ch.size());
            // truncate between them.
            ch.truncate((1L << 32) + 1);
            assertEquals((1L << 32) + 1, ch.size());
            assertEquals((1L << 32) + 1, ch.position());
        }
        assertEquals((1L << 32) + 1, Files.size(p));
    }

    // ------------------------------------------------------------------------------------ as a SeekableByteChannel

    /** One scripted use of a SeekableByteChannel; returns a transcript of everything observable. */
    private static List<String> script(SeekableByteChannel ch) throws IOException {
        List<String> t = new ArrayList<>();
        t.add("size " + ch.size() + " position " + ch.position());
        ByteBuffer b = ByteBuffer.allocate(7);
        t.add("read " + ch.read(b) + " -> " + b);
        t.add("same " + (ch.position(3) == ch) + " position " + ch.position());
        t.add("write " + ch.write(ByteBuffer.wrap(bytes(5, 3))) + " position " + ch.position() + " size " + ch.size());
        ch.position(ch.size() + 4);
        t.add("read at end " + ch.read(ByteBuffer.allocate(3)) + " position " + ch.position());
        t.add("write past end " + ch.write(ByteBuffer.wrap(bytes(2, 4))) + " size " + ch.size());
        t.add("same " + (ch.truncate(9) == ch) + " size " + ch.size() + " position " + ch.position());
        ch.position(0);
        ByteBuffer all = ByteBuffer.allocate(32);
        t.add("read all " + ch.read(all) + " " + java.util.Arrays.toString(filled(all)));
        t.add("read " + ch.read(ByteBuffer.allocate(1)) + " position " + ch.position());
        t.add("open " + ch.isOpen());
        ch.close();
        t.add("open " + ch.isOpen());
        return t;
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void behavesAsFilesNewByteChannel(Impl impl) throws IOException {
        byte[] data = bytes(12, 1);
        Path a = file(data);
        Path b = file(data);
        Set<OpenOption> opts = Set.of(READ, WRITE);
        List<String> reference;
        try (SeekableByteChannel sbc = Files.newByteChannel(a, opts)) {
            reference = script(sbc);
        }
        SeekableByteChannel ours = impl.open(b, opts);
        assertEquals(reference, script(ours));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void asStreams(Impl impl) throws IOException {
        byte[] data = bytes(10_000, 2);
        Path p = dir.resolve("streams");
        try (FileChannel ch = impl.open(p, RW)) {
            try (OutputStream out = Channels.newOutputStream(ch)) {
                out.write(data, 0, 6000);
                out.write(data, 6000, 4000);
            }
            // Closing the stream closes the channel.
            assertFalse(ch.isOpen());
        }
        try (FileChannel ch = impl.open(p, READ)) {
            ch.position(100);
            InputStream in = Channels.newInputStream(ch);
            // The JDK's channel stream knows a SeekableByteChannel: available() is size - position.
            assertEquals(9900, in.available());
            assertEquals(100, in.skip(100));
            assertEquals(200, ch.position());
            assertArrayEquals(range(data, 200, 10_000), in.readAllBytes());
            assertEquals(-1, in.read());
            assertEquals(10_000, ch.position());
        }
    }
}
